"""Each schema's migrations (the services' and the web pages'), run one by one on an empty
database, end exactly where its models are; stepped back down and up again, they end there
again. A migration states its own DDL, so changing a model without a migration fails here."""

import asyncio
import importlib
import uuid

import asyncpg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from ardoise.db import plain_dsn
from ardoise.migrations import alembic_config
from ardoise_tools.devservers.stack import SCHEMA_OWNERS

NOT_MODELLED = {"alembic_version"}
"""Alembic's own table."""


@pytest.fixture
def empty_database(servers):
    """A database of its own, dropped afterwards: the service migrates into nothing."""
    admin = make_url(plain_dsn(servers["ARDOISE_ADMIN_DATABASE_URL"]))
    name = f"migrations_{uuid.uuid4().hex[:10]}"

    async def run(statement: str) -> None:
        connection = await asyncpg.connect(admin.render_as_string(hide_password=False))
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    yield admin.set(drivername="postgresql+asyncpg", database=name).render_as_string(
        hide_password=False)
    asyncio.run(run(f'DROP DATABASE "{name}" WITH (FORCE)'))


def differences(service: str, url: str) -> list:
    """What alembic's autogenerate would change to make the schema match the models."""
    metadata = importlib.import_module(f"{service}.adapters.orm").metadata

    def include(obj, name, kind, reflected, compare_to) -> bool:
        return not (kind == "table" and name in NOT_MODELLED)

    def compare(connection) -> list:
        context = MigrationContext.configure(connection, opts={
            "include_schemas": True, "include_object": include, "compare_type": True,
            "include_name": lambda name, kind, parent: kind != "schema" or name == service})
        return compare_metadata(context, metadata)

    async def main() -> list:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(compare)
        finally:
            await engine.dispose()

    return asyncio.run(main())


@pytest.mark.parametrize("service", SCHEMA_OWNERS)
def test_migrations_one_by_one_end_where_the_models_are_and_step_back_and_forth(
        service, empty_database):
    config = alembic_config(service, empty_database)
    revisions = [script.revision for script in
                 reversed(list(ScriptDirectory.from_config(config).walk_revisions()))]
    for revision in revisions:
        command.upgrade(config, revision)
    assert differences(service, empty_database) == []
    for revision in reversed(revisions[:-1]):
        command.downgrade(config, revision)
    for revision in revisions[1:]:
        command.upgrade(config, revision)
    assert differences(service, empty_database) == []
