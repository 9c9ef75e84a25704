"""The journal's own `ardoise` command: `ardoise journal verify [PRODUCER]` recomputes the
chains in the database; `ardoise journal verify-archive FILE` checks a downloaded archive
offline (no database, no network)."""

import argparse
import asyncio
import sys

from ardoise.cli import load_environment
from journal.entrypoints import verify_archive


def register(commands) -> None:
    journal = commands.add_parser("journal", help="verify the inalterable journal or an archive")
    actions = journal.add_subparsers(dest="action", required=True)
    verify = actions.add_parser("verify", help="recompute every chain of a producer (or all) "
                                               "and name the first broken record")
    verify.add_argument("producer", nargs="?", help="this producer only (default: all)")
    verify.add_argument("--instance", default="dev")
    verify.set_defaults(run=run_verify)
    archive = actions.add_parser("verify-archive", help="check a signed archive offline")
    verify_archive.add_arguments(archive)
    archive.set_defaults(run=lambda args: sys.exit(
        verify_archive.run(args.file, args.public_key, sys.stdout)))


def run_verify(args: argparse.Namespace) -> None:
    """Exit 1 when any chain is broken; each producer's result is recorded in its technical
    log, as when the gateway verifies."""
    load_environment(args.instance)
    from ardoise.db import make_engine, make_sessionmaker
    from journal.adapters.chains import DEPLOYMENT
    from journal.adapters.orm import SCHEMA
    from journal.adapters.repository import JournalRepository
    from journal.config import Settings
    from journal.service_layer.verification import verify_producer

    settings = Settings()

    async def run() -> list[dict]:
        engine = make_engine(settings.database_url, SCHEMA, pool_size=1)
        sessions = make_sessionmaker(engine)
        try:
            if args.producer:
                producers = [args.producer]
            else:
                async with sessions() as session:
                    producers = [*await JournalRepository(session).producers_with_entries(),
                                 DEPLOYMENT]
            return [await verify_producer(sessions, producer) for producer in producers]
        finally:
            await engine.dispose()

    try:
        reports = asyncio.run(run())
    except OSError as error:
        sys.exit(f"cannot reach the journal's database ({error}): is the system up?")
    for report in reports:
        for chain, found in report["chains"].items():
            broken = found["first_broken"]
            state = ("valid" if broken is None
                     else f"BROKEN at {broken['seq']}: {broken['reason']}")
            print(f"{report['producer_id']} {chain}: {found['count']} records, {state}")
    bad = [report["producer_id"] for report in reports if not report["valid"]]
    print(f"journal verify: {len(reports)} producers, {len(bad)} with a broken chain")
    if bad:
        sys.exit(1)
