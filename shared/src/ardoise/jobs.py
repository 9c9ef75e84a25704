"""A deployment's one-shot jobs, before any service runs: the database with one login role per
service owning its schema, and the topics. `ardoise job provision|topics` runs them."""

import asyncio
import re

import asyncpg
from sqlalchemy.engine import make_url

from ardoise import topics
from ardoise.db import plain_dsn
from ardoise.kafka import create_missing_topics

DATABASE = "ardoise"
_SERVICE_URL = re.compile(r"^([A-Z][A-Z0-9]*)_DATABASE_URL$")


def role_passwords(environ: dict[str, str]) -> dict[str, str]:
    """Each service's password, from its `<SERVICE>_DATABASE_URL` (user = service name): every
    such variable names a service, none is written here."""
    passwords = {}
    for name, value in environ.items():
        match = _SERVICE_URL.match(name)
        if not match or name == "ARDOISE_ADMIN_DATABASE_URL":
            continue
        service, url = match[1].lower(), make_url(value)
        if url.username != service or not url.password:
            raise SystemExit(f"{name} must log in as {service!r} with a password")
        passwords[service] = url.password
    if not passwords:
        raise SystemExit("no <SERVICE>_DATABASE_URL in the environment: nothing to provision")
    return passwords


def provision_from(environ: dict[str, str]) -> list[str]:
    """The database and the roles of the `<SERVICE>_DATABASE_URL`s; returns the services."""
    passwords = role_passwords(environ)
    asyncio.run(provision(plain_dsn(environ["ARDOISE_ADMIN_DATABASE_URL"]), passwords))
    return sorted(passwords)


def create_topics(bootstrap: str) -> tuple[str, ...]:
    asyncio.run(create_missing_topics(bootstrap, topics.ALL))
    return topics.ALL


async def provision(admin_url: str, passwords: dict[str, str]) -> None:
    """The database, and per service a login role owning its schema and nothing more (run
    again, it changes the passwords to these)."""
    connection = await asyncpg.connect(admin_url)
    try:
        if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", DATABASE):
            await connection.execute(f'CREATE DATABASE "{DATABASE}"')
    finally:
        await connection.close()
    connection = await asyncpg.connect(admin_url.rsplit("/", 1)[0] + f"/{DATABASE}")
    try:
        await connection.execute(f'REVOKE ALL ON DATABASE "{DATABASE}" FROM PUBLIC')
        await connection.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")
        # trigram indexes (the customers page's name search); its operators live in public
        await connection.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
        for service in sorted(passwords):
            exists = await connection.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", service)
            verb = "ALTER" if exists else "CREATE"
            password = passwords[service].replace("'", "''")
            await connection.execute(f"{verb} ROLE \"{service}\" LOGIN PASSWORD '{password}'")
            await connection.execute(f'GRANT CONNECT ON DATABASE "{DATABASE}" TO "{service}"')
            await connection.execute(
                f'CREATE SCHEMA IF NOT EXISTS "{service}" AUTHORIZATION "{service}"'
            )
            await connection.execute(f'REVOKE ALL ON SCHEMA "{service}" FROM PUBLIC')
            await connection.execute(f'GRANT USAGE ON SCHEMA public TO "{service}"')
    finally:
        await connection.close()
