"""SumUp's Payouts API: a merchant's settled payments paid out to its bank once a day, less
SumUp's fee and the refunds made since, listed as SumUp lists them; a test control makes a
day's payout happen. The transaction history, which says what was paid out, is history.py."""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
from dataclasses import dataclass
from datetime import UTC, date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from sumup_standin.api import ApiKey, Service
from sumup_standin.checkouts import Checkout, Transaction
from sumup_standin.errors import problem
from sumup_standin.exactjson import ExactJSONResponse, loads
from sumup_standin.params import choice_param, date_param, integer_param, rate_param
from sumup_standin.validation import InvalidRequest, ParamError

router = APIRouter(tags=["payouts"])
CENT = Decimal("0.01")
MAX_PAYOUT_RECORDS = 9999
Pair = tuple[Checkout, Transaction]


@dataclass(frozen=True)
class PayoutRecord:
    """One line of SumUp's payouts list: a payment paid out (`PAYOUT`, its `amount` net of its
    `fee`) or a refund taken off the payout (`REFUND_DEDUCTION`, `amount` what it takes off);
    the lines of one day's payout share its `date` and `reference`, the bank transfer's label."""

    id: int
    type: str
    amount: Decimal
    date: date
    currency: str
    fee: Decimal
    reference: str
    transaction_code: str
    status: str = "SUCCESSFUL"

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "amount": self.amount,
                "date": self.date.isoformat(), "currency": self.currency, "fee": self.fee,
                "status": self.status, "reference": self.reference,
                "transaction_code": self.transaction_code}


class NothingToPayOut(Exception):
    """The merchant has no settled payment nor refund left to pay out, or was paid that day."""


def payout_reference(merchant_code: str, on: date) -> str:
    """The label of the day's bank transfer, as SumUp writes it: `SUMUP PID1449450 PAYOUT
    051225` (the merchant's profile number, the payout's day)."""
    profile = int(hashlib.sha256(merchant_code.encode()).hexdigest(), 16) % 10_000_000
    return f"SUMUP PID{profile} PAYOUT {on:%d%m%y}"


class PayoutBook:
    """What was paid out to each merchant, each payment and each refund once."""

    def __init__(self) -> None:
        self.records: dict[str, list[PayoutRecord]] = {}
        self.paid_out_on: dict[str, date] = {}
        self._deducted: set[int] = set()
        self._ids = itertools.count(100_000_001)

    def pay_out(self, merchant_code: str, pairs: list[Pair], on: date, fee_rate: Decimal,
                fee_fixed: Decimal) -> list[PayoutRecord]:
        """Pay out, on `on`, the successful payments made before that day and not yet paid
        out (each less its fee: `fee_rate` of it, rounded to the cent, plus `fee_fixed`), less
        the refunds made before that day on payments paid out."""
        if any(record.date == on for record in self.records.get(merchant_code, [])):
            raise NothingToPayOut(f"{merchant_code} was already paid out on {on}")
        reference, made = payout_reference(merchant_code, on), []
        for _, tx in sorted(pairs, key=lambda pair: pair[1].timestamp):
            if tx.status != "SUCCESSFUL":
                continue
            if tx.id not in self.paid_out_on and tx.timestamp.astimezone(UTC).date() < on:
                fee = (tx.amount * fee_rate).quantize(CENT, ROUND_HALF_UP) + fee_fixed
                made.append(PayoutRecord(next(self._ids), "PAYOUT", tx.amount - fee, on,
                                         tx.currency, fee, reference, tx.transaction_code))
                self.paid_out_on[tx.id] = on
            for refund in tx.refunds if tx.id in self.paid_out_on else ():
                if refund.id not in self._deducted and refund.timestamp.astimezone(
                        UTC).date() < on:
                    self._deducted.add(refund.id)
                    made.append(PayoutRecord(next(self._ids), "REFUND_DEDUCTION", refund.amount,
                                             on, tx.currency, Decimal("0.0"), reference,
                                             tx.transaction_code))
        if not made:
            raise NothingToPayOut(f"{merchant_code} has nothing settled to pay out on {on}")
        self.records.setdefault(merchant_code, []).extend(made)
        return made


def get_book(request: Request) -> PayoutBook:
    return request.app.state.payouts


@router.get("/v1.0/merchants/{merchant_code}/payouts")
async def list_payouts(merchant_code: str, request: Request, service: Service,
                       api_key: ApiKey) -> Response:
    """The payout and deduction records of payout dates `start_date`..`end_date` (both needed,
    inclusive), by date in `order` (`asc`, the default, or `desc`), at most `limit`; as JSON or
    `format=csv`. 400: a list of `{error_code, message, param}`."""
    service.check_merchant(api_key, merchant_code)
    query, errors = request.query_params, []
    start, end = (date_param(query, name, errors) for name in ("start_date", "end_date"))
    limit = integer_param(query, "limit", 1, MAX_PAYOUT_RECORDS, errors)
    order = choice_param(query, "order", ("asc", "desc"), "asc", errors)
    form = choice_param(query, "format", ("json", "csv"), "json", errors)
    if errors:
        return ExactJSONResponse([error.to_json() for error in errors], status_code=400)
    if start > end:
        return ExactJSONResponse([{"error_code": "INVALID", "message": "negative date range"}],
                                 status_code=400)
    found = sorted((r for r in get_book(request).records.get(merchant_code, [])
                    if start <= r.date <= end), key=lambda r: (r.date, r.id),
                   reverse=order == "desc")[:limit]
    if form == "csv":
        return Response(_csv(found), media_type="text/plain")
    return ExactJSONResponse([record.to_json() for record in found])


@router.post("/_standin/merchants/{merchant_code}/payouts", status_code=201)
async def pay_out(merchant_code: str, request: Request, service: Service) -> Response:
    """Test control: SumUp's daily payout, on `date` (today when left out), with a fee of
    `fee_rate` (e.g. 0.025) of each payment plus `fee_fixed`: 201 with the records, 409 when
    nothing is left to pay out or the merchant was already paid out that day."""
    body = await request.body()
    values = loads(body) if body.strip() else {}
    if not isinstance(values, dict):
        raise InvalidRequest([ParamError("INVALID", "body", "Request body must be a JSON object")])
    errors: list[ParamError] = []
    on = date_param(values, "date", errors, default=service.clock().astimezone(UTC).date())
    fee_rate, fee_fixed = (rate_param(values, name, limit, errors)
                           for name, limit in (("fee_rate", Decimal(1)), ("fee_fixed", None)))
    if errors:
        raise InvalidRequest(errors)
    try:
        made = get_book(request).pay_out(merchant_code, service.store.transactions(merchant_code),
                                         on, fee_rate, fee_fixed)
    except NothingToPayOut as refused:
        return problem(409, "nothing-to-pay-out", str(refused))
    return ExactJSONResponse({
        "date": on.isoformat(), "reference": made[0].reference,
        "amount": sum((r.amount if r.type == "PAYOUT" else -r.amount for r in made), Decimal(0)),
        "records": [record.to_json() for record in made]}, status_code=201)


def _csv(records: list[PayoutRecord]) -> str:
    out = io.StringIO()
    fields = ["id", "type", "amount", "date", "currency", "fee", "status", "reference",
              "transaction_code"]
    writer = csv.DictWriter(out, fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(record.to_json() for record in records)
    return out.getvalue()
