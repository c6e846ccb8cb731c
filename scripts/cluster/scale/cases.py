"""The scale test's cases: one async function each, taking the context, returning a CaseResult.

CASES lists them in the order they run. A case that needs a feature not built yet returns PENDING and says what it
will prove; none does now (Idempotency-Key and ETag/If-Match, issue 8 sections 1 and 2, are in cases_retries.py).

Faults are timed by conditions, not by the clock: an instance is killed once it has answered enough of the load,
restarted once the others have carried enough without it, and the load stops once the restarted instance has
taken its share again.
"""

from __future__ import annotations

from typing import Final

from scripts.cluster.scale.cases_capacity import case_many_creates, case_throughput
from scripts.cluster.scale.cases_faults import case_sigkill, case_sigterm
from scripts.cluster.scale.cases_retries import case_idempotent_retry, case_stale_write_refused
from scripts.cluster.scale.cases_shared_state import (
    case_forwarded_for_trust,
    case_global_rate_limit,
    case_refresh_token_race,
    case_schema_gate,
)
from scripts.cluster.scale.context import PROFILES, Case, CaseResult, Profile, ScaleContext

__all__ = ["CASES", "PROFILES", "CaseResult", "Profile", "ScaleContext"]

CASES: Final[list[Case]] = [
    case_schema_gate,
    case_global_rate_limit,
    case_forwarded_for_trust,
    case_refresh_token_race,
    case_many_creates,
    case_sigkill,
    case_sigterm,
    case_throughput,
    case_idempotent_retry,
    case_stale_write_refused,
]
