from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from limits import parse as parse_rate_limit
from pydantic import ValidationError

from impl.settings import DEFAULT_SECRET_KEY, DEVELOPMENT_AUTH_RATE_LIMIT, PRODUCTION_AUTH_RATE_LIMIT, Settings

LONG_SECRET = "x" * 32
PROJECT_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # The developer's shell or CI may export these; tests must see only what they set.
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)


def make(**values: Any) -> Settings:
    # _env_file=None: a local .env must not leak into the tests.
    return Settings(_env_file=None, **values)


def test_defaults() -> None:
    settings = make()
    assert settings.environment == "development"
    assert settings.secret_key.get_secret_value() == DEFAULT_SECRET_KEY
    assert settings.jwt_algorithm == "HS256"
    assert settings.access_token_ttl_seconds == 900
    assert settings.refresh_token_ttl_seconds == 30 * 24 * 3600
    assert settings.spec_path == PROJECT_ROOT / "openapi.yaml"
    assert settings.is_sqlite


def test_every_field_has_a_description() -> None:
    missing = [n for n, f in Settings.model_fields.items() if not f.description]
    assert missing == []


def test_secret_is_not_shown_in_repr() -> None:
    settings = make(secret_key="a-very-private-value-0123456789abcdef")
    assert "a-very-private-value" not in repr(settings)


@pytest.mark.parametrize("environment", ["development", "test"])
def test_default_secret_allowed_outside_production(environment: str) -> None:
    assert make(environment=environment).environment == environment


def test_production_refuses_default_secret() -> None:
    with pytest.raises(ValidationError, match="public default"):
        make(environment="production")


def test_production_refuses_short_secret() -> None:
    with pytest.raises(ValidationError, match="at least 32"):
        make(environment="production", secret_key="x" * 31)


def test_production_accepts_long_secret() -> None:
    settings = make(environment="production", secret_key=LONG_SECRET)
    assert settings.secret_key.get_secret_value() == LONG_SECRET


def test_empty_secret_refused_everywhere() -> None:
    with pytest.raises(ValidationError, match="must not be empty"):
        make(secret_key="")


def test_production_refusal_applies_to_environment_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match="public default"):
        make()
    monkeypatch.setenv("SECRET_KEY", LONG_SECRET)
    assert make().environment == "production"


def test_reads_env_file_and_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "ACCESS_TOKEN_TTL_SECONDS=60\nLOG_LEVEL=DEBUG\nFIRST_SUPERUSER_EMAIL=\nUNKNOWN_KEY=1\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("LOG_LEVEL", "ERROR")
    settings = Settings(_env_file=env_file)
    assert settings.access_token_ttl_seconds == 60
    assert settings.log_level == "ERROR"
    # Empty value means unset, not "" (otherwise the both-or-neither check would fire).
    assert settings.first_superuser_email is None


def test_superuser_neither() -> None:
    settings = make()
    assert settings.first_superuser_email is None
    assert settings.first_superuser_password is None


def test_superuser_both() -> None:
    settings = make(first_superuser_email="admin@example.com", first_superuser_password="pw-12345678")
    assert settings.first_superuser_email == "admin@example.com"
    assert settings.first_superuser_password is not None
    assert settings.first_superuser_password.get_secret_value() == "pw-12345678"


@pytest.mark.parametrize(
    "values",
    [
        {"first_superuser_email": "admin@example.com"},
        {"first_superuser_password": "pw-12345678"},
    ],
)
def test_superuser_only_one_refused(values: dict[str, str]) -> None:
    with pytest.raises(ValidationError, match="set together"):
        make(**values)


@pytest.mark.parametrize(
    "values",
    [
        {"access_token_ttl_seconds": 0},
        {"access_token_ttl_seconds": 86_401},
        {"refresh_token_ttl_seconds": 59},
        {"refresh_token_ttl_seconds": 31_536_001},
        {"db_ready_timeout_seconds": 0.05},
        {"db_ready_timeout_seconds": 31},
        {"workers": 0},
        {"workers": 65},
        {"argon2_time_cost": 0},
        {"argon2_parallelism": 0},
        {"argon2_memory_cost_kib": 7},
        {"jwt_algorithm": "none"},
        {"jwt_algorithm": "RS256"},
        {"environment": "staging"},
        {"log_level": "TRACE"},
    ],
)
def test_out_of_range_values_refused(values: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        make(**values)


def test_argon2_memory_must_cover_parallelism() -> None:
    with pytest.raises(ValidationError, match="8 \\* ARGON2_PARALLELISM"):
        make(argon2_parallelism=4, argon2_memory_cost_kib=16)
    assert make(argon2_parallelism=2, argon2_memory_cost_kib=16).argon2_memory_cost_kib == 16


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite+aiosqlite:///./app.db", True),
        ("sqlite:///:memory:", True),
        ("SQLite+aiosqlite:///x.db", True),
        ("postgresql+asyncpg://u:p@localhost:5432/db", False),
        ("postgresql://u:p@sqlite-host/db", False),
    ],
)
def test_is_sqlite(url: str, expected: bool) -> None:
    assert make(database_url=url).is_sqlite is expected


def test_env_example_documents_every_setting() -> None:
    text = (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))
    expected = {name.upper() for name in Settings.model_fields}
    assert documented == expected
    # The example must never carry a usable secret.
    assert re.search(r"^SECRET_KEY=\S", text, flags=re.MULTILINE) is None


@pytest.mark.parametrize("value", ["120/minute", "10 per second", "1000/hour", "5/2 minutes"])
def test_rate_limits_in_limits_notation_are_accepted(value: str) -> None:
    assert make(rate_limit=value, auth_rate_limit=value).rate_limit == value


@pytest.mark.parametrize("value", ["fast", "120", "-1/minute", "120/fortnight", ""])
def test_a_malformed_rate_limit_is_refused(value: str) -> None:
    with pytest.raises(ValidationError, match="is not a rate limit"):
        make(rate_limit=value)


@pytest.mark.parametrize("value", ["2147483648/minute", "1/100 years"])
def test_a_rate_limit_beyond_the_int32_headers_is_refused(value: str) -> None:
    with pytest.raises(ValidationError, match="RateLimit-\\* headers can state"):
        make(auth_rate_limit=value)


def test_cors_origins_come_comma_separated_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", "https://app.example.com, http://localhost:5173")
    assert make().cors_allowed_origins == ["https://app.example.com", "http://localhost:5173"]
    assert Settings(_env_file=None).cors_allowed_origins == ["https://app.example.com", "http://localhost:5173"]


@pytest.mark.parametrize("origin", ["*", "app.example.com", "https://app.example.com/", "ftp://x.example", "null"])
def test_anything_but_an_exact_origin_is_refused(origin: str) -> None:
    with pytest.raises(ValidationError, match="is not an origin"):
        make(cors_allowed_origins=[origin])


# --- environment-dependent defaults -----------------------------------------------------------------------


def test_the_auth_quota_is_friendlier_in_development_and_strict_elsewhere() -> None:
    assert make().auth_rate_limit == DEVELOPMENT_AUTH_RATE_LIMIT
    assert make(environment="test").auth_rate_limit == PRODUCTION_AUTH_RATE_LIMIT
    assert make(environment="production", secret_key=LONG_SECRET).auth_rate_limit == PRODUCTION_AUTH_RATE_LIMIT
    # Friendlier means more attempts, and production's stays the strict 10/minute.
    assert parse_rate_limit(DEVELOPMENT_AUTH_RATE_LIMIT).amount > parse_rate_limit(PRODUCTION_AUTH_RATE_LIMIT).amount
    assert PRODUCTION_AUTH_RATE_LIMIT == "10/minute"


@pytest.mark.parametrize("environment", ["development", "test", "production"])
def test_a_configured_auth_quota_is_kept_in_every_environment(
    environment: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTH_RATE_LIMIT", "7/minute")
    settings = Settings(_env_file=None, environment=environment, secret_key=LONG_SECRET)
    assert settings.auth_rate_limit == "7/minute"


# --- serving ------------------------------------------------------------------------------------------------


def test_trusted_proxies_are_none_by_default_and_come_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    assert make().trusted_proxies == []
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1 ,::1,192.168.1.7/24")
    assert [str(network) for network in Settings(_env_file=None).trusted_proxies] == [
        "10.0.0.0/8",
        "127.0.0.1/32",
        "::1/128",
        "192.168.1.0/24",
    ]


@pytest.mark.parametrize("value", ["proxy.example.com", "10.0.0.0/33", "*"])
def test_a_trusted_proxy_that_is_not_an_address_is_refused(value: str) -> None:
    with pytest.raises(ValidationError, match="is not an IP address or network"):
        make(trusted_proxies=value)


def test_serving_defaults() -> None:
    settings = make()
    assert (settings.host, settings.port, settings.workers) == ("127.0.0.1", 8000, 1)
    assert settings.keep_alive_timeout_seconds == 75
    assert settings.max_request_head_bytes == 16_384
