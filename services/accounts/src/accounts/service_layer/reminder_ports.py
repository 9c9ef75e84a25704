"""What the reminders' handlers ask of their unit of work, repository and mail server: the ports
the database and SMTP adapters (and the tests' stand-ins) stand behind."""

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol

from accounts.domain.reminder_mail import Delivery, Letter, Line, Message
from accounts.domain.reminders import ReminderRecord, ReminderRule, Standing
from ardoise.changes import Change
from ardoise.uow import UnitOfWorkPort


class RemindersRepository(Protocol):
    async def rule(self, producer_id: str) -> ReminderRule: ...

    async def rule_change(self, producer_id: str) -> Change: ...

    async def set_rule(self, producer_id: str, rule: ReminderRule,
                       change: Change | None = None) -> None: ...

    async def enabled_rules(self) -> list[tuple[str, ReminderRule]]: ...

    async def tracking_is_on(self, producer_id: str) -> bool: ...

    async def standing_for_update(self, producer_id: str, customer_id: str,
                                  below_cents: int) -> Standing | None: ...

    async def standings_in_debt(self, producer_id: str, below_cents: int,
                                after: tuple[int, str] | None, limit: int
                                ) -> list[Standing]: ...

    async def letter_facts(self, producer_id: str, customer_id: str,
                           lines: int) -> tuple[str, str | None, int, list[Line]] | None: ...

    async def save(self, producer_id: str, customer_id: str, record: ReminderRecord) -> None: ...

    async def balance_of(self, producer_id: str, customer_id: str) -> int | None: ...

    async def close_earlier(self, record: ReminderRecord) -> None: ...

    async def keyed(self, producer_id: str,
                    key: str) -> tuple[str, ReminderRecord | None] | None: ...

    async def remember_key(self, producer_id: str, key: str, fingerprint: str,
                           record: ReminderRecord) -> bool: ...


class RemindersUnitOfWork(UnitOfWorkPort, Protocol):
    reminders: RemindersRepository


class Mailer(Protocol):
    async def send(self, message: Message, message_id: str) -> Delivery: ...


NewRemindersUnitOfWork = Callable[[], RemindersUnitOfWork]
"""Opens a fresh unit of work: one per step of a reminder."""
ProducerLock = Callable[[str], AbstractAsyncContextManager[bool]]
"""`async with lock(producer) as mine:`: whether this worker may go through the producer."""


@dataclass(frozen=True)
class Post:
    """How reminders go out: the mail server, how a letter is written, where the customer's
    account page is (the web's `/mon-compte`, where it pays online)."""

    mailer: Mailer
    write: Callable[[Letter], Message]
    account_url: str


@dataclass(frozen=True)
class RequestKey:
    """A request's Idempotency-Key and the fingerprint of what it asked."""

    key: str
    fingerprint: str


@dataclass(frozen=True)
class Replay:
    """The reminder an earlier request with the same key claimed: nothing more is sent."""

    record: ReminderRecord
