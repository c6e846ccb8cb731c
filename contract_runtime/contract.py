"""What the spec declares for one operation, as the generated routers hand it to the runtime."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel


@dataclass(frozen=True)
class DeclaredResponse:
    status: int
    model: type[BaseModel] | None
    media_type: str | None
    required_headers: tuple[str, ...] = ()
    fixed_headers: Mapping[str, str] = field(default_factory=dict)
    defaults: Mapping[str, Any] = field(default_factory=dict)  # of required members, from the spec


@dataclass(frozen=True)
class OperationContract:
    operation_id: str
    method: str
    path: str
    responses: Mapping[int, DeclaredResponse]
    body_media_type: str | None = None
    unique_item_paths: tuple[tuple[str, ...], ...] = ()
    # Checked before the operation runs, each only when the spec declares the status that answers it.
    rate_limited: bool = False  # 429
    checks_media_type: bool = False  # 415
    max_body_bytes: int | None = None  # 413
    max_json_depth: int | None = None  # 400


class ContractViolation(Exception):
    """The implementation produced something the spec does not allow."""
