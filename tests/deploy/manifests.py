"""Reading the deploy files as a cluster and Docker Compose would: a small kustomize, and helpers.

No kustomize binary exists here, so `render` implements the part of kustomize that deploy/ uses
(resources, namespace, images, strategic-merge patches) and refuses any other field, so that an
overlay cannot rely on something these tests do not render.
"""

import copy
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
OVERLAYS = ("staging", "production")
SUPPORTED_FIELDS = {"apiVersion", "kind", "resources", "namespace", "images", "patches"}
CLUSTER_SCOPED = {"Namespace"}
POD_OWNERS = {"Deployment": ("spec", "template"), "Job": ("spec", "template")}


def load(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def render(folder: Path) -> list[dict]:
    """The resources `kubectl apply -k folder` would send, in order."""
    kustomization = yaml.safe_load((folder / "kustomization.yaml").read_text())
    unknown = set(kustomization) - SUPPORTED_FIELDS
    assert not unknown, f"{folder}: kustomize fields these tests do not render: {unknown}"
    docs: list[dict] = []
    for entry in kustomization.get("resources", []):
        path = (folder / entry).resolve()
        docs.extend(render(path) if path.is_dir() else load(path))
    for entry in kustomization.get("patches", []):
        assert set(entry) == {"path"}, f"only file patches are rendered here: {entry}"
        for patch in load(folder / entry["path"]):
            merge(find(docs, patch["kind"], patch["metadata"]["name"]), patch)
    for image in kustomization.get("images", []):
        assert set_image(docs, image), f"{folder}: no container runs {image['name']}"
    if "namespace" in kustomization:
        for doc in docs:
            if doc["kind"] not in CLUSTER_SCOPED:
                doc["metadata"]["namespace"] = kustomization["namespace"]
    names = [(doc["kind"], doc["metadata"]["name"]) for doc in docs]
    assert len(names) == len(set(names)), f"{folder}: a resource is defined twice"
    return docs


def find(docs: list[dict], kind: str, name: str) -> dict:
    found = [doc for doc in docs if doc["kind"] == kind and doc["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind}/{name}: {len(found)} found"
    return found[0]


def merge(target: dict, patch: dict) -> None:
    """Strategic merge as kustomize does it for these fields: maps merged, named lists by name."""
    for key, value in patch.items():
        current = target.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            merge(current, value)
        elif _named_list(value) and _named_list(current):
            by_name = {item["name"]: item for item in current}
            for item in value:
                if item["name"] in by_name:
                    merge(by_name[item["name"]], item)
                else:
                    current.append(copy.deepcopy(item))
        else:
            target[key] = copy.deepcopy(value)


def _named_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(i, dict) and "name" in i for i in value)


def pod_spec(doc: dict) -> dict | None:
    path = POD_OWNERS.get(doc["kind"])
    if path is None:
        return None
    return doc[path[0]][path[1]]["spec"]


def containers(doc: dict) -> list[dict]:
    spec = pod_spec(doc) or {}
    return [*spec.get("initContainers", []), *spec.get("containers", [])]


def image_name(image: str) -> str:
    """`ardoise/orders:0.1.0` or `…:${ARDOISE_TAG:-latest}` → `ardoise/orders`."""
    registry, slash, path = image.rpartition("/")
    return registry + slash + path.split(":", 1)[0]


def set_image(docs: list[dict], image: dict) -> bool:
    matched = False
    for doc in docs:
        for container in containers(doc):
            if image_name(container["image"]) == image["name"]:
                name = image.get("newName", image["name"])
                container["image"] = f"{name}:{image['newTag']}" if "newTag" in image else name
                matched = True
    return matched


def env_names(container: dict) -> set[str]:
    return {variable["name"] for variable in container.get("env", [])}


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())
