"""Request ids: the client's `X-Request-ID` when it is safe to echo and log, otherwise a new one.

Safe means 1 to 128 characters of letters, digits and `._~:+/=-` (the spec's `RequestId`): enough for UUIDs,
ULIDs and base64 ids, and nothing that could forge a log line or a header.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable

REQUEST_ID_HEADER = "X-Request-ID"
_HEADER_KEY = REQUEST_ID_HEADER.lower().encode("latin-1")
_SAFE = re.compile(r"[A-Za-z0-9._~:+/=-]{1,128}")


def new_request_id() -> str:
    return str(uuid.uuid4())


def is_valid_request_id(value: str) -> bool:
    return _SAFE.fullmatch(value) is not None


def request_id_from_headers(headers: Iterable[tuple[bytes, bytes]]) -> str:
    """The client's id from raw ASGI headers if it sent exactly one valid one; a new id otherwise."""
    sent = [value for name, value in headers if name.lower() == _HEADER_KEY]
    if len(sent) == 1:
        candidate = sent[0].decode("latin-1")
        if is_valid_request_id(candidate):
            return candidate
    return new_request_id()
