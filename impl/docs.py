"""Serves the hand-written spec as it is, and self-hosted Swagger UI and Redoc (assets from fastapi-offline, no CDN).

The docs pages carry a Content-Security-Policy: scripts only from this server, plus each page's own inline script
by its hash (computed from the page itself, so it follows FastAPI's templates); nothing from other origins.
"""

import base64
import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import fastapi_offline
import yaml
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

ASSETS = Path(fastapi_offline.__file__).parent / "static"
ASSETS_URL = "/docs-assets"

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)

# Styles: Redoc (styled-components) and Swagger UI add <style> elements at run time, which only 'unsafe-inline'
# allows; a style cannot run code. Redoc builds its search worker from a blob: URL; Swagger UI's icons are data:.
_POLICY = (
    "default-src 'none'; script-src 'self'{scripts}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


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

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return swagger_page()

    swagger_page = with_policy(
        get_swagger_ui_html(
            openapi_url="/openapi.json",
            title=f"{title} - Swagger UI",
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
            oauth2_redirect_url="/docs/oauth2-redirect",
        )
    )

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return redirect_page()

    redirect_page = with_policy(get_swagger_ui_oauth2_redirect_html())

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return redoc_page()

    redoc_page = with_policy(
        get_redoc_html(
            openapi_url="/openapi.json",
            title=f"{title} - ReDoc",
            redoc_js_url=f"{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        )
    )
