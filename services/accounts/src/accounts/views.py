"""Read side: the customers page and an account's history, straight from the tables."""

import uuid
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.adapters.orm import accounts, movements

Sort = Literal["balance", "-balance", "name"]
_ORDER = {
    "balance": (accounts.c.balance_cents, accounts.c.customer_id),
    "-balance": (accounts.c.balance_cents.desc(), accounts.c.customer_id.desc()),
    "name": (accounts.c.name, accounts.c.customer_id),
}


def _customer(row) -> dict:
    return {
        "customer_id": row.customer_id,
        "name": row.name,
        "balance_cents": row.balance_cents,
        "held_cents": row.held_cents,
        "available_cents": row.balance_cents - row.held_cents,
    }


async def customers_page(
    session: AsyncSession, producer_id: str, sort: Sort, limit: int, offset: int
) -> list[dict]:
    """Most negative first with `balance`; the index on (producer, balance) serves the sort."""
    query = (
        select(accounts.c.customer_id, accounts.c.name, accounts.c.balance_cents,
               accounts.c.held_cents)
        .where(accounts.c.producer_id == producer_id)
        .order_by(*_ORDER[sort])
        .limit(limit)
        .offset(offset)
    )
    return [_customer(row) for row in await session.execute(query)]


async def account_page(
    session: AsyncSession, producer_id: str, customer_id: str, limit: int,
    before: uuid.UUID | None,
) -> dict | None:
    """Balance, held, available and the movements newest first; None for an unknown customer."""
    row = (await session.execute(
        select(accounts).where(accounts.c.producer_id == producer_id,
                               accounts.c.customer_id == customer_id)
    )).first()
    if row is None:
        return None
    query = (
        select(movements)
        .where(movements.c.producer_id == producer_id, movements.c.customer_id == customer_id)
        .order_by(movements.c.id.desc())
        .limit(limit)
    )
    if before is not None:
        anchor = (
            select(movements.c.id)
            .where(movements.c.movement_id == before, movements.c.producer_id == producer_id,
                   movements.c.customer_id == customer_id)
            .scalar_subquery()
        )
        query = query.where(movements.c.id < anchor)
    history = [
        {
            "movement_id": m.movement_id, "at": m.at, "kind": m.kind,
            "amount_cents": m.amount_cents, "balance_after_cents": m.balance_after_cents,
            "label": m.label, "order_id": m.order_id, "mode": m.mode,
        }
        for m in await session.execute(query)
    ]
    return {**_customer(row), "movements": history}
