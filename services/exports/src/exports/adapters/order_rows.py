"""The orders a workbook lists, streamed from the read model: each with its settlement, its
customer's name and what was refunded of it online since (its refunds, negative movements,
count on their own days)."""

import uuid
from datetime import date

from sqlalchemy import Select, and_, func, select

from exports.adapters.orm import customers, movements, sales


def _rows_query(producer_id: str) -> Select:
    # what was refunded of each order online (its refunds are negative movements): added back
    # to what the order received, the refunds counting on their own days
    refunded = (select(movements.c.order_id, (-func.sum(movements.c.amount_cents))
                       .label("refunded_cents"))
                .where(movements.c.producer_id == producer_id, movements.c.order_id.isnot(None))
                .group_by(movements.c.order_id).subquery())
    joined = sales.outerjoin(customers, and_(customers.c.producer_id == sales.c.producer_id,
                                             customers.c.customer_id == sales.c.customer_id)
                             ).outerjoin(refunded, refunded.c.order_id == sales.c.order_id)
    return (
        select(sales.c.order_id, sales.c.delivery_date, sales.c.customer_id,
               customers.c.name.label("customer_name"), sales.c.total_cents, sales.c.mode,
               sales.c.amount_paid_cents, sales.c.credit_note_cents, sales.c.received,
               sales.c.recorded_by, refunded.c.refunded_cents)
        .select_from(joined)
        .where(sales.c.producer_id == producer_id)
        .order_by(sales.c.delivery_date, sales.c.order_id)
    )


def period_query(producer_id: str, period_from: date, period_to: date) -> Select:
    """The producer's orders delivered in the period, as workbook rows (streamed)."""
    return _rows_query(producer_id).where(sales.c.delivery_date.between(period_from, period_to))


def orders_query(producer_id: str, order_ids: list[uuid.UUID]) -> Select:
    """These orders of the producer, as workbook rows (streamed)."""
    return _rows_query(producer_id).where(sales.c.order_id.in_(order_ids))
