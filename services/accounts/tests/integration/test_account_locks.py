"""Locking the accounts a transaction changes, on the real PostgreSQL: in as few round trips as
the account's existence allows, and never two rows for one account."""

import asyncio

from sqlalchemy import func, select

from accounts.adapters.orm import accounts
from accounts.service_layer import handlers
from ardoise.db import driver_connection

from .test_concurrency import hold_command, open_account


async def statements_to_lock(new_uow, keys: list[tuple[str, str]]) -> list[str]:
    """The statements `get_or_open_many_for_update` sent for these accounts."""
    async with new_uow() as uow:
        connection = await driver_connection(uow.session)
        sent: list[str] = []

        def logged(record) -> None:
            sent.append(record.query.split()[0])

        connection.add_query_logger(logged)
        locked = await uow.accounts.get_or_open_many_for_update(keys)
        connection.remove_query_logger(logged)
        await uow.commit()
    assert sorted(locked) == sorted(keys)
    return sent


async def test_one_existing_account_is_locked_in_one_statement(new_uow, producer_id):
    await open_account(new_uow, producer_id, "c1", 0)
    assert await statements_to_lock(new_uow, [(producer_id, "c1")]) == ["SELECT"]


async def test_one_new_account_is_looked_for_then_opened_then_locked(new_uow, producer_id):
    assert await statements_to_lock(new_uow, [(producer_id, "new")]) == [
        "SELECT", "INSERT", "SELECT"]
    assert await statements_to_lock(new_uow, [(producer_id, "new")]) == ["SELECT"]


async def test_several_accounts_are_all_opened_before_any_is_locked(new_uow, producer_id):
    """Locking the existing ones first, then opening the others, could deadlock two batches."""
    await open_account(new_uow, producer_id, "c1", 0)
    assert await statements_to_lock(new_uow, [(producer_id, "c1"), (producer_id, "c2")]) == [
        "INSERT", "SELECT"]


async def test_holds_for_an_account_nobody_opened_yet_open_it_once(new_uow, producer_id):
    """Twenty holds at once on an account not yet there (its customer not registered yet)."""
    holds = await asyncio.gather(*(
        handlers.hold_balance(hold_command(producer_id, "walk-in", 2000), new_uow(), "test")
        for _ in range(20)))
    assert len(holds) == 20 and all(hold.amount_cents == 0 for hold in holds)
    async with new_uow() as uow:
        rows = (await uow.session.execute(select(func.count()).where(
            accounts.c.producer_id == producer_id, accounts.c.customer_id == "walk-in"))).scalar()
    assert rows == 1
