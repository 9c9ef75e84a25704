"""Checks request bodies as SumUp does: each problem a MISSING or INVALID error naming its param."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from sumup_standin.checkouts import Status

CURRENCIES = frozenset(
    [
        "BGN",
        "BRL",
        "CHF",
        "CLP",
        "COP",
        "CZK",
        "DKK",
        "EUR",
        "GBP",
        "HRK",
        "HUF",
        "NOK",
        "PLN",
        "RON",
        "SEK",
        "USD",
    ]
)
MAX_REFERENCE_LENGTH = 64
MAX_AMOUNT = Decimal(1_000_000_000)
SIMULATED_OUTCOMES = frozenset({Status.PAID, Status.FAILED, Status.EXPIRED})


@dataclass(frozen=True)
class ParamError:
    """One field SumUp would refuse."""

    error_code: str
    param: str
    message: str = "Validation error"

    def to_json(self) -> dict[str, str]:
        """SumUp's body for one refused field."""
        return {"error_code": self.error_code, "message": self.message, "param": self.param}


class InvalidRequest(Exception):
    """The body was refused; SumUp answers 400 with the errors."""

    def __init__(self, errors: list[ParamError]) -> None:
        super().__init__(", ".join(f"{e.error_code} {e.param}" for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class NewCheckout:
    """A create-checkout request that passed every check."""

    checkout_reference: str
    amount: Decimal
    currency: str
    merchant_code: str
    description: str | None
    return_url: str | None
    redirect_url: str | None
    hosted: bool
    valid_until: datetime | None


def parse_new_checkout(body: Any, now: datetime) -> NewCheckout:
    """Check a `POST /v0.1/checkouts` body; raise InvalidRequest listing every refused field."""
    fields = _Fields(body)
    values = {
        "checkout_reference": fields.text(
            "checkout_reference", required=True, max_length=MAX_REFERENCE_LENGTH
        ),
        "amount": fields.amount("amount", required=True, whole_cents=True),
        "currency": fields.currency("currency"),
        "merchant_code": fields.text("merchant_code", required=True),
        "description": fields.text("description"),
        "return_url": fields.url("return_url"),
        "redirect_url": fields.url("redirect_url"),
        "hosted": fields.hosted_checkout(),
        "valid_until": fields.moment_after("valid_until", now),
    }
    fields.raise_if_refused()
    return NewCheckout(**values)


def parse_refund(body: Any) -> Decimal | None:
    """A refund body: `{}` (all that is left) or `{"amount": 5.5}` in whole cents."""
    fields = _Fields(body)
    amount = fields.amount("amount", whole_cents=True)
    fields.raise_if_refused()
    return amount


@dataclass(frozen=True)
class Simulation:
    """How a test wants a checkout to end, and what SumUp should say was paid."""

    status: Status
    amount: Decimal | None


def parse_simulation(body: Any) -> Simulation:
    """Check a simulate body: `status` PAID, FAILED or EXPIRED; `amount`, any precision, if PAID."""
    fields = _Fields(body)
    status = fields.text("status", required=True)
    if status is not None and status not in SIMULATED_OUTCOMES:
        fields.refuse("INVALID", "status")
    amount = fields.amount("amount", whole_cents=False)
    if amount is not None and status != Status.PAID:
        fields.refuse("INVALID", "amount")
    fields.raise_if_refused()
    return Simulation(Status(status), amount)


class _Fields:
    """Reads fields from a JSON object, collecting what is missing or invalid."""

    def __init__(self, body: Any) -> None:
        if not isinstance(body, dict):
            raise InvalidRequest(
                [ParamError("INVALID", "body", "Request body must be a JSON object")]
            )
        self.body = body
        self.errors: list[ParamError] = []

    def refuse(self, error_code: str, param: str) -> None:
        self.errors.append(ParamError(error_code, param))

    def raise_if_refused(self) -> None:
        if self.errors:
            raise InvalidRequest(self.errors)

    def _present(self, param: str, required: bool) -> bool:
        if self.body.get(param) is not None:
            return True
        if required:
            self.refuse("MISSING", param)
        return False

    def text(
        self, param: str, *, required: bool = False, max_length: int | None = None
    ) -> str | None:
        if not self._present(param, required):
            return None
        value = self.body[param]
        if (
            not isinstance(value, str)
            or not value.strip()
            or (max_length and len(value) > max_length)
        ):
            self.refuse("INVALID", param)
            return None
        return value

    def amount(self, param: str, *, required: bool = False, whole_cents: bool) -> Decimal | None:
        if not self._present(param, required):
            return None
        amount = parse_amount(self.body[param], whole_cents=whole_cents)
        if amount is None:
            self.refuse("INVALID", param)
        return amount

    def currency(self, param: str) -> str | None:
        value = self.text(param, required=True)
        if value is not None and value not in CURRENCIES:
            self.refuse("INVALID", param)
            return None
        return value

    def url(self, param: str) -> str | None:
        value = self.text(param)
        if value is not None:
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                self.refuse("INVALID", param)
                return None
        return value

    def hosted_checkout(self) -> bool:
        if not self._present("hosted_checkout", required=False):
            return False
        value = self.body["hosted_checkout"]
        if not isinstance(value, dict) or not isinstance(value.get("enabled"), bool):
            self.refuse("INVALID", "hosted_checkout.enabled")
            return False
        return value["enabled"]

    def moment_after(self, param: str, now: datetime) -> datetime | None:
        value = self.text(param)
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.refuse("INVALID", param)
            return None
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        if moment <= now:
            self.refuse("INVALID", param)
            return None
        return moment


def parse_amount(value: Any, *, whole_cents: bool) -> Decimal | None:
    """A positive JSON number as a Decimal, or None; `whole_cents` also refuses 15.001."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return None
    amount = Decimal(value)
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT:
        return None
    in_cents = amount.scaleb(2)
    if whole_cents and in_cents != in_cents.to_integral_value():
        return None
    return amount
