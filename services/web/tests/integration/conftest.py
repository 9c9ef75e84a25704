"""The web schema on the real test PostgreSQL, through the web role."""

import pytest

from ardoise.db import make_engine, make_sessionmaker
from web.adapters.orm import SCHEMA


@pytest.fixture
async def sessions(servers):
    engine = make_engine(servers["WEB_DATABASE_URL"], SCHEMA)
    yield make_sessionmaker(engine)
    await engine.dispose()
