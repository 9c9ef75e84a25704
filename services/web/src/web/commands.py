"""`ardoise login-link operator|customer PRODUCER EMAIL [--customer C] [--name N]`: prints a
one-time sign-in link, for the first operator of a farm (or a customer) before any e-mail is set
up. An operator's address is taken into the farm's operators when it is not there yet."""

import argparse
import asyncio
from datetime import UTC, datetime

from ardoise.auth import Principal
from ardoise.cli import load_environment
from ardoise.db import make_engine, make_sessionmaker
from web import operators, signin
from web.adapters.orm import SCHEMA
from web.config import Settings


def register(commands) -> None:
    link = commands.add_parser("login-link", help="print a one-time sign-in link to the web pages")
    link.add_argument("role", choices=["operator", "customer"])
    link.add_argument("producer")
    link.add_argument("email")
    link.add_argument("--customer", help="the customer's id (role customer)")
    link.add_argument("--name", help="the operator's name, shown in the history")
    link.add_argument("--instance", default=None)
    link.set_defaults(run=cmd_login_link)


def cmd_login_link(args: argparse.Namespace) -> None:
    if (args.role == "customer") != bool(args.customer):
        raise SystemExit("--customer C is needed for a customer, and only then")
    load_environment(args.instance)
    settings = Settings()

    async def make() -> str:
        engine = make_engine(settings.database_url, SCHEMA)
        db, now = make_sessionmaker(engine), datetime.now(UTC)
        try:
            principal = Principal(args.role, args.producer, args.customer)
            if args.role == "operator":
                person = (await operators.active(db, args.producer, args.email)
                          or await operators.add(db, args.producer, args.email, args.name,
                                                 "ligne de commande", now))
                principal = Principal("operator", args.producer, person=person.person_id,
                                      name=person.shown)
            return await signin.create_link(db, principal, args.email, now,
                                            settings.link_lifetime_s)
        finally:
            await engine.dispose()

    token = asyncio.run(make())
    print(f"{settings.public_url.rstrip('/')}/connexion/lien?jeton={token}")
