"""The `ardoise` command: local stack, tokens, migrations."""

import argparse
import json
import os
import subprocess
import sys

import httpx

from ardoise.auth import Principal, issue_token
from ardoise.db import plain_dsn
from ardoise.devservers.stack import SERVICES, Stack, project_root


def _jwt_secret() -> str:
    secret = os.environ.get("ARDOISE_JWT_SECRET")
    if secret:
        return secret
    path = Stack("dev").home / "secrets.json"
    if not path.exists():
        sys.exit("no ARDOISE_JWT_SECRET in the environment and no local stack yet: run `make up`")
    return json.loads(path.read_text())["jwt"]


def cmd_token(args: argparse.Namespace) -> None:
    if args.role == "customer" and not args.customer:
        sys.exit("usage: ardoise token customer PRODUCER CUSTOMER")
    principal = Principal(args.role, args.producer, args.customer if args.role == "customer" else None)
    print(issue_token(_jwt_secret(), principal))


def cmd_up(args: argparse.Namespace) -> None:
    """Servers, migrations, then every gateway and worker in the foreground until Ctrl-C."""
    stack = Stack(args.instance)
    env = stack.up()
    env_file = stack.write_env_file(env)
    print(f"postgres and broker ready; environment in {env_file}", flush=True)
    root = project_root()
    path = f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ.get('PATH', '')}"
    honcho = subprocess.Popen(
        [sys.executable, "-m", "honcho", "start", "-f", str(root / "Procfile"), "-e", str(env_file),
         "-d", str(root)],
        env={**os.environ, "PATH": path},
    )
    try:
        honcho.wait()
    except KeyboardInterrupt:
        honcho.wait()
    finally:
        if not args.keep_servers:
            stack.down()
            print("stopped the broker and PostgreSQL", flush=True)


def cmd_servers(args: argparse.Namespace) -> None:
    stack = Stack(args.instance)
    if args.action == "down":
        stack.down()
        return
    env = stack.up()
    for key, value in sorted(env.items()):
        print(f"{key}={value}" if args.show_secrets else f"{key}=…")


def cmd_migrate(args: argparse.Namespace) -> None:
    from ardoise.migrations import upgrade

    unknown = set(args.services) - set(SERVICES)
    if unknown:
        sys.exit(f"unknown services: {', '.join(sorted(unknown))}")
    for service in args.services or SERVICES:
        url = os.environ.get(f"{service.upper()}_DATABASE_URL") or os.environ.get("DATABASE_URL")
        if not url:
            sys.exit(f"set {service.upper()}_DATABASE_URL or DATABASE_URL")
        if args.wait is not None:
            _wait_until_migrated(service, url, args.wait)
            continue
        upgrade(service, url)
        print(f"{service}: migrated to head")


def _wait_until_migrated(service: str, url: str, timeout_s: float) -> None:
    """For a pod's init container: start the service only once its schema is this code's."""
    import asyncio

    from ardoise.migrations import head, is_ready_for, wait_until_migrated

    found = asyncio.run(wait_until_migrated(service, plain_dsn(url), timeout_s))
    if not is_ready_for(service, found):
        sys.exit(f"{service}: the schema is at {found or 'nothing'}, this code needs "
                 f"{head(service)}; is the migrations Job done?")
    print(f"{service}: schema at {found}")


def cmd_demo(args: argparse.Namespace) -> None:
    """Play the online-payment walkthrough against the running system (`make up`)."""
    from ardoise.demo import run_demo

    urls = {s: os.environ[f"{s.upper()}_URL"] for s in ("orders", "accounts", "payments", "sumup")
            if os.environ.get(f"{s.upper()}_URL")}
    try:
        run_demo(_jwt_secret(), urls)
    except httpx.HTTPError as error:
        sys.exit(f"the system did not answer ({error}): is `make up` running?")


def cmd_reconcile(args: argparse.Namespace) -> None:
    """Recompute balances and holds from the movements, and compare the payments recorded
    `online` with the checkouts SumUp reports paid; exit 1 on any drift."""
    import asyncio
    import importlib

    if not (os.environ.get("ACCOUNTS_DATABASE_URL") or os.environ.get("DATABASE_URL")):
        os.environ.update({**Stack(args.instance).environment(), **os.environ})
    ledger = importlib.import_module("accounts.reconcile")
    online = importlib.import_module("payments.reconcile")
    payments = importlib.import_module("payments.bootstrap")
    settings = importlib.import_module("payments.config").Settings()

    async def reconcile() -> tuple[tuple, tuple]:
        from functools import partial

        from ardoise.db import make_engine, make_sessionmaker

        accounts_url = os.environ.get("ACCOUNTS_DATABASE_URL") or os.environ["DATABASE_URL"]
        engine = make_engine(settings.database_url, "payments", pool_size=2)
        uow = importlib.import_module("payments.service_layer.unit_of_work").SqlPaymentsUnitOfWork
        sumup = payments.sumup_gateways(settings, partial(uow, make_sessionmaker(engine)))
        try:
            return (await ledger.find_drift(plain_dsn(accounts_url), args.producer),
                    await online.find_online_drift(plain_dsn(settings.database_url),
                                                   sumup, args.producer))
        finally:
            await sumup.aclose()
            await engine.dispose()

    try:
        (accounts, drift), (checkouts, online_drift) = asyncio.run(reconcile())
    except OSError as error:
        sys.exit(f"cannot reach a database ({error}): is the system up?")
    for item in drift:
        print(f"DRIFT {item.check}: {item.producer_id}/{item.customer_id} stored "
              f"{item.stored_cents} recomputed {item.recomputed_cents}")
    for item in online_drift:
        print(f"DRIFT {item.check}: {item.producer_id} order {item.order_id} recorded online "
              f"{item.recorded_cents} SumUp paid {item.sumup_cents}")
    print(f"reconcile: {accounts} accounts checked, {len(drift)} drifts; "
          f"{checkouts} checkouts read back from SumUp, {len(online_drift)} drifts")
    if drift or online_drift:
        sys.exit(1)


def cmd_secrets(args: argparse.Namespace) -> None:
    """Seal every producer's SumUp API key again under the first of ARDOISE_SECRETS_KEYS."""
    import asyncio
    import importlib

    if not (os.environ.get("PAYMENTS_DATABASE_URL") or os.environ.get("DATABASE_URL")):
        os.environ.update({**Stack(args.instance).environment(), **os.environ})
    settings = importlib.import_module("payments.config").Settings()
    payments = importlib.import_module("payments.bootstrap")
    handlers = importlib.import_module("payments.service_layer.handlers")
    uow = importlib.import_module("payments.service_layer.unit_of_work").SqlPaymentsUnitOfWork

    async def rotate() -> tuple[int, list[str]]:
        from ardoise.db import make_engine, make_sessionmaker

        engine = make_engine(settings.database_url, "payments", pool_size=1)
        try:
            return await handlers.reseal_sumup_keys(uow(make_sessionmaker(engine)),
                                                    payments.secret_box(settings).reseal,
                                                    args.producer)
        finally:
            await engine.dispose()

    resealed, unreadable = asyncio.run(rotate())
    print(f"secrets: {resealed} SumUp API keys sealed under the first key")
    for producer_id in unreadable:
        print(f"UNREADABLE {producer_id}: no configured key opens its SumUp API key; it must "
              "give it again")
    if unreadable:
        sys.exit(1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="ardoise", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    token = commands.add_parser("token", help="print a bearer token for local use")
    token.add_argument("role", choices=["operator", "customer"])
    token.add_argument("producer")
    token.add_argument("customer", nargs="?")
    token.set_defaults(run=cmd_token)

    up = commands.add_parser("up", help="run the whole system in the foreground")
    up.add_argument("--instance", default="dev")
    up.add_argument("--keep-servers", action="store_true", help="leave PostgreSQL and the broker up")
    up.set_defaults(run=cmd_up)

    servers = commands.add_parser("servers", help="start (up) or stop (down) the local servers")
    servers.add_argument("action", choices=["up", "down"])
    servers.add_argument("--instance", default="dev")
    servers.add_argument("--show-secrets", action="store_true")
    servers.set_defaults(run=cmd_servers)

    migrate = commands.add_parser("migrate", help="migrate services' schemas to head")
    migrate.add_argument("services", nargs="*", help=f"some of {', '.join(SERVICES)} (default all)")
    migrate.add_argument("--wait", type=float, metavar="SECONDS", default=None,
                         help="migrate nothing: wait up to SECONDS for the schemas to be at this "
                              "code's head (exit 1 if they are not by then)")
    migrate.set_defaults(run=cmd_migrate)

    reconcile = commands.add_parser("reconcile", help="recompute balances and holds, compare online payments with SumUp; report drift")
    reconcile.add_argument("--instance", default="dev")
    reconcile.add_argument("--producer", help="check this producer only (default: all)")
    reconcile.set_defaults(run=cmd_reconcile)

    secrets = commands.add_parser("secrets", help="rotate the key sealing producers' SumUp keys")
    secrets.add_argument("action", choices=["rotate"])
    secrets.add_argument("--instance", default="dev")
    secrets.add_argument("--producer", help="this producer's key only (default: all)")
    secrets.set_defaults(run=cmd_secrets)

    demo = commands.add_parser("demo", help="play the online-payment walkthrough")
    demo.set_defaults(run=cmd_demo)

    args = parser.parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main()
