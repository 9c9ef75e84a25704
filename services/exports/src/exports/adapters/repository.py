"""Reading and writing the exports tables: the read model (invoices too), producers' settings,
weekly e-mails. The orders a workbook streams are read in order_rows.py."""

import uuid
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ardoise.changes import Change, kept_actor
from ardoise.events import (
    CustomerRegistered,
    InvoiceIssued,
    MovementRecorded,
    OnlineRefundMade,
    OrderPlaced,
    PaymentSettingsChanged,
    SettlementChanged,
)
from ardoise.weeks import local_days
from exports.adapters.orm import (
    DEFAULT_TIME_ZONE,
    customers,
    invoices,
    movements,
    producers,
    sales,
    time_zones,
    weekly_emails,
)
from exports.domain.invoices import InvoiceRow, RateAmounts
from exports.domain.reports import MovementRow, printable, refund_label


class ExportsRepository:
    """The exports schema, inside the caller's session (and transaction, when it opened one)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # the read model, kept from events: upserts that a replay leaves unchanged

    async def keep(self, event) -> None:
        match event:
            case CustomerRegistered():
                statement = insert(customers).values(
                    producer_id=event.producer_id, customer_id=event.customer_id,
                    name=printable(event.name))
                await self.session.execute(statement.on_conflict_do_update(
                    index_elements=[customers.c.producer_id, customers.c.customer_id],
                    set_={"name": statement.excluded.name}))
            case PaymentSettingsChanged():
                statement = insert(time_zones).values(
                    producer_id=event.producer_id, time_zone=event.time_zone,
                    payment_tracking=event.payment_tracking)
                await self.session.execute(statement.on_conflict_do_update(
                    index_elements=[time_zones.c.producer_id],
                    set_={"time_zone": statement.excluded.time_zone,
                          "payment_tracking": statement.excluded.payment_tracking}))
            case MovementRecorded() if event.mode is not None:
                await self.session.execute(insert(movements).values(
                    producer_id=event.producer_id, movement_id=event.movement_id,
                    customer_id=event.customer_id, at=event.at, amount_cents=event.amount_cents,
                    mode=event.mode, label=printable(event.label),
                    recorded_by=kept_actor(event.actor)).on_conflict_do_nothing())
            case OnlineRefundMade():
                await self.session.execute(insert(movements).values(
                    producer_id=event.producer_id, movement_id=event.refund_id,
                    customer_id=event.customer_id, at=event.refunded_at,
                    amount_cents=-event.amount_cents, mode="online",
                    label=refund_label(event.delivery_date), order_id=event.order_id,
                    recorded_by=kept_actor(event.actor)).on_conflict_do_nothing())
            case InvoiceIssued():
                # keyed on the number too: a document is issued once, whatever delivers it
                await self.session.execute(insert(invoices).values(
                    producer_id=event.producer_id, number=event.number, kind=event.kind,
                    issued_at=event.issued_at, issue_date=event.issue_date,
                    customer_id=event.customer_id,
                    # the column's width: a longer name must not stop the batch for good
                    customer_name=printable(event.customer_name)[:200],
                    order_id=event.order_id, corrects=event.corrects,
                    total_ht_cents=event.total_ht_cents, total_vat_cents=event.total_vat_cents,
                    total_cents=event.total_cents,
                    vat=[amounts.model_dump() for amounts in event.vat],
                    issued_by=kept_actor(event.actor),
                ).on_conflict_do_nothing())
            case OrderPlaced():
                await self.session.execute(insert(sales).values(
                    producer_id=event.producer_id, order_id=event.order_id,
                    customer_id=event.customer_id, delivery_date=event.delivery_date,
                    total_cents=event.total_cents,
                ).on_conflict_do_nothing())
            case SettlementChanged():
                values = {
                    "customer_id": event.customer_id, "delivery_date": event.delivery_date,
                    "total_cents": event.total_cents, "mode": event.mode,
                    "amount_paid_cents": event.amount_paid_cents, "received": event.received,
                    "credit_note_cents": event.credit_note_cents,
                    "settlement_version": event.version, "recorded_by": kept_actor(event.actor),
                }
                statement = insert(sales).values(producer_id=event.producer_id,
                                                 order_id=event.order_id, **values)
                await self.session.execute(statement.on_conflict_do_update(
                    index_elements=[sales.c.producer_id, sales.c.order_id],
                    set_={k: statement.excluded[k] for k in values},
                    # an older version arriving late never overwrites a newer one
                    where=sales.c.settlement_version < statement.excluded.settlement_version,
                ))

    async def movements(self, producer_id: str, period_from: date, period_to: date,
                        time_zone: str) -> list[MovementRow]:
        """The top-ups and debits recorded by hand with a mode, and the online refunds, made
        during the period (its days in the producer's time zone), oldest first, each with its
        customer's name and local time."""
        start, end = local_days(period_from, period_to, time_zone)
        return await self._movement_rows(producer_id, time_zone,
                                         (movements.c.at >= start, movements.c.at < end))

    async def selected_movements(self, producer_id: str, movement_ids: set[uuid.UUID],
                                 time_zone: str) -> list[MovementRow]:
        """These movements of the producer, oldest first (another producer's are not found)."""
        return await self._movement_rows(producer_id, time_zone,
                                         (movements.c.movement_id.in_(movement_ids),))

    async def _movement_rows(self, producer_id: str, time_zone: str,
                             conditions: tuple) -> list[MovementRow]:
        rows = await self.session.execute(
            select(movements, customers.c.name)
            .select_from(movements.outerjoin(customers, and_(
                customers.c.producer_id == movements.c.producer_id,
                customers.c.customer_id == movements.c.customer_id)))
            .where(movements.c.producer_id == producer_id, *conditions)
            .order_by(movements.c.at, movements.c.movement_id))
        return [MovementRow(row.at.astimezone(ZoneInfo(time_zone)), row.customer_id,
                            row.name or row.customer_id, row.mode, row.amount_cents, row.label,
                            row.movement_id, row.recorded_by, row.order_id)
                for row in rows]

    async def invoices(self, producer_id: str, period_from: date,
                       period_to: date) -> list[InvoiceRow]:
        """The invoices, then the factures d'avoir, issued in the period (the producer's own
        dates), each series in number order."""
        series = case((invoices.c.kind == "invoice", 0), else_=1)
        rows = await self.session.execute(
            select(invoices)
            .where(invoices.c.producer_id == producer_id,
                   invoices.c.issue_date.between(period_from, period_to))
            # a longer number comes later: F1000 after F999, were numbers ever unpadded
            .order_by(series, func.length(invoices.c.number), invoices.c.number))
        return [InvoiceRow(
            row.number, row.kind, row.issue_date, row.customer_name, str(row.order_id),
            row.corrects, row.total_ht_cents, row.total_vat_cents, row.total_cents,
            {item["rate"]: RateAmounts(item["base_cents"], item["vat_cents"],
                                       item["total_cents"]) for item in row.vat},
            row.issued_by)
            for row in rows]

    async def known_orders(self, producer_id: str, order_ids: set[uuid.UUID]) -> set[uuid.UUID]:
        """Which of these orders the producer has: another producer's are simply not found."""
        query = select(sales.c.order_id).where(sales.c.producer_id == producer_id,
                                              sales.c.order_id.in_(order_ids))
        return set((await self.session.execute(query)).scalars())

    # producers: where the weekly e-mail goes, and their time zone

    async def save_settings(self, producer_id: str, name: str, email: str,
                            change: Change | None = None) -> None:
        values = {"name": name, "email": email, **(change or Change()).columns()}
        statement = insert(producers).values(producer_id=producer_id, **values)
        await self.session.execute(statement.on_conflict_do_update(
            index_elements=[producers.c.producer_id], set_=values))

    async def producer(self, producer_id: str):
        """The producer's name and e-mail address, and who last changed them when
        (`changed_by`, `changed_at`); None until it gave them."""
        return (await self.session.execute(
            select(producers).where(producers.c.producer_id == producer_id))).first()

    async def producer_name(self, producer_id: str) -> str:
        """The name the producer gave in its exports settings; its id until it gave one."""
        name = (await self.session.execute(select(producers.c.name).where(
            producers.c.producer_id == producer_id))).scalar()
        return name or producer_id

    async def time_zone(self, producer_id: str) -> str:
        zone = (await self.session.execute(select(time_zones.c.time_zone).where(
            time_zones.c.producer_id == producer_id))).scalar()
        return zone or DEFAULT_TIME_ZONE

    async def tracking_is_on(self, producer_id: str) -> bool:
        """Whether the producer tracks payments, as its settings last said: off until heard on
        (its workbooks then have no payment column)."""
        return (await self.session.execute(select(time_zones.c.payment_tracking).where(
            time_zones.c.producer_id == producer_id))).scalar() is True

    async def producers_with_time_zones(self) -> list:
        zone = func.coalesce(time_zones.c.time_zone, DEFAULT_TIME_ZONE).label("time_zone")
        return list(await self.session.execute(
            select(producers, zone).select_from(producers.outerjoin(
                time_zones, time_zones.c.producer_id == producers.c.producer_id))))

    # the weekly e-mails, one row per producer and week

    async def weekly_emails(self) -> dict[tuple[str, str], object]:
        rows = await self.session.execute(select(weekly_emails))
        return {(row.producer_id, row.week): row for row in rows}

    async def weekly_email_for_update(self, producer_id: str, week: str):
        """The week's record, made pending if new, locked until the transaction ends: two
        workers never both send it."""
        await self.session.execute(insert(weekly_emails).values(
            producer_id=producer_id, week=week, status="pending").on_conflict_do_nothing())
        return (await self.session.execute(
            select(weekly_emails).where(weekly_emails.c.producer_id == producer_id,
                                        weekly_emails.c.week == week).with_for_update())).one()

    async def save_weekly_email(self, producer_id: str, week: str, **values) -> None:
        """The week's record changed as told (status, message_id, claimed_until, attempts,
        sent_at, last_error, next_attempt_at, updated_at, asked_by)."""
        await self.session.execute(update(weekly_emails).where(
            weekly_emails.c.producer_id == producer_id,
            weekly_emails.c.week == week).values(**values))

    async def recent_weekly_emails(self, producer_id: str, limit: int = 10) -> list:
        return list(await self.session.execute(
            select(weekly_emails).where(weekly_emails.c.producer_id == producer_id)
            .order_by(weekly_emails.c.week.desc()).limit(limit)))
