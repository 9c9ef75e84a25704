"""SumUp's payouts of a period, read for a producer and reconciled: with the online payments and
refunds they pay out, with SumUp's fees, and with the bank credit each one reached."""

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from ardoise.errors import Conflict, Invalid, Unavailable
from payments.adapters.sumup_accounts import SumUpAccount
from payments.adapters.sumup_errors import SumUpError, SumUpUnavailable
from payments.domain.payouts import (
    BANK_DAYS,
    BankCredit,
    OnlinePayment,
    PayoutRecord,
    Reconciliation,
    business_days_after,
    reconcile,
)

PAYOUT_LAG_DAYS = 10
"""How long after its day a payment may be paid out: payouts are read this far past the period,
to know which of its payments were paid out since."""
PAID_BEFORE_DAYS = 14
"""How much older than the period a payment it pays out may be (read for its details)."""
MAX_DAYS = 366
DEFAULT_DAYS = 31
BANK_PAGE = 1000


class PayoutsSource(AbstractAsyncContextManager, Protocol):
    """One merchant's payouts and transaction history at SumUp (`SumUpPayouts`)."""

    async def payouts(self, start_date: date, end_date: date) -> list[PayoutRecord]: ...

    async def history(self, oldest_at: datetime, newest_at: datetime) -> list[OnlinePayment]: ...


OpenPayouts = Callable[[SumUpAccount], PayoutsSource]


async def payouts_report(producer_id: str, start: date | None, end: date | None, uow,
                         open_payouts: OpenPayouts) -> dict:
    """The payouts dated `start`..`end` (by default the producer's last DEFAULT_DAYS days),
    each with its transactions, fees and the bank credit that received it (or none yet); the
    period's online payments not paid out yet; the totals. 409 when the producer connected no
    SumUp account."""
    async with uow:
        account = await uow.payments.sumup_account(producer_id)
        zone = ZoneInfo((await uow.payments.settings(producer_id)).time_zone)
        end = end or datetime.now(zone).date()
        start = start or end - timedelta(days=DEFAULT_DAYS - 1)
        _check_period(start, end)
        last = end + timedelta(days=PAYOUT_LAG_DAYS)
        credits = await bank_credits(uow, producer_id, start,
                                     business_days_after(last, BANK_DAYS))
    if account is None:
        raise Conflict("this producer has connected no SumUp account")
    begins, ends = (datetime.combine(day, time(), zone) for day in (start, end + timedelta(1)))
    try:
        async with open_payouts(account) as sumup:
            records = await sumup.payouts(start, last)
            payments = await sumup.history(begins - timedelta(days=PAID_BEFORE_DAYS), ends)
    except SumUpUnavailable as error:
        raise Unavailable(f"SumUp did not answer: {error.message}") from error
    except SumUpError as error:
        raise Conflict(f"SumUp refused to list the payouts: {error.message}") from error
    report = reconcile(records, [p for p in payments if begins <= p.paid_at < ends], credits,
                       start, end)
    return report_view(account.merchant_code, start, end, report, payments)


def _check_period(start: date, end: date) -> None:
    if start > end:
        raise Invalid("`from` is after `to`", "from")
    if (end - start).days >= MAX_DAYS:
        raise Invalid(f"a period of at most {MAX_DAYS} days", "to")


async def bank_credits(uow, producer_id: str, first: date, last: date) -> list[BankCredit]:
    """The producer's bank credits booked `first`..`last`."""
    limit = BANK_PAGE
    while True:  # newest first: read more until the page reaches past `first`
        rows = await uow.bank.listed(producer_id, None, limit, last + timedelta(days=1))
        if len(rows) < limit or rows[-1]["booking_date"] < first:
            break
        limit *= 4
    return [_credit(row) for row in rows
            if row["amount_cents"] > 0 and row["booking_date"] >= first]


def _credit(row: dict) -> BankCredit:
    line = row["line"]
    text = " ".join(filter(None, (line.get("label"), line.get("counterparty"),
                                  line.get("reference"))))
    value_date = line.get("value_date")
    return BankCredit(str(row["transaction_id"]), row["booking_date"], row["amount_cents"], text,
                      date.fromisoformat(value_date) if value_date else None)


def report_view(merchant_code: str, start: date, end: date, report: Reconciliation,
                payments: list[OnlinePayment]) -> dict:
    by_code = {payment.transaction_code: payment for payment in payments}
    return {
        "from": start.isoformat(), "to": end.isoformat(), "merchant_code": merchant_code,
        "payouts": [{
            "payout_date": payout.payout_date.isoformat(), "reference": payout.reference,
            "currency": payout.currency, "status": payout.status,
            "paid_online_cents": payout.paid_online_cents, "fee_cents": payout.fee_cents,
            "refunded_cents": payout.refunded_cents, "deducted_cents": payout.deducted_cents,
            "net_cents": payout.net_cents,
            "bank_transaction_id": credit and credit.transaction_id,
            "bank_booking_date": credit and credit.booking_date.isoformat(),
            "transactions": [_record_view(r, by_code.get(r.transaction_code))
                             for r in payout.records]}
            for payout, credit in report.payouts],
        "not_paid_out": [{**_payment_view(p), "refunded_cents": p.refunded_cents}
                         for p in report.not_paid_out],
        "totals": report.totals(),
    }


def _record_view(record: PayoutRecord, payment: OnlinePayment | None) -> dict:
    """A payout's line: a payment (`amount_cents` what the customer paid) or a deduction
    (`amount_cents` < 0), with the payment's details when the history has them."""
    amount_cents = (record.paid_online_cents if record.type == "PAYOUT"
                    else record.net_cents + abs(record.fee_cents))
    return {"record_id": record.record_id, "type": record.type,
            "transaction_code": record.transaction_code, "amount_cents": amount_cents,
            "fee_cents": abs(record.fee_cents), "net_cents": record.net_cents,
            "transaction_id": payment and payment.transaction_id,
            "paid_at": payment and payment.paid_at.isoformat(),
            "description": payment and payment.description}


def _payment_view(payment: OnlinePayment) -> dict:
    return {"transaction_id": payment.transaction_id,
            "transaction_code": payment.transaction_code, "paid_at": payment.paid_at.isoformat(),
            "amount_cents": payment.amount_cents, "description": payment.description}
