"""Payments recorded `online` against the checkouts SumUp reports `PAID`: drift is 0.

Every checkout this service opened is read back from SumUp (the only source to believe about a
payment). What SumUp reports paid for an order must be the money the order's settlement says was
received online plus what was refunded of it, and money received online must have checkouts
SumUp reports paid for it.
"""

import asyncio
import uuid
from dataclasses import dataclass

import asyncpg

from ardoise.db import plain_dsn
from payments.adapters.sumup_accounts import GatewayFor
from payments.adapters.sumup_checkouts import PAID
from payments.adapters.sumup_errors import SumUpError

READS_AT_ONCE = 8

CHECKOUTS = """
    SELECT c.producer_id, c.order_id, c.checkout_id, c.status, c.amount_due_cents, c.currency,
           nullif(coalesce((s.received->>'online')::bigint, 0) + coalesce(r.refunded, 0), 0)
             AS online_cents
    FROM payments.checkouts c
    LEFT JOIN payments.settlements s USING (producer_id, order_id)
    LEFT JOIN (SELECT producer_id, order_id, sum(amount_cents)::bigint AS refunded
               FROM payments.refunds WHERE status = 'refunded' GROUP BY producer_id, order_id)
      AS r USING (producer_id, order_id)
    WHERE c.checkout_id IS NOT NULL AND ($1::text IS NULL OR c.producer_id = $1)
    ORDER BY c.producer_id, c.order_id, c.attempt"""

ONLINE_SETTLEMENTS = """
    SELECT s.producer_id, s.order_id,
           coalesce((s.received->>'online')::bigint, 0) + coalesce(r.refunded, 0) AS online_cents
    FROM payments.settlements s
    LEFT JOIN (SELECT producer_id, order_id, sum(amount_cents)::bigint AS refunded
               FROM payments.refunds WHERE status = 'refunded' GROUP BY producer_id, order_id)
      AS r USING (producer_id, order_id)
    WHERE (s.received ? 'online' OR r.refunded IS NOT NULL)
      AND ($1::text IS NULL OR s.producer_id = $1)"""


@dataclass(frozen=True)
class OnlineDrift:
    check: str
    producer_id: str
    order_id: uuid.UUID
    recorded_cents: int | None
    """What the settlement says was received online (None: nothing)."""
    sumup_cents: int | None
    """What SumUp says was paid (None: no checkout SumUp reports paid)."""


async def find_online_drift(dsn: str, gateways: GatewayFor,
                            producer_id: str | None = None) -> tuple[int, list[OnlineDrift]]:
    """How many checkouts were read back from SumUp, each from its producer's own account, and
    every difference found (expected: none). A checkout SumUp cannot be asked about is reported
    as drift too, never taken as paid."""
    connection = await asyncpg.connect(dsn)
    try:
        async with connection.transaction(isolation="repeatable_read", readonly=True):
            opened = await connection.fetch(CHECKOUTS, producer_id)
            online = await connection.fetch(ONLINE_SETTLEMENTS, producer_id)
    finally:
        await connection.close()

    at_once = asyncio.Semaphore(READS_AT_ONCE)

    async def read_back(row) -> tuple[asyncpg.Record, str, int | None]:
        async with at_once:
            gateway = await gateways(row["producer_id"])
            if gateway is None:
                return row, "unreadable: the producer has no SumUp account", None
            try:
                checkout = await gateway.get_checkout(row["checkout_id"])
            except SumUpError as error:
                return row, f"unreadable: {error}", None
        paid_cents = checkout.paid_amount_cents or checkout.amount_cents
        if checkout.status != PAID or checkout.currency != row["currency"]:
            return row, checkout.status, None
        return row, PAID, paid_cents

    drift: list[OnlineDrift] = []
    paid_at_sumup: dict[tuple[str, uuid.UUID], int] = {}
    for row, status, paid_cents in await asyncio.gather(*map(read_back, opened)):
        key = (row["producer_id"], row["order_id"])
        recorded = row["online_cents"]
        if status.startswith("unreadable"):
            drift.append(OnlineDrift(f"checkout {row['checkout_id']} {status}", *key, recorded,
                                     None))
        elif status == PAID:
            paid_at_sumup[key] = paid_at_sumup.get(key, 0) + paid_cents
        elif row["status"] == PAID:
            drift.append(OnlineDrift(f"recorded paid, SumUp reports {status}", *key, recorded,
                                     None))
    recorded_online = {(s["producer_id"], s["order_id"]): s["online_cents"] for s in online}
    for key, paid_cents in paid_at_sumup.items():
        if recorded_online.get(key) != paid_cents:
            drift.append(OnlineDrift("paid at SumUp, not the order's online settlement", *key,
                                     recorded_online.get(key), paid_cents))
    for key, recorded in recorded_online.items():
        if key not in paid_at_sumup:
            drift.append(OnlineDrift("settled online without a checkout SumUp reports paid", *key,
                                     recorded, None))
    return len(opened), drift


async def check(producer_id: str | None) -> tuple[str, list[str]]:
    """`ardoise reconcile`'s online check: this environment's payments database, each producer's
    own SumUp account."""
    from functools import partial

    from ardoise.db import make_engine, make_sessionmaker
    from payments.bootstrap import sumup_gateways
    from payments.config import Settings
    from payments.service_layer.unit_of_work import SqlPaymentsUnitOfWork

    settings = Settings()
    engine = make_engine(settings.database_url, "payments", pool_size=2)
    gateways = sumup_gateways(settings, partial(SqlPaymentsUnitOfWork, make_sessionmaker(engine)))
    try:
        checkouts, drift = await find_online_drift(plain_dsn(settings.database_url), gateways,
                                                   producer_id)
    finally:
        await gateways.aclose()
        await engine.dispose()
    return (f"{checkouts} checkouts read back from SumUp, {len(drift)} drifts",
            [f"{d.check}: {d.producer_id} order {d.order_id} recorded online "
             f"{d.recorded_cents} SumUp paid {d.sumup_cents}" for d in drift])
