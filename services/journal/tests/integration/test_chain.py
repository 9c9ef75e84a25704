"""The journal on the real PostgreSQL: every sale, payment, settlement and movement chained
once, numbers without a gap under concurrency, and any alteration named by `verify`."""

import asyncio
import uuid
from datetime import date

import asyncpg
import pytest
from sqlalchemy import select

from ardoise.db import plain_dsn
from journal.adapters.orm import entries
from journal.service_layer.recording import record_events
from journal.service_layer.verification import verify_producer

from .events import invoice, moved, settled

DAY = date(2026, 3, 10)


async def chained(sessions, producer_id: str) -> list[dict]:
    async with sessions() as session:
        rows = await session.execute(select(entries).where(entries.c.producer_id == producer_id)
                                     .order_by(entries.c.seq))
        return [dict(row) for row in rows.mappings()]


async def test_each_event_is_recorded_once_with_its_payments_and_credit_notes(sessions,
                                                                           producer_id):
    order = uuid.uuid4()
    events = [
        settled(producer_id, order, 1, DAY, total=2000, mode="cash", received={"cash": 1500},
                credit_note=-500, credit_note_number=7),
        invoice(producer_id, order, "F000001", DAY),
        settled(producer_id, order, 2, DAY, total=2000, mode="cash",
                received={"cash": 1500, "online": 500}, hour=12),
        moved(producer_id, DAY, 3000),
    ]
    await record_events(sessions, "test", events)
    await record_events(sessions, "test", events)  # redelivered: nothing more
    await record_events(sessions, "other-consumer", events)  # heard again: nothing more
    found = await chained(sessions, producer_id)
    assert [e["seq"] for e in found] == list(range(1, len(found) + 1))
    kinds = [(e["kind"], e["content"].get("mode"), e["content"].get("amount_cents"))
             for e in found]
    assert kinds == [
        ("settlement", "cash", None), ("payment", "cash", 1500), ("credit_note", None, -500),
        ("invoice", None, None),
        ("settlement", "cash", None), ("payment", "online", 500),
        ("credit_note", None, 500),  # the note of version 1 withdrawn: a counter-entry
        ("movement", "cash", 3000)]
    sale = found[3]["content"]
    assert sale["lines"][0]["label"] == "Panier" and sale["total_cents"] == 2000
    assert sale["payment_modes"] == ["cash"] and sale["vat"][0]["rate"] == "5.5"
    assert found[6]["content"]["cancels"] is True and found[6]["content"]["number"] == 7
    report = await verify_producer(sessions, producer_id)
    assert report["valid"] and report["chains"]["entries"]["count"] == 8


async def test_a_facture_d_avoir_names_the_entry_it_corrects(sessions, producer_id):
    order = uuid.uuid4()
    await record_events(sessions, "test", [invoice(producer_id, order, "F000001", DAY)])
    await record_events(sessions, "test", [invoice(producer_id, order, "FA000001", DAY,
                                                   total=-2000, corrects="F000001")])
    first, avoir = await chained(sessions, producer_id)
    assert avoir["kind"] == "credit_invoice" and avoir["content"]["corrects_seq"] == first["seq"]
    assert avoir["content"]["total_cents"] == -first["content"]["total_cents"]


async def test_numbers_have_no_gap_when_batches_race(sessions, producer_id):
    batches = [[moved(producer_id, DAY, 100 + i * 10 + j) for j in range(5)] for i in range(20)]
    await asyncio.gather(*(record_events(sessions, f"consumer-{i % 3}", batch)
                           for i, batch in enumerate(batches)))
    found = await chained(sessions, producer_id)
    assert [e["seq"] for e in found] == list(range(1, 101))
    assert (await verify_producer(sessions, producer_id, log=False))["valid"]


async def test_the_service_role_cannot_change_or_remove_a_record(servers, sessions, producer_id):
    await record_events(sessions, "test", [moved(producer_id, DAY, 1000)])
    connection = await asyncpg.connect(plain_dsn(servers["JOURNAL_DATABASE_URL"]))
    try:
        for statement in (
                f"UPDATE journal.entries SET content = '{{}}' WHERE producer_id = '{producer_id}'",
                f"DELETE FROM journal.entries WHERE producer_id = '{producer_id}'",
                "TRUNCATE journal.entries"):
            with pytest.raises(asyncpg.IntegrityConstraintViolationError):
                await connection.execute(statement)
    finally:
        await connection.close()
    assert len(await chained(sessions, producer_id)) == 1


@pytest.mark.parametrize("alteration, broken_seq", [
    ("UPDATE journal.entries SET content = jsonb_set(content, '{amount_cents}', '1') "
     "WHERE producer_id = $1 AND seq = 3", 3),
    ("UPDATE journal.entries SET day = day + 1 WHERE producer_id = $1 AND seq = 2", 2),
    ("DELETE FROM journal.entries WHERE producer_id = $1 AND seq = 2", 2),
    ("DELETE FROM journal.entries WHERE producer_id = $1 AND seq = 4", 4),
])
async def test_a_superuser_s_alteration_is_named_by_verify(servers, sessions, producer_id,
                                                          alteration, broken_seq):
    """As a superuser would: with the triggers off (session_replication_role = replica)."""
    await record_events(sessions, "test", [moved(producer_id, DAY, 1000 + i) for i in range(4)])
    assert (await verify_producer(sessions, producer_id, log=False))["valid"]
    admin = await asyncpg.connect(plain_dsn(servers["ARDOISE_ADMIN_DATABASE_URL"]))
    try:
        await admin.execute("SET session_replication_role = replica")
        await admin.execute(alteration, producer_id)
    finally:
        await admin.close()
    report = await verify_producer(sessions, producer_id)
    assert not report["valid"]
    assert report["chains"]["entries"]["first_broken"]["seq"] == broken_seq
