"""Reading and writing the payments tables for the handlers, inside their transaction."""

import uuid
from datetime import datetime

from sqlalchemy import func, literal_column, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ardoise.changes import Change, kept_actor
from ardoise.db import last_change
from ardoise.events.vocabulary import CheckoutStatus
from payments.adapters.orm import (
    checkouts,
    credit_note_counters,
    credit_notes,
    customers,
    money_movements,
    orders,
    refunds,
    settings,
    settlements,
)
from payments.adapters.sumup_accounts import SumUpAccount
from payments.domain import checkouts as saga
from payments.domain.checkouts import CheckoutRecord
from payments.domain.credit_notes import CreditNote
from payments.domain.refunds import REFUNDED, REQUESTED, PaidCheckout, Refund
from payments.domain.settlement import KnownOrder, PaymentSettings, Settlement

_ROWS_PER_INSERT = 10_000
"""Five parameters a row: PostgreSQL takes at most 65 535 in one statement."""


def _seconds(delta) -> str:
    return f"interval '{int(delta.total_seconds())} seconds'"


NEXT_READ_BACK = literal_column(
    f"least(now() + least(greatest((now() - created_at) / 2, {_seconds(saga.FIRST_READ_BACK)}), "
    f"{_seconds(saga.LONGEST_WAIT)}), greatest(coalesce(valid_until, 'infinity'::timestamptz) "
    f"+ {_seconds(saga.AFTER_VALIDITY)}, now() + {_seconds(saga.FIRST_READ_BACK)}))")
"""`saga.next_read_back` for every checkout taken at once, in the statement that takes them."""


def _columns(value: PaymentSettings) -> dict:
    return {"payment_tracking": value.payment_tracking,
            "accepted_modes": list(value.accepted_modes),
            "online_payment_required": value.online_payment_required,
            "sumup_merchant_code": value.sumup_merchant_code,
            "time_zone": value.time_zone}
"""The settings' own columns; the sealed SumUp key is written by `save_sumup_key` only."""


class PaymentsRepository:
    """Settings, the orders and customers read models, settlements and credit notes."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def settings(self, producer_id: str) -> PaymentSettings:
        row = (await self.session.execute(
            select(settings).where(settings.c.producer_id == producer_id))).first()
        if row is None:
            return PaymentSettings()
        return PaymentSettings(row.payment_tracking, tuple(row.accepted_modes),
                               row.online_payment_required, row.sumup_merchant_code,
                               row.sumup_api_key_sealed is not None, row.time_zone)

    async def settings_for_update(self, producer_id: str) -> PaymentSettings:
        """The settings, with the producer's row locked so that two changes do not interleave."""
        await self.session.execute(insert(settings).values(
            producer_id=producer_id, **_columns(PaymentSettings())).on_conflict_do_nothing())
        await self.session.execute(select(settings.c.producer_id).where(
            settings.c.producer_id == producer_id).with_for_update())
        return await self.settings(producer_id)

    async def settings_change(self, producer_id: str) -> Change:
        """Who last changed the producer's settings, and when."""
        return await last_change(self.session, settings, producer_id)

    async def save_settings(self, producer_id: str, value: PaymentSettings,
                            change: Change | None = None) -> None:
        """The settings, and who changed them when `change` says."""
        values = {**_columns(value), **(change.columns() if change else {})}
        statement = insert(settings).values(producer_id=producer_id, **values)
        await self.session.execute(statement.on_conflict_do_update(
            index_elements=[settings.c.producer_id], set_=values))

    async def save_sumup_key(self, producer_id: str, sealed_api_key: str) -> None:
        """The producer's SumUp API key, sealed; its settings row exists (locked for update)."""
        await self.session.execute(update(settings).where(
            settings.c.producer_id == producer_id).values(sumup_api_key_sealed=sealed_api_key))

    async def sumup_account(self, producer_id: str) -> SumUpAccount | None:
        row = (await self.session.execute(
            select(settings.c.sumup_merchant_code, settings.c.sumup_api_key_sealed)
            .where(settings.c.producer_id == producer_id))).first()
        if row is None or not (row.sumup_merchant_code and row.sumup_api_key_sealed):
            return None
        return SumUpAccount(row.sumup_merchant_code, row.sumup_api_key_sealed)

    async def sealed_sumup_keys(self, producer_id: str | None = None) -> list[tuple[str, str]]:
        """Every producer's sealed key (or one producer's), locked, for key rotation."""
        query = (select(settings.c.producer_id, settings.c.sumup_api_key_sealed)
                 .where(settings.c.sumup_api_key_sealed.is_not(None)).with_for_update())
        if producer_id is not None:
            query = query.where(settings.c.producer_id == producer_id)
        rows = await self.session.execute(query)
        return [(row.producer_id, row.sumup_api_key_sealed) for row in rows]

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

    async def paid_checkouts(self, producer_id: str, order_id: uuid.UUID) -> list[PaidCheckout]:
        """The order's checkouts SumUp confirmed paid, oldest first, with what was refunded or
        is being refunded of each."""
        asked = (select(func.coalesce(func.sum(refunds.c.amount_cents), 0))
                 .where(refunds.c.producer_id == checkouts.c.producer_id,
                        refunds.c.checkout_id == checkouts.c.checkout_id,
                        refunds.c.status.in_([REQUESTED, REFUNDED])).scalar_subquery())
        rows = await self.session.execute(
            select(checkouts.c.checkout_id, checkouts.c.transaction_id,
                   checkouts.c.amount_due_cents, asked.label("refunded_cents"))
            .where(checkouts.c.producer_id == producer_id, checkouts.c.order_id == order_id,
                   checkouts.c.status == CheckoutStatus.PAID,
                   checkouts.c.transaction_id.is_not(None))
            .order_by(checkouts.c.attempt))
        return [PaidCheckout(r.checkout_id, r.transaction_id, r.amount_due_cents,
                             int(r.refunded_cents)) for r in rows]

    async def pending_refund_cents(self, producer_id: str, order_id: uuid.UUID) -> int:
        return int(await self.session.scalar(
            select(func.coalesce(func.sum(refunds.c.amount_cents), 0)).where(
                refunds.c.producer_id == producer_id, refunds.c.order_id == order_id,
                refunds.c.status == REQUESTED)))

    async def add_refund(self, producer_id: str, refund: Refund, key: str | None) -> None:
        await self.session.execute(insert(refunds).values(
            producer_id=producer_id, refund_id=refund.refund_id, order_id=refund.order_id,
            checkout_id=refund.checkout_id, transaction_id=refund.transaction_id,
            amount_cents=refund.amount_cents, status=refund.status, idempotency_key=key,
            requested_by=refund.requested_by))

    async def refund_by_key(self, producer_id: str, key: str):
        return (await self.session.execute(select(refunds).where(
            refunds.c.producer_id == producer_id, refunds.c.idempotency_key == key))).first()

    async def refunds_of_order(self, producer_id: str, order_id: uuid.UUID) -> list:
        return list(await self.session.execute(select(refunds).where(
            refunds.c.producer_id == producer_id, refunds.c.order_id == order_id)
            .order_by(refunds.c.created_at)))

    async def close_refund(self, producer_id: str, refund_id: uuid.UUID, status: str,
                           error: str | None = None):
        """The refund, if it was still requested: it becomes `status`, once (None otherwise)."""
        return (await self.session.execute(
            update(refunds).where(refunds.c.producer_id == producer_id,
                                  refunds.c.refund_id == refund_id,
                                  refunds.c.status == REQUESTED)
            .values(status=status, last_error=error, updated_at=func.now())
            .returning(refunds))).first()

    async def refunded_of_transaction(self, producer_id: str, transaction_id: str) -> int:
        return int(await self.session.scalar(
            select(func.coalesce(func.sum(refunds.c.amount_cents), 0)).where(
                refunds.c.producer_id == producer_id,
                refunds.c.transaction_id == transaction_id,
                refunds.c.status == REFUNDED)))

    async def requested_refunds(self, older_than_s: float, limit: int) -> list:
        """Refunds asked of SumUp whose answer was lost, oldest first."""
        return list(await self.session.execute(
            select(refunds).where(refunds.c.status == REQUESTED,
                                  refunds.c.created_at <= func.now()
                                  - func.make_interval(0, 0, 0, 0, 0, 0, older_than_s))
            .order_by(refunds.c.created_at).limit(limit)))

    async def add_checkout(self, record: CheckoutRecord) -> None:
        """An attempt's checkout; an attempt already recorded is left as it is (a redelivered
        BalanceHeld)."""
        await self.session.execute(insert(checkouts).values(
            producer_id=record.producer_id, order_id=record.order_id, attempt=record.attempt,
            checkout_id=record.checkout_id, customer_id=record.customer_id,
            total_cents=record.total_cents, applied_cents=record.applied_cents,
            amount_due_cents=record.amount_due_cents, currency=record.currency,
            checkout_url=record.checkout_url, status=record.status,
            valid_until=record.valid_until,
        ).on_conflict_do_nothing())

    async def checkout(self, checkout_id: str) -> tuple[CheckoutRecord, datetime] | None:
        """The checkout, and the database's time now (the one clock every process shares)."""
        row = (await self.session.execute(
            select(checkouts, func.now().label("now"))
            .where(checkouts.c.checkout_id == checkout_id))).first()
        if row is None:
            return None
        return CheckoutRecord(row.producer_id, row.order_id, row.attempt, row.customer_id,
                              row.total_cents, row.applied_cents, row.amount_due_cents,
                              row.currency, row.status, row.checkout_id, row.checkout_url,
                              row.valid_until), row.now

    async def close_checkout(self, checkout_id: str, status: str,
                             transaction_id: str | None) -> bool:
        """The checkout ends with `status`, once: False when it had already ended."""
        claimed = await self.session.execute(
            update(checkouts).where(checkouts.c.checkout_id == checkout_id,
                                    checkouts.c.status.notin_(saga.FINAL))
            .values(status=status, transaction_id=transaction_id)
            .returning(checkouts.c.checkout_id))
        return claimed.first() is not None

    async def take_due_checkouts(self, limit: int) -> list[str]:
        """Pending checkouts whose read-back is due (those waiting longest when more than
        `limit` are), each given its next turn as it is taken: another round, or another
        poller, takes others."""
        due = (select(checkouts.c.checkout_id)
               .where(checkouts.c.status == CheckoutStatus.PENDING,
                      checkouts.c.next_check_at <= func.now())
               .order_by(checkouts.c.next_check_at).limit(limit)
               .with_for_update(skip_locked=True))
        taken = await self.session.execute(
            update(checkouts).where(checkouts.c.checkout_id.in_(due))
            .values(next_check_at=NEXT_READ_BACK).returning(checkouts.c.checkout_id))
        return list(taken.scalars().all())
