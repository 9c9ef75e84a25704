"""Concurrent writers on one account, on the real PostgreSQL: no lost update, no double promise."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from accounts.adapters.orm import accounts, movements
from accounts.domain.commands import HoldBalance, RecordMovement, RegisterCustomer
from accounts.service_layer import handlers


async def open_account(new_uow, producer_id: str, customer_id: str, credit_cents: int) -> None:
    await handlers.register_customer(
        RegisterCustomer(producer_id, customer_id, "Claire Martin", None), new_uow())
    if credit_cents:
        await handlers.record_movement(
            RecordMovement(producer_id, customer_id, "credit", credit_cents, None, "transfer"),
            new_uow())


async def stored_and_summed(new_uow, producer_id: str, customer_id: str) -> tuple[int, int, int]:
    async with new_uow() as uow:
        row = (await uow.session.execute(select(accounts).where(
            accounts.c.producer_id == producer_id, accounts.c.customer_id == customer_id))).one()
        total = (await uow.session.execute(select(func.coalesce(func.sum(movements.c.amount_cents), 0))
                 .where(movements.c.producer_id == producer_id,
                        movements.c.customer_id == customer_id))).scalar()
    return row.balance_cents, total, row.held_cents


def hold_command(producer_id: str, customer_id: str, total_cents: int) -> HoldBalance:
    return HoldBalance(event_id=uuid.uuid4(), producer_id=producer_id, customer_id=customer_id,
                       order_id=uuid.uuid4(), attempt=1, total_cents=total_cents,
                       expires_at=datetime.now(UTC) + timedelta(minutes=30))


async def test_fifty_concurrent_debits_lose_no_update(new_uow, producer_id):
    await open_account(new_uow, producer_id, "c1", 0)
    await asyncio.gather(*(
        handlers.record_movement(RecordMovement(producer_id, "c1", "debit", 100 + i, None, None),
                                 new_uow())
        for i in range(50)
    ))
    balance, summed, _ = await stored_and_summed(new_uow, producer_id, "c1")
    expected = -sum(100 + i for i in range(50))
    assert balance == summed == expected


async def test_fifty_concurrent_holds_never_promise_more_than_the_credit(new_uow, producer_id):
    await open_account(new_uow, producer_id, "c1", 3000)
    holds = await asyncio.gather(*(
        handlers.hold_balance(hold_command(producer_id, "c1", 2000), new_uow(), "test")
        for _ in range(50)
    ))
    promised = sum(h.amount_cents for h in holds)
    assert promised == 3000
    assert all(0 <= h.amount_cents <= 2000 for h in holds)
    balance, summed, held = await stored_and_summed(new_uow, producer_id, "c1")
    assert (balance, summed, held) == (3000, 3000, 3000)


async def test_fifty_concurrent_holds_collect_a_debt_only_once(new_uow, producer_id):
    await open_account(new_uow, producer_id, "c1", 0)
    await handlers.record_movement(RecordMovement(producer_id, "c1", "debit", 500, None, None),
                                   new_uow())
    holds = await asyncio.gather(*(
        handlers.hold_balance(hold_command(producer_id, "c1", 2000), new_uow(), "test")
        for _ in range(50)
    ))
    assert sorted(h.amount_cents for h in holds) == [-500] + [0] * 49
    _, _, held = await stored_and_summed(new_uow, producer_id, "c1")
    assert held == -500


async def test_concurrent_requests_with_one_idempotency_key_record_one_movement(new_uow, producer_id):
    await open_account(new_uow, producer_id, "c1", 0)
    command = RecordMovement(producer_id, "c1", "credit", 5000, "Avance", "transfer")
    results = await asyncio.gather(*(
        handlers.record_movement_once(command, new_uow, "key-1", "fingerprint-1") for _ in range(20)
    ))
    assert len({r[0]["movement_id"] for r in results}) == 1
    assert sum(1 for _, replayed in results if not replayed) == 1
    balance, summed, _ = await stored_and_summed(new_uow, producer_id, "c1")
    assert balance == summed == 5000
