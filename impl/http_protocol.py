"""uvicorn's httptools protocol with a bound on the request head (request line plus header fields).

httptools (llhttp) sets no limit of its own, and a header that arrives over many reads is joined by concatenation,
so one unauthenticated 64 MB header kept a worker's event loop busy for seconds. This protocol counts the bytes read
while a request head is incomplete and refuses it once they pass the limit: 414 when the request target alone is
too long, else 431, as problem+json, then closes the connection. uvicorn's own refusal of a request it cannot parse
(malformed HTTP, an unknown method) is problem+json too. The limit is uvicorn's
``h11_max_incomplete_event_size`` (the same bound for its h11 protocol), set from MAX_REQUEST_HEAD_BYTES.
"""

from __future__ import annotations

import asyncio
import json
from http import HTTPStatus
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

__all__ = ["DEFAULT_MAX_HEAD_BYTES", "BoundedHttpToolsProtocol"]

#: h11's own default for the same bound.
DEFAULT_MAX_HEAD_BYTES = 16_384
# RFC 9110's names (Python's HTTPStatus still says "Request-URI Too Long").
_TITLES = {
    HTTPStatus.REQUEST_URI_TOO_LONG: "URI Too Long",
    HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE: "Request Header Fields Too Large",
}


def _problem_answer(default_headers: list[tuple[bytes, bytes]], status: HTTPStatus, detail: str) -> bytes:
    """A complete `Connection: close` answer carrying an RFC 9457 problem document (no request was routed)."""
    body = json.dumps(
        {"type": "about:blank", "title": _TITLES.get(status, status.phrase), "status": status.value, "detail": detail}
    ).encode()
    head = [STATUS_LINE[status.value]]
    for name, value in default_headers:
        head += [name, b": ", value, b"\r\n"]
    head += [
        b"content-type: application/problem+json\r\n",
        b"content-length: " + str(len(body)).encode() + b"\r\n",
        b"connection: close\r\n\r\n",
    ]
    return b"".join(head) + body


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.max_head_bytes: int = config.h11_max_incomplete_event_size or DEFAULT_MAX_HEAD_BYTES
        # Bytes read since the current request began, while its head is incomplete; None while a body is read.
        self.head_bytes: int | None = 0
        self.refused = False

    def data_received(self, data: bytes) -> None:
        if self.refused:
            return
        if self.head_bytes is not None:
            self.head_bytes += len(data)
        super().data_received(data)
        # Checked after each read, so at most one read (not a quadratic pile of them) is parsed past the limit.
        if not self.refused and self.head_bytes is not None and self.head_bytes > self.max_head_bytes:
            self.refuse()

    def on_headers_complete(self) -> None:
        if self.refused:
            return
        # A whole head can arrive in one read: measure what was parsed.
        size = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)
        if size > self.max_head_bytes:
            self.refuse()
            return
        self.head_bytes = None
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self.refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if self.refused:
            return
        super().on_message_complete()
        self.head_bytes = 0  # the next request on this connection starts its own count

    def refuse(self) -> None:
        self.refused = True
        too_long_target = len(getattr(self, "url", b"")) > self.max_head_bytes
        status = HTTPStatus.REQUEST_URI_TOO_LONG if too_long_target else HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
        what = "request target" if too_long_target else "request line and header fields"
        detail = f"The {what} must not exceed {self.max_head_bytes} bytes."
        self.logger.warning("Refused a request head over %d bytes (%d).", self.max_head_bytes, status.value)
        self.transport.write(_problem_answer(self.server_state.default_headers, status, detail))
        self.transport.close()

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to a request httptools cannot parse, as a problem document instead of plain text."""
        detail = "The request is not valid HTTP/1.1 (malformed, or a method this server does not know)."
        self.transport.write(_problem_answer(self.server_state.default_headers, HTTPStatus.BAD_REQUEST, detail))
        self.transport.close()
