"""Who is calling: built by the authenticator, handed by the generated routers to every secured operation."""

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True, slots=True)
class CurrentUser:
    id: UUID
    is_superuser: bool
    # The token_version the caller's access token was checked against: an operation that must not outlive the
    # token (a password change) compares it with the account as it is when it writes.
    token_version: int

    def may_access(self, owner_id: UUID) -> bool:
        """Owners see their own resources; superusers see everything."""
        return self.is_superuser or self.id == owner_id
