"""Request and response bodies of the accounts gateway (API.md, accounts section)."""

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ardoise.money import PositiveCents
from ardoise.text import Email, Label, Name


class CustomerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    email: Email | None = None


class CustomerOut(BaseModel):
    customer_id: str
    name: str
    email: str | None = None
    """The address the producer recorded for the customer (its sign-in address), if any."""
    balance_cents: int
    held_cents: int
    available_cents: int


class CustomersOut(BaseModel):
    customers: list[CustomerOut]
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


class AccountOut(CustomerOut):
    movements: list[MovementOut]
