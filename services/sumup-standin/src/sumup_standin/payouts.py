"""SumUp's Payouts API and transaction history: a merchant's settled payments paid out to its
bank once a day, less SumUp's fee and the refunds made since, listed as SumUp lists them; a
test control makes a day's payout happen."""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.datastructures import QueryParams
from starlette.responses import Response

from sumup_standin.api import ApiKey, Service
from sumup_standin.checkouts import Checkout, Transaction, isoformat
from sumup_standin.errors import problem
from sumup_standin.exactjson import ExactJSONResponse, loads
from sumup_standin.validation import InvalidRequest, ParamError

router = APIRouter(tags=["payouts"])
CENT = Decimal("0.01")
MAX_PAYOUT_RECORDS = 9999
HISTORY_FILTERS = {"statuses[]": {"SUCCESSFUL", "CANCELLED", "FAILED", "REFUNDED", "CHARGE_BACK"},
                   "types[]": {"PAYMENT", "REFUND", "CHARGE_BACK"}}
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
    start, end = (_date(query, name, errors) for name in ("start_date", "end_date"))
    limit = _integer(query, "limit", 1, MAX_PAYOUT_RECORDS, errors)
    order = _choice(query, "order", ("asc", "desc"), "asc", errors)
    form = _choice(query, "format", ("json", "csv"), "json", errors)
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
    on = _date(values, "date", errors, default=service.clock().astimezone(UTC).date())
    fee_rate, fee_fixed = (_rate(values, name, limit, errors)
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


@router.get("/v2.1/merchants/{merchant_code}/transactions/history")
async def list_transactions_history(merchant_code: str, request: Request, service: Service,
                                    api_key: ApiKey) -> Response:
    """The merchant's transactions, oldest first (`order=descending`: newest first), `limit` a
    page (10 by default), filtered as SumUp filters them (`transaction_code`, `statuses[]`,
    `types[]`, `payment_types[]`, `entry_modes[]`, `changes_since`, `oldest_time`/`oldest_ref`,
    `newest_time`/`newest_ref`; `users[]` is accepted and ignored: the stand-in has no users);
    `links` holds the `next` page's query string while more are left."""
    service.check_merchant(api_key, merchant_code)
    query, errors = request.query_params, []
    order = _choice(query, "order", ("ascending", "descending"), "ascending", errors)
    limit = _integer(query, "limit", 1, None, errors) or 10
    bounds = {name: _moment(query, name, errors)
              for name in ("changes_since", "oldest_time", "newest_time")}
    for name, allowed in HISTORY_FILTERS.items():
        if set(query.getlist(name)) - allowed:
            errors.append(ParamError("INVALID", name))
    if errors:
        raise InvalidRequest(errors)
    pairs = sorted(service.store.transactions(merchant_code),
                   key=lambda pair: (pair[1].timestamp, pair[1].id))
    positions = {tx.id: position for position, (_, tx) in enumerate(pairs)}
    for name in ("oldest_ref", "newest_ref"):
        if query.get(name) and query[name] not in positions:
            raise InvalidRequest([ParamError("INVALID", name)])
    found = [pair for pair in pairs if _selected(pair, query, bounds, positions)]
    if order == "descending":
        found.reverse()
    page = found[:limit]
    links = []
    if len(found) > limit:
        after = {"ascending": "oldest_ref", "descending": "newest_ref"}[order]
        kept = [(k, v) for k, v in query.multi_items() if k not in ("limit", "order", after)]
        links.append({"rel": "next", "href": urlencode(
            [("limit", limit), (after, page[-1][1].id), ("order", order), *kept])})
    book = get_book(request)
    return ExactJSONResponse({"items": [_history_item(pair, merchant_code, book)
                                        for pair in page], "links": links})


def _selected(pair: Pair, query: QueryParams, bounds: dict, positions: dict[str, int]) -> bool:
    _, tx = pair
    position = positions[tx.id]
    status = tx.current_status
    changed_at = max([tx.timestamp, *(refund.timestamp for refund in tx.refunds)])
    checks = [
        not query.get("transaction_code") or tx.transaction_code == query["transaction_code"],
        not query.getlist("statuses[]") or status in query.getlist("statuses[]"),
        not query.getlist("types[]") or "PAYMENT" in query.getlist("types[]"),
        not query.getlist("payment_types[]") or tx.payment_type in query.getlist(
            "payment_types[]"),
        not query.getlist("entry_modes[]") or tx.entry_mode in query.getlist("entry_modes[]"),
        bounds["changes_since"] is None or changed_at >= bounds["changes_since"],
        (position > positions[query["oldest_ref"]]) if query.get("oldest_ref") else (
            bounds["oldest_time"] is None or tx.timestamp >= bounds["oldest_time"]),
        (position < positions[query["newest_ref"]]) if query.get("newest_ref") else (
            bounds["newest_time"] is None or tx.timestamp < bounds["newest_time"]),
    ]
    return all(checks)


def _history_item(pair: Pair, merchant_code: str, book: PayoutBook) -> dict[str, Any]:
    checkout, tx = pair
    paid_out_on = book.paid_out_on.get(tx.id)
    item = {"id": tx.id, "transaction_id": tx.id, "transaction_code": tx.transaction_code,
            "amount": tx.amount, "currency": tx.currency, "timestamp": isoformat(tx.timestamp),
            "status": tx.current_status, "payment_type": tx.payment_type,
            "installments_count": 1, "merchant_code": merchant_code, "type": "PAYMENT",
            "product_summary": checkout.description, "payout_plan": "SINGLE_PAYMENT",
            "payouts_total": 1, "payouts_received": 0 if paid_out_on is None else 1,
            "payout_date": None if paid_out_on is None else paid_out_on.isoformat(),
            "payout_type": None if paid_out_on is None else "BANK_ACCOUNT",
            "refunded_amount": tx.refunded}
    return {name: value for name, value in item.items() if value is not None}


def _csv(records: list[PayoutRecord]) -> str:
    out = io.StringIO()
    fields = ["id", "type", "amount", "date", "currency", "fee", "status", "reference",
              "transaction_code"]
    writer = csv.DictWriter(out, fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(record.to_json() for record in records)
    return out.getvalue()


def _date(values: Any, name: str, errors: list, default: date | None = None) -> date | None:
    value = values.get(name)
    if value is None:
        if default is None:
            errors.append(ParamError("MISSING", name, "Validation error: required"))
        return default
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        errors.append(ParamError("INVALID", name))
        return None


def _integer(query: QueryParams, name: str, low: int, high: int | None, errors: list) -> int:
    value = query.get(name)
    if value is None:
        return high or 0
    if not value.isdigit() or not low <= int(value) <= (high or int(value)):
        errors.append(ParamError("INVALID", name))
        return 0
    return int(value)


def _choice(query: QueryParams, name: str, allowed: tuple, default: str, errors: list) -> str:
    value = query.get(name, default)
    if value not in allowed:
        errors.append(ParamError("INVALID", name))
    return value


def _moment(query: QueryParams, name: str, errors: list) -> datetime | None:
    if query.get(name) is None:
        return None
    try:
        moment = datetime.fromisoformat(query[name])
    except ValueError:
        errors.append(ParamError("INVALID", name))
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _rate(values: dict, name: str, below: Decimal | None, errors: list) -> Decimal:
    value = values.get(name, 0)
    if (isinstance(value, bool) or not isinstance(value, int | Decimal) or value < 0
            or (below is not None and value >= below)):
        errors.append(ParamError("INVALID", name))
        return Decimal(0)
    return Decimal(value)
