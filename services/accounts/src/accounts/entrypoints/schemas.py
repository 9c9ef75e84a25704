"""Request and response bodies of the accounts gateway (API.md, accounts section)."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints

from accounts.entrypoints.reminder_schemas import ReminderOut
from ardoise.companies import ADDRESS_PATTERN, MAX_ADDRESS_LENGTH
from ardoise.money import PositiveCents
from ardoise.text import Email, Label, Name, one_line

Address = Annotated[str, StringConstraints(pattern=ADDRESS_PATTERN, max_length=MAX_ADDRESS_LENGTH)]
Number = Annotated[str, one_line(30)]
LEFT_OUT = " Left out or null: none (a PUT sets every detail; send the current ones to keep them)."


class CustomerIn(BaseModel):
    """The customer's details, all of them: a PUT replaces what was recorded."""

    model_config = ConfigDict(extra="forbid")
    name: Name
    email: Email | None = Field(None, description="The customer's sign-in address." + LEFT_OUT)
    address: Address | None = Field(None, description=(
        "The postal address printed on invoices: 1 to 5 lines separated by line feeds (\\n), "
        "300 characters at most, no other control character; lines are stripped and blank "
        "ones dropped, blank is none." + LEFT_OUT))
    professional: StrictBool = Field(False, description=(
        "A business (invoices name its SIREN, and its VAT number if any): it needs `siren`. "
        "Left out: false (a consumer)."))
    siren: Number | None = Field(None, description=(
        "9 digits, spaces allowed (kept without), with a valid check digit; a professional "
        "customer's only, and required for one. Blank is none." + LEFT_OUT))
    vat_number: Number | None = Field(None, description=(
        "The intra-community VAT number, with its country code (FR44732829320; spaces, dots "
        "and dashes allowed, kept compact and upper case); a French one must be the SIREN's. "
        "A professional customer's only. Blank is none." + LEFT_OUT))


class CustomerRowOut(BaseModel):
    """A customer as the customers page lists it."""

    customer_id: str
    name: str
    email: str | None = None
    """The address the producer recorded for the customer (its sign-in address), if any."""
    balance_cents: int
    held_cents: int
    available_cents: int


class CustomerOut(CustomerRowOut):
    """A customer, with how invoices name it."""

    address: str | None
    """Its postal address (lines separated by \\n), null when none was recorded."""
    professional: bool
    """A business (false: a consumer)."""
    siren: str | None
    """9 digits; set for a professional customer only."""
    vat_number: str | None
    """Compact, with its country code; a professional customer's, null when none."""


class CustomersOut(BaseModel):
    customers: list[CustomerRowOut]
    total: int | None
    """How many customers match, in all pages (None when not counted: `count=false`)."""
    payment_tracking: bool
    """Whether the producer tracks payments (off: no movement is recorded, and its customers
    do not see their balance); what was recorded before stays and shows here."""


class MovementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    direction: Literal["credit", "debit"]
    amount_cents: PositiveCents
    label: Label | None = None
    mode: Literal["cash", "cheque", "card", "transfer"] | None = None


class MovementOut(BaseModel):
    movement_id: uuid.UUID
    at: datetime
    kind: str
    amount_cents: int
    balance_after_cents: int
    label: str
    order_id: uuid.UUID | None
    mode: str | None
    recorded_by: str | None = None
    """Who made it: the operator who recorded it by hand, or who made the settlement, the
    refund or the bank transfer's match it comes from (a name, else an e-mail address or an
    id); null for a movement the system made (an online payment or top-up, an order settled
    by its checkout) or one recorded before issue #23."""


class AccountOut(CustomerOut):
    payment_reference: str
    """What the customer writes in a transfer's label (`ARD-7K2Q9P`): the producer's bank
    import finds the customer by it."""
    credit_limit_cents: int | None = None
    """The credit limit in force (`…/credit-limit`): the available balance may go down to minus
    this many cents (null: no limit)."""
    available_until_limit_cents: int | None = None
    """available + limit: what may still be ordered before reaching the limit (null: none)."""
    movements: list[MovementOut]
    reminders: list[ReminderOut] = []
    """The reminders of debts sent or tried, newest first (the last 20; cancelled ones,
    never sent, aside)."""
