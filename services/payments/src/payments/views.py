"""Read side: the weekly payments page."""

from datetime import date

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from payments.adapters.orm import customers, orders, settlements


async def payments_page(session: AsyncSession, producer_id: str, monday: date,
                        sunday: date) -> tuple[list[dict], dict[str, int], int]:
    """Every order delivered that week, once, with its settlement; totals per mode and overall."""
    joined = orders.outerjoin(settlements, and_(
        settlements.c.producer_id == orders.c.producer_id,
        settlements.c.order_id == orders.c.order_id,
    )).outerjoin(customers, and_(
        customers.c.producer_id == orders.c.producer_id,
        customers.c.customer_id == orders.c.customer_id,
    ))
    query = (
        select(orders.c.order_id, orders.c.customer_id, customers.c.name, orders.c.delivery_date,
               orders.c.total_cents, settlements.c.mode, settlements.c.amount_paid_cents)
        .select_from(joined)
        .where(orders.c.producer_id == producer_id,
               orders.c.delivery_date.between(monday, sunday))
        .order_by(orders.c.delivery_date, orders.c.customer_id, orders.c.order_id)
    )
    rows, totals = [], {}
    for row in await session.execute(query):
        mode, paid = row.mode or "not_delivered", row.amount_paid_cents or 0
        rows.append({"order_id": str(row.order_id), "customer_id": row.customer_id,
                     "customer_name": row.name or row.customer_id,
                     "delivery_date": row.delivery_date.isoformat(),
                     "total_cents": row.total_cents, "mode": mode, "amount_paid_cents": paid})
        totals[mode] = totals.get(mode, 0) + paid
    return rows, totals, sum(totals.values())
