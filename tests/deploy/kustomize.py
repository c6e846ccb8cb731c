"""Renders deploy/kubernetes the way `kustomize build` does, for the subset of kustomize our manifests use.

`kubectl kustomize` is not part of the locked toolchain (no Kubernetes tooling is on PyPI but third-party binary
repackagings), so the tests render with this: resources (files and directories with a kustomization.yaml),
labels (metadata only), namespace, images, and patches (strategic merge patches from files; inline RFC 6902
patches with a target). Anything else in a kustomization.yaml is refused, so a new feature cannot be silently
ignored. Where kubectl is installed, test_manifests compares both renderings.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

__all__ = ["render"]

Resource = dict[str, Any]

_SUPPORTED = {"apiVersion", "kind", "resources", "labels", "namespace", "images", "patches"}
_POD_SPEC_PATHS = {"Deployment": ("spec", "template", "spec"), "Job": ("spec", "template", "spec")}


def render(directory: Path) -> list[Resource]:
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    unsupported = set(kustomization) - _SUPPORTED
    if unsupported:
        raise ValueError(f"{directory}: kustomization fields this renderer does not implement: {sorted(unsupported)}")
    resources: list[Resource] = []
    for entry in kustomization.get("resources", []):
        path = (directory / entry).resolve()
        if path.is_dir():
            resources.extend(render(path))
        else:
            resources.extend(document for document in yaml.safe_load_all(path.read_text()) if document)
    for patch in kustomization.get("patches", []):
        _apply_patch(directory, patch, resources)
    for label in kustomization.get("labels", []):
        if label.get("includeSelectors") or label.get("includeTemplates"):
            raise ValueError("labels with includeSelectors/includeTemplates are not implemented")
        for resource in resources:
            resource.setdefault("metadata", {}).setdefault("labels", {}).update(label["pairs"])
    if "namespace" in kustomization:
        for resource in resources:
            resource.setdefault("metadata", {})["namespace"] = kustomization["namespace"]
    for image in kustomization.get("images", []):
        _set_image(resources, image)
    return resources


def _apply_patch(directory: Path, patch: dict[str, Any], resources: list[Resource]) -> None:
    if "path" in patch:
        document = yaml.safe_load((directory / patch["path"]).read_text())
        target = _find(resources, document["kind"], document["metadata"]["name"])
        target.update(_merge(target, document))
        return
    operations = yaml.safe_load(patch["patch"])
    target = _find(resources, patch["target"]["kind"], patch["target"]["name"])
    for operation in operations:
        *parents, last = [part for part in operation["path"].split("/") if part]
        node = target
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if operation["op"] in ("replace", "add"):
            node[last] = operation["value"]
        elif operation["op"] == "remove":
            del node[last]
        else:
            raise ValueError(f"JSON patch operation {operation['op']!r} is not implemented")


def _find(resources: list[Resource], kind: str, name: str) -> Resource:
    for resource in resources:
        if resource["kind"] == kind and resource["metadata"]["name"] == name:
            return resource
    raise ValueError(f"no {kind} named {name} to patch")


def _merge(base: Any, patch: Any) -> Any:
    """Strategic merge as Kubernetes does it for our fields: maps merge, lists of named items merge by name."""
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = copy.deepcopy(base)
        for key, value in patch.items():
            merged[key] = _merge(base[key], value) if key in base else copy.deepcopy(value)
        return merged
    if isinstance(base, list) and isinstance(patch, list) and all(isinstance(i, dict) and "name" in i for i in patch):
        merged_list = copy.deepcopy(base)
        for item in patch:
            index = next((i for i, old in enumerate(merged_list) if old.get("name") == item["name"]), None)
            if index is None:
                merged_list.append(copy.deepcopy(item))
            else:
                merged_list[index] = _merge(merged_list[index], item)
        return merged_list
    return copy.deepcopy(patch)


def _set_image(resources: list[Resource], image: dict[str, str]) -> None:
    for resource in resources:
        path = _POD_SPEC_PATHS.get(resource["kind"])
        if path is None:
            continue
        spec: Any = resource
        for part in path:
            spec = spec[part]
        for container in spec.get("containers", []) + spec.get("initContainers", []):
            name = container["image"].split("@")[0].rsplit(":", 1)[0]
            if name == image["name"]:
                container["image"] = f"{image.get('newName', name)}:{image['newTag']}"
