"""The journal schema on the real test PostgreSQL, through the service's own role."""

import pytest

from ardoise.db import make_engine, make_read_sessionmaker, make_sessionmaker
from journal.adapters.orm import SCHEMA


@pytest.fixture
async def engine(servers):
    engine = make_engine(servers["JOURNAL_DATABASE_URL"], SCHEMA)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine):
    return make_sessionmaker(engine)


@pytest.fixture
def reads(engine):
    """The gateway's read-only sessions (autocommit), as `app.state.reads`."""
    return make_read_sessionmaker(engine)
