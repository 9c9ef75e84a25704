"""Read side: the customers page and an account's history, straight from the tables."""

import uuid
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.adapters.limits_repository import LimitsRepository
from accounts.adapters.orm import accounts, movements
from accounts.adapters.reminders_repository import RemindersRepository
from accounts.adapters.repository import AccountRepository
from accounts.domain.search import searchable
from ardoise.payment_reference import payment_reference

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
        "email": row.email,
        "balance_cents": row.balance_cents,
        "held_cents": row.held_cents,
        "available_cents": row.balance_cents - row.held_cents,
    }


def movement_row(m) -> dict:
    """A movement as an account's history shows it, with who made it."""
    return {"movement_id": m.movement_id, "at": m.at, "kind": m.kind,
            "amount_cents": m.amount_cents, "balance_after_cents": m.balance_after_cents,
            "label": m.label, "order_id": m.order_id, "mode": m.mode,
            "recorded_by": m.recorded_by}


def _identity(row) -> dict:
    """How invoices name the customer (None where nothing was recorded)."""
    return {"address": row.address, "professional": row.professional, "siren": row.siren,
            "vat_number": row.vat_number}


def _like(word: str) -> str:
    """A word anywhere in the name, `%` and `_` taken as themselves."""
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


async def customers_page(
    session: AsyncSession, producer_id: str, sort: Sort, limit: int, offset: int,
    q: str | None = None, in_debt: bool = False, count: bool = True, email: str | None = None,
) -> dict:
    """A page of the producer's customers, and how many there are in all: most negative first
    with `balance` (the index on (producer, balance) serves the sort); with `q`, those whose
    name holds every word of it, accents and case aside (the trigram index serves it); with
    `in_debt`, those who owe; with `email`, those at that address, case aside (read among the
    producer's rows: a sign-in asks it, not a page). Counting them all costs a scan of the
    producer's index (about 10 ms at 100 000 customers): `count=False` leaves `total` out."""
    where = [accounts.c.producer_id == producer_id]
    for word in searchable(q or "").split():
        where.append(accounts.c.search_name.like(_like(word)))
    if in_debt:
        where.append(accounts.c.balance_cents < 0)
    if email is not None:
        where.append(func.lower(accounts.c.email) == email.strip().lower())
    query = (
        select(accounts.c.customer_id, accounts.c.name, accounts.c.email,
               accounts.c.balance_cents, accounts.c.held_cents)
        .where(*where)
        .order_by(*_ORDER[sort])
        .limit(limit)
        .offset(offset)
    )
    customers = [_customer(row) for row in await session.execute(query)]
    total = len(customers) + offset if count else None
    if count and (len(customers) == limit or (offset and not customers)):  # more may follow
        total = (await session.execute(select(func.count()).select_from(accounts)
                                       .where(*where))).scalar()
    tracking = await AccountRepository(session).tracking_is_on(producer_id)
    return {"customers": customers, "total": total, "payment_tracking": tracking}


async def account_page(
    session: AsyncSession, producer_id: str, customer_id: str, limit: int,
    before: uuid.UUID | None,
) -> dict | None:
    """Balance, held, available, how invoices name the customer and the movements newest
    first; None for an unknown customer."""
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
    history = [movement_row(m) for m in await session.execute(query)]
    limit = await LimitsRepository(session).shown_on_account(
        producer_id, row.credit_limit_cents, row.balance_cents - row.held_cents)
    return {**_customer(row), **_identity(row), **limit,
            "payment_reference": payment_reference(producer_id, customer_id),
            "movements": history,
            "reminders": await RemindersRepository(session).history(producer_id, customer_id)}
