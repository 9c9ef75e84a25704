"""Each service's database role reaches its own schema and nothing else."""

import asyncpg
import pytest

from ardoise.db import plain_dsn
from ardoise_tools.devservers.stack import SERVICES


def dsn(servers: dict[str, str], service: str) -> str:
    return plain_dsn(servers[f"{service.upper()}_DATABASE_URL"])


@pytest.mark.parametrize("service", SERVICES)
async def test_a_service_role_reads_its_own_outbox(servers, service):
    connection = await asyncpg.connect(dsn(servers, service))
    try:
        assert await connection.fetchval(f"SELECT count(*) >= 0 FROM {service}.outbox")
    finally:
        await connection.close()


@pytest.mark.parametrize(("service", "other"), [(s, o) for s in SERVICES for o in SERVICES if s != o])
async def test_a_service_role_cannot_touch_another_services_schema(servers, service, other):
    connection = await asyncpg.connect(dsn(servers, service))
    try:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await connection.fetch(f"SELECT * FROM {other}.outbox")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await connection.execute(f"CREATE TABLE {other}.intruder (id int)")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await connection.execute("CREATE TABLE public.intruder (id int)")
    finally:
        await connection.close()
