"""Orders with their lines, the settlements read model and producers' payment settings.

Each migration states its own DDL: the models change, a migration once written does not."""

from alembic import op

revision = "orders_0002"
down_revision = "orders_0001"
branch_labels = None
depends_on = None

UPGRADE = (
    """CREATE TABLE orders.orders (
    producer_id varchar(64) NOT NULL,
    order_id uuid NOT NULL,
    customer_id varchar(64) NOT NULL,
    delivery_date date NOT NULL,
    lines jsonb NOT NULL,
    total_cents bigint NOT NULL,
    status varchar(20) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (producer_id, order_id))""",
    """CREATE TABLE orders.settlements (
    producer_id varchar(64) NOT NULL,
    order_id uuid NOT NULL,
    mode varchar(20) NOT NULL,
    amount_paid_cents bigint NOT NULL,
    credit_note_cents bigint NOT NULL,
    credit_note_number integer,
    version integer NOT NULL,
    PRIMARY KEY (producer_id, order_id))""",
    """CREATE TABLE orders.producers (
    producer_id varchar(64) NOT NULL,
    payment_tracking boolean NOT NULL,
    online_payment_required boolean NOT NULL,
    PRIMARY KEY (producer_id))""",
)


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE orders.producers")
    op.execute("DROP TABLE orders.settlements")
    op.execute("DROP TABLE orders.orders")
