"""Answer bodies of the customers page and of an account on a date (`?at=`)."""

from datetime import datetime

from pydantic import BaseModel, Field

from accounts.entrypoints.schemas import MovementOut

NOT_HISTORICAL = ("null on a date: holds are not kept in time (they are promises during a "
                  "checkout, not movements of the ledger), so what was held then is not known")


class CustomerAtRowOut(BaseModel):
    """A customer as the customers page lists it at a date."""

    customer_id: str
    name: str
    email: str | None = None
    balance_cents: int
    """The balance then: the sum of the customer's movements up to that instant."""
    held_cents: None = Field(None, description=NOT_HISTORICAL)
    available_cents: None = Field(None, description=NOT_HISTORICAL)


class CustomersAtOut(BaseModel):
    at: datetime
    """The instant the balances are those of (UTC): the end of what `at` named."""
    time_zone: str
    """The producer's time zone, in which an `at` without a zone was read."""
    customers: list[CustomerAtRowOut]
    total: int | None
    """How many customers match, in all pages (None when not counted: `count=false`)."""
    payment_tracking: bool
    """Whether the producer tracks payments today."""


class AccountAtOut(BaseModel):
    """An account as it was at a date: its balance then and its movements up to then."""

    customer_id: str
    name: str
    email: str | None = None
    address: str | None
    professional: bool
    siren: str | None
    vat_number: str | None
    payment_reference: str
    balance_cents: int
    """The balance then: the balance after the last movement listed (0 before any)."""
    held_cents: None = Field(None, description=NOT_HISTORICAL)
    available_cents: None = Field(None, description=NOT_HISTORICAL)
    at: datetime
    """The instant the account is shown at (UTC): the end of what `at` named."""
    time_zone: str
    """The producer's time zone, in which an `at` without a zone was read."""
    movements: list[MovementOut]
    """The movements up to `at`, newest first (`limit`, `before` page through them)."""
