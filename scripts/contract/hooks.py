"""Schemathesis hooks of the contract gate (loaded through SCHEMATHESIS_HOOKS by run_gate.py).

Every request the fuzzer sends is a new request a client means once, so a well-formed `Idempotency-Key` it
generated is replaced by a fresh one. Left as generated, the fuzzer reuses the few short keys Hypothesis likes
("0", the spec's example) for different bodies and paths, and the server rightly answers 422 (the same key for
another request), which the gate would count as valid data rejected. A malformed key is left alone, so negative
cases still prove it is refused. The replay and mismatch semantics themselves are tested in
tests/api/test_idempotency.py.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import schemathesis

_WELL_FORMED = re.compile(r"[\x21-\x7e]{1,255}")


# The gate's positive-data check: schemathesis' default statuses, plus 412: a schema-valid If-Match naming a version
# the resource does not have (the fuzzer's "3" or "k") is a precondition that is false (RFC 9110 section 13.1.1),
# not a request the server failed to accept. (schemathesis-gate.toml says the same for the CLI.)
POSITIVE_DATA_EXPECTED_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "412", "429", "5xx"]


def fresh_idempotency_key(headers: dict[str, Any] | None) -> None:
    """Replace a well-formed Idempotency-Key in `headers` by a fresh one; a malformed one stays."""
    if not headers:
        return
    for name in list(headers):
        value = headers[name]
        if name.lower() == "idempotency-key" and isinstance(value, str) and _WELL_FORMED.fullmatch(value):
            headers[name] = str(uuid.uuid4())


@schemathesis.hook
def before_call(ctx: Any, case: Any, **kwargs: Any) -> None:
    fresh_idempotency_key(case.headers)
