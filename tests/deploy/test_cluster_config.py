"""The configurations `make cluster` writes from deploy/cluster/*.in, and the rules both HAProxy setups share."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scripts.cluster.cluster import (
    PROXY_SOURCE,
    ClusterSpec,
    ClusterState,
    instance_settings,
    render_haproxy_config,
    render_pgbouncer_config,
)
from tests.deploy.support import PROJECT_ROOT, settings_from, spec_get_paths

COMPOSE_HAPROXY = PROJECT_ROOT / "deploy" / "compose" / "haproxy.cfg"


def a_state(storage: str = "redis://127.0.0.1:6380/0") -> ClusterState:
    return ClusterState(
        spec=ClusterSpec(instances=3, workers=2),
        frontend_url="http://127.0.0.1:18000",
        instance_ports=[18001, 18002, 18003],
        postgres_port=18004,
        pgbouncer_port=18005,
        redis_port=18006,
        rate_limit_storage_url=storage,
        pooled_database_url="postgresql+asyncpg://app@127.0.0.1:18005/app",
        direct_database_url="postgresql+asyncpg://app@127.0.0.1:18004/app",
        admin_socket="cluster-test/admin.sock",
    )


def directives(config: str) -> list[str]:
    return [line.strip() for line in config.splitlines() if line.strip() and not line.strip().startswith("#")]


@pytest.mark.parametrize("source", ["cluster", "compose"])
def test_both_haproxy_setups_share_the_rules(source: str) -> None:
    config = render_haproxy_config(a_state()) if source == "cluster" else COMPOSE_HAPROXY.read_text()
    lines = directives(config)
    readiness = spec_get_paths()["getReadiness"]
    for rule in (
        "option httpchk",
        f"http-check send meth GET uri {readiness} ver HTTP/1.1 hdr Host localhost",
        "http-check expect status 200",
        # A client's own X-Forwarded-For is dropped; HAProxy's is the only one.
        "http-request del-header X-Forwarded-For",
        "option forwardfor",
        # Refused connections retried elsewhere; unanswered ones only when harmless to repeat.
        "retry-on conn-failure empty-response",
        "option redispatch 1",
        "http-request disable-l7-retry if !METH_GET !METH_OPTIONS",
        "option http-server-close",
    ):
        assert rule in lines, f"{source}: missing `{rule}`"


def test_the_cluster_listens_on_loopback_only_and_connects_from_the_trusted_address() -> None:
    state = a_state()
    config = render_haproxy_config(state)
    assert "${" not in config
    assert [line for line in directives(config) if line.startswith("bind ")] == ["bind 127.0.0.1:18000"]
    servers = re.findall(r"^\s*server (api\d) 127\.0\.0\.1:(\d+)$", config, flags=re.MULTILINE)
    assert servers == [("api1", "18001"), ("api2", "18002"), ("api3", "18003")]
    (default_server,) = [line for line in directives(config) if line.startswith("default-server ")]
    assert f"source {PROXY_SOURCE} " in default_server
    # The instances believe X-Forwarded-For from exactly that address.
    assert instance_settings(state, "k" * 48)["TRUSTED_PROXIES"] == PROXY_SOURCE


def test_pgbouncer_pools_transactions_so_the_instances_cache_no_statements(tmp_path: Path) -> None:
    state = a_state()
    config = render_pgbouncer_config(state, tmp_path / "userlist.txt")
    lines = directives(config)
    assert "pool_mode = transaction" in lines
    assert "listen_addr = 127.0.0.1" in lines
    assert f"app = host=127.0.0.1 port={state.postgres_port} dbname=app" in lines
    settings = settings_from(instance_settings(state, "k" * 48))
    assert settings.database_statement_cache is False
    assert settings.database_url == state.pooled_database_url


@pytest.mark.parametrize("storage", ["redis://127.0.0.1:6380/0", "memory://"])
def test_instances_run_with_production_settings(storage: str) -> None:
    settings = settings_from(instance_settings(a_state(storage), "k" * 48))
    assert settings.environment == "production"
    assert settings.rate_limit_storage_url == storage
    assert settings.secret_key.get_secret_value() == "k" * 48
