"""What the deployment tests share: the project's files, the spec's health paths, the app's setting names."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import yaml
from pydantic import ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from impl.settings import Settings

PROJECT_ROOT: Final = Path(__file__).resolve().parents[2]
KUBERNETES: Final = PROJECT_ROOT / "deploy" / "kubernetes"
COMPOSE_FILE: Final = PROJECT_ROOT / "docker-compose.yml"

#: Variables that are not settings but are read by scripts/entrypoint.sh or scripts/prestart.py.
LAUNCHER_VARIABLES: Final = frozenset({"SKIP_PRESTART", "PRESTART_WAIT_SECONDS"})

#: Settings whose defaults are wrong for several replicas behind a balancer, whatever the validators say: a
#: SQLite file per replica, rate-limit counters per process, the development environment.
SHARED_STATE_SETTINGS: Final = frozenset({"DATABASE_URL", "RATE_LIMIT_STORAGE_URL", "ENVIRONMENT"})

#: Stand-ins of the right shape for values that come from Secrets (the manifests only name them).
SECRET_STAND_INS: Final = {
    "SECRET_KEY": "x" * 48,
    "DATABASE_URL": "postgresql+asyncpg://app:password@pgbouncer:6432/app",
    "RATE_LIMIT_STORAGE_URL": "redis://:password@redis:6379/0",
    "FIRST_SUPERUSER_EMAIL": "admin@example.com",
    "FIRST_SUPERUSER_PASSWORD": "a strong password",
}


class GivenSettings(Settings):
    """Settings from the given values only: neither this process's environment nor a .env file leaks in."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def setting_names() -> set[str]:
    return {name.upper() for name in Settings.model_fields}


def required_in_production() -> set[str]:
    """The settings production refuses to start without (the validators say which), plus the shared-state ones."""
    try:
        GivenSettings(environment="production")
    except ValidationError as error:
        refused = {str(detail["loc"][0]).upper() for detail in error.errors() if detail["loc"]}
        # A model-level validator has no field location; its message names the variable.
        refused |= {name for name in setting_names() for detail in error.errors() if name in str(detail["msg"])}
    else:
        refused = set()
    return refused | SHARED_STATE_SETTINGS


def settings_from(environment: dict[str, str]) -> Settings:
    """The Settings an app would build from exactly these variables (no .env file, no process environment)."""
    values: dict[str, Any] = {name.lower(): value for name, value in environment.items() if name in setting_names()}
    return GivenSettings(**values)


def spec_get_paths() -> dict[str, str]:
    """operationId -> path of every GET operation in openapi.yaml."""
    spec = yaml.safe_load((PROJECT_ROOT / "openapi.yaml").read_text())
    return {
        operation["operationId"]: path
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method == "get"
    }
