"""Refunds of SumUp transactions: a refund sent once (SumUp takes no idempotency key for them),
and a transaction read back with what was refunded of it, to learn whether a refund was made."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from payments.adapters.sumup_errors import SumUpError
from payments.adapters.sumup_http import SumUpHttp, _unavailable
from payments.adapters.sumup_money import (
    _dumps,
    _loads,
    cents_to_sumup_amount,
    sumup_amount_to_cents,
)


@dataclass(frozen=True)
class Transaction:
    """A SumUp transaction as the refunds need it: what was paid, and refunded so far."""

    id: str
    amount_cents: int
    currency: str
    status: str
    refunded_cents: int

    @classmethod
    def from_sumup(cls, body: Mapping[str, Any]) -> Transaction:
        """Read SumUp's transaction JSON; the refunds are its REFUND events, summed exactly."""
        refunds = [event for event in body.get("events") or []
                   if event.get("type") == "REFUND" and event.get("status") != "FAILED"]
        return cls(
            id=body["id"],
            amount_cents=sumup_amount_to_cents(body["amount"]),
            currency=body["currency"],
            status=body["status"],
            refunded_cents=sum(sumup_amount_to_cents(event["amount"]) for event in refunds),
        )


class SumUpRefunds(SumUpHttp):
    """The refunds of one merchant's transactions."""

    async def refund(self, transaction_id: str, amount_cents: int | None) -> None:
        """Give back `amount_cents` of a paid transaction (all of it when None). Sent once: SumUp
        has no idempotency key for refunds, so a refund whose answer was lost is never sent
        again here; its caller reads the transaction back to learn whether it was made."""
        path = (f"/v1.0/merchants/{quote(self.merchant_code, safe='')}/payments/"
                f"{quote(transaction_id, safe='')}/refunds")
        body = {} if amount_cents is None else {"amount": cents_to_sumup_amount(amount_cents)}
        try:
            response = await self._http.post(path, content=_dumps(body),
                                             headers={"Content-Type": "application/json"})
        except httpx.TransportError as exc:
            raise _unavailable(exc, f"refund {transaction_id}") from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise _unavailable(response, f"refund {transaction_id}")
        if response.status_code not in (200, 201, 204):
            raise SumUpError.from_response(response)

    async def get_transaction(self, transaction_id: str) -> Transaction:
        """A transaction of this merchant, read back with its refunds."""
        response = await self._send(
            "GET", f"/v2.1/merchants/{quote(self.merchant_code, safe='')}/transactions",
            params={"id": transaction_id})
        if response.status_code != 200:
            raise SumUpError.from_response(response)
        try:
            return Transaction.from_sumup(_loads(response))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise SumUpError(200, "UNEXPECTED_RESPONSE", f"unusable transaction: {exc!r}") from exc
