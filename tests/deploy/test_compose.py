"""docker-compose.yml: valid for the Compose specification, starting in order what the code runs."""

import json
from importlib import resources

import jsonschema
import pytest

from ardoise_tools.processes import (
    GATEWAY_PORTS,
    MIGRATE_COMMANDS,
    PROCESSES,
    PROVISION_COMMAND,
    PROVISION_ENV,
    TOPICS_COMMAND,
)

from .manifests import DEPLOY, compose, find, image_name, pod_spec, render

pytestmark = pytest.mark.unit
JOBS = {"db-provision", "kafka-topics", *(f"{owner}-migrate" for owner in MIGRATE_COMMANDS)}


def compose_spec() -> dict:
    """The Compose specification's JSON schema, as check-jsonschema ships it."""
    vendored = resources.files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json"
    return json.loads(vendored.read_text())


def test_the_compose_file_validates_against_the_compose_specification():
    schema = compose_spec()
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(compose())]
    assert errors == []
    broken = {**compose(), "services": {"x": {"image": "y", "helthcheck": {}}}}
    assert list(validator.iter_errors(broken)), "the schema does catch a wrong value"


def test_every_process_runs_as_the_code_declares_it():
    services = compose()["services"]
    for process in PROCESSES:
        service = services[process.name]
        assert image_name(service["image"]) == process.image
        assert service["build"]["args"] == {"SERVICE": process.package}
        assert service["command"] == [process.name]
        assert set(service["environment"]) == process.env, process.name
        assert service["environment"][process.port_variable] == str(process.port)
        assert service["ports"] == [f"127.0.0.1:{process.port}:{process.port}"]
        assert f"127.0.0.1:{process.port}/health" in " ".join(service["healthcheck"]["test"])
        if "DATABASE_URL" in process.env:  # its own role, owner of its own schema
            database = service["environment"]["DATABASE_URL"]
            assert database.startswith(f"postgresql+asyncpg://{process.package}:"), process.name


def test_the_gateways_are_called_by_their_compose_service_names():
    for name, service in compose()["services"].items():
        for variable, value in (service.get("environment") or {}).items():
            called = variable.removesuffix("_URL").lower()
            if variable.endswith("_URL") and called in GATEWAY_PORTS:
                assert value == f"http://{called}-gateway:{GATEWAY_PORTS[called]}", (name, value)


def test_compose_and_kubernetes_run_the_same_images_commands_ports_and_variables():
    services = compose()["services"]
    docs = render(DEPLOY / "overlays" / "staging")
    for process in PROCESSES:
        (container,) = pod_spec(find(docs, "Deployment", process.name))["containers"]
        service = services[process.name]
        assert image_name(container["image"]) == image_name(service["image"])
        assert container["command"] == service["command"]
        assert {v["name"] for v in container["env"]} == set(service["environment"])
        assert [str(p["containerPort"]) for p in container["ports"]] == \
            [service["ports"][0].rsplit(":", 1)[1]]


def test_the_jobs_provision_create_topics_and_migrate_each_schema_before_anything_runs():
    services = compose()["services"]
    assert JOBS <= set(services)
    assert all(services[job]["restart"] == "no" for job in JOBS)
    assert services["db-provision"]["command"] == list(PROVISION_COMMAND)
    assert set(services["db-provision"]["environment"]) == set(PROVISION_ENV)
    assert services["kafka-topics"]["command"] == list(TOPICS_COMMAND)
    assert {name for name in services if name.endswith("-migrate")} == \
        {f"{owner}-migrate" for owner in MIGRATE_COMMANDS}
    for owner, command in MIGRATE_COMMANDS.items():
        job = services[f"{owner}-migrate"]
        assert job["command"] == list(command)
        assert image_name(job["image"]) == f"ardoise/{owner}"
        assert job["build"]["args"] == {"SERVICE": owner}
        assert job["environment"]["DATABASE_URL"].startswith(f"postgresql+asyncpg://{owner}:")
        assert job["depends_on"] == {"db-provision": {"condition":
                                                      "service_completed_successfully"}}
    for process in PROCESSES:
        if process.kind != "stand-in":
            waits_for = services[process.name]["depends_on"]
            assert {job for job in JOBS if job != "db-provision"} <= set(waits_for)


def test_every_dependency_condition_can_be_met():
    services = compose()["services"]
    for name, service in services.items():
        for target, condition in service.get("depends_on", {}).items():
            assert target in services, f"{name} waits for {target}, which does not exist"
            if condition["condition"] == "service_healthy":
                assert "healthcheck" in services[target], f"{target} has no health check"
            if condition["condition"] == "service_completed_successfully":
                assert services[target]["restart"] == "no", f"{target} is not a one-shot job"


def test_kafka_runs_in_kraft_mode_from_the_apache_image_without_creating_topics_by_itself():
    kafka = compose()["services"]["kafka"]
    assert image_name(kafka["image"]) == "apache/kafka"
    assert "controller" in kafka["environment"]["KAFKA_PROCESS_ROLES"]
    assert not any("ZOOKEEPER" in name for name in kafka["environment"])
    assert kafka["environment"]["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert "mailpit" in compose()["services"], "an SMTP catcher takes the weekly e-mails"


def test_no_secret_is_written_in_the_compose_file():
    secret_names = {name for p in PROCESSES for name in p.secrets} | set(PROVISION_ENV)
    secret_names |= {"POSTGRES_PASSWORD"}
    for name, service in compose()["services"].items():
        for variable, value in (service.get("environment") or {}).items():
            if variable in secret_names:
                assert "${" in str(value), f"{name}: {variable} must come from the environment"
