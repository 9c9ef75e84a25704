"""Sign-in links on PostgreSQL: used once even by two clicks at the same moment, refused once
expired, kept only as hashes; sessions found until they expire or end."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from ardoise.auth import Principal
from web import signin
from web.adapters.orm import login_links

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def someone() -> Principal:
    return Principal("operator", f"p-{uuid.uuid4().hex[:12]}")


async def test_a_link_opens_one_session_even_when_clicked_twice_at_once(sessions):
    token = await signin.create_link(sessions, someone(), "ferme@example.org", NOW, 900)
    opened = await asyncio.gather(*(signin.use_link(sessions, token, NOW, 3600)
                                     for _ in range(10)))
    assert sum(1 for result in opened if result is not None) == 1
    cookie, session = next(result for result in opened if result is not None)
    found = await signin.find_session(sessions, cookie, NOW + timedelta(minutes=59))
    assert found is not None and found.principal == session.principal
    assert found.csrf_token == session.csrf_token and found.email == "ferme@example.org"
    assert await signin.find_session(sessions, cookie, NOW + timedelta(hours=1)) is None


async def test_an_expired_or_unknown_link_opens_nothing(sessions):
    token = await signin.create_link(sessions, someone(), "ferme@example.org", NOW, 900)
    assert await signin.use_link(sessions, token, NOW + timedelta(seconds=900), 3600) is None
    assert await signin.use_link(sessions, "not-a-token", NOW, 3600) is None


async def test_the_table_keeps_no_token_that_signs_in(sessions):
    principal = someone()
    token = await signin.create_link(sessions, principal, "ferme@example.org", NOW, 900)
    async with sessions() as session:
        stored = (await session.execute(select(login_links.c.token_hash).where(
            login_links.c.producer_id == principal.producer_id))).scalars().all()
    assert len(stored) == 1 and token not in stored[0]
    assert await signin.use_link(sessions, stored[0], NOW, 3600) is None


async def test_a_customer_link_opens_that_customers_session_and_signing_out_ends_it(sessions):
    customer = Principal("customer", f"p-{uuid.uuid4().hex[:12]}", "c1")
    token = await signin.create_link(sessions, customer, "claire@example.org", NOW, 900)
    cookie, session = await signin.use_link(sessions, token, NOW, 3600)
    assert session.principal == customer
    await signin.end_session(sessions, cookie)
    assert await signin.find_session(sessions, cookie, NOW) is None


async def test_using_a_link_returns_its_connections_to_the_pool(sessions):
    token = await signin.create_link(sessions, someone(), "ferme@example.org", NOW, 900)
    assert await signin.use_link(sessions, token, NOW, 3600) is not None
    assert sessions.kw["bind"].pool.checkedout() == 0
