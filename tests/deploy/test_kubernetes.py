"""deploy/ per overlay: valid for Kubernetes, running what ardoise_tools.processes lists."""

import copy

import kubernetes_validate
import pytest

from ardoise import topics
from ardoise_tools.processes import (
    GATEWAY_PORTS,
    MIGRATE_COMMANDS,
    PROCESSES,
    PROVISION_COMMAND,
    PROVISION_ENV,
    WEB,
)

from .manifests import DEPLOY, OVERLAYS, containers, env_names, find, image_name, pod_spec, render

pytestmark = pytest.mark.unit
KUBERNETES_VERSIONS = ("1.29.0", "1.37.0")
"""The oldest version these manifests promise to fit, and the newest the validator knows."""


def rendered(overlay: str) -> list[dict]:
    return render(DEPLOY / "overlays" / overlay)


def expected_processes(overlay: str):
    """Production talks to SumUp itself: the stand-in runs everywhere else."""
    return [p for p in PROCESSES if overlay != "production" or p.kind != "stand-in"]


def check_kafka_topic(doc: dict) -> None:
    """Strimzi's KafkaTopic (kafka.strimzi.io/v1beta2) has no schema in the validator: its
    documented fields, checked by hand."""
    assert doc["apiVersion"] == "kafka.strimzi.io/v1beta2"
    assert doc["metadata"]["labels"]["strimzi.io/cluster"]
    spec = doc["spec"]
    assert set(spec) <= {"partitions", "replicas", "config", "topicName"}
    assert isinstance(spec["partitions"], int) and spec["partitions"] >= 1
    assert isinstance(spec["replicas"], int) and 1 <= spec["replicas"] <= 32767
    assert all(isinstance(v, str | int | bool) for v in spec.get("config", {}).values())


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_manifest_validates_against_the_kubernetes_schemas(overlay, version):
    for doc in rendered(overlay):
        if doc["kind"] == "KafkaTopic":
            check_kafka_topic(doc)
        else:
            kubernetes_validate.validate(doc, version, strict=True)


def test_the_validator_does_catch_a_misspelt_field():
    deployment = copy.deepcopy(find(rendered("staging"), "Deployment", "orders-gateway"))
    pod_spec(deployment)["containers"][0]["readinesProbe"] = {"tcpSocket": {"port": 8001}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSIONS[-1], strict=True)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_process_runs_as_the_code_declares_it(overlay):
    docs = rendered(overlay)
    deployments = {d["metadata"]["name"] for d in docs if d["kind"] == "Deployment"}
    assert {p.name for p in expected_processes(overlay)} <= deployments
    for process in expected_processes(overlay):
        (container,) = pod_spec(find(docs, "Deployment", process.name))["containers"]
        assert image_name(container["image"]) == process.image, process.name
        assert container["command"] == [process.name]
        assert env_names(container) == process.env, process.name
        assert [p["containerPort"] for p in container["ports"]] == [process.port]
        port_value = next(v for v in container["env"] if v["name"] == process.port_variable)
        assert port_value["value"] == str(process.port)
        database = [v for v in container["env"] if v["name"] == "DATABASE_URL"]
        for variable in database:  # its own role, owner of its own schema
            assert variable["valueFrom"]["secretKeyRef"] == {
                "name": f"{process.package}-database", "key": "DATABASE_URL"}, process.name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_gateways_have_a_service_probes_an_autoscaler_and_a_disruption_budget(overlay):
    docs = rendered(overlay)
    for process in (p for p in expected_processes(overlay) if p.kind != "worker"):
        deployment = find(docs, "Deployment", process.name)
        (container,) = pod_spec(deployment)["containers"]
        for probe in ("readinessProbe", "livenessProbe"):
            assert container[probe]["httpGet"] == {"path": "/health", "port": "http"}
        selector = deployment["spec"]["selector"]["matchLabels"]
        service = find(docs, "Service", process.name)
        assert service["spec"]["selector"] == selector
        assert service["spec"]["ports"] == [{"name": "http", "port": process.port,
                                             "targetPort": "http"}]
        if process.kind == "gateway":
            target = find(docs, "HorizontalPodAutoscaler", process.name)["spec"]["scaleTargetRef"]
            assert (target["kind"], target["name"]) == ("Deployment", process.name)
            assert "replicas" not in deployment["spec"], "the autoscaler owns the replicas"
            budget = find(docs, "PodDisruptionBudget", process.name)["spec"]
            assert budget["selector"]["matchLabels"] == selector and budget["minAvailable"] >= 1


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_workers_are_probed_on_their_metrics_port(overlay):
    for process in (p for p in PROCESSES if p.kind == "worker"):
        (container,) = pod_spec(find(rendered(overlay), "Deployment", process.name))["containers"]
        assert container["livenessProbe"]["httpGet"] == {"path": "/health", "port": "metrics"}
        assert container["ports"] == [{"name": "metrics", "containerPort": process.port}]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_container_has_resources_and_ours_run_as_a_non_root_user(overlay):
    for doc in rendered(overlay):
        spec = pod_spec(doc)
        for container in containers(doc):
            resources = container["resources"]
            assert {"cpu", "memory"} <= set(resources["requests"]) & set(resources["limits"])
            if container["image"].startswith("ardoise/"):
                assert spec["securityContext"]["runAsNonRoot"] is True
                assert spec["securityContext"]["runAsUser"] != 0
                assert container["securityContext"]["allowPrivilegeEscalation"] is False


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_settings_come_from_the_config_map_and_secrets_only_from_secrets(overlay):
    docs = rendered(overlay)
    assert not [d for d in docs if d["kind"] == "Secret"], "no secret value is committed"
    config = find(docs, "ConfigMap", "ardoise-config")["data"]
    secret_names = {name for p in PROCESSES for name in p.secrets} | set(PROVISION_ENV)
    for doc in docs:
        for container in containers(doc):
            for variable in container.get("env", []):
                source = variable.get("valueFrom", {})
                if variable["name"] in secret_names:
                    assert "secretKeyRef" in source, variable
                elif "configMapKeyRef" in source:
                    ref = source["configMapKeyRef"]
                    assert ref["key"] in config or ref.get("optional"), ref


def test_the_topics_are_declared_for_strimzi_with_three_replicas():
    declared = [d for d in rendered("production") if d["kind"] == "KafkaTopic"]
    assert sorted(d["spec"]["topicName"] for d in declared) == sorted(topics.ALL)
    for doc in declared:
        assert doc["spec"]["partitions"] == topics.PARTITIONS and doc["spec"]["replicas"] == 3
    config = find(rendered("production"), "ConfigMap", "ardoise-config")["data"]
    clusters = {d["metadata"]["labels"]["strimzi.io/cluster"] for d in declared}
    assert config["KAFKA_BOOTSTRAP"] == f"{clusters.pop()}-kafka-bootstrap:9092"


def test_the_migrations_job_provisions_then_migrates_each_schema_with_its_own_role():
    job = find(rendered("production"), "Job", "ardoise-migrations")
    spec = pod_spec(job)
    (provision,) = spec["initContainers"]
    assert provision["command"] == list(PROVISION_COMMAND)
    assert env_names(provision) == set(PROVISION_ENV)
    provisioned = {v["name"]: v["valueFrom"]["secretKeyRef"]["name"] for v in provision["env"]}
    for owner in MIGRATE_COMMANDS:
        assert provisioned[f"{owner.upper()}_DATABASE_URL"] == f"{owner}-database"
    migrations = {c["name"]: c for c in spec["containers"]}
    assert set(migrations) == {f"migrate-{owner}" for owner in MIGRATE_COMMANDS}
    for owner, command in MIGRATE_COMMANDS.items():
        container = migrations[f"migrate-{owner}"]
        assert container["command"] == list(command)
        assert image_name(container["image"]) == f"ardoise/{owner}"
        ref = container["env"][0]["valueFrom"]["secretKeyRef"]
        assert env_names(container) == {"DATABASE_URL"} and ref["name"] == f"{owner}-database"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_service_process_starts_once_its_schema_is_migrated(overlay):
    """`kubectl apply` starts the migrations Job and the new pods at once: a pod whose code
    needs a column the Job has not added yet would fail every write meanwhile."""
    docs = rendered(overlay)
    for process in expected_processes(overlay):
        if process.kind == "stand-in":
            continue
        (wait,) = pod_spec(find(docs, "Deployment", process.name))["initContainers"]
        assert image_name(wait["image"]) == process.image, process.name
        command = wait["command"]
        assert command[:3] == ["ardoise", "migrate", "--wait"] and float(command[3]) > 0
        assert command[4:] == [process.package], process.name
        (database,) = wait["env"]
        assert database["name"] == "DATABASE_URL"
        assert database["valueFrom"]["secretKeyRef"]["name"] == f"{process.package}-database"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_gateways_are_called_through_their_services(overlay):
    docs = rendered(overlay)
    config = find(docs, "ConfigMap", "ardoise-config")["data"]
    for process in (p for p in expected_processes(overlay) if p.kind == "gateway"):
        (container,) = pod_spec(find(docs, "Deployment", process.name))["containers"]
        for variable in container["env"]:
            called = variable["name"].removesuffix("_URL").lower()
            if variable["name"].endswith("_URL") and called in GATEWAY_PORTS:
                key = variable["valueFrom"]["configMapKeyRef"]["key"]
                assert config[key] == f"http://{called}-gateway:{GATEWAY_PORTS[called]}"
                find(docs, "Service", f"{called}-gateway")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_web_pages_set_secure_cookies_and_are_reached_at_their_public_address(overlay):
    """Served behind TLS: a session cookie sent over plain HTTP could be read on the way."""
    docs = rendered(overlay)
    (container,) = pod_spec(find(docs, "Deployment", WEB.name))["containers"]
    env = {v["name"]: v for v in container["env"]}
    assert env["WEB_SECURE_COOKIES"]["value"] == "true"
    public = find(docs, "ConfigMap", "ardoise-config")["data"]["WEB_PUBLIC_URL"]
    assert public.startswith("https://" if overlay == "production" else "http")
