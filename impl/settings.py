"""Typed application settings, read from the environment and an optional `.env` file.

Environment variable names are the field names in upper or lower case, with no prefix
(e.g. ``SECRET_KEY``, ``DATABASE_URL``). See `.env.example` for the documented list.
"""

from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Annotated, Literal, Self
from urllib.parse import urlsplit

from limits import parse as parse_rate_limit
from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Public on purpose: it is in the source code, so it is only good enough for local
# development and tests. Production refuses to start with it (see `_check_secret_key`).
DEFAULT_SECRET_KEY = "change-me-this-default-is-public"

# RFC 7518 section 3.2: an HMAC key should be at least as long as the hash output
# (32 bytes for HS256). Enforced in production only, so tests can use short keys.
MIN_PRODUCTION_SECRET_LENGTH = 32

_PROJECT_ROOT = Path(__file__).resolve().parent.parent

# The largest value of the spec's RateLimit-* headers (format int32).
MAX_HEADER_INT = 2**31 - 1

# Registration and login quota: strict in production (password guessing), friendlier where people explore the API
# by hand (Swagger UI's Authorize spends it too). Used when AUTH_RATE_LIMIT is not set.
PRODUCTION_AUTH_RATE_LIMIT = "10/minute"
DEVELOPMENT_AUTH_RATE_LIMIT = "100/minute"
# The rate-limit stores we ship a driver for: per process, or one Redis through redis-py (see impl/rate_limit.py).
RATE_LIMIT_STORAGE_SCHEMES = frozenset({"memory", "redis", "rediss", "redis+unix"})


def _loopback_networks() -> list[IPv4Network | IPv6Network]:
    return [IPv4Network("127.0.0.0/8"), IPv6Network("::1/128")]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        # `FOO=` in a .env file means "not set", so blank lines copied from
        # .env.example fall back to the defaults instead of becoming "".
        env_ignore_empty=True,
    )

    environment: Literal["development", "test", "production"] = Field(
        default="development",
        description="Deployment environment; 'production' enables strict secret checks.",
    )
    database_url: str = Field(
        default="sqlite+aiosqlite:///./app.db",
        description="SQLAlchemy async database URL (sqlite+aiosqlite or postgresql+asyncpg).",
    )
    secret_key: SecretStr = Field(
        default=SecretStr(DEFAULT_SECRET_KEY),
        description="Key for signing access tokens and sealing list cursors; must be >= 32 chars in production.",
    )
    jwt_algorithm: Literal["HS256", "HS384", "HS512"] = Field(
        default="HS256",
        description="HMAC algorithm used to sign and (pinned) to verify access tokens.",
    )
    jwt_issuer: str = Field(
        default="contract-api",
        min_length=1,
        description="Value of the 'iss' claim issued and required on access tokens.",
    )
    jwt_audience: str = Field(
        default="contract-api",
        min_length=1,
        description="Value of the 'aud' claim issued and required on access tokens.",
    )
    access_token_ttl_seconds: int = Field(
        default=900,
        ge=1,
        le=86_400,
        description="Lifetime of an access token in seconds.",
    )
    refresh_token_ttl_seconds: int = Field(
        default=30 * 24 * 3600,
        ge=60,
        le=31_536_000,
        description="Lifetime of a refresh token in seconds.",
    )
    # OWASP's Argon2id baseline (19 MiB, 2 iterations, 1 lane): a hash takes about 20 ms of one core. Hashes
    # made with other parameters still verify and are re-hashed with these on the next login.
    argon2_time_cost: int = Field(
        default=2,
        ge=1,
        le=20,
        description="Argon2id iterations per password hash.",
    )
    argon2_memory_cost_kib: int = Field(
        default=19_456,
        ge=8,
        le=4_194_304,  # 4 GiB: anything above is a typo, not a policy.
        description="Argon2id memory per password hash, in KiB (at least 8 * parallelism).",
    )
    argon2_parallelism: int = Field(
        default=1,
        ge=1,
        le=64,
        description="Argon2id lanes (threads) per password hash.",
    )
    # One hash at a time per process leaves the other cores to everything else during a login storm; with
    # several workers, keep WORKERS * PASSWORD_HASH_CONCURRENCY below the number of cores.
    password_hash_concurrency: int = Field(
        default=1,
        ge=1,
        le=64,
        description="How many password hashes may run at once per process (each holds ARGON2_MEMORY_COST_KIB).",
    )
    password_hash_queue_limit: int = Field(
        default=32,
        ge=0,
        le=10_000,
        description="How many password hashes may wait per process; beyond that the API answers 503 (Retry-After).",
    )
    first_superuser_email: str | None = Field(
        default=None,
        description="Email of a superuser created at startup if missing; set with the password.",
    )
    first_superuser_password: SecretStr | None = Field(
        default=None,
        description="Password of the startup superuser; set together with the email.",
    )
    database_pooling: bool = Field(
        default=True,
        description=(
            "Keep a pool of open database connections. Off only for in-process test clients that run every "
            "request on a new event loop (asyncpg connections cannot move between loops)."
        ),
    )
    database_statement_cache: bool = Field(
        default=True,
        description=(
            "Cache prepared statements per PostgreSQL connection. Turn off behind PgBouncer in transaction pooling "
            "mode before 1.21 (Debian 12 ships 1.18): its server connections change between transactions, so a "
            "cached statement would be missing or taken."
        ),
    )
    db_ready_timeout_seconds: float = Field(
        default=2.0,
        ge=0.1,
        le=30.0,
        description="How long the readiness probe waits for the database, in seconds.",
    )
    spec_path: Path = Field(
        default=_PROJECT_ROOT / "openapi.yaml",
        description="Path to the OpenAPI contract served and validated against.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO",
        description="Minimum level of log records emitted (ours and uvicorn's; SQLAlchemy's see README).",
    )
    log_format: Literal["json", "console"] | None = Field(
        default=None,
        description="`json` (one object per line) or `console` (readable); default: console in development only.",
    )
    metrics_enabled: bool = Field(
        default=True,
        description="Serve Prometheus metrics at /metrics.",
    )
    metrics_allowed_networks: Annotated[list[IPv4Network | IPv6Network], NoDecode] = Field(
        default_factory=_loopback_networks,
        description="Comma-separated client networks (CIDR) that may read /metrics; others get 404.",
    )
    rate_limit: str = Field(
        default="120/minute",
        description="Requests per client address to every rate-limited operation, e.g. `120/minute`.",
    )
    auth_rate_limit: str = Field(
        default=PRODUCTION_AUTH_RATE_LIMIT,
        description=(
            "Requests per client address to registration and the token endpoint (password guessing); "
            f"default {PRODUCTION_AUTH_RATE_LIMIT}, {DEVELOPMENT_AUTH_RATE_LIMIT} when ENVIRONMENT=development."
        ),
    )
    rate_limit_storage_url: str = Field(
        default="memory://",
        description=(
            "Where rate-limit counters live (a `limits` storage URL). `memory://` counts per process; instances "
            "behind a load balancer need a shared one."
        ),
    )
    rate_limit_storage_timeout_seconds: float = Field(
        default=0.25,
        gt=0,
        le=10.0,
        description=(
            "The longest one rate-limit store call may take (connect, command, answer); a slower store counts as "
            "down and requests are counted per process instead."
        ),
    )
    rate_limit_storage_retry_seconds: float = Field(
        default=5.0,
        gt=0,
        le=300.0,
        description="After a rate-limit store failure, how long to count per process before trying the store again.",
    )
    rate_limit_key_prefix: str = Field(
        default="contract-api",
        min_length=1,
        max_length=100,
        pattern=r"^[A-Za-z0-9_.:-]+$",
        description="Prefix of the rate-limit keys in a shared store (deployments sharing one Redis differ here).",
    )
    db_pool_size: int = Field(
        default=30,
        ge=1,
        le=1000,
        description=(
            "Database connections each process keeps open once it has needed them (opened on demand). Connections "
            "beyond it (DB_POOL_MAX_OVERFLOW) are opened for a burst and closed after it: under steady load that is a "
            "connection opened and closed per few requests, so the default is a pool with no overflow."
        ),
    )
    db_pool_max_overflow: int = Field(
        default=0,
        ge=0,
        le=1000,
        description="Database connections each process may open beyond DB_POOL_SIZE during a burst.",
    )
    db_pool_timeout_seconds: float = Field(
        default=2.0,
        gt=0,
        le=60.0,
        description="How long a request waits for a pooled database connection before answering 503.",
    )
    db_connect_timeout_seconds: float = Field(
        default=2.0,
        gt=0,
        le=60.0,
        description="How long opening a database connection may take before the request answers 503.",
    )
    db_statement_timeout_seconds: float = Field(
        default=2.0,
        gt=0,
        le=600.0,
        description=(
            "The longest one database statement may take (PostgreSQL: statement_timeout on the server, and the "
            "driver stops waiting for an answer slightly later); the request answers 503."
        ),
    )
    sqlite_busy_timeout_seconds: float = Field(
        default=15.0,
        gt=0,
        le=600.0,
        description="SQLite only: how long a request waits for the database's write lock before answering 503.",
    )
    cors_allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated browser origins allowed to call the API (CORS), e.g. `https://app.example.com`.",
    )
    host: str = Field(
        default="127.0.0.1",
        description="Interface the HTTP server binds to.",
    )
    port: int = Field(
        default=8000,
        ge=1,
        le=65_535,
        description="TCP port the HTTP server listens on.",
    )
    workers: int = Field(
        default=1,
        ge=1,
        le=64,
        description="Number of server worker processes.",
    )
    keep_alive_timeout_seconds: float = Field(
        default=75.0,
        gt=0,
        le=3600,
        description=(
            "How long the server keeps an idle HTTP connection open. Longer than the idle timeout of any proxy or "
            "load balancer in front (60 s for AWS ALB and nginx), so the proxy, not the server, closes idle "
            "connections and never reuses one the server is closing."
        ),
    )
    max_request_head_bytes: int = Field(
        default=16_384,
        ge=1024,
        le=1_048_576,
        description="Largest request line plus header fields the server reads; larger heads get 414 or 431.",
    )
    graceful_shutdown_seconds: float = Field(
        default=8.0,
        gt=0,
        le=3600,
        description=(
            "On SIGTERM, how long in-flight requests may take to finish before the server closes them; below the "
            "orchestrator's stop timeout (docker stop waits 10 s before SIGKILL)."
        ),
    )
    idempotency_ttl_seconds: int = Field(
        default=24 * 3600,
        ge=24 * 3600,
        le=30 * 24 * 3600,
        description="How long the answer to a request with an Idempotency-Key is kept for replay (at least 24 h).",
    )
    idempotency_sweep_every: int = Field(
        default=100,
        ge=1,
        le=1_000_000,
        description="Every this many stored idempotent answers, one also deletes a batch of expired ones.",
    )
    idempotency_sweep_batch: int = Field(
        default=500,
        ge=1,
        le=100_000,
        description="The most expired idempotency records one sweep deletes.",
    )
    require_if_match: bool = Field(
        default=False,
        description="Refuse a PATCH without If-Match (428), against lost updates; off: If-Match is optional.",
    )
    trusted_proxies: Annotated[list[IPv4Network | IPv6Network], NoDecode] = Field(
        default_factory=list,
        description=(
            "Comma-separated addresses or networks (CIDR) of the reverse proxies whose X-Forwarded-For and "
            "X-Forwarded-Proto are believed; empty: none, the client is the TCP peer."
        ),
    )

    @field_validator("rate_limit", "auth_rate_limit")
    @classmethod
    def _check_rate_limit(cls, value: str) -> str:
        try:
            limit = parse_rate_limit(value)
        except ValueError as error:
            raise ValueError(f"{value!r} is not a rate limit like `120/minute` ({error})") from None
        # The RateLimit-* headers are int32 in the spec (JavaScript clients read them exactly).
        if limit.amount > MAX_HEADER_INT or limit.get_expiry() > MAX_HEADER_INT:
            raise ValueError(f"{value!r} is not a rate limit the RateLimit-* headers can state (int32)")
        return value

    @field_validator("rate_limit_storage_url")
    @classmethod
    def _check_rate_limit_storage(cls, value: str) -> str:
        scheme = urlsplit(value).scheme.lower()
        if scheme not in RATE_LIMIT_STORAGE_SCHEMES:
            supported = ", ".join(f"{name}://" for name in sorted(RATE_LIMIT_STORAGE_SCHEMES))
            raise ValueError(f"RATE_LIMIT_STORAGE_URL must use one of {supported}")
        return value

    @field_validator("log_level", "log_format", mode="before")
    @classmethod
    def _case_insensitive(cls, value: object, info: ValidationInfo) -> object:
        if not isinstance(value, str):
            return value
        return value.upper() if info.field_name == "log_level" else value.lower()

    @field_validator("metrics_allowed_networks", mode="before")
    @classmethod
    def _split_networks(cls, value: object) -> object:
        return [part.strip() for part in value.split(",") if part.strip()] if isinstance(value, str) else value

    @field_validator("cors_allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        return [part.strip() for part in value.split(",") if part.strip()] if isinstance(value, str) else value

    @field_validator("cors_allowed_origins")
    @classmethod
    def _check_origins(cls, origins: list[str]) -> list[str]:
        for origin in origins:
            # An origin is exactly scheme://host[:port]; a wildcard would let every website use a victim's token.
            parts = urlsplit(origin)
            if parts.scheme not in ("http", "https") or not parts.netloc or parts.path or parts.query:
                raise ValueError(f"{origin!r} is not an origin like https://app.example.com")
        return origins

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _parse_networks(cls, value: object) -> object:
        parts = value.split(",") if isinstance(value, str) else value
        if not isinstance(parts, list):
            return parts
        networks: list[IPv4Network | IPv6Network] = []
        for part in parts:
            if isinstance(part, IPv4Network | IPv6Network):
                networks.append(part)
                continue
            text = str(part).strip()
            if not text:
                continue
            try:
                networks.append(ip_network(text, strict=False))
            except ValueError:
                raise ValueError(f"{text!r} is not an IP address or network like 10.0.0.0/8") from None
        return networks

    @model_validator(mode="after")
    def _development_auth_rate_limit(self) -> Self:
        # Only the default moves; an AUTH_RATE_LIMIT that was set is kept as it is, in every environment.
        if self.environment == "development" and "auth_rate_limit" not in self.model_fields_set:
            self.auth_rate_limit = DEVELOPMENT_AUTH_RATE_LIMIT
        return self

    @model_validator(mode="after")
    def _check_secret_key(self) -> Self:
        secret = self.secret_key.get_secret_value()
        if not secret:
            # PyJWT refuses an empty HMAC key; fail at startup rather than on first login.
            raise ValueError("SECRET_KEY must not be empty")
        if self.environment == "production":
            if secret == DEFAULT_SECRET_KEY:
                raise ValueError(
                    "SECRET_KEY is the public default; set a random secret of at least "
                    f"{MIN_PRODUCTION_SECRET_LENGTH} characters when ENVIRONMENT=production"
                )
            if len(secret) < MIN_PRODUCTION_SECRET_LENGTH:
                raise ValueError(
                    f"SECRET_KEY is {len(secret)} characters long; at least "
                    f"{MIN_PRODUCTION_SECRET_LENGTH} are required when ENVIRONMENT=production"
                )
        return self

    @model_validator(mode="after")
    def _check_first_superuser(self) -> Self:
        # A half-configured superuser is almost certainly a deployment mistake;
        # refusing to start beats silently skipping the bootstrap.
        has_email = self.first_superuser_email is not None
        has_password = self.first_superuser_password is not None
        if has_email != has_password:
            raise ValueError("FIRST_SUPERUSER_EMAIL and FIRST_SUPERUSER_PASSWORD must be set together or not at all")
        return self

    @model_validator(mode="after")
    def _check_argon2_memory(self) -> Self:
        # Argon2 needs 8 KiB per lane; catching it here fails at startup instead of at first hash.
        minimum = 8 * self.argon2_parallelism
        if self.argon2_memory_cost_kib < minimum:
            raise ValueError(f"ARGON2_MEMORY_COST_KIB must be at least 8 * ARGON2_PARALLELISM ({minimum})")
        return self

    @property
    def is_sqlite(self) -> bool:
        """True when `database_url` points at SQLite (any driver, e.g. sqlite+aiosqlite)."""
        scheme = self.database_url.split(":", 1)[0]
        return scheme.split("+", 1)[0].lower() == "sqlite"
