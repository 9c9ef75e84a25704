"""Reading and writing the bank tables: statements imported, transactions kept once with their
current match, and the history of what their money did; the customers and open orders the
matcher compares them with."""

import uuid
from dataclasses import asdict
from datetime import date, datetime

from sqlalchemy import String, cast, func, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.ext.asyncio import AsyncSession

from ardoise.payment_reference import payment_reference
from payments.adapters.orm import (
    bank_applications,
    bank_statements,
    bank_transactions,
    customers,
    orders,
    settlements,
)
from payments.domain.bank_book import Application, Transaction
from payments.domain.bank_matching import Customer, OpenOrder
from payments.domain.statements.model import BankLine

OPEN_FOR_DAYS = 400
"""How far back an order may still be waiting for a transfer."""


def line_json(line: BankLine) -> dict:
    return {name: (value.isoformat() if isinstance(value, date) else value)
            for name, value in asdict(line).items()}


def line_of(data: dict) -> BankLine:
    values = dict(data)
    for name in ("booking_date", "value_date"):
        if values.get(name):
            values[name] = date.fromisoformat(values[name])
    return BankLine(**values)


class BankRepository:
    """The bank tables, inside the caller's session and transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock(self, producer_id: str) -> None:
        """One import or action at a time per producer (until the transaction ends)."""
        await self.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                                   {"key": f"bank:{producer_id}"})

    async def known_keys(self, producer_id: str, keys: list[str]) -> set[str]:
        if not keys:
            return set()
        rows = await self.session.execute(  # one array: any number of lines in a file
            select(bank_transactions.c.key).where(
                bank_transactions.c.producer_id == producer_id,
                bank_transactions.c.key == func.any(cast(keys, ARRAY(String)))))
        return set(rows.scalars())

    async def customers(self, producer_id: str) -> list[Customer]:
        rows = await self.session.execute(
            select(customers.c.customer_id, customers.c.name)
            .where(customers.c.producer_id == producer_id))
        return [Customer(c, name, payment_reference(producer_id, c)) for c, name in rows]

    async def customer_exists(self, producer_id: str, customer_id: str) -> bool:
        return (await self.session.execute(select(customers.c.customer_id).where(
            customers.c.producer_id == producer_id,
            customers.c.customer_id == customer_id))).first() is not None

    async def open_orders(self, producer_id: str, today: date) -> list[OpenOrder]:
        """Orders a transfer may pay: not settled yet, or settled by transfer, with money left
        to pay (less than OPEN_FOR_DAYS old)."""
        paid = func.coalesce(settlements.c.amount_paid_cents, 0)
        query = (select(orders.c.order_id, orders.c.customer_id, orders.c.delivery_date,
                        (orders.c.total_cents - paid).label("due"))
                 .select_from(orders.outerjoin(settlements, (
                     settlements.c.producer_id == orders.c.producer_id)
                     & (settlements.c.order_id == orders.c.order_id)))
                 .where(orders.c.producer_id == producer_id,
                        orders.c.delivery_date >= today.fromordinal(
                            today.toordinal() - OPEN_FOR_DAYS),
                        func.coalesce(settlements.c.mode, "not_delivered").in_(
                            ("not_delivered", "transfer")),
                        orders.c.total_cents > paid))
        rows = await self.session.execute(query)
        return [OpenOrder(r.order_id, r.customer_id, r.due, r.delivery_date) for r in rows]

    async def add_statement(self, producer_id: str, import_id: uuid.UUID, at: datetime,
                            format: str, sha256: str, lines: int, new: int,
                            duplicates: int) -> None:
        await self.session.execute(insert(bank_statements).values(
            producer_id=producer_id, import_id=import_id, imported_at=at, format=format,
            sha256=sha256, lines=lines, new=new, duplicates=duplicates))

    async def add(self, producer_id: str, import_id: uuid.UUID, tx: Transaction,
                  at: datetime) -> uuid.UUID:
        transaction_id = uuid.uuid4()
        await self.session.execute(insert(bank_transactions).values(
            producer_id=producer_id, transaction_id=transaction_id, key=tx.key,
            import_id=import_id, line=line_json(tx.line), booking_date=tx.line.booking_date,
            amount_cents=tx.line.amount_cents, updated_at=at, **_match(tx)))
        await self._record_applications(producer_id, transaction_id, tx, 0, at)
        return transaction_id

    async def get_for_update(self, producer_id: str,
                             transaction_id: uuid.UUID) -> Transaction | None:
        row = (await self.session.execute(
            select(bank_transactions).where(bank_transactions.c.producer_id == producer_id,
                                            bank_transactions.c.transaction_id == transaction_id)
            .with_for_update())).mappings().first()
        if row is None:
            return None
        history = await self.session.execute(
            select(bank_applications).where(
                bank_applications.c.producer_id == producer_id,
                bank_applications.c.transaction_id == transaction_id)
            .order_by(bank_applications.c.entry))
        return Transaction(
            row["key"], line_of(row["line"]), row["status"], row["customer_id"], row["order_id"],
            row["score"], tuple(row["reasons"]),
            tuple(Application(a.customer_id, a.order_id, a.amount_cents) for a in history))

    async def save(self, producer_id: str, transaction_id: uuid.UUID, before: Transaction,
                   after: Transaction, at: datetime) -> None:
        await self.session.execute(
            update(bank_transactions).where(
                bank_transactions.c.producer_id == producer_id,
                bank_transactions.c.transaction_id == transaction_id)
            .values(updated_at=at, **_match(after)))
        await self._record_applications(producer_id, transaction_id, after,
                                        len(before.applications), at)

    async def _record_applications(self, producer_id: str, transaction_id: uuid.UUID,
                                   tx: Transaction, first: int, at: datetime) -> None:
        for entry, application in enumerate(tx.applications[first:], start=first):
            await self.session.execute(insert(bank_applications).values(
                producer_id=producer_id, transaction_id=transaction_id, entry=entry,
                customer_id=application.customer_id, order_id=application.order_id,
                amount_cents=application.amount_cents, at=at))

    async def listed(self, producer_id: str, status: str | None, limit: int,
                     before: date | None) -> list[dict]:
        query = select(bank_transactions).where(bank_transactions.c.producer_id == producer_id)
        if status:
            query = query.where(bank_transactions.c.status == status)
        if before:
            query = query.where(bank_transactions.c.booking_date < before)
        rows = await self.session.execute(query.order_by(
            bank_transactions.c.booking_date.desc(), bank_transactions.c.key).limit(limit))
        return [dict(row) for row in rows.mappings()]

    async def counts(self, producer_id: str | None = None) -> dict[str, int]:
        query = select(bank_transactions.c.status, func.count()).group_by(
            bank_transactions.c.status)
        if producer_id:
            query = query.where(bank_transactions.c.producer_id == producer_id)
        return dict((await self.session.execute(query)).tuples().all())


def _match(tx: Transaction) -> dict:
    return {"status": tx.status, "customer_id": tx.customer_id, "order_id": tx.order_id,
            "score": tx.score, "reasons": list(tx.reasons)}
