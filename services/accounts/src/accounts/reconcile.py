"""Recomputing every balance, held amount and order position from the movements: drift is 0."""

import os
from dataclasses import dataclass

import asyncpg

from ardoise.db import plain_dsn

CHECKS = {
    "balance differs from the sum of movements": """
        SELECT a.producer_id, a.customer_id, a.balance_cents AS stored,
               coalesce(sum(m.amount_cents), 0) AS recomputed
        FROM accounts.accounts a
        LEFT JOIN accounts.movements m USING (producer_id, customer_id)
        WHERE $1::text IS NULL OR a.producer_id = $1
        GROUP BY a.producer_id, a.customer_id, a.balance_cents
        HAVING a.balance_cents <> coalesce(sum(m.amount_cents), 0)""",
    "held differs from the open holds": """
        SELECT a.producer_id, a.customer_id, a.held_cents AS stored,
               coalesce(sum(h.amount_cents) FILTER (WHERE h.status = 'pending'), 0) AS recomputed
        FROM accounts.accounts a
        LEFT JOIN accounts.holds h USING (producer_id, customer_id)
        WHERE $1::text IS NULL OR a.producer_id = $1
        GROUP BY a.producer_id, a.customer_id, a.held_cents
        HAVING a.held_cents <> coalesce(sum(h.amount_cents) FILTER (WHERE h.status = 'pending'), 0)""",
    "balance_after does not follow from the previous movement": """
        SELECT producer_id, customer_id, balance_after_cents AS stored, running AS recomputed
        FROM (SELECT producer_id, customer_id, balance_after_cents,
                     sum(amount_cents) OVER (PARTITION BY producer_id, customer_id ORDER BY id)
                       AS running
              FROM accounts.movements
              WHERE $1::text IS NULL OR producer_id = $1) AS chain
        WHERE balance_after_cents <> running""",
    "an order counts otherwise than its settlement": """
        SELECT p.producer_id, p.customer_id, p.credited_cents - p.debited_cents AS stored,
               coalesce(sum(m.amount_cents), 0) AS recomputed
        FROM accounts.order_positions p
        LEFT JOIN accounts.movements m
          ON m.producer_id = p.producer_id AND m.order_id = p.order_id
        WHERE $1::text IS NULL OR p.producer_id = $1
        GROUP BY p.producer_id, p.customer_id, p.order_id, p.credited_cents, p.debited_cents
        HAVING p.credited_cents - p.debited_cents <> coalesce(sum(m.amount_cents), 0)""",
}


@dataclass(frozen=True)
class Drift:
    check: str
    producer_id: str
    customer_id: str
    stored_cents: int
    recomputed_cents: int


async def find_drift(dsn: str, producer_id: str | None = None) -> tuple[int, list[Drift]]:
    """How many accounts were checked, and every difference found (expected: none); one
    producer's only when it is given."""
    connection = await asyncpg.connect(dsn)
    try:
        async with connection.transaction(isolation="repeatable_read", readonly=True):
            accounts = await connection.fetchval(
                "SELECT count(*) FROM accounts.accounts WHERE $1::text IS NULL OR producer_id = $1",
                producer_id)
            drift = [
                Drift(check, row["producer_id"], row["customer_id"], row["stored"],
                      row["recomputed"])
                for check, query in CHECKS.items()
                for row in await connection.fetch(query, producer_id)
            ]
    finally:
        await connection.close()
    return accounts, drift


async def check(producer_id: str | None) -> tuple[str, list[str]]:
    """`ardoise reconcile`'s ledger check, with this environment's accounts database."""
    url = os.environ.get("ACCOUNTS_DATABASE_URL") or os.environ["DATABASE_URL"]
    accounts, drift = await find_drift(plain_dsn(url), producer_id)
    return (f"{accounts} accounts checked, {len(drift)} drifts",
            [f"{d.check}: {d.producer_id}/{d.customer_id} stored {d.stored_cents} "
             f"recomputed {d.recomputed_cents}" for d in drift])
