"""Settings every in-process app of the test suite uses: a test secret, cheap Argon2, high rate limits, no .env."""

from typing import Any

from impl.settings import Settings

# At least 32 characters, like production requires; only ever used by tests.
TEST_SECRET_KEY = "api-suite-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
# Pinned so an exported ACCESS_TOKEN_TTL_SECONDS cannot change what the tests expect.
ACCESS_TOKEN_TTL_SECONDS = 900
# Pinned too, and far from the access token's: a refresh token living the access token's lifetime shows.
REFRESH_TOKEN_TTL_SECONDS = 7 * 24 * 3600


def settings_for_tests(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "environment": "test",
        "secret_key": TEST_SECRET_KEY,
        "argon2_time_cost": 1,
        "argon2_memory_cost_kib": 8,
        "argon2_parallelism": 1,
        "access_token_ttl_seconds": ACCESS_TOKEN_TTL_SECONDS,
        "refresh_token_ttl_seconds": REFRESH_TOKEN_TTL_SECONDS,
        "log_level": "WARNING",
        # Far above what any test sends: the limits (and their headers) stay on; tests of the limits lower them.
        "rate_limit": "1000000/minute",
        "auth_rate_limit": "1000000/minute",
        **overrides,
    }
    return Settings(_env_file=None, **values)
