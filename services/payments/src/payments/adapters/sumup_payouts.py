"""SumUp's Payouts API and transaction history, read for one merchant: each payout record and each
payment of a period, amounts in exact cents."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import httpx

from payments.adapters.sumup_errors import SumUpError
from payments.adapters.sumup_http import SumUpHttp
from payments.adapters.sumup_money import sumup_amount_to_cents
from payments.domain.payouts import OnlinePayment, PayoutRecord

MAX_RECORDS = 9999
"""The most payout records SumUp lists at once (its `limit`): a fuller answer is asked again in
halves of its period."""
HISTORY_PAGE = 100
MAX_PAGES = 1000


def record_of(item: Mapping[str, Any]) -> PayoutRecord:
    """A line of SumUp's payouts list (`id`, `type`, `amount`, `date`, `currency`, `fee`,
    `status`, `reference`, `transaction_code`)."""
    return PayoutRecord(
        record_id=int(item["id"]), type=item["type"],
        payout_date=date.fromisoformat(item["date"]), reference=item.get("reference") or "",
        currency=item["currency"], amount_cents=sumup_amount_to_cents(item["amount"]),
        fee_cents=sumup_amount_to_cents(item.get("fee") or 0), status=item["status"],
        transaction_code=item.get("transaction_code") or "")


def payment_of(item: Mapping[str, Any]) -> OnlinePayment:
    """An item of SumUp's transaction history."""
    return OnlinePayment(
        transaction_id=item.get("transaction_id") or item["id"],
        transaction_code=item["transaction_code"],
        amount_cents=sumup_amount_to_cents(item["amount"]),
        refunded_cents=sumup_amount_to_cents(item.get("refunded_amount") or 0),
        currency=item["currency"], status=item["status"],
        paid_at=_aware(datetime.fromisoformat(item["timestamp"])),
        description=item.get("product_summary"), type=item.get("type") or "PAYMENT")


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _moment(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("history bounds must be timezone-aware")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class SumUpPayouts(SumUpHttp):
    """Reads one merchant's payouts and transaction history; calls retried on timeouts,
    refused connections, 429 and 5xx (they only read)."""

    def __init__(self, base_url: str, api_key: str, merchant_code: str, *,
                 timeout_s: float = 10.0, retries: int = 3, backoff_s: float = 0.2,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        super().__init__(base_url, api_key, merchant_code, timeout_s=timeout_s,
                         retries=retries, backoff_s=backoff_s, transport=transport)
        self._path = f"/v1.0/merchants/{quote(merchant_code, safe='')}"

    async def payouts(self, start_date: date, end_date: date) -> list[PayoutRecord]:
        """The payout and deduction records dated `start_date`..`end_date` (inclusive)."""
        items = await self._get(f"{self._path}/payouts", {
            "start_date": start_date.isoformat(), "end_date": end_date.isoformat(),
            "format": "json", "limit": str(MAX_RECORDS), "order": "asc"})
        if not isinstance(items, list):
            raise _unexpected("payouts", "not a list")
        if len(items) >= MAX_RECORDS and start_date < end_date:
            middle = date.fromordinal((start_date.toordinal() + end_date.toordinal()) // 2)
            return (await self.payouts(start_date, middle)
                    + await self.payouts(date.fromordinal(middle.toordinal() + 1), end_date))
        return _read(items, record_of, "payout record")

    async def history(self, oldest_at: datetime, newest_at: datetime) -> list[OnlinePayment]:
        """The transactions created from `oldest_at` up to (not including) `newest_at`, oldest
        first, every page of them."""
        asked = {"order": "ascending", "limit": str(HISTORY_PAGE),
                 "oldest_time": _moment(oldest_at), "newest_time": _moment(newest_at)}
        params, found = dict(asked), []
        for _ in range(MAX_PAGES):
            page = await self._get(f"/v2.1/merchants/{quote(self.merchant_code, safe='')}"
                                   "/transactions/history", params)
            if not isinstance(page, dict):
                raise _unexpected("transaction history", "not an object")
            found += _read(page.get("items") or [], payment_of, "transaction")
            following = [link for link in page.get("links") or [] if link.get("rel") == "next"]
            if not following:
                return found
            # the link's references and parameters, with the bounds it may leave out
            params = {**asked, **dict(httpx.QueryParams(following[0]["href"]))}
        raise _unexpected("transaction history", f"more than {MAX_PAGES} pages")

    async def _get(self, path: str, params: Mapping[str, str]) -> Any:
        response = await self._send("GET", path, params=params)
        if response.status_code != 200:
            raise SumUpError.from_response(response)
        try:
            return json.loads(response.content, parse_float=Decimal)
        except ValueError as exc:
            raise _unexpected(path, f"not JSON: {exc}") from exc


def _read(items: list, parse, what: str) -> list:
    try:
        return [parse(item) for item in items]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise _unexpected(what, repr(exc)) from exc


def _unexpected(what: str, why: str) -> SumUpError:
    return SumUpError(200, "UNEXPECTED_RESPONSE", f"unusable {what}: {why}")
