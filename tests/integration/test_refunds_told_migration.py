"""payments_0016 tells the refunds made before OnlineRefundMade existed: one event each in the
outbox, as the code would have told it, once however often the migration runs."""

import asyncio
import uuid
from datetime import UTC, date, datetime

import asyncpg
from alembic import command

from ardoise.db import plain_dsn
from ardoise.events import OnlineRefundMade, decode_event
from ardoise.migrations import alembic_config

from .test_migrations import empty_database  # noqa: F401 - a fixture

MADE_AT = datetime(2026, 12, 8, 10, 30, tzinfo=UTC)


async def _run(url: str, statement: str, *args) -> list:
    connection = await asyncpg.connect(plain_dsn(url))
    try:
        return await connection.fetch(statement, *args)
    finally:
        await connection.close()


def test_the_refunds_made_before_are_told_once_each(empty_database):  # noqa: F811
    config = alembic_config("payments", empty_database)
    command.upgrade(config, "payments_0015")
    order_id, made, asked = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()

    async def refunds_of_before() -> None:
        await _run(empty_database, "INSERT INTO payments.orders (producer_id, order_id, "
                   "customer_id, total_cents, delivery_date) VALUES ('p1', $1, 'c1', 2500, $2)",
                   order_id, date(2026, 11, 25))
        for refund_id, status in ((made, "refunded"), (asked, "requested")):
            await _run(empty_database, "INSERT INTO payments.refunds (producer_id, refund_id, "
                       "order_id, checkout_id, transaction_id, amount_cents, status, "
                       "requested_by, created_at) VALUES ('p1', $1, $2, 'ck', 'tx', 1000, $3, "
                       "'Léa', $4)", refund_id, order_id, status, MADE_AT)

    asyncio.run(refunds_of_before())
    command.upgrade(config, "payments_0016")
    command.downgrade(config, "payments_0015")
    command.upgrade(config, "payments_0016")  # run again: nothing more
    rows = asyncio.run(_run(empty_database, "SELECT topic, key, event_type, payload "
                                            "FROM payments.outbox"))
    [row] = rows
    event = decode_event(row["payload"])
    assert isinstance(event, OnlineRefundMade)
    assert (row["topic"], row["key"], row["event_type"]) == (
        OnlineRefundMade.topic, event.key, "OnlineRefundMade")
    assert (event.producer_id, event.order_id, event.customer_id, event.refund_id,
            event.amount_cents, event.delivery_date, event.refunded_at, event.actor) == (
        "p1", order_id, "c1", made, 1000, date(2026, 11, 25), MADE_AT, "Léa")
