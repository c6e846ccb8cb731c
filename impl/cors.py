"""CORS for the browser origins the deployment allows (Starlette's middleware), with refused preflights answered
as problem+json like every other refusal instead of Starlette's plain-text 400."""

from __future__ import annotations

import json

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response

from contract_runtime import PROBLEM_MEDIA_TYPE


class ProblemCORSMiddleware(CORSMiddleware):
    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        refused = bytes(response.body).decode(errors="replace")  # e.g. "Disallowed CORS origin, method"
        document = {
            "type": "about:blank",
            "title": "Bad Request",
            "status": response.status_code,
            "detail": f"The CORS preflight was refused ({refused.removeprefix('Disallowed CORS ')} not allowed).",
        }
        headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-type", "content-length")}
        return Response(json.dumps(document), response.status_code, headers=headers, media_type=PROBLEM_MEDIA_TYPE)
