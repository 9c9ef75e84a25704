"""Closings on the real PostgreSQL: each day, month and fiscal year once it is over, chained,
with its totals; nothing recorded into a closed day (a late event keeps its own time)."""

import uuid
from datetime import date, timedelta

from sqlalchemy import select

from journal.adapters.orm import closings, entries
from journal.adapters.repository import JournalRepository
from journal.service_layer.closing import close_producer
from journal.service_layer.recording import record_events
from journal.service_layer.verification import verify_producer

from .events import at, invoice, moved, settled

DAY = date(2026, 1, 30)


async def closed(sessions, producer_id: str) -> list[dict]:
    async with sessions() as session:
        rows = await session.execute(select(closings).where(closings.c.producer_id == producer_id)
                                     .order_by(closings.c.seq))
        return [dict(row) for row in rows.mappings()]


async def test_days_months_and_years_close_in_order_with_their_totals(sessions, producer_id):
    async with sessions() as session, session.begin():
        await JournalRepository(session).save_settings(producer_id, fiscal_year_start="02-01")
    first, second = uuid.uuid4(), uuid.uuid4()
    await record_events(sessions, "test", [
        invoice(producer_id, first, "F000001", DAY, total=2000),
        settled(producer_id, first, 1, DAY, total=2000, mode="cash"),
        invoice(producer_id, second, "F000002", DAY + timedelta(days=1), total=1055),
        settled(producer_id, second, 1, DAY + timedelta(days=1), total=1055, mode="online"),
        moved(producer_id, DAY + timedelta(days=1), 500, mode="cheque"),
    ])
    await close_producer(sessions, producer_id, at(DAY + timedelta(days=3)))
    found = await closed(sessions, producer_id)
    periods = [(c["period"], c["start"], c["end"]) for c in found]
    assert periods == [
        ("day", DAY, DAY),
        ("day", DAY + timedelta(days=1), DAY + timedelta(days=1)),
        ("month", date(2026, 1, 1), date(2026, 1, 31)),
        ("year", date(2025, 2, 1), date(2026, 1, 31)),  # the fiscal year starting 1 February
        ("day", date(2026, 2, 1), date(2026, 2, 1)),
    ]
    day_one, day_two, month, year, _ = (c["content"] for c in found)
    assert day_one["sales"] == {"count": 1, "credit_invoices": 0, "total_cents": 2000,
                                "ht_cents": 1896, "vat_cents": 104}
    assert day_one["by_mode"] == {"cash": 2000}
    assert day_two["by_mode"] == {"online": 1055, "cheque": 500}
    assert day_two["by_vat_rate"]["5.5"]["total_cents"] == 1055
    assert month["sales"]["total_cents"] == year["sales"]["total_cents"] == 3055
    assert [d["sales"] for d in month["days"]] == [1, 1]
    assert day_two["fiscal_year_total_cents"] == 3055 and day_two["grand_total_cents"] == 3055
    assert month["entries"]["first_seq"] == 1 and month["entries"]["last_seq"] == 7
    assert (await verify_producer(sessions, producer_id, log=False))["valid"]


async def test_a_late_event_goes_to_the_first_open_day_keeping_its_own_time(sessions,
                                                                          producer_id):
    await record_events(sessions, "test", [moved(producer_id, DAY, 100)])
    await close_producer(sessions, producer_id, at(DAY + timedelta(days=2)))
    late = moved(producer_id, DAY, 200)  # happened on the closed day, heard only now
    await record_events(sessions, "test", [late])
    async with sessions() as session:
        row = (await session.execute(select(entries).where(
            entries.c.producer_id == producer_id, entries.c.seq == 2))).mappings().one()
    assert row["day"] == DAY + timedelta(days=2)
    assert row["occurred_at"] == late.occurred_at
    await close_producer(sessions, producer_id, at(DAY + timedelta(days=3)))
    days = {c["start"]: c["content"] for c in await closed(sessions, producer_id)
            if c["period"] == "day"}
    assert days[DAY]["by_mode"] == {"cash": 100}
    assert days[DAY + timedelta(days=2)]["by_mode"] == {"cash": 200}


async def test_closing_twice_closes_nothing_more(sessions, producer_id):
    await record_events(sessions, "test", [moved(producer_id, DAY, 100)])
    moment = at(DAY + timedelta(days=1))
    await close_producer(sessions, producer_id, moment)
    assert await close_producer(sessions, producer_id, moment) == 0
    assert len(await closed(sessions, producer_id)) == 1


async def test_a_rewritten_entries_chain_is_caught_by_the_closings_seal(servers, sessions,
                                                                       producer_id):
    """Rewriting every entry with fresh hashes (as a superuser with the algorithm would) still
    breaks the seal the closing recorded."""
    import asyncpg

    from ardoise.db import plain_dsn
    from journal.domain.chain import GENESIS, record_hash

    await record_events(sessions, "test", [moved(producer_id, DAY, 100 + i) for i in range(3)])
    await close_producer(sessions, producer_id, at(DAY + timedelta(days=1)))
    admin = await asyncpg.connect(plain_dsn(servers["ARDOISE_ADMIN_DATABASE_URL"]))
    try:
        await admin.execute("SET session_replication_role = replica")
        async with sessions() as session:
            rows = [dict(r) for r in (await session.execute(
                select(entries).where(entries.c.producer_id == producer_id)
                .order_by(entries.c.seq))).mappings()]
        previous = GENESIS
        for row in rows:
            row["content"] = {**row["content"], "amount_cents": 1}
            row["previous_hash"] = previous
            row["hash"] = previous = record_hash(previous, row)
            await admin.execute(
                "UPDATE journal.entries SET content = $1::jsonb, previous_hash = $2, hash = $3 "
                "WHERE producer_id = $4 AND seq = $5",
                __import__("json").dumps(row["content"]), row["previous_hash"], row["hash"],
                producer_id, row["seq"])
        await admin.execute("UPDATE journal.chains SET last_hash = $1 WHERE producer_id = $2 "
                            "AND chain = 'entries'", previous, producer_id)
    finally:
        await admin.close()
    report = await verify_producer(sessions, producer_id, log=False)
    assert not report["valid"]
    assert report["chains"]["entries"]["first_broken"]["seq"] == 3


async def test_the_database_refuses_an_entry_into_a_closed_day(sessions, producer_id):
    """Whatever code inserts it: the worker's own path goes to the first open day instead."""
    import pytest
    from sqlalchemy.exc import IntegrityError

    from journal.adapters.chains import ENTRIES
    from journal.domain.entries import movement_entry

    await record_events(sessions, "test", [moved(producer_id, DAY, 100)])
    await close_producer(sessions, producer_id, at(DAY + timedelta(days=2)))
    with pytest.raises(IntegrityError, match="is closed"):
        async with sessions() as session, session.begin():
            repository = JournalRepository(session)
            head = await repository.lock_head(producer_id, ENTRIES)
            await repository.append_entry(head, movement_entry(moved(producer_id, DAY, 5)),
                                          DAY + timedelta(days=1), at(DAY + timedelta(days=2)))
