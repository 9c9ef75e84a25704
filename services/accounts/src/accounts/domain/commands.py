"""Commands the accounts service carries out, in the imperative."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class RegisterCustomer:
    """Every detail of the customer, as the producer sets them all at once (none left as was)."""

    producer_id: str
    customer_id: str
    name: str
    email: str | None
    address: str | None = None
    professional: bool = False
    siren: str | None = None
    vat_number: str | None = None


@dataclass(frozen=True)
class RecordMovement:
    producer_id: str
    customer_id: str
    direction: str
    amount_cents: int
    label: str | None
    mode: str | None
    recorded_by: str | None = None
    """Who records it (the caller's actor)."""


@dataclass(frozen=True, kw_only=True)
class ApplySettlement:
    event_id: uuid.UUID
    producer_id: str
    customer_id: str
    order_id: uuid.UUID
    version: int
    total_cents: int
    mode: str
    received: Mapping[str, int]
    """The money received for the order, per mode."""
    actor: str | None = None
    """Who made the settlement, when its event says (None: the system)."""


@dataclass(frozen=True, kw_only=True)
class HoldBalance:
    event_id: uuid.UUID
    producer_id: str
    customer_id: str
    order_id: uuid.UUID
    attempt: int
    total_cents: int
    expires_at: datetime


@dataclass(frozen=True, kw_only=True)
class ReleaseHold:
    """attempt None: every pending hold of the order."""

    event_id: uuid.UUID
    producer_id: str
    customer_id: str
    order_id: uuid.UUID
    attempt: int | None
    reason: str


@dataclass(frozen=True, kw_only=True)
class SetPaymentTracking:
    """The producer turned payment tracking on or off (its payment settings changed)."""

    event_id: uuid.UUID
    producer_id: str
    payment_tracking: bool
    time_zone: str | None = None
    """The producer's IANA time zone, as the settings name it (None: keep the one known)."""


@dataclass(frozen=True, kw_only=True)
class RecordBankTransfer:
    """A transfer the producer's bank statement showed, credited to the account by transfer (or
    that credit undone: a negative amount, recorded as a debit by transfer)."""

    event_id: uuid.UUID
    producer_id: str
    customer_id: str
    amount_cents: int
    label: str
    actor: str | None = None
    """Who imported the statement or acted on the transfer, when its event says."""


@dataclass(frozen=True, kw_only=True)
class RecordOnlineTopUp:
    """SumUp confirmed a customer's online top-up (its debt paid, or credit added): credited to
    the account by `online`, once."""

    event_id: uuid.UUID
    producer_id: str
    customer_id: str
    top_up_id: uuid.UUID
    amount_cents: int

