"""Read side: the weekly payments page."""

from datetime import date, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ardoise.weeks import local_days
from payments.adapters.orm import credit_notes as credit_notes_table
from payments.adapters.orm import customers, money_movements, orders, refunds, settlements
from payments.domain.refunds import REFUNDED
from payments.domain.settlement import ONLINE, PaymentSettings
from payments.domain.weekly import totals_per_mode


async def payments_page(session: AsyncSession, producer_id: str, monday: date,
                        settings: PaymentSettings) -> dict:
    """Every order delivered in the week starting on `monday`, once, with its settlement, the
    money received for it and what was refunded of it online since; the top-ups and debits
    recorded by hand with a mode, and the online refunds, made during the week; the amount per
    mode (each offered mode, 0 when none) and in all. An order's money counts in its week as it
    came in, a refund in the week it was made: a week already counted keeps its total."""
    refunded = (select(refunds.c.order_id,
                       func.sum(refunds.c.amount_cents).label("refunded_cents"))
                .where(refunds.c.producer_id == producer_id, refunds.c.status == REFUNDED)
                .group_by(refunds.c.order_id).subquery())
    joined = orders.outerjoin(settlements, and_(
        settlements.c.producer_id == orders.c.producer_id,
        settlements.c.order_id == orders.c.order_id,
    )).outerjoin(customers, and_(
        customers.c.producer_id == orders.c.producer_id,
        customers.c.customer_id == orders.c.customer_id,
    )).outerjoin(refunded, refunded.c.order_id == orders.c.order_id)
    query = (
        select(orders.c.order_id, orders.c.customer_id, customers.c.name, orders.c.delivery_date,
               orders.c.total_cents, settlements.c.mode, settlements.c.amount_paid_cents,
               settlements.c.received, settlements.c.recorded_by, settlements.c.version,
               refunded.c.refunded_cents)
        .select_from(joined)
        .where(orders.c.producer_id == producer_id,
               orders.c.delivery_date >= monday,
               orders.c.delivery_date < monday + timedelta(days=7))
        .order_by(orders.c.delivery_date, orders.c.customer_id, orders.c.order_id)
    )
    rows = [{"order_id": str(row.order_id), "customer_id": row.customer_id,
             "customer_name": row.name or row.customer_id,
             "delivery_date": row.delivery_date.isoformat(), "total_cents": row.total_cents,
             "mode": row.mode or "not_delivered", "amount_paid_cents": row.amount_paid_cents or 0,
             "received": dict(row.received or {}), "recorded_by": row.recorded_by,
             "version": row.version, "refunded_cents": int(row.refunded_cents or 0)}
            for row in await session.execute(query)]
    movements = await week_movements(session, producer_id, monday, settings.time_zone)
    given_back = await week_refunds(session, producer_id, monday, settings.time_zone)
    # what came in (or went out), by the mode it came by: the orders' money as it came in (an
    # order paid in cash and online counts in both; what was refunded of it since added back),
    # the top-ups and debits recorded by hand with a mode, and the week's refunds
    totals = totals_per_mode(
        [*((mode, cents) for r in rows for mode, cents in r["received"].items()),
         *((ONLINE, r["refunded_cents"]) for r in rows if r["refunded_cents"]),
         *((m["mode"], m["amount_cents"]) for m in [*movements, *given_back])],
        settings.offered_modes)
    return {"rows": rows, "movements": movements, "refunds": given_back, "totals": totals,
            "total_cents": sum(totals.values())}


async def week_refunds(session: AsyncSession, producer_id: str, monday: date,
                       time_zone: str) -> list[dict]:
    """The online refunds SumUp made during the week (its days in the producer's time zone),
    oldest first: money that went out by `online` (negative), each with its order. A refund is
    dated when it was asked for: SumUp makes it then or never (one whose answer was lost is
    read back later, never asked again)."""
    start, end = local_days(monday, monday + timedelta(days=6), time_zone)
    query = (
        select(refunds.c.refund_id, refunds.c.order_id, refunds.c.amount_cents,
               refunds.c.created_at, refunds.c.requested_by, orders.c.customer_id,
               orders.c.delivery_date, customers.c.name)
        .select_from(refunds.join(orders, and_(
            orders.c.producer_id == refunds.c.producer_id,
            orders.c.order_id == refunds.c.order_id)).outerjoin(customers, and_(
                customers.c.producer_id == orders.c.producer_id,
                customers.c.customer_id == orders.c.customer_id)))
        .where(refunds.c.producer_id == producer_id, refunds.c.status == REFUNDED,
               refunds.c.created_at >= start, refunds.c.created_at < end)
        .order_by(refunds.c.created_at, refunds.c.refund_id))
    return [{"refund_id": str(row.refund_id), "order_id": str(row.order_id),
             "customer_id": row.customer_id, "customer_name": row.name or row.customer_id,
             "delivery_date": row.delivery_date.isoformat(), "at": row.created_at.isoformat(),
             "mode": ONLINE, "amount_cents": -row.amount_cents,
             "requested_by": row.requested_by}
            for row in await session.execute(query)]


async def week_movements(session: AsyncSession, producer_id: str, monday: date,
                         time_zone: str) -> list[dict]:
    """The top-ups (positive) and debits (negative) recorded by hand with a mode during the
    week (its days in the producer's time zone), oldest first."""
    start, end = local_days(monday, monday + timedelta(days=6), time_zone)
    query = (
        select(money_movements, customers.c.name)
        .select_from(money_movements.outerjoin(customers, and_(
            customers.c.producer_id == money_movements.c.producer_id,
            customers.c.customer_id == money_movements.c.customer_id)))
        .where(money_movements.c.producer_id == producer_id, money_movements.c.at >= start,
               money_movements.c.at < end)
        .order_by(money_movements.c.at, money_movements.c.movement_id))
    return [{"movement_id": str(row.movement_id), "customer_id": row.customer_id,
             "customer_name": row.name or row.customer_id, "at": row.at.isoformat(),
             "kind": "top_up" if row.amount_cents > 0 else "debit", "mode": row.mode,
             "amount_cents": row.amount_cents, "label": row.label,
             "recorded_by": row.recorded_by}
            for row in await session.execute(query)]


async def credit_notes(session: AsyncSession, producer_id: str, customer_id: str | None,
                       period_from: date | None, period_to: date | None,
                       number: int | None = None, time_zone: str = "Europe/Paris") -> list[dict]:
    """The producer's credit notes (of one customer when named), by number: each with its
    date (the producer's), its order, its customer and its amount (positive: owed to the
    customer; negative: owed by it), and whether it is still in force."""
    issued_on = func.date(func.timezone(time_zone, credit_notes_table.c.issued_at))
    query = (select(credit_notes_table, orders.c.customer_id, orders.c.delivery_date,
                    customers.c.name, issued_on.label("issued_on"))
             .select_from(credit_notes_table.join(orders, and_(
                 orders.c.producer_id == credit_notes_table.c.producer_id,
                 orders.c.order_id == credit_notes_table.c.order_id)).outerjoin(customers, and_(
                     customers.c.producer_id == orders.c.producer_id,
                     customers.c.customer_id == orders.c.customer_id)))
             .where(credit_notes_table.c.producer_id == producer_id)
             .order_by(credit_notes_table.c.number))
    if customer_id is not None:
        query = query.where(orders.c.customer_id == customer_id)
    if number is not None:
        query = query.where(credit_notes_table.c.number == number)
    if period_from is not None:
        query = query.where(issued_on >= period_from)
    if period_to is not None:
        query = query.where(issued_on <= period_to)
    return [{"number": row.number, "issued_on": row.issued_on.isoformat(),
             "issued_at": row.issued_at.isoformat(), "order_id": str(row.order_id),
             "delivery_date": row.delivery_date.isoformat(), "customer_id": row.customer_id,
             "customer_name": row.name or row.customer_id, "amount_cents": row.amount_cents,
             "status": row.status, "issued_by": row.issued_by}
            for row in await session.execute(query)]
