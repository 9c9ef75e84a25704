"""SumUp's transaction history of a merchant (`/v2.1/merchants/{code}/transactions/history`):
its payments paged and filtered as SumUp pages and filters them, each saying whether and when it
was paid out (payouts.py)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.datastructures import QueryParams
from starlette.responses import Response

from sumup_standin.api import ApiKey, Service
from sumup_standin.checkouts import isoformat
from sumup_standin.exactjson import ExactJSONResponse
from sumup_standin.params import choice_param, integer_param, moment_param
from sumup_standin.payouts import Pair, PayoutBook, get_book
from sumup_standin.validation import InvalidRequest, ParamError

router = APIRouter(tags=["payouts"])
HISTORY_FILTERS = {"statuses[]": {"SUCCESSFUL", "CANCELLED", "FAILED", "REFUNDED", "CHARGE_BACK"},
                   "types[]": {"PAYMENT", "REFUND", "CHARGE_BACK"}}


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
    order = choice_param(query, "order", ("ascending", "descending"), "ascending", errors)
    limit = integer_param(query, "limit", 1, None, errors) or 10
    bounds = {name: moment_param(query, name, errors)
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
