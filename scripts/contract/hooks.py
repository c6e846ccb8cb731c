"""Schemathesis hooks for `make contract` (run_gate.py loads them through SCHEMATHESIS_HOOKS).

Opaque values: a parameter whose schema is marked `x-opaque: true` (the list cursors) is valid only as the server
made it. The schema can promise its characters and its length, not where it comes from, so a random string that
fits it is not data any client can hold, and the server refuses it (422 naming `cursor`): counting that refusal
as "valid data rejected" would be the fuzzer's mistake. So a positive case (data the server must accept) sends
such a parameter only with a value the server answered in this run (a `next_cursor`, as the stateful phase
chains them); a made-up one is left out, and the request asks for the first page with the same filters.
Negative cases go out as generated: a cursor breaking the pattern must still be refused.

Idempotency keys: every request the fuzzer sends is a new request a client means once, so a well-formed
`Idempotency-Key` it generated is replaced by a fresh one. Left as generated, the fuzzer reuses the few short keys
Hypothesis likes ("0", the spec's example) for different bodies and paths, and the server rightly answers 422 (the
same key for another request), which the gate would count as valid data rejected. A malformed key is left alone,
so negative cases still prove it is refused. The replay and mismatch semantics themselves are tested in
tests/api/test_idempotency.py.
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path
from typing import Any

import schemathesis
import yaml

from scripts.spec_gate.published import SPEC_PATH
from scripts.spec_gate.structure import HTTP_METHODS, Resolver

_WELL_FORMED_KEY = re.compile(r"[\x21-\x7e]{1,255}")

# The gate's positive-data check: schemathesis' default statuses, plus 412: a schema-valid If-Match naming a version
# the resource does not have (the fuzzer's "3" or "k") is a precondition that is false (RFC 9110 section 13.1.1),
# not a request the server failed to accept. (schemathesis-gate.toml says the same for the CLI.)
POSITIVE_DATA_EXPECTED_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "412", "429", "5xx"]

# Values of opaque fields the server has answered so far (one worker: one process, one run).
SEEN: set[str] = set()


def opaque_query_parameters(document: dict[str, Any]) -> dict[tuple[str, str], frozenset[str]]:
    """(METHOD, path) -> the names of its query parameters marked `x-opaque`."""
    resolver = Resolver(document)
    found: dict[tuple[str, str], frozenset[str]] = {}
    for path, raw_item in (document.get("paths") or {}).items():
        item = resolver.resolve(raw_item)
        for method in HTTP_METHODS:
            operation = item.get(method) if isinstance(item, dict) else None
            if not isinstance(operation, dict):
                continue
            names = set()
            for raw in [*(item.get("parameters") or []), *(operation.get("parameters") or [])]:
                parameter = resolver.resolve(raw)
                schema = resolver.resolve(parameter.get("schema") or {})
                if parameter.get("in") == "query" and schema.get("x-opaque") is True:
                    names.add(str(parameter["name"]))
            if names:
                found[(method.upper(), path)] = frozenset(names)
    return found


OPAQUE = opaque_query_parameters(yaml.safe_load(Path(os.environ.get("CONTRACT_SPEC", SPEC_PATH)).read_bytes()))


def remember_opaque_values(body: Any) -> None:
    if isinstance(body, dict) and isinstance(body.get("next_cursor"), str):
        SEEN.add(body["next_cursor"])


def fresh_idempotency_key(headers: dict[str, Any] | None) -> None:
    """Replace a well-formed Idempotency-Key in `headers` by a fresh one; a malformed one stays."""
    if not headers:
        return
    for name, value in list(headers.items()):
        if name.lower() == "idempotency-key" and isinstance(value, str) and _WELL_FORMED_KEY.fullmatch(value):
            headers[name] = str(uuid.uuid4())


def keep_only_answered_values(query: dict[str, Any] | None, names: frozenset[str]) -> None:
    for name in names:
        if query is not None and name in query and query[name] not in SEEN:
            del query[name]


@schemathesis.hook
def before_call(context: schemathesis.HookContext, case: Any, kwargs: dict[str, Any]) -> None:
    fresh_idempotency_key(case.headers)
    names = OPAQUE.get((case.operation.method.upper(), case.operation.path))
    if names and case.meta is not None and case.meta.generation.mode.is_positive:
        keep_only_answered_values(case.query, names)


@schemathesis.hook
def after_call(context: schemathesis.HookContext, case: Any, response: Any) -> None:
    if (case.operation.method.upper(), case.operation.path) in OPAQUE and response.status_code == 200:
        try:
            remember_opaque_values(response.json())
        except ValueError:
            return
