"""The cases waiting for features of issue 8: Idempotency-Key (section 1) and ETag / If-Match (section 2).

Each returns PENDING and says what it will prove; replace its body when the feature lands (the docstring is
the plan), and it counts like every other case.
"""

from __future__ import annotations

from scripts.cluster.scale.context import (
    CaseResult,
    ScaleContext,
)

# --- placeholders: the cases that need issue 8's sections 1 and 2 -------------------------------------------------


async def case_idempotent_retry(context: ScaleContext) -> CaseResult:
    """PENDING until Idempotency-Key lands (issue 8, section 1). Then, through the cluster:
    - a POST /v1/items with a key, sent through one instance and retried (same key, same body) through another
      (straight to the instance ports: context.state.instance_url), replays the first answer exactly (status, body,
      Location) with the replay header; one row exists;
    - 20 concurrent copies with one key spread over the instances: exactly one effect (one row), the rest replays
      or 409 with Retry-After, zero 5xx;
    - then switch HAProxy's retry rule for keyed POSTs on (deploy/cluster/haproxy.cfg.in says how) and tighten
      case_sigkill: zero 502s for POSTs, since the clients' keyed POSTs become safe to retry.
    """
    return CaseResult(
        "idempotent POST retried through another instance",
        "PENDING",
        "needs Idempotency-Key (issue 8, section 1): replay across instances, 20 copies -> one effect",
    )


async def case_stale_write_refused(context: ScaleContext) -> CaseResult:
    """PENDING until ETag / If-Match land (issue 8, section 2). Then, through the cluster: GET an item through
    one instance (its ETag), PATCH it through another, then PATCH through a third with the first ETag in If-Match:
    412 problem, and the stored item keeps the second write; 10 concurrent read-modify-write clients spread over
    the instances: every update applied or refused with 412, none silently lost.
    """
    return CaseResult(
        "stale write refused through another instance",
        "PENDING",
        "needs ETag / If-Match (issue 8, section 2): a stale If-Match through another instance gets 412",
    )
