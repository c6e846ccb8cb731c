"""The typed error family implementations raise; contract_runtime renders each as problem+json.

Raising one of these is the only way an implementation answers with an error, and the generated layer refuses
any status the operation does not declare, so the family stays small.
"""

from collections.abc import Mapping

from contract_runtime import ProblemError


class Unauthorized(ProblemError):
    """401 with the RFC 6750 challenge."""

    def __init__(self, detail: str = "The access token is missing, invalid or expired.", *, sent: bool) -> None:
        challenge = 'Bearer error="invalid_token"' if sent else "Bearer"
        super().__init__(401, detail, headers={"WWW-Authenticate": challenge})


class AccountGone(Unauthorized):
    """401: the account the access token belongs to was deleted while the request ran (a later request would get
    the same answer from the authenticator)."""

    def __init__(self) -> None:
        super().__init__("The account this access token belongs to no longer exists.", sent=True)


class Forbidden(ProblemError):
    def __init__(self, detail: str) -> None:
        super().__init__(403, detail)


class NotFound(ProblemError):
    def __init__(self, detail: str) -> None:
        super().__init__(404, detail)


class Conflict(ProblemError):
    def __init__(self, detail: str) -> None:
        super().__init__(409, detail)


class InvalidField(ProblemError):
    """422 naming one body field whose value the spec refuses but the generated validation let through."""

    def __init__(self, pointer: str, detail: str, error_type: str) -> None:
        error = {"in": "body", "field": pointer, "detail": detail, "type": error_type}
        super().__init__(422, "The request does not match the API contract.", extensions={"errors": [error]})


class InvalidCursor(ProblemError):
    """422 naming the `cursor` parameter: it passed the spec's pattern but was not sealed by this server for this
    list (altered, truncated, made for another list, or before the secret changed)."""

    DETAIL = (
        "This cursor was not made by this API for this list, or it was changed: send back the next_cursor of the "
        "previous page unchanged, or leave cursor out to start from the first page."
    )

    def __init__(self) -> None:
        error = {"in": "query", "field": "cursor", "detail": self.DETAIL, "type": "invalid_cursor"}
        super().__init__(422, "The request does not match the API contract.", extensions={"errors": [error]})


class ServiceUnavailable(ProblemError):
    def __init__(self, detail: str) -> None:
        super().__init__(503, detail)


class PasswordHashingBusy(ProblemError):
    """503 when the password hashing queue is full: bounded work instead of an ever longer wait."""

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(
            503,
            f"Too many password checks are waiting; retry in {retry_after_seconds} seconds.",
            headers={"Retry-After": str(retry_after_seconds)},
        )


class TooManyRequests(ProblemError):
    def __init__(self, retry_after_seconds: int, headers: Mapping[str, str]) -> None:
        super().__init__(
            429,
            f"Too many requests; retry in {retry_after_seconds} seconds.",
            headers={**headers, "Retry-After": str(retry_after_seconds)},
        )


class TokenRequestError(ProblemError):
    """An RFC 6749 section 5.2 error from the token endpoint (always 400 here: we have no client auth)."""

    # The unit of work keeps the transaction's changes for these (see impl/unit_of_work.py): refusing a reused
    # refresh token must still revoke its family.
    commit_changes = False

    def __init__(self, error: str, description: str) -> None:
        super().__init__(400, description, extensions={"error": error, "error_description": description})


class RefreshTokenReused(TokenRequestError):
    commit_changes = True

    def __init__(self) -> None:
        super().__init__("invalid_grant", "The refresh token is not valid.")


class DatabaseUnavailable(ProblemError):
    """503 when the database is down, frozen, too slow or out of connections: retry soon (impl/unit_of_work.py)."""

    RETRY_AFTER_SECONDS = 2

    def __init__(self) -> None:
        super().__init__(
            503,
            "The database is not available; retry later.",
            headers={"Retry-After": str(self.RETRY_AFTER_SECONDS)},
        )


class PreconditionFailed(ProblemError):
    """412: `If-Match` names no current version of the resource."""

    def __init__(self, detail: str = "The resource has changed since this version was read.") -> None:
        super().__init__(412, detail)


class PreconditionRequired(ProblemError):
    """428: this deployment requires `If-Match` on changes (REQUIRE_IF_MATCH)."""

    def __init__(self) -> None:
        super().__init__(428, "Send If-Match with the ETag of the version this change is based on.")


class IdempotencyKeyInUse(ProblemError):
    """409 with Retry-After: a request with the same Idempotency-Key is still in progress (or committed first)."""

    def __init__(self, retry_after_seconds: int = 1) -> None:
        super().__init__(
            409,
            "A request with this Idempotency-Key is still in progress; retry after Retry-After seconds.",
            headers={"Retry-After": str(retry_after_seconds)},
        )


class IdempotencyKeyReused(ProblemError):
    """422: the Idempotency-Key was used before for a different request (method, path or body)."""

    def __init__(self) -> None:
        super().__init__(
            422,
            "This Idempotency-Key was used for a different request (method, path or body); use a new key.",
            extensions={
                "errors": [
                    {
                        "in": "header",
                        "field": "Idempotency-Key",
                        "detail": "Already used for a different request.",
                        "type": "idempotency_key_reused",
                    }
                ]
            },
        )
