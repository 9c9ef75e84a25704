"""The `ardoise` command: migrations, jobs, tokens, reconcile, and what packages add to it.

It knows no service: each service registers itself (entry point group `ardoise.services`, for
its migrations), its checks for `ardoise reconcile` (`ardoise.reconcile`) and its own commands
(`ardoise.commands`); the tooling package adds the local servers (`up`, `servers`, `demo`) and
where to find a local stack's environment (`ardoise.environment`) the same way.
"""

import argparse
import asyncio
import os
import sys
from importlib.metadata import entry_points

from ardoise.auth import Principal, issue_token
from ardoise.db import plain_dsn
from ardoise.issuer import SigningKeys


def services() -> list[str]:
    """The services installed here, each registered by its package."""
    return sorted(entry.name for entry in entry_points(group="ardoise.services"))


def load_environment(instance: str | None) -> None:
    """Without database URLs in the environment, a registered provider (the tooling's local
    stack) may give them; what the environment already says wins."""
    if any(name.endswith("DATABASE_URL") for name in os.environ):
        return
    for entry in entry_points(group="ardoise.environment"):
        os.environ.update({**entry.load()(instance or "dev"), **os.environ})
        return


def cmd_token(args: argparse.Namespace) -> None:
    if args.role == "customer" and not args.customer:
        sys.exit("usage: ardoise token customer PRODUCER CUSTOMER")
    load_environment(args.instance)
    principal = Principal(args.role, args.producer,
                          args.customer if args.role == "customer" else None,
                          person=args.person, name=args.name)
    keys, issuer = os.environ.get("ARDOISE_SIGNING_KEYS"), os.environ.get("ARDOISE_AUTH_ISSUER")
    if keys and issuer:  # the issuer's own key, as the web signs with it
        print(SigningKeys(keys).token(issuer, principal, args.minutes * 60))
        return
    secret = os.environ.get("ARDOISE_JWT_SECRET")
    if not secret:
        sys.exit("no signing key nor ARDOISE_JWT_SECRET in the environment and no local stack "
                 "yet: run `make up`")
    print(issue_token(secret, principal))


def cmd_migrate(args: argparse.Namespace) -> None:
    from ardoise.migrations import upgrade

    known = services()
    unknown = set(args.services) - set(known)
    if unknown:
        sys.exit(f"unknown services: {', '.join(sorted(unknown))}")
    for service in args.services or known:
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
    from ardoise.migrations import head, is_ready_for, wait_until_migrated

    found = asyncio.run(wait_until_migrated(service, plain_dsn(url), timeout_s))
    if not is_ready_for(service, found):
        sys.exit(f"{service}: the schema is at {found or 'nothing'}, this code needs "
                 f"{head(service)}; is the migrations Job done?")
    print(f"{service}: schema at {found}")


def cmd_job(args: argparse.Namespace) -> None:
    """`provision`: the database, and a login role per `<SERVICE>_DATABASE_URL` owning its
    schema; `topics`: the topics, on the broker of KAFKA_BOOTSTRAP."""
    from ardoise import jobs

    if args.job == "provision":
        roles = jobs.provision_from(dict(os.environ))
        print(f"provisioned the database and the roles of {', '.join(roles)}", flush=True)
    else:
        print(f"topics ready: {', '.join(jobs.create_topics(os.environ['KAFKA_BOOTSTRAP']))}",
              flush=True)


def cmd_reconcile(args: argparse.Namespace) -> None:
    """Every registered check (the ledger's balances, holds and positions; online payments
    against SumUp; the bank transactions waiting), for one producer or all; exit 1 on any
    drift. A check answers (summary, drifts) or (summary, drifts, lines it states)."""
    load_environment(args.instance)
    checks = sorted(entry_points(group="ardoise.reconcile"), key=lambda entry: entry.name)

    async def run() -> list[tuple]:
        return [await entry.load()(args.producer) for entry in checks]

    try:
        results = asyncio.run(run())
    except OSError as error:
        sys.exit(f"cannot reach a database ({error}): is the system up?")
    drifts = [line for result in results for line in result[1]]
    for line in drifts:
        print(f"DRIFT {line}")
    for result in results:  # what a check states without it being a drift
        for line in result[2] if len(result) > 2 else ():
            print(line)
    print(f"reconcile: {'; '.join(result[0] for result in results)}")
    if drifts:
        sys.exit(1)


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(prog="ardoise", description=__doc__.splitlines()[0])
    commands = main_parser.add_subparsers(dest="command", required=True)

    token = commands.add_parser("token", help="print a bearer token for local use")
    token.add_argument("role", choices=["operator", "customer"])
    token.add_argument("producer")
    token.add_argument("customer", nargs="?")
    token.add_argument("--instance", default="dev")
    token.add_argument("--person", help="the operator's id (sub), e.g. op-lea")
    token.add_argument("--name", help="the operator's name, shown in the history")
    token.add_argument("--minutes", type=int, default=15,
                       help="lifetime of a token signed with the issuer's key (at most 15)")
    token.set_defaults(run=cmd_token)

    migrate = commands.add_parser("migrate", help="migrate services' schemas to head")
    migrate.add_argument("services", nargs="*", help="some of the installed services "
                                                     "(default: all of them)")
    migrate.add_argument("--wait", type=float, metavar="SECONDS", default=None,
                         help="migrate nothing: wait up to SECONDS for the schemas to be at this "
                              "code's head (exit 1 if they are not by then)")
    migrate.set_defaults(run=cmd_migrate)

    job = commands.add_parser("job", help="a deployment's one-shot job: provision or topics")
    job.add_argument("job", choices=["provision", "topics"])
    job.set_defaults(run=cmd_job)

    reconcile = commands.add_parser("reconcile", help="recompute balances and holds, compare "
                                                      "online payments with SumUp; report drift")
    reconcile.add_argument("--instance", default="dev")
    reconcile.add_argument("--producer", help="check this producer only (default: all)")
    reconcile.set_defaults(run=cmd_reconcile)

    for entry in sorted(entry_points(group="ardoise.commands"), key=lambda e: e.name):
        entry.load()(commands)
    return main_parser


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main()
