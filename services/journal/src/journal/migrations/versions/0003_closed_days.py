"""No entry into a closed day, whoever inserts it: the worker already records a late event into
the first open day; the database refuses any other way in."""

from alembic import op

revision = "journal_0003"
down_revision = "journal_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE FUNCTION journal.entries_into_open_days() RETURNS trigger LANGUAGE plpgsql AS $$
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


def downgrade() -> None:
    op.execute("DROP TRIGGER entries_into_open_days ON journal.entries")
    op.execute("DROP FUNCTION journal.entries_into_open_days()")
