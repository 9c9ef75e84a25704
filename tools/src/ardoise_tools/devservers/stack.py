"""The local stack: servers, roles and schemas, migrations, and the environment processes get."""

import asyncio
import base64
import json
import os
import secrets
import shlex
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ardoise.issuer import new_key_pem
from ardoise_tools.devservers.broker import LocalBroker, ensure_topics
from ardoise_tools.devservers.postgres import LocalPostgres

SERVICES = ("orders", "accounts", "payments", "exports", "journal")
"""The services that own business data: a gateway and a worker each."""
SCHEMA_OWNERS = (*SERVICES, "web")
"""Every login role with a schema of its own: the services, and the web pages' sessions."""
DATABASE = "ardoise"
DEV_PORTS = (55432, 59092)
REPLICA_PORT_STEP = 100
"""Replica n (1, 2, …) of a gateway or a worker listens on its usual port + 100·(n−1): the
orders gateway on 8001, 8101, 8201…, the orders worker's /metrics on 9101, 9201… (up to nine
replicas, no port met twice: the gateways' ports end in 0-5, the stand-in's in 9)."""
MAX_REPLICAS = 9


def replica_port(port: int, replica: int) -> int:
    """The port of replica `replica` (1 for the first, which keeps the usual port)."""
    return port + REPLICA_PORT_STEP * (replica - 1)


def parse_replicas(spec: str, kinds: Mapping[str, str]) -> dict[str, int]:
    """How many of each process to run, from `--replicas` / `ARDOISE_REPLICAS`.

    `kinds` maps every process that may be replicated to its kind (`gateway`, `worker`). The
    spec is comma-separated: a bare number applies to every one of them, `workers=N` /
    `gateways=N` to every one of that kind, `NAME=N` to one process; later items win
    (`2,web-gateway=1`). An empty spec runs one of each, as always.
    """
    counts = dict.fromkeys(kinds, 1)
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        name, _, value = item.rpartition("=")
        try:
            count = int(value)
        except ValueError:
            raise ValueError(f"replicas: {item!r} is not NAME=N nor N") from None
        if not 1 <= count <= MAX_REPLICAS:
            raise ValueError(f"replicas: {item!r}: between 1 and {MAX_REPLICAS}")
        if not name:
            chosen = list(kinds)
        elif name in ("gateways", "workers"):
            chosen = [p for p, kind in kinds.items() if kind == name[:-1]]
        elif name in kinds:
            chosen = [name]
        else:
            raise ValueError(f"replicas: no process {name!r} can be replicated; one of "
                             f"{', '.join(sorted(kinds))}, gateways, workers")
        counts.update(dict.fromkeys(chosen, count))
    return counts


def replica_name(name: str, replica: int) -> str:
    """`orders-worker` for the first, `orders-worker-2` for the second… (honcho's names allow
    no dot)."""
    return name if replica == 1 else f"{name}-{replica}"


def replicated_procfile(procfile: str, counts: Mapping[str, int],
                        ports: Mapping[str, tuple[str, int]]) -> str:
    """The Procfile with replica n ≥ 2 of each process after its first, on its own port: its
    line's command behind `VARIABLE=PORT` (`ports`: process → its port's variable and port).
    Lines of processes run once are left exactly as they are."""
    lines = []
    for line in procfile.splitlines():
        lines.append(line)
        name, sep, command = line.partition(":")
        if not sep or counts.get(name.strip(), 1) == 1:
            continue
        name, command = name.strip(), command.strip()
        variable, port = ports[name]
        for replica in range(2, counts[name] + 1):
            lines.append(f"{replica_name(name, replica)}: "
                         f"{variable}={replica_port(port, replica)} {command}")
    return "\n".join(lines) + "\n"


def fernet_key() -> str:
    """A key as Fernet (the `cryptography` package) reads it: 32 random bytes, urlsafe base64."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def project_root() -> Path:
    """The checkout this command runs from (the folder holding `services/` and `Procfile`)."""
    start = Path(os.environ.get("ARDOISE_ROOT", Path.cwd())).resolve()
    for folder in (start, *start.parents):
        if (folder / "Procfile").exists() and (folder / "services").is_dir():
            return folder
    raise RuntimeError("run this from inside the Ardoise checkout (or set ARDOISE_ROOT)")


@dataclass
class Stack:
    """One named instance (`dev` for `make up`, `test` for the tests) under `.run/NAME/`."""

    name: str = "dev"

    @property
    def home(self) -> Path:
        return project_root() / ".run" / self.name

    def _secrets(self) -> dict[str, str]:
        path = self.home / "secrets.json"
        values = json.loads(path.read_text()) if path.exists() else {}
        wanted = {name: lambda: secrets.token_urlsafe(24)
                  for name in ("postgres", "jwt", *SCHEMA_OWNERS)}
        wanted["secrets_key"] = fernet_key
        wanted["journal_signing"] = lambda: secrets.token_urlsafe(32)
        wanted["signing_key"] = new_key_pem
        wanted["client_secret"] = lambda: secrets.token_urlsafe(24)
        missing = {name: make() for name, make in wanted.items() if name not in values}
        if missing:  # a new stack, or one made before this secret existed
            values.update(missing)
            self.home.mkdir(parents=True, exist_ok=True)
            path.touch(mode=0o600)
            path.write_text(json.dumps(values))
        return values

    def ports(self) -> tuple[int, int]:
        """PostgreSQL's port and the broker's: fixed for `dev`; other instances get ports of
        their own checkout, so that two checkouts (or a developer's and CI's) can run their
        tests side by side."""
        pg, kafka = DEV_PORTS
        if self.name != "dev":
            # below the kernel's ephemeral range, so no free port handed to a test process
            # can be one a stack is about to listen on
            offset = zlib.crc32(f"{project_root()}/{self.name}".encode()) % 4000
            pg, kafka = 21000 + offset, 26000 + offset
        return (int(os.environ.get("ARDOISE_PG_PORT", pg)),
                int(os.environ.get("ARDOISE_KAFKA_PORT", kafka)))

    def postgres(self) -> LocalPostgres:
        return LocalPostgres(self.home, self.ports()[0], self._secrets()["postgres"],
                             for_tests=self.name != "dev")

    def broker(self) -> LocalBroker:
        return LocalBroker(self.home, self.ports()[1])

    def environment(self) -> dict[str, str]:
        """KAFKA_BOOTSTRAP, the secrets (ARDOISE_JWT_SECRET, ARDOISE_SECRETS_KEYS,
        JOURNAL_SIGNING_SECRET) and one database URL per service role.

        Any of them already set in the environment wins (`KAFKA_BOOTSTRAP` / `DATABASE_URL`:
        external servers).
        """
        values = self._secrets()
        env = {"ARDOISE_JWT_SECRET": os.environ.get("ARDOISE_JWT_SECRET", values["jwt"]),
               "ARDOISE_SECRETS_KEYS": os.environ.get("ARDOISE_SECRETS_KEYS",
                                                      values["secrets_key"]),
               "JOURNAL_SIGNING_SECRET": os.environ.get("JOURNAL_SIGNING_SECRET",
                                                        values["journal_signing"]),
               # development: test tooling's HS256 tokens are accepted beside the issuer's
               "ARDOISE_AUTH_DEV_HS256": os.environ.get("ARDOISE_AUTH_DEV_HS256", "true")}
        env["KAFKA_BOOTSTRAP"] = os.environ.get("KAFKA_BOOTSTRAP") or self.broker().bootstrap
        external = os.environ.get("DATABASE_URL")
        pg_port = self.ports()[0]
        for service in SCHEMA_OWNERS:
            key = f"{service.upper()}_DATABASE_URL"
            local = (f"postgresql+asyncpg://{service}:{values[service]}@127.0.0.1:{pg_port}"
                     f"/{DATABASE}")
            env[key] = os.environ.get(key) or external or local
        env["ARDOISE_ADMIN_DATABASE_URL"] = external or self.postgres().admin_url(DATABASE)
        return env

    def issuer_environment(self, web_url: str) -> dict[str, str]:
        """The whole system's sign-in: the web at `web_url` signs tokens with the stack's key
        and publishes it; gateways verify them by discovery from that address alone; services
        trade their secret there for their own tokens (one secret for all, in development)."""
        values = self._secrets()
        secret = values["client_secret"]
        return {"ARDOISE_SIGNING_KEYS": values["signing_key"],
                "ARDOISE_AUTH_ISSUER": web_url,
                "ARDOISE_AUTH_REVOCATIONS_URL": f"{web_url}/auth/revocations",
                "ARDOISE_CLIENT_SECRET": secret,
                "ARDOISE_CLIENT_SECRETS": json.dumps({"orders": secret, "payments": secret})}

    def up(self) -> dict[str, str]:
        """Start what is not running, provision roles and topics, migrate; safe to repeat."""
        from ardoise.jobs import provision
        from ardoise.migrations import upgrade

        if not os.environ.get("DATABASE_URL"):
            postgres = self.postgres()
            postgres.ensure_running()
            values = self._secrets()
            asyncio.run(provision(postgres.admin_url(), {s: values[s] for s in SCHEMA_OWNERS}))
        if not os.environ.get("KAFKA_BOOTSTRAP"):
            self.broker().ensure_running()
        env = self.environment()
        ensure_topics(env["KAFKA_BOOTSTRAP"])
        for service in SCHEMA_OWNERS:
            upgrade(service, env[f"{service.upper()}_DATABASE_URL"])
        self.write_env_file(env)
        return env

    def write_env_file(self, env: dict[str, str]) -> Path:
        """`.run/NAME/env`, for a shell to read back exactly (`set -a; . .run/dev/env`): each
        value quoted, the signing key's PEM lines and the client secrets' JSON included."""
        path = self.home / "env"
        path.touch(mode=0o600)
        path.write_text("".join(f"{k}={shlex.quote(v)}\n" for k, v in sorted(env.items())))
        return path

    def down(self) -> None:
        """Stop the servers this stack started, and nothing else."""
        self.broker().stop()
        self.postgres().stop()
