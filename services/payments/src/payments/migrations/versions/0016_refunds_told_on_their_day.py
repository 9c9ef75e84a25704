"""The refunds made before OnlineRefundMade existed, told now: one event each, queued in the
outbox (its relay publishes it), so that the exports count them on their own day as the week's
payments page does. Its id is derived from the refund's, so the statement queues each once
whatever runs it again, and the exports keep each refund once whatever delivers it. Nothing to
undo: what is told stays told (the downgrade leaves the events)."""

from alembic import op

from ardoise import topics

revision = "payments_0016"
down_revision = "payments_0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(f"""
        INSERT INTO payments.outbox (event_id, topic, key, event_type, payload)
        SELECT told.event_id, '{topics.PAYMENTS}', r.order_id::text, 'OnlineRefundMade',
               jsonb_build_object(
                   'event_id', told.event_id, 'occurred_at', r.updated_at,
                   'producer_id', r.producer_id, 'order_id', r.order_id,
                   'customer_id', o.customer_id, 'refund_id', r.refund_id,
                   'amount_cents', r.amount_cents, 'delivery_date', o.delivery_date,
                   'refunded_at', r.created_at, 'actor', r.requested_by,
                   'event_type', 'OnlineRefundMade', 'schema_version', 1)
        FROM payments.refunds r
        JOIN payments.orders o ON o.producer_id = r.producer_id AND o.order_id = r.order_id
        CROSS JOIN LATERAL (SELECT md5('OnlineRefundMade/' || r.refund_id::text)::uuid
                            AS event_id) told
        WHERE r.status = 'refunded'
        ORDER BY r.created_at, r.refund_id
        ON CONFLICT (event_id) DO NOTHING""")


def downgrade() -> None:
    pass
