"""A pod starts its service only once the migrations Job brought the schema to this code's head."""

import asyncio
import os
import subprocess
import sys
import uuid
from pathlib import Path

import asyncpg
import pytest

from ardoise.migrations import current_revision, head, is_ready_for, wait_until_migrated


@pytest.fixture
async def schema(servers):
    """A scratch schema with an alembic_version table, as a migrated service schema has."""
    name = f"wait_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(servers["ARDOISE_ADMIN_DATABASE_URL"])
    await admin.execute(f"CREATE SCHEMA {name}")
    await admin.execute(f"CREATE TABLE {name}.alembic_version (version_num varchar(32) NOT NULL)")
    await admin.execute(f"INSERT INTO {name}.alembic_version VALUES ('orders_0001')")
    yield admin, name
    await admin.execute(f"DROP SCHEMA {name} CASCADE")
    await admin.close()


async def test_the_wait_ends_when_the_schema_reaches_the_head(schema, servers):
    admin, name = schema
    dsn = servers["ARDOISE_ADMIN_DATABASE_URL"]
    assert await current_revision(name, dsn) == "orders_0001"
    assert await wait_until_migrated("orders", dsn, timeout_s=0.3, poll_s=0.1,
                                     schema=name) == "orders_0001", "not there yet: it gives up"

    async def the_job_migrates() -> None:
        await asyncio.sleep(0.3)
        await admin.execute(f"UPDATE {name}.alembic_version SET version_num = $1", head("orders"))

    found, _ = await asyncio.gather(
        wait_until_migrated("orders", dsn, timeout_s=10, poll_s=0.1, schema=name),
        the_job_migrates())
    assert found == head("orders")


async def test_a_schema_never_migrated_has_no_revision(servers):
    assert await current_revision(f"none_{uuid.uuid4().hex[:8]}",
                                  servers["ARDOISE_ADMIN_DATABASE_URL"]) is None


def test_the_command_fails_when_the_schema_is_not_there_in_time(servers):
    command = Path(sys.executable).parent / "ardoise"
    nowhere = "postgresql+asyncpg://nobody:x@127.0.0.1:1/ardoise"  # nothing listens on port 1
    done = subprocess.run([str(command), "migrate", "--wait", "1", "orders"], check=False,
                          capture_output=True,
                          text=True, env={**os.environ, "ORDERS_DATABASE_URL": nowhere},
                          timeout=60)
    assert done.returncode == 1
    assert "is the migrations Job done?" in done.stderr
    ours = subprocess.run([str(command), "migrate", "--wait", "5", "orders"], check=False,
                          capture_output=True,
                          text=True, env={**os.environ, **servers}, timeout=60)
    assert ours.returncode == 0, ours.stderr
    assert head("orders") in ours.stdout


def test_a_schema_past_this_code_serves_it_and_one_behind_does_not():
    """After a rollback of the image, the schema is at a revision the older code never knew."""
    assert is_ready_for("orders", head("orders"))
    assert is_ready_for("orders", "orders_9999")
    assert not is_ready_for("orders", "orders_0001")
    assert not is_ready_for("orders", None)
