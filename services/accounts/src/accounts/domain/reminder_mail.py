"""What a reminder tells (the letter: balance, last movements, how to pay), the message written
from it, and what the mail server made of it. No I/O."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal


def message_id(reminder_id: uuid.UUID) -> str:
    """The same for every attempt at one reminder: a copy sent again after a crash is read as
    the same message by the mail systems."""
    return f"<reminder.{reminder_id}@ardoise>"


@dataclass(frozen=True)
class Line:
    """A movement as the e-mail lists it."""

    at: datetime
    label: str
    amount_cents: int
    balance_after_cents: int


@dataclass(frozen=True)
class Letter:
    """What one reminder tells: to whom, the balance, the last movements, how to pay."""

    to: str
    name: str
    balance_cents: int
    lines: tuple[Line, ...]
    account_url: str
    payment_reference: str
    farm_name: str | None = None
    reply_to: str | None = None


@dataclass(frozen=True)
class Message:
    """A reminder as written, ready for the mail server."""

    to: str
    subject: str
    text: str
    html: str
    sender_name: str | None = None
    reply_to: str | None = None


@dataclass(frozen=True)
class Delivery:
    """What the mail server made of a message: `sent`, `refused` (for good) or `failed` (it
    could not be reached, or asked to try later), with its answer."""

    status: Literal["sent", "refused", "failed"]
    answer: str | None = None
