"""Sign-in as compose and Kubernetes deploy it: the web signs the tokens, every gateway checks
them against its keys read inside the network, services calling others get their own tokens,
and no process is given the development HS256 secret."""

import re

import pytest

from ardoise.issuer import SigningKeys, new_key_pem
from ardoise.service_tokens import CLIENT_SCOPES
from ardoise_tools.processes import PROCESSES, WEB
from web.issuer import client_secrets, router

from .manifests import DEPLOY, OVERLAYS, compose, containers, find, pod_spec, render

pytestmark = pytest.mark.unit
DEVELOPMENT_ONLY = {"ARDOISE_JWT_SECRET", "ARDOISE_AUTH_DEV_HS256"}
WEB_INSIDE = f"http://{WEB.name}:{WEB.port}"
"""The web as the other processes reach it: its compose service, its Kubernetes Service."""
ASKED_OF_THE_WEB = {"ARDOISE_AUTH_JWKS_URL": "/.well-known/jwks.json",
                    "ARDOISE_AUTH_TOKEN_URL": "/oauth/token",
                    "ARDOISE_AUTH_REVOCATIONS_URL": "/auth/revocations"}
CALLERS = {p.name for p in PROCESSES if p.package in CLIENT_SCOPES and p is not WEB}
"""The processes of the services that call others with their own token (orders, payments)."""
VARIABLE = re.compile(r"\$\{(\w+)[^}]*\}")


def interpolated(value: str) -> str:
    """The value as compose would give it, each `${NAME…}` replaced by a 32-character stand-in
    named after the variable, so that two references to one variable read the same."""
    return VARIABLE.sub(lambda match: match.group(1).lower().ljust(32, "x"), value)


def test_no_process_is_given_the_development_token_secret_nor_hs256():
    assert not [p.name for p in PROCESSES if p.env & DEVELOPMENT_ONLY]
    for name, service in compose()["services"].items():
        assert not set(service.get("environment") or {}) & DEVELOPMENT_ONLY, name
    for overlay in OVERLAYS:
        docs = render(DEPLOY / "overlays" / overlay)
        for doc in docs:
            for container in containers(doc):
                given = {v["name"] for v in container.get("env", [])}
                assert not given & DEVELOPMENT_ONLY, (overlay, container["name"])
        config = find(docs, "ConfigMap", "ardoise-config")["data"]
        assert not set(config) & DEVELOPMENT_ONLY, overlay


def test_the_addresses_asked_of_the_web_are_its_issuer_routes():
    served = {route.path for route in router.routes}
    assert set(ASKED_OF_THE_WEB.values()) <= served


def test_compose_gateways_check_the_web_s_tokens_read_at_its_internal_address():
    services = compose()["services"]
    public = services[WEB.name]["environment"]["WEB_PUBLIC_URL"]
    for process in PROCESSES:
        env = services[process.name]["environment"]
        if "ARDOISE_AUTH_ISSUER" in process.env:  # compared with `iss`: the web's own address
            assert env["ARDOISE_AUTH_ISSUER"] == public, process.name
        for variable, path in ASKED_OF_THE_WEB.items():
            if variable in process.env:
                assert env[variable] == WEB_INSIDE + path, process.name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_kubernetes_gateways_check_the_web_s_tokens_read_through_its_service(overlay):
    docs = render(DEPLOY / "overlays" / overlay)
    config = find(docs, "ConfigMap", "ardoise-config")["data"]
    assert config["ARDOISE_AUTH_ISSUER"] == config["WEB_PUBLIC_URL"].rstrip("/")
    for variable, path in ASKED_OF_THE_WEB.items():
        assert config[variable] == WEB_INSIDE + path, variable
    assert find(docs, "Service", WEB.name)["spec"]["ports"][0]["port"] == WEB.port


def test_each_service_calling_another_has_a_client_secret_the_web_knows_in_compose():
    services = compose()["services"]
    assert CALLERS == {p.name for p in PROCESSES if "ARDOISE_CLIENT_SECRET" in p.env}
    known = client_secrets(interpolated(services[WEB.name]["environment"]
                                        ["ARDOISE_CLIENT_SECRETS"]))
    for name in CALLERS:
        given = interpolated(services[name]["environment"]["ARDOISE_CLIENT_SECRET"])
        assert known[name.rsplit("-", 1)[0]] == given, name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_the_web_holds_the_signing_keys_and_only_callers_a_client_secret(overlay):
    docs = render(DEPLOY / "overlays" / overlay)
    for process in PROCESSES:
        if process.kind == "stand-in":
            continue
        (container,) = pod_spec(find(docs, "Deployment", process.name))["containers"]
        secrets = {v["name"]: v["valueFrom"]["secretKeyRef"]["name"] for v in container["env"]
                   if "secretKeyRef" in v.get("valueFrom", {})}
        expected = {"ARDOISE_SIGNING_KEYS": "ardoise-issuer",
                    "ARDOISE_CLIENT_SECRETS": "ardoise-issuer"} if process is WEB else {}
        if process.name in CALLERS:
            expected = {"ARDOISE_CLIENT_SECRET": f"{process.package}-client"}
        auth = {name: source for name, source in secrets.items() if name in
                {"ARDOISE_SIGNING_KEYS", "ARDOISE_CLIENT_SECRETS", "ARDOISE_CLIENT_SECRET"}}
        assert auth == expected, process.name


def test_signing_keys_written_on_one_line_as_in_the_env_file_load_first_key_signing():
    """deploy/README.md writes the keys into `.env` on one line, the new one first."""
    new, old = new_key_pem(), new_key_pem()
    one_line = " ".join((new + old).split())
    keys = SigningKeys(one_line)
    assert [key.kid for key in keys.keys] == [SigningKeys(new).kid, SigningKeys(old).kid]
    assert [key["kid"] for key in keys.jwks()["keys"]] == [key.kid for key in keys.keys]
