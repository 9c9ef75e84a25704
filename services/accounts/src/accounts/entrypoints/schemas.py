"""Request and response bodies of the accounts gateway (API.md, accounts section)."""

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ardoise.money import PositiveCents


class CustomerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class CustomerOut(BaseModel):
    customer_id: str
    name: str
    balance_cents: int
    held_cents: int
    available_cents: int


class CustomersOut(BaseModel):
    customers: list[CustomerOut]


class MovementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    direction: Literal["credit", "debit"]
    amount_cents: PositiveCents
    label: str | None = Field(None, max_length=200)
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
