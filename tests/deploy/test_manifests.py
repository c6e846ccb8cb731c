"""deploy/kubernetes: valid for Kubernetes, complete for the app, hardened, and consistent with the spec."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from yamllint import linter
from yamllint.config import YamlLintConfig

from tests.deploy.kustomize import render
from tests.deploy.support import (
    COMPOSE_FILE,
    KUBERNETES,
    LAUNCHER_VARIABLES,
    PROJECT_ROOT,
    SECRET_STAND_INS,
    required_in_production,
    setting_names,
    settings_from,
    spec_get_paths,
)

OVERLAY = KUBERNETES / "overlays" / "production"
#: The oldest Kubernetes release the manifests promise to work on, and the newest whose schemas we have.
KUBERNETES_VERSIONS = ["1.29.0", "1.37.0"]
#: The longest a request may take behind the ingress (its timeout); the grace period must outlast it.
LONGEST_REQUEST_SECONDS = 30


@pytest.fixture(scope="module")
def rendered() -> list[dict[str, Any]]:
    return render(OVERLAY)


def one(resources: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [resource for resource in resources if resource["kind"] == kind]
    assert len(found) == 1, f"{len(found)} resources of kind {kind}"
    return found[0]


def pod_spec(resource: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = resource["spec"]["template"]["spec"]
    return spec


def container(resource: dict[str, Any]) -> dict[str, Any]:
    containers: list[dict[str, Any]] = pod_spec(resource)["containers"]
    assert len(containers) == 1
    return containers[0]


def environment(resources: list[dict[str, Any]], workload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every variable the workload's container gets: name -> {"value": ...} or {"secret": key}."""
    config_maps = {r["metadata"]["name"]: r["data"] for r in resources if r["kind"] == "ConfigMap"}
    variables: dict[str, dict[str, Any]] = {}
    for source in container(workload).get("envFrom", []):
        for name, value in config_maps[source["configMapRef"]["name"]].items():
            variables[name] = {"value": value}
    for entry in container(workload).get("env", []):
        if "value" in entry:
            variables[entry["name"]] = {"value": entry["value"]}
        else:
            variables[entry["name"]] = {"secret": entry["valueFrom"]["secretKeyRef"]["key"]}
    return variables


def test_every_yaml_file_is_lint_clean() -> None:
    config = YamlLintConfig(file=str(PROJECT_ROOT / ".yamllint.yaml"))
    files = [*sorted((PROJECT_ROOT / "deploy").rglob("*.yaml")), COMPOSE_FILE]
    problems = [
        f"{path.relative_to(PROJECT_ROOT)}:{problem.line}: {problem.desc}"
        for path in files
        for problem in linter.run(path.read_text(), config, str(path))
    ]
    assert len(files) > 10
    assert problems == []


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_rendered_resource_is_valid_kubernetes(rendered: list[dict[str, Any]], version: str) -> None:
    kinds = sorted(resource["kind"] for resource in rendered)
    assert kinds == [
        "ConfigMap",
        "Deployment",
        "HorizontalPodAutoscaler",
        "Job",
        "PodDisruptionBudget",
        "Service",
        "ServiceAccount",
    ]
    for resource in rendered:
        # strict: a misspelt field is an error, not silently dropped by the API server.
        kubernetes_validate.validate(resource, version, strict=True)


def test_kustomize_renders_the_same(rendered: list[dict[str, Any]]) -> None:
    # Our renderer implements only what the manifests use; kubectl's kustomize is the reference where it is
    # installed (it is on this project's machines, not in uv.lock). The overlay must render to what we check.
    assert one(rendered, "Deployment")["metadata"]["namespace"] == "contract-api"
    kubectl = shutil.which("kubectl")
    if kubectl is not None:
        output = subprocess.run(
            [kubectl, "kustomize", str(OVERLAY)], capture_output=True, text=True, check=True, timeout=60
        ).stdout
        by_name = {(r["kind"], r["metadata"]["name"]): r for r in yaml.safe_load_all(output)}
        assert by_name == {(r["kind"], r["metadata"]["name"]): r for r in rendered}


def test_no_secret_value_is_in_the_manifests(rendered: list[dict[str, Any]]) -> None:
    assert "Secret" not in {resource["kind"] for resource in rendered}
    for workload in (one(rendered, "Deployment"), one(rendered, "Job")):
        variables = environment(rendered, workload)
        for name in SECRET_STAND_INS:
            if name in variables:
                assert "secret" in variables[name], f"{name} must come from a Secret, not a value"


@pytest.mark.parametrize("kind", ["Deployment", "Job"])
def test_every_setting_the_app_needs_is_provided(rendered: list[dict[str, Any]], kind: str) -> None:
    variables = environment(rendered, one(rendered, kind))
    unknown = set(variables) - setting_names() - LAUNCHER_VARIABLES
    assert unknown == set(), "variables no setting or launcher reads (a typo?)"
    needed = required_in_production() - ({"RATE_LIMIT_STORAGE_URL"} if kind == "Job" else set())
    assert needed - set(variables) == set()
    values = {name: v.get("value", SECRET_STAND_INS.get(name, "")) for name, v in variables.items()}
    settings = settings_from(values)  # every value the manifests give is one the app accepts
    assert settings.environment == "production"
    assert not settings.is_sqlite
    if kind == "Deployment":
        assert settings.rate_limit_storage_url.startswith("redis://")
        # Through PgBouncer (transaction pooling): the statement caches must be off.
        assert variables["DATABASE_URL"] == {"secret": "database-url"}
        assert settings.database_statement_cache is False
        assert variables["SKIP_PRESTART"] == {"value": "1"}


def test_probes_point_at_the_spec_health_operations(rendered: list[dict[str, Any]]) -> None:
    paths = spec_get_paths()
    api = container(one(rendered, "Deployment"))
    ports = {port["name"] for port in api["ports"]}
    expected = {
        "startupProbe": paths["getLiveness"],
        "livenessProbe": paths["getLiveness"],
        "readinessProbe": paths["getReadiness"],
    }
    for probe, path in expected.items():
        assert api[probe]["httpGet"]["path"] == path
        assert api[probe]["httpGet"]["port"] in ports
    assert expected["readinessProbe"] == "/health/ready"
    assert expected["livenessProbe"] == "/health/live"


def test_pods_are_hardened_and_drain_before_they_are_killed(rendered: list[dict[str, Any]]) -> None:
    for workload in (one(rendered, "Deployment"), one(rendered, "Job")):
        spec, main = pod_spec(workload), container(workload)
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["automountServiceAccountToken"] is False
        assert main["securityContext"]["readOnlyRootFilesystem"] is True
        assert main["securityContext"]["allowPrivilegeEscalation"] is False
        assert main["securityContext"]["capabilities"]["drop"] == ["ALL"]
        assert {"cpu", "memory"} <= set(main["resources"]["requests"])
        assert "memory" in main["resources"]["limits"]
        mounts = {mount["mountPath"]: mount["name"] for mount in main["volumeMounts"]}
        volumes = {volume["name"]: volume for volume in spec["volumes"]}
        assert "emptyDir" in volumes[mounts["/tmp"]]  # noqa: S108 (the container's /tmp, an emptyDir)
    deployment = one(rendered, "Deployment")
    pre_stop = container(deployment)["lifecycle"]["preStop"]["exec"]["command"]
    assert pre_stop[0] == "sleep"
    assert pod_spec(deployment)["terminationGracePeriodSeconds"] > int(pre_stop[1]) + LONGEST_REQUEST_SECONDS
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


def test_the_service_budget_and_autoscaler_select_the_api_pods(rendered: list[dict[str, Any]]) -> None:
    deployment = one(rendered, "Deployment")
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    job_labels = one(rendered, "Job")["spec"]["template"]["metadata"]["labels"]

    def selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
        return all(labels.get(key) == value for key, value in selector.items())

    service = one(rendered, "Service")
    budget = one(rendered, "PodDisruptionBudget")
    assert selects(service["spec"]["selector"], pod_labels)
    assert not selects(service["spec"]["selector"], job_labels)  # the migration pod never gets traffic
    assert selects(budget["spec"]["selector"]["matchLabels"], pod_labels)
    assert selects(deployment["spec"]["selector"]["matchLabels"], pod_labels)
    assert service["spec"]["ports"][0]["targetPort"] in {port["name"] for port in container(deployment)["ports"]}
    autoscaler = one(rendered, "HorizontalPodAutoscaler")
    assert autoscaler["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": deployment["metadata"]["name"],
    }
    assert autoscaler["spec"]["minReplicas"] >= 2
    assert budget["spec"]["maxUnavailable"] < autoscaler["spec"]["minReplicas"]


def test_the_migration_job_runs_the_release_once_against_postgresql(rendered: list[dict[str, Any]]) -> None:
    job, deployment = one(rendered, "Job"), one(rendered, "Deployment")
    assert container(job)["image"] == container(deployment)["image"] == "registry.example.com/contract-api:1.1.0"
    assert container(job)["command"] == ["python", "-m", "scripts.prestart"]
    assert job["metadata"]["name"].endswith("1-1-0")  # each release's Job has its own name
    assert pod_spec(job)["restartPolicy"] == "Never"
    # Straight to PostgreSQL: another Secret key than the replicas' PgBouncer URL.
    assert environment(rendered, job)["DATABASE_URL"] == {"secret": "migrate-database-url"}


def test_the_overlay_only_uses_files_that_exist() -> None:
    kustomization = yaml.safe_load((OVERLAY / "kustomization.yaml").read_text())
    for patch in kustomization["patches"]:
        if "path" in patch:
            assert Path(OVERLAY / patch["path"]).is_file()
