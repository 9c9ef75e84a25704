"""Reading and writing reminders of debts: the producers' rules, each customer's standing (its
balance, since when below the threshold, its last reminder) read in one statement, locked when
a reminder is claimed, and the reminders themselves."""

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Self

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from accounts.adapters.orm import (
    accounts,
    idempotency_keys,
    inbox,
    outbox,
    producers,
    reminder_rules,
    reminders,
)
from accounts.adapters.reminder_queries import IN_DEBT, LETTER, ONE, RECORD, standing_of
from accounts.domain.reminder_mail import Line, message_id
from accounts.domain.reminders import CANCELLED, ReminderRecord, ReminderRule, Standing
from ardoise.changes import Change
from ardoise.db import last_change
from ardoise.uow import UnitOfWork

_LOCK_CLASS = 1_919_250_541
"""The first key of the timer's advisory locks (the second: the producer's)."""


class RemindersRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def rule(self, producer_id: str) -> ReminderRule:
        """Off, below -10 € for 7 days, every 7 days, until the producer sets its own."""
        row = (await self.session.execute(select(
            reminder_rules.c.enabled, reminder_rules.c.below_cents, reminder_rules.c.for_days,
            reminder_rules.c.every_days, reminder_rules.c.farm_name, reminder_rules.c.reply_to,
        ).where(reminder_rules.c.producer_id == producer_id))).first()
        return ReminderRule() if row is None else ReminderRule(*row)

    async def rule_change(self, producer_id: str) -> Change:
        """Who set the producer's rule, and when (`updated_at`)."""
        return await last_change(self.session, reminder_rules, producer_id, "updated_at")

    async def set_rule(self, producer_id: str, rule: ReminderRule,
                       change: Change | None = None) -> None:
        change = change or Change()
        values = {"enabled": rule.enabled, "below_cents": rule.below_cents,
                  "for_days": rule.for_days, "every_days": rule.every_days,
                  "farm_name": rule.farm_name, "reply_to": rule.reply_to,
                  "changed_by": change.by, "updated_at": change.at or func.now()}
        statement = insert(reminder_rules).values(producer_id=producer_id, **values)
        await self.session.execute(statement.on_conflict_do_update(
            index_elements=[reminder_rules.c.producer_id], set_=values))

    async def enabled_rules(self) -> list[tuple[str, ReminderRule]]:
        """The producers whose rule is on and who track payments."""
        rows = await self.session.execute(
            select(reminder_rules).join(producers,
                                        producers.c.producer_id == reminder_rules.c.producer_id)
            .where(reminder_rules.c.enabled, producers.c.payment_tracking)
            .order_by(reminder_rules.c.producer_id))
        return [(r.producer_id, ReminderRule(r.enabled, r.below_cents, r.for_days, r.every_days,
                                             r.farm_name, r.reply_to)) for r in rows]

    async def tracking_is_on(self, producer_id: str) -> bool:
        return (await self.session.execute(select(producers.c.payment_tracking).where(
            producers.c.producer_id == producer_id))).scalar() is True

    async def standing_for_update(self, producer_id: str, customer_id: str,
                                  below_cents: int) -> Standing | None:
        """The customer's standing, its account row locked until the transaction ends: the
        balance read is the committed one, and no movement lands until the claim is made."""
        row = (await self.session.execute(text(ONE), {
            "producer": producer_id, "customer": customer_id, "below": below_cents})).first()
        return None if row is None else standing_of(row)

    async def standings_in_debt(self, producer_id: str, below_cents: int,
                                after: tuple[int, str] | None, limit: int) -> list[Standing]:
        """Customers with an address whose balance is below the threshold, most negative first,
        from after `after` (balance, customer) on."""
        after_balance, after_customer = after or (-(2**62), "")
        rows = await self.session.execute(text(IN_DEBT), {
            "producer": producer_id, "below": below_cents, "after_balance": after_balance,
            "after_customer": after_customer, "limit": limit})
        return [standing_of(row) for row in rows]

    async def letter_facts(self, producer_id: str, customer_id: str,
                           lines: int) -> tuple[str, str | None, int, list[Line]] | None:
        """Name, address, balance and the last movements newest first, in one statement (one
        snapshot: the movements end at the balance)."""
        rows = list(await self.session.execute(text(LETTER), {
            "producer": producer_id, "customer": customer_id, "lines": lines}))
        if not rows:
            return None
        first = rows[0]
        found = [Line(r.at, r.label, r.amount_cents, r.balance_after_cents) for r in rows
                 if r.at is not None]
        return first.name, first.email, first.balance_cents, found

    async def balance_of(self, producer_id: str, customer_id: str) -> int | None:
        return (await self.session.execute(select(accounts.c.balance_cents).where(
            accounts.c.producer_id == producer_id,
            accounts.c.customer_id == customer_id))).scalar()

    async def save(self, producer_id: str, customer_id: str, record: ReminderRecord) -> None:
        values = {c: getattr(record, c) for c in RECORD if c != "reminder_id"}
        statement = insert(reminders).values(
            reminder_id=record.reminder_id, producer_id=producer_id, customer_id=customer_id,
            message_id=message_id(record.reminder_id), **values)
        await self.session.execute(statement.on_conflict_do_update(
            index_elements=[reminders.c.reminder_id], set_=values))

    async def history(self, producer_id: str, customer_id: str, limit: int = 20) -> list[dict]:
        """The customer's reminders newest first (those cancelled before going out aside)."""
        rows = await self.session.execute(
            select(reminders).where(reminders.c.producer_id == producer_id,
                                    reminders.c.customer_id == customer_id,
                                    reminders.c.status != CANCELLED)
            .order_by(reminders.c.created_at.desc()).limit(limit))
        return [ReminderRecord(*(getattr(r, c) for c in RECORD)).view() for r in rows]

    async def all_of(self, producer_id: str, customer_id: str) -> list[ReminderRecord]:
        """Every reminder of the customer, oldest first, cancelled ones included."""
        rows = await self.session.execute(
            select(reminders).where(reminders.c.producer_id == producer_id,
                                    reminders.c.customer_id == customer_id)
            .order_by(reminders.c.created_at))
        return [ReminderRecord(*(getattr(r, c) for c in RECORD)) for r in rows]

    async def keyed(self, producer_id: str,
                    key: str) -> tuple[str, ReminderRecord | None] | None:
        """The fingerprint of an earlier request with this Idempotency-Key and the reminder it
        claimed (None: the key is new; a record None: the key was used to move money)."""
        remembered = (await self.session.execute(
            select(idempotency_keys.c.fingerprint, idempotency_keys.c.response)
            .where(idempotency_keys.c.producer_id == producer_id,
                   idempotency_keys.c.key == key))).first()
        if remembered is None:
            return None
        if "reminder_id" not in remembered.response:
            return remembered.fingerprint, None
        row = (await self.session.execute(select(reminders).where(
            reminders.c.reminder_id == remembered.response["reminder_id"]))).one()
        return remembered.fingerprint, ReminderRecord(*(getattr(row, c) for c in RECORD))

    async def remember_key(self, producer_id: str, key: str, fingerprint: str,
                           record: ReminderRecord) -> bool:
        """The key of the request that claimed this reminder: the same request again replays
        it (the reminder as it stands then) instead of sending another. A key that named a
        reminder cancelled before it went out now names this one; False when the key is
        another request's (taken meanwhile for another customer, or to move money)."""
        statement = insert(idempotency_keys).values(
            producer_id=producer_id, key=key, fingerprint=fingerprint,
            response={"reminder_id": str(record.reminder_id)})
        return (await self.session.execute(statement.on_conflict_do_update(
            index_elements=[idempotency_keys.c.producer_id, idempotency_keys.c.key],
            set_={"response": statement.excluded.response},
            where=idempotency_keys.c.fingerprint == statement.excluded.fingerprint,
        ).returning(idempotency_keys.c.key))).first() is not None

    async def close_earlier(self, record: ReminderRecord) -> None:
        """An earlier reminder left behind: one whose sender stopped is recorded failed, one
        waiting to be tried again is given up."""
        values = {"claimed_until": None, "next_attempt_at": None}
        if record.status == "sending":
            values |= {"status": "failed",
                       "error": "interrupted: its sender stopped before recording how it went"}
        await self.session.execute(update(reminders).where(
            reminders.c.reminder_id == record.reminder_id).values(**values))


class SqlRemindersUnitOfWork(UnitOfWork):
    """`uow.reminders` inside one transaction (reminders move no money: nothing to publish)."""

    reminders: RemindersRepository

    def __init__(self, sessions: async_sessionmaker) -> None:
        super().__init__(sessions, outbox, inbox)

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.reminders = RemindersRepository(self.session)
        return self


def _lock_key(producer_id: str) -> int:
    return int.from_bytes(hashlib.sha256(producer_id.encode()).digest()[:4], signed=True)


def producer_locks(sessions: async_sessionmaker):
    """`async with lock(producer) as mine:` holds a PostgreSQL advisory lock on the producer's
    reminders while the timer goes through them, so two workers never send one producer's
    reminders at once; `mine` is False when another holds it. A session lock on a connection
    kept out of any transaction: a worker that dies lets go of it with its connection."""

    @asynccontextmanager
    async def lock(producer_id: str) -> AsyncIterator[bool]:
        keys = {"c": _LOCK_CLASS, "o": _lock_key(producer_id)}
        async with sessions() as session:
            connection = await session.connection(
                execution_options={"isolation_level": "AUTOCOMMIT"})
            mine = (await connection.execute(
                text("SELECT pg_try_advisory_lock(:c, :o)"), keys)).scalar()
            try:
                yield bool(mine)
            finally:
                if mine:
                    try:
                        await connection.execute(text("SELECT pg_advisory_unlock(:c, :o)"), keys)
                    except BaseException:
                        # never back in the pool with the lock held: closed, it is let go
                        await connection.invalidate()
                        raise

    return lock
