"""SumUp Checkouts API client: exact money at the edge, retries that never open a checkout twice."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol, Self
from urllib.parse import quote

import httpx

from ardoise.events.vocabulary import CheckoutStatus

PENDING, PAID, FAILED, EXPIRED = (CheckoutStatus.PENDING, CheckoutStatus.PAID,
                                  CheckoutStatus.FAILED, CheckoutStatus.EXPIRED)
DUPLICATED_CHECKOUT = "DUPLICATED_CHECKOUT"


def cents_to_sumup_amount(cents: int) -> Decimal:
    """Integer cents as SumUp's major units, exactly: 1500 → 15.0, 1550 → 15.5, 1 → 0.01."""
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise TypeError(f"amount must be integer cents, not {type(cents).__name__}")
    sign = 1 if cents < 0 else 0
    if cents % 10 == 0:
        return Decimal((sign, tuple(map(int, str(abs(cents) // 10))), -1))
    return Decimal((sign, tuple(map(int, str(abs(cents)))), -2))


def sumup_amount_to_cents(value: Decimal | float | str) -> int:
    """SumUp's major-unit amount as integer cents, exactly; finer than a cent is refused."""
    if isinstance(value, bool):
        raise TypeError("an amount cannot be a boolean")
    try:
        amount = Decimal(str(value))  # a float counts as the digits it prints, not its binary value
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount") from None
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not an amount")
    cents = amount.scaleb(2)
    if cents != cents.to_integral_value():
        raise ValueError(f"{value} has sub-cent precision")
    return int(cents)


def _dumps(value: Any) -> str:
    """JSON with each Decimal written as the exact number it holds."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        members = (f"{json.dumps(key)}:{_dumps(item)}" for key, item in value.items())
        return "{" + ",".join(members) + "}"
    return json.dumps(value)


def _loads(response: httpx.Response) -> Any:
    return json.loads(response.content, parse_float=Decimal)


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


class SumUpError(Exception):
    """SumUp refused a call or could not be reached: HTTP status and SumUp's own error fields."""

    def __init__(
        self, status: int | None, error_code: str | None, message: str, param: str | None = None
    ) -> None:
        self.status = status
        self.error_code = error_code
        self.message = message
        self.param = param
        parts = ("SumUp", status or "unreachable", error_code, param)
        heading = " ".join(str(part) for part in parts if part)
        super().__init__(f"{heading}: {message}")

    @classmethod
    def from_response(cls, response: httpx.Response) -> SumUpError:
        """Read SumUp's `{error_code, message, param}` (or a list of them) or its problem+json."""
        try:
            body = _loads(response)
        except ValueError:
            body = {}
        if isinstance(body, list):
            body = body[0] if body and isinstance(body[0], dict) else {}
        if not isinstance(body, dict):
            body = {}
        message = next(
            (body[key] for key in ("message", "error_message", "detail", "title") if body.get(key)),
            response.reason_phrase,
        )
        error_class = CheckoutNotFound if response.status_code == 404 else cls
        return error_class(
            response.status_code,
            body.get("error_code"),
            str(message),
            body.get("param"),
        )


class CheckoutNotFound(SumUpError):
    """SumUp has no checkout with this id for this merchant."""


class SumUpUnavailable(SumUpError):
    """SumUp kept timing out, refusing connections or answering 5xx after every retry."""


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


def _utc_isoformat(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("valid_until must be timezone-aware")
    return moment.astimezone(UTC).isoformat()


def _check_amount_cents(amount_cents: int) -> None:
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents <= 0:
        raise ValueError(
            f"a checkout needs a positive amount in integer cents, not {amount_cents!r}"
        )


class SumUpClient:
    """Async client of SumUp's Checkouts API for one merchant; references are idempotency keys."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        merchant_code: str,
        *,
        timeout_s: float = 5.0,
        retries: int = 3,
        backoff_s: float = 0.2,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.merchant_code = merchant_code
        self._attempts = retries + 1
        self._backoff_s = backoff_s
        self._http = httpx.AsyncClient(
            base_url=base_url,
            transport=transport,
            timeout=timeout_s,
            headers={"Authorization": f"Bearer {api_key}", "Accept": "application/json"},
        )

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

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

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

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        attempts: int | None = None,
    ) -> httpx.Response:
        """A call safe to repeat, retried on timeouts, connection errors, 429 and 5xx."""
        failure: httpx.Response | Exception | None = None
        for attempt in range(attempts or self._attempts):
            if attempt:
                await self._pause(attempt)
            try:
                response = await self._http.request(method, path, params=params)
            except httpx.TransportError as exc:
                failure = exc
                continue
            if not _is_retryable(response):
                return response
            failure = response
        raise _unavailable(failure, f"{method} {path}")

    async def _pause(self, attempt: int) -> None:
        await asyncio.sleep(self._backoff_s * 2 ** (attempt - 1))


def _is_retryable(response: httpx.Response) -> bool:
    return response.status_code >= 500 or response.status_code == 429


def _unavailable(failure: httpx.Response | Exception | None, what: str) -> SumUpUnavailable:
    if isinstance(failure, httpx.Response):
        failure = SumUpError.from_response(failure)
    if isinstance(failure, SumUpError):
        return SumUpUnavailable(failure.status, failure.error_code, f"{what}: {failure.message}")
    return SumUpUnavailable(None, None, f"{what}: {type(failure).__name__}: {failure}")


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
