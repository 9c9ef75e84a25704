"""SumUp Checkouts API client: exact money at the edge, retries that never open a checkout twice.

What the payments service asks of SumUp (`PaymentGateway`), and the client that does it for one
merchant, made of its checkouts (`sumup_checkouts`) and refunds (`sumup_refunds`) over the HTTP
plumbing they share (`sumup_http`)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from payments.adapters.sumup_checkouts import Checkout, SumUpCheckouts
from payments.adapters.sumup_refunds import SumUpRefunds, Transaction


class PaymentGateway(Protocol):
    """What the payments service asks of SumUp: `SumUpClient`, or `FakePaymentGateway` in tests."""

    async def create_checkout(
        self,
        reference: str,
        amount_cents: int,
        currency: str,
        description: str,
        return_url: str | None,
        redirect_url: str | None = None,
        *,
        valid_until: datetime | None = None,
    ) -> Checkout: ...

    async def get_checkout(self, checkout_id: str) -> Checkout: ...

    async def find_by_reference(self, reference: str) -> Checkout | None: ...

    async def deactivate(self, checkout_id: str) -> Checkout: ...

    async def refund(self, transaction_id: str, amount_cents: int | None) -> None: ...

    async def get_transaction(self, transaction_id: str) -> Transaction: ...

    async def aclose(self) -> None: ...


class SumUpClient(SumUpCheckouts, SumUpRefunds):
    """Async client of SumUp's Checkouts API for one merchant; references are idempotency keys."""
