"""`ardoise reconcile`'s bank check: what the imported statements brought, and the transactions
still waiting for the producer (credits no sure match applied). Waiting is no drift: they are
stated, one line each, for the producer to confirm, reassign or ignore."""

from sqlalchemy import func, select

from payments.adapters.orm import bank_transactions

SHOWN = 50


async def check(producer_id: str | None) -> tuple[str, list[str], list[str]]:
    from ardoise.db import make_engine, make_sessionmaker
    from payments.config import Settings

    settings = Settings()
    engine = make_engine(settings.database_url, "payments", pool_size=1)
    try:
        async with make_sessionmaker(engine)() as session:
            where = [] if producer_id is None else [bank_transactions.c.producer_id == producer_id]
            counts = dict((await session.execute(
                select(bank_transactions.c.status, func.count()).where(*where)
                .group_by(bank_transactions.c.status))).tuples().all())
            waiting = (await session.execute(
                select(bank_transactions).where(*where, bank_transactions.c.status == "queued")
                .order_by(bank_transactions.c.producer_id, bank_transactions.c.booking_date)
                .limit(SHOWN))).mappings().all()
    finally:
        await engine.dispose()
    total = sum(counts.values())
    summary = (f"{total} bank transactions imported: {counts.get('applied', 0)} applied, "
               f"{counts.get('queued', 0)} unmatched or unsure (waiting for the producer), "
               f"{counts.get('ignored', 0)} ignored, {counts.get('listed', 0)} debits listed")
    notes = [f"UNMATCHED {row['producer_id']} {row['booking_date']} "
             f"{row['amount_cents'] / 100:.2f} EUR {row['line'].get('counterparty') or ''} "
             f"{row['line']['label']} "
             + (f"(proposed {row['customer_id']}, score {row['score']})" if row["customer_id"]
                else "(no customer found)")
             for row in waiting]
    return summary, [], notes
