"""`ardoise reconcile` finds nothing on an exact ledger and names every drift on a broken one."""

import asyncpg

from accounts.domain.commands import RecordMovement
from accounts.reconcile import find_drift
from accounts.service_layer import handlers
from ardoise.db import plain_dsn

from .test_concurrency import open_account


async def test_a_tampered_balance_is_reported_and_an_exact_ledger_is_not(servers, new_uow,
                                                                          producer_id):
    await open_account(new_uow, producer_id, "c1", 5000)
    await handlers.record_movement(RecordMovement(producer_id, "c1", "debit", 1200, None, None),
                                   new_uow())
    dsn = plain_dsn(servers["ACCOUNTS_DATABASE_URL"])
    _, before = await find_drift(dsn)
    assert [d for d in before if d.producer_id == producer_id] == []
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(
            "UPDATE accounts.accounts SET balance_cents = balance_cents + 1"
            " WHERE producer_id = $1", producer_id)
        _, after = await find_drift(dsn)
    finally:
        await connection.execute(
            "UPDATE accounts.accounts SET balance_cents = balance_cents - 1"
            " WHERE producer_id = $1", producer_id)
        await connection.close()
    mine = [d for d in after if d.producer_id == producer_id]
    assert [(d.check, d.stored_cents, d.recomputed_cents) for d in mine] == [
        ("balance differs from the sum of movements", 3801, 3800)]
