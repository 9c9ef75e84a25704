"""A checkout as the stand-in keeps it, and the status changes SumUp allows it."""

from __future__ import annotations

import secrets
import string
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

_CODE_ALPHABET = string.ascii_uppercase + string.digits


class Status(StrEnum):
    """A checkout's status, as SumUp names it."""

    PENDING = "PENDING"
    PAID = "PAID"
    FAILED = "FAILED"
    EXPIRED = "EXPIRED"


class CheckoutAlreadyProcessed(Exception):
    """The checkout is no longer PENDING: it cannot be paid, failed or deactivated again."""

    def __init__(self, checkout_id: str) -> None:
        super().__init__(f"The checkout session {checkout_id} is already processed")
        self.checkout_id = checkout_id


def utc_now() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


def isoformat(moment: datetime) -> str:
    """A timestamp as SumUp writes it: ISO 8601, milliseconds, UTC offset."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


class NotRefundable(Exception):
    """The transaction was not paid, or the amount is more than what is left to refund."""


@dataclass(frozen=True)
class Refund:
    """Money given back on a transaction: a REFUND event of it."""

    amount: Decimal
    timestamp: datetime
    id: int = field(default_factory=lambda: secrets.randbelow(10**12))

    def to_json(self, transaction_id: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": "REFUND",
            "status": "REFUNDED",
            "amount": self.amount,
            "timestamp": isoformat(self.timestamp),
            "transaction_id": transaction_id,
        }


@dataclass
class Transaction:
    """One payment attempt on a checkout, and the refunds made on it once paid."""

    amount: Decimal
    currency: str
    status: str
    timestamp: datetime
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    transaction_code: str = field(default_factory=lambda: "T" + _random_code(9))
    payment_type: str = "ECOM"
    entry_mode: str = "CUSTOMER_ENTRY"
    refunds: list[Refund] = field(default_factory=list)

    @property
    def refunded(self) -> Decimal:
        return sum((refund.amount for refund in self.refunds), Decimal(0))

    @property
    def current_status(self) -> str:
        """SUCCESSFUL while anything paid is left, REFUNDED once all of it went back."""
        if self.status == "SUCCESSFUL" and self.refunds and self.refunded >= self.amount:
            return "REFUNDED"
        return self.status

    def refund(self, amount: Decimal | None, now: datetime) -> Refund:
        """Give back `amount` (all that is left when None) of a successful payment."""
        left = self.amount - self.refunded
        amount = left if amount is None else amount
        if self.status != "SUCCESSFUL" or left <= 0:
            raise NotRefundable(f"transaction {self.id} has nothing left to refund")
        if amount > left:
            raise NotRefundable(f"transaction {self.id} has {left} {self.currency} left to refund")
        refund = Refund(amount, now)
        self.refunds.append(refund)
        return refund

    def to_json(self) -> dict[str, Any]:
        """The transaction as it appears in a checkout's `transactions`."""
        return {
            "id": self.id,
            "transaction_code": self.transaction_code,
            "amount": self.amount,
            "currency": self.currency,
            "status": self.current_status,
            "timestamp": isoformat(self.timestamp),
            "payment_type": self.payment_type,
            "entry_mode": self.entry_mode,
            "installments_count": 1,
        }

    def to_full_json(self, merchant_code: str) -> dict[str, Any]:
        """The transaction as SumUp's Transactions API shows it, with its refund events."""
        status = self.current_status
        return {
            **self.to_json(),
            "merchant_code": merchant_code,
            "simple_status": status,
            "refunded_amount": self.refunded,
            "events": [refund.to_json(self.id) for refund in self.refunds],
        }


@dataclass
class Checkout:
    """A payment session: what is asked, from which merchant, and what became of it."""

    checkout_reference: str
    amount: Decimal
    currency: str
    merchant_code: str
    date: datetime
    description: str | None = None
    return_url: str | None = None
    redirect_url: str | None = None
    hosted: bool = False
    valid_until: datetime | None = None
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    status: Status = Status.PENDING
    transactions: list[Transaction] = field(default_factory=list)

    def status_at(self, now: datetime) -> Status:
        """The status as read at `now`: a PENDING checkout past its `valid_until` reads EXPIRED."""
        if (
            self.status is Status.PENDING
            and self.valid_until is not None
            and now >= self.valid_until
        ):
            return Status.EXPIRED
        return self.status

    def check_is_pending(self, now: datetime) -> None:
        """Refuse any change once the checkout is paid, failed, expired or deactivated."""
        if self.status_at(now) is not Status.PENDING:
            raise CheckoutAlreadyProcessed(self.id)

    def pay(self, now: datetime, amount: Decimal | None = None) -> Transaction:
        """Record a successful payment, of the amount asked unless another is given."""
        self.check_is_pending(now)
        transaction = Transaction(
            amount=self.amount if amount is None else amount,
            currency=self.currency,
            status="SUCCESSFUL",
            timestamp=now,
        )
        self.transactions.append(transaction)
        self.status = Status.PAID
        return transaction

    def fail(self, now: datetime) -> None:
        """Record a declined payment attempt."""
        self.check_is_pending(now)
        self.transactions.append(
            Transaction(amount=self.amount, currency=self.currency, status="FAILED", timestamp=now)
        )
        self.status = Status.FAILED

    def expire(self, now: datetime) -> None:
        """End the checkout unpaid; deactivating it through the API does the same."""
        self.check_is_pending(now)
        self.status = Status.EXPIRED

    @property
    def successful_transaction(self) -> Transaction | None:
        """The transaction that paid the checkout, once there is one."""
        return next((t for t in self.transactions if t.status == "SUCCESSFUL"), None)

    def to_json(self, now: datetime, hosted_checkout_url: str | None) -> dict[str, Any]:
        """The checkout with SumUp's field names, as read at `now`."""
        body: dict[str, Any] = {
            "id": self.id,
            "checkout_reference": self.checkout_reference,
            "amount": self.amount,
            "currency": self.currency,
            "merchant_code": self.merchant_code,
            "description": self.description,
            "return_url": self.return_url,
            "redirect_url": self.redirect_url,
            "purpose": "CHECKOUT",
            "status": str(self.status_at(now)),
            "date": isoformat(self.date),
            "valid_until": None if self.valid_until is None else isoformat(self.valid_until),
            "transactions": [transaction.to_json() for transaction in self.transactions],
        }
        if self.hosted:
            body["hosted_checkout"] = {"enabled": True}
            body["hosted_checkout_url"] = hosted_checkout_url
        paid_by = self.successful_transaction
        if paid_by is not None:
            body["transaction_id"] = paid_by.id
            body["transaction_code"] = paid_by.transaction_code
        return {key: value for key, value in body.items() if value is not None}


def _random_code(length: int) -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(length))
