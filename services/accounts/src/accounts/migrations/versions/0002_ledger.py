"""The ledger: accounts, movements, order positions, holds, idempotency keys."""

from alembic import op

revision = "accounts_0002"
down_revision = "accounts_0001"
branch_labels = None
depends_on = None

UPGRADE = (
    """CREATE TABLE accounts.accounts (
    producer_id varchar(64) NOT NULL,
    customer_id varchar(64) NOT NULL,
    name varchar(200) NOT NULL,
    email varchar(254),
    balance_cents bigint NOT NULL DEFAULT 0,
    held_cents bigint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (producer_id, customer_id))""",
    """CREATE INDEX accounts_by_balance ON accounts.accounts (producer_id, balance_cents, customer_id)""",
    """CREATE INDEX accounts_by_name ON accounts.accounts (producer_id, name, customer_id)""",
    """CREATE TABLE accounts.movements (
    id bigserial NOT NULL,
    movement_id uuid NOT NULL,
    producer_id varchar(64) NOT NULL,
    customer_id varchar(64) NOT NULL,
    at timestamptz NOT NULL,
    kind varchar(20) NOT NULL,
    amount_cents bigint NOT NULL,
    balance_after_cents bigint NOT NULL,
    label varchar(200) NOT NULL,
    order_id uuid,
    mode varchar(20),
    PRIMARY KEY (id),
    UNIQUE (movement_id))""",
    """CREATE INDEX movements_history ON accounts.movements (producer_id, customer_id, id)""",
    """CREATE TABLE accounts.order_positions (
    producer_id varchar(64) NOT NULL,
    order_id uuid NOT NULL,
    customer_id varchar(64) NOT NULL,
    version integer NOT NULL,
    debited_cents bigint NOT NULL,
    credited_cents bigint NOT NULL,
    credit_mode varchar(20),
    PRIMARY KEY (producer_id, order_id))""",
    """CREATE TABLE accounts.holds (
    hold_id uuid NOT NULL,
    producer_id varchar(64) NOT NULL,
    customer_id varchar(64) NOT NULL,
    order_id uuid NOT NULL,
    attempt integer NOT NULL,
    amount_cents bigint NOT NULL,
    status varchar(10) NOT NULL,
    expires_at timestamptz NOT NULL,
    closed_at timestamptz,
    reason varchar(100),
    PRIMARY KEY (hold_id),
    CONSTRAINT holds_one_per_attempt UNIQUE (producer_id, order_id, attempt))""",
    """CREATE INDEX holds_pending_by_expiry ON accounts.holds (expires_at) WHERE status = 'pending'""",
    """CREATE INDEX holds_by_order ON accounts.holds (producer_id, order_id)""",
    """CREATE TABLE accounts.idempotency_keys (
    producer_id varchar(64) NOT NULL,
    key varchar(200) NOT NULL,
    fingerprint varchar(64) NOT NULL,
    response jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (producer_id, key))""",
)


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TABLE accounts.idempotency_keys")
    op.execute("DROP TABLE accounts.holds")
    op.execute("DROP TABLE accounts.order_positions")
    op.execute("DROP TABLE accounts.movements")
    op.execute("DROP TABLE accounts.accounts")
