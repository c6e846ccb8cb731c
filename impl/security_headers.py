"""Security headers on every answer, including those no operation renders (unknown paths, 405s, docs, assets).

The spec declares them on each operation's answers (the generated runtime sends those, as constant headers);
this middleware is the floor under everything else:
- `X-Content-Type-Options: nosniff` on every answer: browsers never second-guess the declared media type;
- `Cache-Control: no-store` on every `/v1` answer (a caller's data, tokens, or what a token let them see);
- `Pragma: no-cache` as well on the token endpoint (RFC 6749 section 5.1, for HTTP/1.0 caches).
A header an answer already carries is left as it is.
"""

from __future__ import annotations

from typing import Final

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_PREFIX: Final = "/v1/"
TOKEN_PATH: Final = "/v1/auth/token"


def headers_for(path: str) -> dict[str, str]:
    headers = {"X-Content-Type-Options": "nosniff"}
    if path.startswith(API_PREFIX):
        headers["Cache-Control"] = "no-store"
    if path == TOKEN_PATH:
        headers["Pragma"] = "no-cache"
    return headers


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted = headers_for(scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in wanted.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
