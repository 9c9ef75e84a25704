"""Every process a deployment runs, its image, port and settings' names, and its one-shot jobs.

The Dockerfile, docker-compose.yml and deploy/ are checked against this table by
tests/deploy, so that the code, the compose file and the Kubernetes manifests cannot drift.
The jobs run `ardoise job provision|topics` and `ardoise migrate SERVICE` (ardoise/jobs.py).
"""

import os
from dataclasses import dataclass
from typing import Literal

from ardoise_tools.devservers.stack import SCHEMA_OWNERS, SERVICES

Kind = Literal["gateway", "worker", "stand-in"]

SHARED_SETTINGS = ("KAFKA_BOOTSTRAP", "LOG_LEVEL", "HTTP_HOST")
SHARED_SECRETS = ("DATABASE_URL",)
"""Each process gets its own role's `DATABASE_URL` (a password inside: a secret). No process
shares a token secret: the web signs tokens with its own keys (`ISSUER_SECRETS`), and
`ARDOISE_JWT_SECRET` with `ARDOISE_AUTH_DEV_HS256` is for development only."""
VERIFIER_SETTINGS = ("ARDOISE_AUTH_ISSUER", "ARDOISE_AUTH_JWKS_URL",
                     "ARDOISE_AUTH_REVOCATIONS_URL")
"""How a service's gateway checks bearer tokens (docs/sign-in.md). The issuer is the web, whose
public address (`iss`) need not be reachable from inside compose or a cluster: the keys and the
revoked operators are read at its internal address, and `ARDOISE_AUTH_ISSUER` (the web's public
URL) is only compared with `iss`. A platform's own OpenID Connect provider needs the issuer
alone (discovery). The audience keeps its default, `ardoise-api`."""
CLIENT_SETTINGS = ("ARDOISE_AUTH_ISSUER", "ARDOISE_AUTH_TOKEN_URL")
CLIENT_SECRETS = ("ARDOISE_CLIENT_SECRET",)
"""A service calling another shows its own token, asked of the issuer's token endpoint with its
client secret (`ardoise.service_tokens`): orders reads accounts, payments reads orders, from
the gateway and the worker alike. The token endpoint is the web's internal address, as above."""
ISSUER_SECRETS = ("ARDOISE_SIGNING_KEYS", "ARDOISE_CLIENT_SECRETS")
"""The web's, as the issuer: its Ed25519 keys (the first signs, all are published) and each
calling service's client secret (JSON, the same values as their `ARDOISE_CLIENT_SECRET`)."""
SERVICE_SETTINGS = {
    "orders": ("ACCOUNTS_URL",) + CLIENT_SETTINGS,
    # reminders of debts: mailed as the weekly e-mail is, with a link to the web's account page
    "accounts": ("SMTP_HOST", "SMTP_PORT", "SMTP_USERNAME", "SMTP_TLS", "SMTP_STARTTLS",
                 "MAIL_FROM", "WEB_PUBLIC_URL"),
    "payments": ("ORDERS_URL", "SUMUP_API_URL", "PUBLIC_BASE_URL") + CLIENT_SETTINGS,
    "exports": ("SMTP_HOST", "SMTP_PORT", "SMTP_USERNAME", "SMTP_TLS", "SMTP_STARTTLS",
                "MAIL_FROM"),
    "journal": (),
}
"""Settings with a default fit for every deployment (the weekly e-mail's hour, how often the
journal looks for periods to close: `JOURNAL_CLOSING_CHECK_S`) are left to the services."""
SERVICE_SECRETS = {"orders": CLIENT_SECRETS, "accounts": ("SMTP_PASSWORD",),
                   "payments": CLIENT_SECRETS + ("ARDOISE_SECRETS_KEYS",
                                                 "SUMUP_WEBHOOK_SECRET"),
                   "exports": ("SMTP_PASSWORD",),
                   "journal": ("JOURNAL_SIGNING_SECRET",)}
"""Each producer's SumUp merchant code and API key are its own settings (the key sealed with
ARDOISE_SECRETS_KEYS), not the deployment's. JOURNAL_SIGNING_SECRET (32 characters or more)
derives each producer's key signing its journal's archives."""
GATEWAY_PORTS = {"orders": 8001, "accounts": 8002, "payments": 8003, "exports": 8004,
                 "journal": 8005}
WORKER_METRICS_PORTS = {"orders": 9101, "accounts": 9102, "payments": 9103, "exports": 9104,
                        "journal": 9105}
STANDIN_PORT = 8009


@dataclass(frozen=True)
class Process:
    """One long-running process: its console script is also its compose service and Deployment."""

    name: str
    package: str
    """The folder under services/ whose image runs it (`Dockerfile --build-arg SERVICE=…`)."""
    kind: Kind
    port: int
    """The API of a gateway or of the stand-in; `/metrics` and `/health` of a worker."""
    settings: tuple[str, ...]
    secrets: tuple[str, ...] = ()

    @property
    def image(self) -> str:
        return f"ardoise/{self.package}"

    @property
    def env(self) -> frozenset[str]:
        return frozenset(self.settings + self.secrets)

    @property
    def port_variable(self) -> str:
        return {"gateway": "HTTP_PORT", "worker": "METRICS_PORT",
                "stand-in": "SUMUP_STANDIN_PORT"}[self.kind]


def _names(*groups: tuple[str, ...]) -> tuple[str, ...]:
    """The groups' names in order, each once (a caller's gateway has the issuer twice)."""
    return tuple(dict.fromkeys(name for group in groups for name in group))


def _service_processes(service: str) -> tuple[Process, Process]:
    own, secrets = SERVICE_SETTINGS[service], SHARED_SECRETS + SERVICE_SECRETS[service]
    return (
        Process(f"{service}-gateway", service, "gateway", GATEWAY_PORTS[service],
                _names(SHARED_SETTINGS, ("HTTP_PORT",), VERIFIER_SETTINGS, own), secrets),
        Process(f"{service}-worker", service, "worker", WORKER_METRICS_PORTS[service],
                SHARED_SETTINGS + ("METRICS_PORT", "KAFKA_GROUP_PREFIX", "KAFKA_FETCH_MAX_WAIT_MS",
                                   "KAFKA_SAGA_FETCH_MAX_WAIT_MS",
                                   "KAFKA_READ_MODEL_FETCH_MAX_WAIT_MS") + own, secrets),
    )


WEB = Process("web-gateway", "web", "gateway", 8000,
              SHARED_SETTINGS + ("HTTP_PORT", "ORDERS_URL", "ACCOUNTS_URL", "PAYMENTS_URL",
                                 "EXPORTS_URL", "JOURNAL_URL", "WEB_PUBLIC_URL",
                                 "WEB_SECURE_COOKIES",
                                 "SMTP_HOST", "SMTP_PORT", "SMTP_USERNAME", "SMTP_TLS",
                                 "SMTP_STARTTLS", "MAIL_FROM"),
              SHARED_SECRETS + ("SMTP_PASSWORD",) + ISSUER_SECRETS)
"""The producer's back office and the customer's account page: pages over the gateways, its
own schema for sign-in links, sessions and operators only. It is the issuer (its
`WEB_PUBLIC_URL` is the tokens' `iss`) and checks no bearer token itself (its pages use
sessions), so it is given none of the gateways' `ARDOISE_AUTH_*` settings."""

STANDIN = Process("sumup-standin", "sumup-standin", "stand-in", STANDIN_PORT,
                  ("SUMUP_STANDIN_HOST", "SUMUP_STANDIN_PORT", "SUMUP_STANDIN_PUBLIC_URL"))
"""SumUp's Checkouts API for development and staging; production talks to SumUp itself."""

DEV_ONLY = {"mail-sink": "ardoise mail-sink"}
"""What `make up` runs beside the deployment's processes: a mail server keeping every message
under .run/dev/mail/ (compose and staging run Mailpit for this)."""

PROCESSES: tuple[Process, ...] = (
    *(process for service in SERVICES for process in _service_processes(service)),
    WEB,
    STANDIN,
)

MIGRATE_COMMANDS = {service: ("ardoise", "migrate", service) for service in SCHEMA_OWNERS}
"""One migrations job per schema, run with that service's image and `DATABASE_URL`."""
PROVISION_COMMAND = ("ardoise", "job", "provision")
PROVISION_ENV = ("ARDOISE_ADMIN_DATABASE_URL",
                 *(f"{service.upper()}_DATABASE_URL" for service in SCHEMA_OWNERS))
TOPICS_COMMAND = ("ardoise", "job", "topics")


def process(name: str) -> Process:
    return next(p for p in PROCESSES if p.name == name)


def worker_metrics_port(service: str, environ: dict[str, str] | None = None) -> int:
    """`<SERVICE>_METRICS_PORT`, else `METRICS_PORT`, else the worker's own default (9101…)."""
    env = os.environ if environ is None else environ
    value = env.get(f"{service.upper()}_METRICS_PORT") or env.get("METRICS_PORT")
    return int(value) if value else WORKER_METRICS_PORTS[service]
