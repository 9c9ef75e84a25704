"""The journal schema on the real test PostgreSQL, through the service's own role."""

import pytest

from ardoise.db import make_engine, make_sessionmaker
from journal.adapters.orm import SCHEMA


@pytest.fixture
async def sessions(servers):
    engine = make_engine(servers["JOURNAL_DATABASE_URL"], SCHEMA)
    yield make_sessionmaker(engine)
    await engine.dispose()
