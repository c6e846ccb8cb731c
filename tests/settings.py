"""Settings for tests: a fixed secret and cheap argon2 parameters, so hashing does not dominate the suite."""

from impl.settings import Settings

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


def settings_for_tests(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "environment": "test",
        "secret_key": TEST_SECRET,
        "argon2_time_cost": 1,
        "argon2_memory_cost_kib": 8,
        "argon2_parallelism": 1,
        **overrides,
    }
    return Settings.model_validate(values)
