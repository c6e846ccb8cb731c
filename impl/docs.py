"""Serves the hand-written spec as it is, and self-hosted Swagger UI and Redoc (assets from fastapi-offline, no CDN).

`/openapi.yaml` is the file byte for byte and `/openapi.json` the file as JSON: the contract. The docs pages
render `/docs/presentation.json` instead, the same API shown for reading (impl/docs_presentation.py: common
headers described once, patterns as sentences, the server named by the origin the page came from).

The docs pages carry a Content-Security-Policy: scripts only from this server, plus each page's own inline script
by its hash (computed from the page itself); nothing from other origins. Nothing is fetched from elsewhere either:
Redoc's bundle is served with its Redocly badge image replaced by a local one, and no web fonts are asked for.
"""

import base64
import hashlib
import html
import json
import re
from collections.abc import Callable
from pathlib import Path

import fastapi_offline
import yaml
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_oauth2_redirect_html
from fastapi.staticfiles import StaticFiles
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from impl.docs_presentation import offline_redoc, presentation, with_origin

ASSETS = Path(fastapi_offline.__file__).parent / "static"
ASSETS_URL = "/docs-assets"
PRESENTATION_URL = "/docs/presentation.json"
REDOC_BUNDLE_URL = f"{ASSETS_URL}/redoc.standalone.js"

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
# An origin as the Host header may carry it (a name or an address, and a port): anything else is not shown.
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.\-\[\]:]{1,300}$")

# Styles: Redoc (styled-components) and Swagger UI add <style> elements at run time, which only 'unsafe-inline'
# allows; a style cannot run code. Redoc builds its search worker from a blob: URL; Swagger UI's icons are data:.
_POLICY = (
    "default-src 'none'; script-src 'self'{scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)

# Swagger UI's Authorize dialog, for this API: the scheme's description (shown in the dialog) says to register
# first and that the username is the email; the fields a password login here never uses are hidden (client id and
# secret, where to send them, the generic scopes text), and the username field says what to type.
_SWAGGER_STYLE = """
.auth-container .wrapper:has(> label[for^="client_id"]), .auth-container .wrapper:has(> label[for^="client_secret"]),
.auth-container .wrapper:has(> label[for="password_type"]),
.auth-container .scope-def, .auth-container .scopes, .auth-container .flow { display: none; }
.auth-container label[for="oauth_username"]::after { content: " (your email)"; font-weight: normal; }
"""

_SWAGGER_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" href="{assets}/favicon.png">
<style>{style}</style>
</head>
<body>
<div id="swagger-ui"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script>{script}</script>
</body>
</html>
"""

_REDOC_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="{assets}/favicon.png">
<style>body {{ margin: 0; padding: 0; }}</style>
</head>
<body>
<noscript>Redoc needs JavaScript; the contract itself is <a href="/openapi.yaml">/openapi.yaml</a>.</noscript>
<redoc spec-url="{spec_url}" download-definition-url="/openapi.yaml" download-file-name="openapi.yaml"></redoc>
<script src="{bundle}"></script>
</body>
</html>
"""


def swagger_ui_html(title: str) -> HTMLResponse:
    config = {
        "url": PRESENTATION_URL,
        "dom_id": "#swagger-ui",
        "layout": "BaseLayout",
        "deepLinking": True,
        "showExtensions": False,
        "oauth2RedirectUrl": "/docs/oauth2-redirect",
    }
    script = (
        f"const config = {json.dumps(config)};\n"
        "config.oauth2RedirectUrl = window.location.origin + config.oauth2RedirectUrl;\n"
        "config.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];\n"
        "window.ui = SwaggerUIBundle(config);\n"
    )
    page = _SWAGGER_PAGE.format(title=html.escape(title), assets=ASSETS_URL, style=_SWAGGER_STYLE, script=script)
    return HTMLResponse(page)


def redoc_html(title: str) -> HTMLResponse:
    page = _REDOC_PAGE.format(
        title=html.escape(title), assets=ASSETS_URL, spec_url=PRESENTATION_URL, bundle=REDOC_BUNDLE_URL
    )
    return HTMLResponse(page)


def page_origin(request: Request) -> str:
    """The origin the docs page was loaded from, as the server sees it (behind a trusted proxy, the client's)."""
    origin = f"{request.url.scheme}://{request.headers.get('host', request.url.netloc)}"
    return origin if _ORIGIN.match(origin) else "this server"


def with_policy(page: HTMLResponse) -> Callable[[], HTMLResponse]:
    """Answers with the page and a Content-Security-Policy that allows exactly its own inline scripts (a new
    response each time: middleware adds headers to the one it is given)."""
    html = bytes(page.body)
    hashes = [
        base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        for script in _INLINE_SCRIPT.findall(html.decode())
    ]
    policy = _POLICY.format(scripts="".join(f" 'sha256-{digest}'" for digest in hashes))
    return lambda: HTMLResponse(html, headers={"Content-Security-Policy": policy})


def install_docs(app: FastAPI, spec_path: Path, title: str) -> None:
    spec_bytes = spec_path.read_bytes()  # read once: /openapi.yaml is byte-identical to the file
    # libyaml's loader when PyYAML has it (about 8x faster: start-up time), else the pure-Python one.
    spec_document = yaml.load(spec_bytes, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    shown = presentation(spec_document)
    redoc_bundle = offline_redoc((ASSETS / "redoc.standalone.js").read_text(encoding="utf-8")).encode()

    # Registered before the assets are mounted, so that this path answers with the offline bundle, never the
    # original one.
    @app.get(REDOC_BUNDLE_URL, include_in_schema=False)
    async def redoc_bundle_js() -> Response:
        return Response(redoc_bundle, media_type="text/javascript; charset=utf-8")

    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS), name="docs-assets")

    # Not an API operation (not in the spec, like the docs themselves): someone opening the server's address in a
    # browser lands on the reference. 307: where the docs live may change, so nothing caches it.
    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse("/docs", status_code=307)

    @app.get("/openapi.yaml", include_in_schema=False)
    async def openapi_yaml() -> Response:
        return Response(spec_bytes, media_type="application/yaml")

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi_json() -> JSONResponse:
        return JSONResponse(spec_document)

    @app.get(PRESENTATION_URL, include_in_schema=False)
    async def presentation_json(request: Request) -> JSONResponse:
        return JSONResponse(with_origin(shown, page_origin(request)))

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return swagger_page()

    swagger_page = with_policy(swagger_ui_html(f"{title} - Swagger UI"))

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return redirect_page()

    redirect_page = with_policy(get_swagger_ui_oauth2_redirect_html())

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return redoc_page()

    redoc_page = with_policy(redoc_html(f"{title} - Redoc"))
