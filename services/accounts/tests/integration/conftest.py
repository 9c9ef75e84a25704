"""The accounts schema on the real test PostgreSQL, through the service's own role."""

from collections.abc import AsyncIterator
from functools import partial

import pytest

from accounts.adapters.orm import SCHEMA
from accounts.service_layer.unit_of_work import SqlAccountsUnitOfWork
from ardoise.db import make_engine, make_sessionmaker


@pytest.fixture
async def new_uow(servers) -> AsyncIterator:
    engine = make_engine(servers["ACCOUNTS_DATABASE_URL"], SCHEMA, pool_size=60)
    yield partial(SqlAccountsUnitOfWork, make_sessionmaker(engine))
    await engine.dispose()
