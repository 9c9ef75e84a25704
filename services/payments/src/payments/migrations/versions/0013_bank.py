"""Bank statements imported, their lines kept once, and what each line's money did."""

from alembic import op

revision = "payments_0013"
down_revision = "payments_0012"
branch_labels = None
depends_on = None

UPGRADE = (
    """CREATE TABLE payments.bank_statements (
    producer_id varchar(64) NOT NULL,
    import_id uuid NOT NULL,
    imported_at timestamptz NOT NULL,
    format varchar(20) NOT NULL,
    sha256 varchar(64) NOT NULL,
    lines integer NOT NULL,
    new integer NOT NULL,
    duplicates integer NOT NULL,
    PRIMARY KEY (producer_id, import_id))""",
    """CREATE TABLE payments.bank_transactions (
    producer_id varchar(64) NOT NULL,
    transaction_id uuid NOT NULL,
    key varchar(300) NOT NULL,
    import_id uuid NOT NULL,
    line jsonb NOT NULL,
    booking_date date NOT NULL,
    amount_cents bigint NOT NULL,
    status varchar(10) NOT NULL,
    customer_id varchar(64),
    order_id uuid,
    score integer,
    reasons jsonb NOT NULL DEFAULT '[]'::jsonb,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (producer_id, transaction_id),
    CONSTRAINT bank_transactions_once UNIQUE (producer_id, key))""",
    "CREATE INDEX bank_transactions_by_status ON payments.bank_transactions "
    "(producer_id, status, booking_date)",
    """CREATE TABLE payments.bank_applications (
    producer_id varchar(64) NOT NULL,
    transaction_id uuid NOT NULL,
    entry integer NOT NULL,
    customer_id varchar(64) NOT NULL,
    order_id uuid,
    amount_cents bigint NOT NULL,
    at timestamptz NOT NULL,
    PRIMARY KEY (producer_id, transaction_id, entry))""",
    """CREATE FUNCTION payments.bank_applications_are_final() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'an application of bank money is undone by a counter-entry, never '
            'changed or removed' USING ERRCODE = 'integrity_constraint_violation';
    END $$""",
    "CREATE TRIGGER bank_applications_are_final BEFORE UPDATE OR DELETE ON "
    "payments.bank_applications FOR EACH ROW EXECUTE FUNCTION "
    "payments.bank_applications_are_final()",
)


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for table in ("bank_applications", "bank_transactions", "bank_statements"):
        op.execute(f"DROP TABLE payments.{table}")
    op.execute("DROP FUNCTION payments.bank_applications_are_final()")
