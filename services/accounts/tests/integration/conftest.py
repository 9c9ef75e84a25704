"""The accounts schema on the real test PostgreSQL, through the service's own role."""

import uuid
from collections.abc import AsyncIterator
from functools import partial

import pytest

from accounts.adapters.orm import SCHEMA
from accounts.domain.commands import SetPaymentTracking
from accounts.service_layer import handlers
from accounts.service_layer.unit_of_work import SqlAccountsUnitOfWork
from ardoise.db import make_engine, make_sessionmaker


@pytest.fixture
async def new_uow(servers) -> AsyncIterator:
    engine = make_engine(servers["ACCOUNTS_DATABASE_URL"], SCHEMA, pool_size=60)
    yield partial(SqlAccountsUnitOfWork, make_sessionmaker(engine))
    await engine.dispose()


@pytest.fixture
async def producer_id(new_uow) -> str:
    """A producer of its own that turned payment tracking on, as its payment settings tell."""
    producer = f"p-{uuid.uuid4().hex[:12]}"
    await handlers.set_payment_tracking(
        SetPaymentTracking(event_id=uuid.uuid4(), producer_id=producer, payment_tracking=True),
        new_uow(), "tests")
    return producer
