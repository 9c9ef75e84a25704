"""The check that no entry goes into a closed day looks once per INSERT statement, over all the
rows it added, instead of once per row: a batch of entries is one look at the heads."""

from alembic import op

revision = "journal_0004"
down_revision = "journal_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DROP TRIGGER entries_into_open_days ON journal.entries")
    op.execute("""
        CREATE OR REPLACE FUNCTION journal.entries_into_open_days() RETURNS trigger
        LANGUAGE plpgsql AS $$
        DECLARE
            closed record;
        BEGIN
            SELECT n.producer_id, n.day INTO closed FROM added n
                JOIN journal.chains c ON c.producer_id = n.producer_id AND c.chain = 'entries'
                WHERE c.closed_through >= n.day LIMIT 1;
            IF FOUND THEN
                RAISE EXCEPTION 'the day % of % is closed: an entry goes to the first open day',
                    closed.day, closed.producer_id
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NULL;
        END $$""")
    op.execute("CREATE TRIGGER entries_into_open_days AFTER INSERT ON journal.entries "
               "REFERENCING NEW TABLE AS added "
               "FOR EACH STATEMENT EXECUTE FUNCTION journal.entries_into_open_days()")


def downgrade() -> None:
    op.execute("DROP TRIGGER entries_into_open_days ON journal.entries")
    op.execute("""
        CREATE OR REPLACE FUNCTION journal.entries_into_open_days() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM journal.chains
                       WHERE producer_id = NEW.producer_id AND chain = 'entries'
                         AND closed_through >= NEW.day) THEN
                RAISE EXCEPTION 'the day % of % is closed: an entry goes to the first open day',
                    NEW.day, NEW.producer_id USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END $$""")
    op.execute("CREATE TRIGGER entries_into_open_days BEFORE INSERT ON journal.entries "
               "FOR EACH ROW EXECUTE FUNCTION journal.entries_into_open_days()")
