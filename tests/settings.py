"""Settings every in-process app of the test suite uses: a test secret, cheap Argon2, no .env file."""

from typing import Any

from impl.settings import Settings

# At least 32 characters, like production requires; only ever used by tests.
TEST_SECRET_KEY = "api-suite-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
# Pinned so an exported ACCESS_TOKEN_TTL_SECONDS cannot change what the tests expect.
ACCESS_TOKEN_TTL_SECONDS = 900


def settings_for_tests(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "environment": "test",
        "secret_key": TEST_SECRET_KEY,
        "argon2_time_cost": 1,
        "argon2_memory_cost_kib": 8,
        "argon2_parallelism": 1,
        "access_token_ttl_seconds": ACCESS_TOKEN_TTL_SECONDS,
        "log_level": "WARNING",
        **overrides,
    }
    return Settings(_env_file=None, **values)
