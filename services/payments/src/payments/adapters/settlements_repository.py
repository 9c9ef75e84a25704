"""The orders, customers and hand-recorded movements as payments knows them (read models of the
orders and accounts events), the orders' settlements and their credit notes."""

import uuid

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ardoise.changes import kept_actor
from payments.adapters.orm import (
    credit_note_counters,
    credit_notes,
    customers,
    money_movements,
    orders,
    settlements,
)
from payments.domain.credit_notes import CreditNote
from payments.domain.settlement import KnownOrder, Settlement

_ROWS_PER_INSERT = 10_000
"""Five parameters a row: PostgreSQL takes at most 65 535 in one statement."""


class SettlementsRepository:
    """Known orders, settlements and credit notes: a part of `PaymentsRepository`, on its
    session."""

    session: AsyncSession

    async def remember_order(self, producer_id: str, order: KnownOrder) -> None:
        await self.remember_orders([(producer_id, order)])

    async def remember_orders(self, known: list[tuple[str, KnownOrder]]) -> None:
        """One statement for the lot (a read model's batch), in chunks below PostgreSQL's
        65 535 parameters; a row already there is left as it is."""
        rows = [{"producer_id": producer_id, "order_id": order.order_id,
                 "customer_id": order.customer_id, "total_cents": order.total_cents,
                 "delivery_date": order.delivery_date} for producer_id, order in known]
        for start in range(0, len(rows), _ROWS_PER_INSERT):
            await self.session.execute(
                insert(orders).values(rows[start:start + _ROWS_PER_INSERT])
                .on_conflict_do_nothing())

    async def remember_movement(self, producer_id: str, movement) -> None:
        """A top-up or debit recorded by hand with a mode (MovementRecorded); once."""
        await self.session.execute(insert(money_movements).values(
            producer_id=producer_id, movement_id=movement.movement_id,
            customer_id=movement.customer_id, at=movement.at, amount_cents=movement.amount_cents,
            mode=movement.mode, label=movement.label,
            recorded_by=kept_actor(movement.actor)).on_conflict_do_nothing())

    async def remember_customer(self, producer_id: str, customer_id: str, name: str) -> None:
        statement = insert(customers).values(producer_id=producer_id, customer_id=customer_id,
                                             name=name)
        await self.session.execute(statement.on_conflict_do_update(
            index_elements=[customers.c.producer_id, customers.c.customer_id],
            set_={"name": statement.excluded.name}))

    async def orders_for_update(self, producer_id: str,
                                order_ids: list[uuid.UUID]) -> dict[uuid.UUID, KnownOrder]:
        """The known orders among these, locked in id order until the transaction ends.

        The order's row, not its settlement's, is the lock: an order settled for the first
        time has no settlement row yet, and two first settlements must not both be version 1.
        """
        rows = await self.session.execute(
            select(orders).where(orders.c.producer_id == producer_id,
                                 orders.c.order_id.in_(order_ids))
            .order_by(orders.c.order_id).with_for_update())
        return {r.order_id: KnownOrder(r.order_id, r.customer_id, r.total_cents, r.delivery_date)
                for r in rows}

    async def settlements(self, producer_id: str,
                          order_ids: list[uuid.UUID]) -> dict[uuid.UUID, Settlement]:
        """Current settlements (orders never settled have none: the default applies)."""
        rows = await self.session.execute(
            select(settlements).where(settlements.c.producer_id == producer_id,
                                      settlements.c.order_id.in_(order_ids)))
        return {r.order_id: Settlement(r.mode, dict(r.received), r.version,
                                       r.balance_applied_cents) for r in rows}

    async def save_settlement(self, producer_id: str, order_id: uuid.UUID, value: Settlement,
                              credit_note_number: int | None,
                              recorded_by: str | None = None) -> None:
        values = {"mode": value.mode, "amount_paid_cents": value.amount_paid_cents,
                  "received": dict(value.received),
                  "balance_applied_cents": value.balance_applied_cents,
                  "version": value.version, "credit_note_number": credit_note_number,
                  "recorded_by": recorded_by}
        statement = insert(settlements).values(producer_id=producer_id, order_id=order_id,
                                               **values)
        await self.session.execute(statement.on_conflict_do_update(
            index_elements=[settlements.c.producer_id, settlements.c.order_id], set_=values))

    async def credit_note_in_force(self, producer_id: str,
                                   order_id: uuid.UUID) -> CreditNote | None:
        row = (await self.session.execute(
            select(credit_notes.c.number, credit_notes.c.amount_cents).where(
                credit_notes.c.producer_id == producer_id, credit_notes.c.order_id == order_id,
                credit_notes.c.status == "issued"))).first()
        return CreditNote(row.number, row.amount_cents) if row else None

    async def cancel_credit_note(self, producer_id: str, number: int) -> None:
        await self.session.execute(update(credit_notes).where(
            credit_notes.c.producer_id == producer_id, credit_notes.c.number == number
        ).values(status="cancelled"))

    async def issue_credit_note(self, producer_id: str, order_id: uuid.UUID,
                                amount_cents: int, issued_by: str | None = None) -> CreditNote:
        """Numbered from the producer's counter, whose row stays locked until the transaction
        ends: concurrent notes get consecutive numbers, and a rolled-back one frees nothing."""
        counter = insert(credit_note_counters).values(producer_id=producer_id, last_number=1)
        number = (await self.session.execute(counter.on_conflict_do_update(
            index_elements=[credit_note_counters.c.producer_id],
            set_={"last_number": credit_note_counters.c.last_number + 1},
        ).returning(credit_note_counters.c.last_number))).scalar_one()
        await self.session.execute(insert(credit_notes).values(
            producer_id=producer_id, number=number, order_id=order_id, amount_cents=amount_cents,
            status="issued", issued_by=issued_by))
        return CreditNote(number, amount_cents)
