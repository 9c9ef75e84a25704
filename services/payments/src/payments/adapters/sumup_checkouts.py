"""SumUp's hosted checkouts for one merchant: opened once per reference however often a create is
retried, read back, found by reference, deactivated; amounts in exact cents."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx

from ardoise.events.vocabulary import CheckoutStatus
from payments.adapters.sumup_errors import SumUpError, SumUpUnavailable
from payments.adapters.sumup_http import SumUpHttp, _is_retryable, _unavailable
from payments.adapters.sumup_money import (
    _dumps,
    _loads,
    cents_to_sumup_amount,
    sumup_amount_to_cents,
)

PENDING, PAID, FAILED, EXPIRED = (CheckoutStatus.PENDING, CheckoutStatus.PAID,
                                  CheckoutStatus.FAILED, CheckoutStatus.EXPIRED)
DUPLICATED_CHECKOUT = "DUPLICATED_CHECKOUT"


@dataclass(frozen=True)
class Checkout:
    """A SumUp checkout as the payments service needs it, amounts in integer cents."""

    id: str
    reference: str
    amount_cents: int
    currency: str
    status: str
    hosted_checkout_url: str | None = None
    transaction_id: str | None = None
    valid_until: datetime | None = None
    transaction_code: str | None = None
    paid_amount_cents: int | None = None
    merchant_code: str | None = None

    @classmethod
    def from_sumup(cls, body: Mapping[str, Any]) -> Checkout:
        """Read SumUp's checkout JSON; the paid amount is the successful transaction's, exactly."""
        paid = _paying_transaction(body)
        valid_until = body.get("valid_until")
        return cls(
            id=body["id"],
            reference=body["checkout_reference"],
            amount_cents=sumup_amount_to_cents(body["amount"]),
            currency=body["currency"],
            status=body["status"],
            hosted_checkout_url=body.get("hosted_checkout_url"),
            transaction_id=body.get("transaction_id") or (paid or {}).get("id"),
            valid_until=datetime.fromisoformat(valid_until) if valid_until else None,
            transaction_code=body.get("transaction_code") or (paid or {}).get("transaction_code"),
            paid_amount_cents=None if paid is None else sumup_amount_to_cents(paid["amount"]),
            merchant_code=body.get("merchant_code"),
        )


def _paying_transaction(body: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The transaction named by `transaction_id`, else the first SUCCESSFUL one."""
    transactions = body.get("transactions") or []
    wanted = body.get("transaction_id")
    named = [t for t in transactions if wanted and t.get("id") == wanted]
    successful = [t for t in transactions if t.get("status") == "SUCCESSFUL"]
    return (named or successful or [None])[0]


def _utc_isoformat(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("valid_until must be timezone-aware")
    return moment.astimezone(UTC).isoformat()


def _check_amount_cents(amount_cents: int) -> None:
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents <= 0:
        raise ValueError(
            f"a checkout needs a positive amount in integer cents, not {amount_cents!r}"
        )


class SumUpCheckouts(SumUpHttp):
    """The Checkouts API; references are idempotency keys."""

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
    ) -> Checkout:
        """Open a hosted checkout, or return the one this reference already has; never a second."""
        _check_amount_cents(amount_cents)
        body = {
            "checkout_reference": reference,
            "amount": cents_to_sumup_amount(amount_cents),
            "currency": currency,
            "merchant_code": self.merchant_code,
            "description": description,
            "hosted_checkout": {"enabled": True},
            "return_url": return_url,
            "redirect_url": redirect_url,
            "valid_until": None if valid_until is None else _utc_isoformat(valid_until),
        }
        content = _dumps({key: value for key, value in body.items() if value is not None})
        failure: httpx.Response | Exception | None = None
        for attempt in range(self._attempts):
            if attempt:
                await self._pause(attempt)
                # The attempt that failed may still have created it: the reference is the only key.
                try:
                    existing = await self._existing(reference, amount_cents, currency, attempts=1)
                except SumUpUnavailable as exc:
                    failure = exc
                    continue
                if existing is not None:
                    return existing
            try:
                response = await self._http.post(
                    "/v0.1/checkouts", content=content, headers={"Content-Type": "application/json"}
                )
            except httpx.TransportError as exc:
                failure = exc
                continue
            if _is_retryable(response):
                failure = response
            elif response.status_code == 409:
                return await self._duplicated(response, reference, amount_cents, currency)
            else:
                return _checkout_from(response, expected_status=201)
        raise _unavailable(failure, f"create checkout {reference!r}")

    async def get_checkout(self, checkout_id: str) -> Checkout:
        """Read a checkout back from SumUp, the only source to believe about a payment."""
        response = await self._send("GET", f"/v0.1/checkouts/{quote(checkout_id, safe='')}")
        return _checkout_from(response, expected_status=200)

    async def find_by_reference(self, reference: str) -> Checkout | None:
        """The merchant's checkout with this reference, if SumUp has one."""
        return await self._find(reference, attempts=self._attempts)

    async def deactivate(self, checkout_id: str) -> Checkout:
        """Stop a pending checkout from being paid; one already processed is returned as it is."""
        response = await self._send("DELETE", f"/v0.1/checkouts/{quote(checkout_id, safe='')}")
        if response.status_code == 409:
            return await self.get_checkout(checkout_id)
        return _checkout_from(response, expected_status=200)

    async def _find(self, reference: str, *, attempts: int) -> Checkout | None:
        params = {"checkout_reference": reference}
        response = await self._send("GET", "/v0.1/checkouts", params=params, attempts=attempts)
        if response.status_code != 200:
            raise SumUpError.from_response(response)
        items = _loads(response)
        for item in items if isinstance(items, list) else []:
            mine = item.get("merchant_code", self.merchant_code) == self.merchant_code
            if mine and item.get("checkout_reference") == reference:
                return _parse_checkout(item, response.status_code)
        return None

    async def _existing(
        self, reference: str, amount_cents: int, currency: str, *, attempts: int
    ) -> Checkout | None:
        """The checkout this reference already has, provided it asks for the same money."""
        existing = await self._find(reference, attempts=attempts)
        if existing and (existing.amount_cents, existing.currency) != (amount_cents, currency):
            raise SumUpError(
                409,
                DUPLICATED_CHECKOUT,
                f"reference {reference!r} already asks {existing.amount_cents} cents"
                f" {existing.currency}, not {amount_cents} cents {currency}",
            )
        return existing

    async def _duplicated(
        self, response: httpx.Response, reference: str, amount_cents: int, currency: str
    ) -> Checkout:
        """Answer a 409 on create with the checkout this reference already has."""
        error = SumUpError.from_response(response)
        if error.error_code != DUPLICATED_CHECKOUT:
            raise error
        existing = await self._existing(reference, amount_cents, currency, attempts=self._attempts)
        if existing is None:
            raise error
        return existing


def _checkout_from(response: httpx.Response, *, expected_status: int) -> Checkout:
    if response.status_code != expected_status:
        raise SumUpError.from_response(response)
    try:
        body = _loads(response)
    except ValueError as exc:
        raise SumUpError(response.status_code, "UNEXPECTED_RESPONSE", f"not JSON: {exc}") from exc
    return _parse_checkout(body, response.status_code)


def _parse_checkout(body: Any, status: int) -> Checkout:
    try:
        return Checkout.from_sumup(body)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SumUpError(status, "UNEXPECTED_RESPONSE", f"unusable checkout: {exc!r}") from exc
