"""ardoise_tools.processes against the code: console scripts, Procfile, settings, Dockerfile."""

import importlib
import tomllib

import pytest
from pydantic import AliasChoices

from ardoise_tools.processes import (
    DEV_ONLY,
    PROCESSES,
    SERVICES,
    STANDIN,
    Process,
    process,
    worker_metrics_port,
)

from .manifests import ROOT

pytestmark = pytest.mark.unit
READ_OUTSIDE_SETTINGS = {"METRICS_PORT"}
"""Read by `ardoise.runtime.run_worker` through `worker_metrics_port`."""


def console_scripts() -> dict[str, str]:
    scripts = {}
    for pyproject in ROOT.glob("services/*/pyproject.toml"):
        for name in tomllib.loads(pyproject.read_text())["project"].get("scripts", {}):
            scripts[name] = pyproject.parent.name
    return scripts


def aliases(settings_class) -> tuple[set[str], set[str]]:
    """Every variable name the settings read, and those of which one must be set."""
    read, required = set(), set()
    for field in settings_class.model_fields.values():
        alias = field.validation_alias
        names = {alias} if isinstance(alias, str) else set(
            alias.choices if isinstance(alias, AliasChoices) else ())
        read |= names
        if field.is_required():
            required |= {min(names, key=len)}
    return read, required


def test_every_console_script_is_a_declared_process_of_its_package_and_in_the_procfile():
    assert console_scripts() == {p.name: p.package for p in PROCESSES}
    procfile = dict(line.split(": ", 1) for line in
                    (ROOT / "Procfile").read_text().splitlines() if line.strip())
    assert set(procfile) == {p.name for p in PROCESSES} | set(DEV_ONLY)
    assert {name: procfile[name] for name in DEV_ONLY} == DEV_ONLY


@pytest.mark.parametrize("declared", [p for p in PROCESSES if p.kind != "stand-in"],
                         ids=lambda p: p.name)
def test_each_process_is_given_what_its_settings_read_and_nothing_else(declared: Process):
    settings = importlib.import_module(f"{declared.package}.config").Settings
    read, required = aliases(settings)
    assert declared.env - READ_OUTSIDE_SETTINGS <= read, f"{declared.name}: nothing reads these"
    assert required <= declared.env, f"{declared.name}: its settings cannot load without these"
    if declared.kind == "gateway":
        assert settings.model_fields["http_port"].default == declared.port


def test_every_service_runs_a_gateway_and_a_worker_and_the_web_pages_a_gateway_alone():
    by_package: dict[str, set[str]] = {}
    for declared in PROCESSES:
        by_package.setdefault(declared.package, set()).add(declared.kind)
    assert by_package == {**{service: {"gateway", "worker"} for service in SERVICES},
                          "web": {"gateway"}, "sumup-standin": {"stand-in"}}


def test_the_stand_in_reads_the_variables_declared_for_it():
    from sumup_standin.config import Settings

    settings = Settings.from_env({"SUMUP_STANDIN_HOST": "0.0.0.0", "SUMUP_STANDIN_PORT": "9",
                                  "SUMUP_STANDIN_PUBLIC_URL": "http://standin"})
    assert (settings.host, settings.port, settings.public_url) == ("0.0.0.0", 9, "http://standin")
    assert Settings().port == STANDIN.port
    assert STANDIN.env == {"SUMUP_STANDIN_HOST", "SUMUP_STANDIN_PORT", "SUMUP_STANDIN_PUBLIC_URL"}


def test_a_worker_metrics_port_comes_from_its_own_variable_then_the_shared_one_then_its_default():
    assert worker_metrics_port("orders", {}) == process("orders-worker").port
    assert worker_metrics_port("orders", {"METRICS_PORT": "9200"}) == 9200
    assert worker_metrics_port("orders", {"METRICS_PORT": "9200", "ORDERS_METRICS_PORT": "9300"}) \
        == 9300


def test_every_port_is_distinct_so_that_one_host_can_run_everything():
    ports = [p.port for p in PROCESSES]
    assert len(ports) == len(set(ports))


def test_the_dockerfile_builds_any_package_and_runs_it_as_a_non_root_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    final_stage = dockerfile.rsplit("\nFROM ", 1)[1]
    user = next(line.split()[1] for line in final_stage.splitlines() if line.startswith("USER "))
    assert user.split(":")[0] not in ("0", "root")
    assert "ARG SERVICE" in dockerfile and "services/${SERVICE}" in dockerfile
    for package in {p.package for p in PROCESSES}:
        assert (ROOT / "services" / package / "pyproject.toml").exists()
    copied = [line.split()[1] for line in dockerfile.splitlines()
              if line.startswith("COPY ") and "--from" not in line]
    allowed = [line[1:] for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.startswith("!")]
    for source in copied:
        assert any(source.startswith(path.rstrip("/")) for path in allowed), source
        assert (ROOT / source.replace("${SERVICE}", "orders")).exists(), source
