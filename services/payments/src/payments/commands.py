"""The payments service's own `ardoise` command: `ardoise secrets rotate [--producer P]`."""

import argparse
import asyncio
import sys

from ardoise.cli import load_environment


def register(commands) -> None:
    secrets = commands.add_parser("secrets", help="rotate the key sealing producers' SumUp keys")
    secrets.add_argument("action", choices=["rotate"])
    secrets.add_argument("--instance", default="dev")
    secrets.add_argument("--producer", help="this producer's key only (default: all)")
    secrets.set_defaults(run=rotate)


def rotate(args: argparse.Namespace) -> None:
    """Seal every producer's SumUp API key again under the first of ARDOISE_SECRETS_KEYS."""
    load_environment(args.instance)
    from ardoise.db import make_engine, make_sessionmaker
    from payments.bootstrap import secret_box
    from payments.config import Settings
    from payments.service_layer.handlers import reseal_sumup_keys
    from payments.service_layer.unit_of_work import SqlPaymentsUnitOfWork

    settings = Settings()

    async def run() -> tuple[int, list[str]]:
        engine = make_engine(settings.database_url, "payments", pool_size=1)
        try:
            return await reseal_sumup_keys(SqlPaymentsUnitOfWork(make_sessionmaker(engine)),
                                           secret_box(settings).reseal, args.producer)
        finally:
            await engine.dispose()

    resealed, unreadable = asyncio.run(run())
    print(f"secrets: {resealed} SumUp API keys sealed under the first key")
    for producer_id in unreadable:
        print(f"UNREADABLE {producer_id}: no configured key opens its SumUp API key; it must "
              "give it again")
    if unreadable:
        sys.exit(1)
