"""docker-compose.yml: valid against the compose specification, and the same shape as the Kubernetes deployment."""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
import yaml

from tests.deploy.support import (
    COMPOSE_FILE,
    LAUNCHER_VARIABLES,
    PROJECT_ROOT,
    required_in_production,
    setting_names,
    settings_from,
    spec_get_paths,
)

#: Values for the variables compose interpolates (what an operator exports before `docker compose up`).
OPERATOR_ENVIRONMENT = {"SECRET_KEY": "s" * 48, "POSTGRES_PASSWORD": "0123abcd", "REDIS_PASSWORD": "4567ef89"}
_VARIABLE = re.compile(r"\$\{(?P<name>[A-Z_][A-Z0-9_]*)(?::?(?P<kind>[-?])(?P<rest>[^}]*))?\}")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text())
    return document


def interpolate(value: str) -> str:
    """Compose's ${NAME}, ${NAME:-default} and ${NAME:?error}, from OPERATOR_ENVIRONMENT."""

    def one(match: re.Match[str]) -> str:
        name, kind, rest = match["name"], match["kind"], match["rest"]
        if name in OPERATOR_ENVIRONMENT:
            return OPERATOR_ENVIRONMENT[name]
        if kind == "?":
            raise AssertionError(f"{name} must be set: {rest}")
        return rest if kind == "-" else ""

    return _VARIABLE.sub(one, value).replace("$$", "$")


def service_environment(compose: dict[str, Any], service: str) -> dict[str, str]:
    return {name: interpolate(str(value)) for name, value in compose["services"][service]["environment"].items()}


def test_the_file_follows_the_compose_specification(compose: dict[str, Any]) -> None:
    # The compose-spec JSON schema as vendored (with its licence) by check-jsonschema, a locked dev dependency.
    schema_file = resources.files("check_jsonschema") / "builtin_schemas" / "vendor" / "compose-spec.json"
    schema = json.loads(schema_file.read_text())
    jsonschema.validate(compose, schema)
    with pytest.raises(jsonschema.ValidationError):  # the schema is strict enough to catch a misspelt key
        jsonschema.validate({**compose, "service": {}}, schema)


def test_the_stack_has_the_production_shape(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"db", "pgbouncer", "redis", "migrate", "api", "haproxy"}
    api = services["api"]
    assert api["deploy"]["replicas"] >= 2
    # Only HAProxy is reachable from outside; the replicas wait for the one-shot migration.
    assert [name for name, service in services.items() if "ports" in service] == ["haproxy"]
    assert api["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert services["migrate"]["entrypoint"] == ["python", "-m", "scripts.prestart"]
    assert services["migrate"]["restart"] == "no"
    assert api["read_only"] is True


@pytest.mark.parametrize("service", ["api", "migrate"])
def test_every_setting_the_app_needs_is_provided(compose: dict[str, Any], service: str) -> None:
    environment = service_environment(compose, service)
    assert set(environment) - setting_names() - LAUNCHER_VARIABLES == set()
    needed = required_in_production() - ({"RATE_LIMIT_STORAGE_URL"} if service == "migrate" else set())
    assert needed - set(environment) == set()
    settings = settings_from(environment)
    assert settings.environment == "production"
    if service == "api":
        assert "@pgbouncer:6432/" in settings.database_url
        assert settings.database_statement_cache is False
        assert settings.rate_limit_storage_url.startswith("redis://")
        assert environment["SKIP_PRESTART"] == "1"
    else:
        assert "@db:5432/" in settings.database_url  # PostgreSQL itself for the migrations


def test_secrets_come_from_the_operator_never_the_file() -> None:
    text = COMPOSE_FILE.read_text()
    for name in OPERATOR_ENVIRONMENT:
        assert f"${{{name}:?" in text, f"compose must refuse to start without {name}"
    assert "s" * 48 not in text


def test_only_haproxy_is_trusted_for_forwarded_addresses(compose: dict[str, Any]) -> None:
    haproxy_address = compose["services"]["haproxy"]["networks"]["backend"]["ipv4_address"]
    assert service_environment(compose, "api")["TRUSTED_PROXIES"] == haproxy_address


def test_haproxy_checks_readiness_on_every_replica(compose: dict[str, Any]) -> None:
    config = (PROJECT_ROOT / "deploy" / "compose" / "haproxy.cfg").read_text()
    assert f"uri {spec_get_paths()['getReadiness']} " in config
    assert re.search(r"^\s*server-template api \d+-\d+ api:8000$", config, flags=re.MULTILINE)
    volume = compose["services"]["haproxy"]["volumes"][0]
    assert volume.startswith("./deploy/compose/haproxy.cfg:")
