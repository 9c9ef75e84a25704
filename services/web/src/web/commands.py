"""`ardoise login-link operator|customer PRODUCER EMAIL [--customer C]`: prints a one-time
sign-in link, for the first operator of a farm (or a customer) before any e-mail is set up."""

import argparse
import asyncio
from datetime import UTC, datetime

from ardoise.auth import Principal
from ardoise.cli import load_environment
from ardoise.db import make_engine, make_sessionmaker
from web import signin
from web.adapters.orm import SCHEMA
from web.config import Settings


def register(commands) -> None:
    link = commands.add_parser("login-link", help="print a one-time sign-in link to the web pages")
    link.add_argument("role", choices=["operator", "customer"])
    link.add_argument("producer")
    link.add_argument("email")
    link.add_argument("--customer", help="the customer's id (role customer)")
    link.add_argument("--instance", default=None)
    link.set_defaults(run=cmd_login_link)


def cmd_login_link(args: argparse.Namespace) -> None:
    if (args.role == "customer") != bool(args.customer):
        raise SystemExit("--customer C is needed for a customer, and only then")
    load_environment(args.instance)
    settings = Settings()
    principal = Principal(args.role, args.producer, args.customer)

    async def make() -> str:
        engine = make_engine(settings.database_url, SCHEMA)
        try:
            return await signin.create_link(make_sessionmaker(engine), principal, args.email,
                                            datetime.now(UTC), settings.link_lifetime_s)
        finally:
            await engine.dispose()

    token = asyncio.run(make())
    print(f"{settings.public_url.rstrip('/')}/connexion/lien?jeton={token}")
