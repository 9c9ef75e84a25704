"""The journal's three chains and their heads, settings, and what it keeps of orders.

Records are never changed nor removed: triggers refuse UPDATE, DELETE and TRUNCATE on the
chained tables, for every role (a superuser who disables them still breaks the chain, which
`verify` names)."""

from alembic import op

revision = "journal_0002"
down_revision = "journal_0001"
branch_labels = None
depends_on = None

CHAINED = ("entries", "closings", "technical_events")
UPGRADE = (
    """CREATE TABLE journal.chains (
    producer_id varchar(64) NOT NULL,
    chain varchar(20) NOT NULL,
    last_seq bigint NOT NULL,
    last_hash varchar(64) NOT NULL,
    closed_through date,
    PRIMARY KEY (producer_id, chain))""",
    """CREATE TABLE journal.entries (
    producer_id varchar(64) NOT NULL,
    seq bigint NOT NULL,
    kind varchar(20) NOT NULL,
    occurred_at timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL,
    day date NOT NULL,
    source varchar(200) NOT NULL,
    content jsonb NOT NULL,
    previous_hash varchar(64) NOT NULL,
    hash varchar(64) NOT NULL,
    PRIMARY KEY (producer_id, seq),
    CONSTRAINT entries_source_once UNIQUE (producer_id, source))""",
    "CREATE INDEX entries_by_day ON journal.entries (producer_id, day, seq)",
    """CREATE TABLE journal.closings (
    producer_id varchar(64) NOT NULL,
    seq bigint NOT NULL,
    period varchar(10) NOT NULL,
    start date NOT NULL,
    "end" date NOT NULL,
    closed_at timestamptz NOT NULL,
    content jsonb NOT NULL,
    previous_hash varchar(64) NOT NULL,
    hash varchar(64) NOT NULL,
    PRIMARY KEY (producer_id, seq),
    CONSTRAINT closings_once UNIQUE (producer_id, period, start))""",
    """CREATE TABLE journal.technical_events (
    producer_id varchar(64) NOT NULL,
    seq bigint NOT NULL,
    at timestamptz NOT NULL,
    kind varchar(40) NOT NULL,
    content jsonb NOT NULL,
    previous_hash varchar(64) NOT NULL,
    hash varchar(64) NOT NULL,
    PRIMARY KEY (producer_id, seq))""",
    """CREATE TABLE journal.settings (
    producer_id varchar(64) NOT NULL,
    time_zone varchar(64) NOT NULL DEFAULT 'Europe/Paris',
    fiscal_year_start varchar(5) NOT NULL DEFAULT '01-01',
    fec_variant varchar(20) NOT NULL DEFAULT 'standard',
    chart jsonb NOT NULL DEFAULT '{}',
    siren varchar(9),
    legal_name varchar(200),
    vat_regime varchar(40) NOT NULL DEFAULT 'vat',
    PRIMARY KEY (producer_id))""",
    """CREATE TABLE journal.customers (
    producer_id varchar(64) NOT NULL,
    customer_id varchar(64) NOT NULL,
    name varchar(200) NOT NULL,
    PRIMARY KEY (producer_id, customer_id))""",
    """CREATE TABLE journal.orders (
    producer_id varchar(64) NOT NULL,
    order_id uuid NOT NULL,
    customer_id varchar(64) NOT NULL,
    online_payment boolean NOT NULL DEFAULT false,
    settlement_version integer NOT NULL DEFAULT 0,
    received jsonb NOT NULL DEFAULT '{}',
    credit_note_number integer,
    credit_note_cents bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (producer_id, order_id))""",
    """CREATE FUNCTION journal.records_are_final() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'the journal''s records are never changed or removed (%)', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END $$""",
)


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)
    for table in CHAINED:
        op.execute(f"CREATE TRIGGER {table}_are_final BEFORE UPDATE OR DELETE ON journal.{table} "
                   "FOR EACH ROW EXECUTE FUNCTION journal.records_are_final()")
        op.execute(f"CREATE TRIGGER {table}_not_truncated BEFORE TRUNCATE ON journal.{table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION journal.records_are_final()")


def downgrade() -> None:
    for table in ("orders", "customers", "settings", *CHAINED, "chains"):
        op.execute(f"DROP TABLE journal.{table}")
    op.execute("DROP FUNCTION journal.records_are_final()")
