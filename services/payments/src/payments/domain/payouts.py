"""Card money reconciled: each of SumUp's payouts is the online payments it pays less SumUp's fees
and the refunds (or chargebacks) it takes back, and reaches the bank as one credit of that amount,
on its date or a few business days later. No I/O."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

PAYOUT, REFUND_DEDUCTION = "PAYOUT", "REFUND_DEDUCTION"
SUCCESSFUL, FAILED = "SUCCESSFUL", "FAILED"
PAID_STATUSES = frozenset({"SUCCESSFUL", "REFUNDED"})
"""A payment's statuses in SumUp's history once its money was taken (REFUNDED: some went back)."""
BANK_DAYS = 3
"""How many business days after its date a payout may be booked on the producer's statement."""


@dataclass(frozen=True)
class PayoutRecord:
    """One line of SumUp's payouts list: a payment paid out (`PAYOUT`: `amount_cents` is what
    it brings, net of `fee_cents`) or a deduction (`REFUND_DEDUCTION`, `CHARGE_BACK_DEDUCTION`,
    `DD_RETURN_DEDUCTION`, `BALANCE_DEDUCTION`: `amount_cents` is what it takes, whatever its
    sign). The lines of one payout share its date and `reference`."""

    record_id: int
    type: str
    payout_date: date
    reference: str
    currency: str
    amount_cents: int
    fee_cents: int
    status: str
    transaction_code: str

    @property
    def paid_online_cents(self) -> int:
        """What the customer paid: the payout's share and SumUp's fee; 0 for a deduction."""
        return self.amount_cents + self.fee_cents if self.type == PAYOUT else 0

    @property
    def net_cents(self) -> int:
        """What the line adds to the payout (< 0 for a deduction, its fee taken too)."""
        if self.type == PAYOUT:
            return self.amount_cents
        return -abs(self.amount_cents) - abs(self.fee_cents)


@dataclass(frozen=True)
class OnlinePayment:
    """A transaction of SumUp's history: what was paid online, and given back of it so far."""

    transaction_id: str
    transaction_code: str
    amount_cents: int
    refunded_cents: int
    currency: str
    status: str
    paid_at: datetime
    description: str | None = None
    type: str = "PAYMENT"

    @property
    def is_paid(self) -> bool:
        return self.type == "PAYMENT" and self.status in PAID_STATUSES


@dataclass(frozen=True)
class BankCredit:
    """A credit line of the producer's bank statements; `text` its label, payer and reference."""

    transaction_id: str
    booking_date: date
    amount_cents: int
    text: str
    value_date: date | None = None


@dataclass(frozen=True)
class Payout:
    """One bank transfer from SumUp: its records, and what they add up to."""

    payout_date: date
    reference: str
    currency: str
    records: tuple[PayoutRecord, ...]

    @property
    def status(self) -> str:
        return FAILED if any(r.status == FAILED for r in self.records) else SUCCESSFUL

    @property
    def paid_online_cents(self) -> int:
        return sum(r.paid_online_cents for r in self.records)

    @property
    def fee_cents(self) -> int:
        return sum(abs(r.fee_cents) for r in self.records)

    @property
    def refunded_cents(self) -> int:
        return sum(abs(r.amount_cents) for r in self.records if r.type == REFUND_DEDUCTION)

    @property
    def deducted_cents(self) -> int:
        """Chargebacks, direct debit returns and balance adjustments taken off."""
        return sum(abs(r.amount_cents) for r in self.records
                   if r.type not in (PAYOUT, REFUND_DEDUCTION))

    @property
    def net_cents(self) -> int:
        """What reaches the bank: paid online, less fees, refunds and other deductions."""
        return sum(r.net_cents for r in self.records)


def payouts_of(records: Iterable[PayoutRecord]) -> list[Payout]:
    """SumUp's records grouped into payouts (by date, reference and currency), oldest first."""
    groups: dict[tuple[date, str, str], list[PayoutRecord]] = defaultdict(list)
    for record in records:
        groups[(record.payout_date, record.reference, record.currency)].append(record)
    return [Payout(*key, tuple(sorted(found, key=lambda r: r.record_id)))
            for key, found in sorted(groups.items())]


def business_days_after(start: date, days: int) -> date:
    """The date `days` business days (Monday to Friday) after `start`."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        days -= day.weekday() < 5
    return day


def _squeezed(text: str) -> str:
    return "".join(text.upper().split())


def _rank(payout: Payout, credit: BankCredit) -> tuple[int, int] | None:
    """How well a credit fits a payout (lower is better: named by the payout's reference, then
    the sooner), or None when it cannot be its transfer."""
    if credit.amount_cents != payout.net_cents:
        return None
    last = business_days_after(payout.payout_date, BANK_DAYS)
    booked = [d for d in (credit.booking_date, credit.value_date)
              if d is not None and payout.payout_date <= d <= last]
    text = _squeezed(credit.text)
    named = bool(payout.reference) and _squeezed(payout.reference) in text
    if not booked or not (named or "SUMUP" in text):
        return None
    return (0 if named else 1, (min(booked) - payout.payout_date).days)


def match_bank(payouts: list[Payout], credits: list[BankCredit]) -> dict[Payout, BankCredit]:
    """Each successful payout of a positive amount and the bank credit that received it, each
    credit given to one payout at most: the best fits first."""
    fits = sorted((rank, index, credit.transaction_id, payout, credit)
                  for index, payout in enumerate(payouts)
                  if payout.status == SUCCESSFUL and payout.net_cents > 0
                  for credit in credits
                  if (rank := _rank(payout, credit)) is not None)
    matched: dict[Payout, BankCredit] = {}
    used: set[str] = set()
    for _, _, credit_id, payout, credit in fits:
        if payout not in matched and credit_id not in used:
            matched[payout] = credit
            used.add(credit_id)
    return matched


@dataclass(frozen=True)
class Reconciliation:
    """The payouts of a period, the bank credit each reached (None: not found), and the period's
    online payments that no payout carried yet."""

    payouts: list[tuple[Payout, BankCredit | None]]
    not_paid_out: list[OnlinePayment]

    def totals(self) -> dict[str, int]:
        done = [(p, credit) for p, credit in self.payouts if p.status == SUCCESSFUL]
        return {
            "paid_online_cents": sum(p.paid_online_cents for p, _ in done),
            "refunded_cents": sum(p.refunded_cents for p, _ in done),
            "fees_cents": sum(p.fee_cents for p, _ in done),
            "deducted_cents": sum(p.deducted_cents for p, _ in done),
            "paid_out_cents": sum(p.net_cents for p, _ in done),
            "reached_bank_cents": sum(p.net_cents for p, credit in done if credit is not None),
            "not_yet_paid_out_cents": sum(p.amount_cents for p in self.not_paid_out),
        }


def reconcile(records: Iterable[PayoutRecord], payments: Iterable[OnlinePayment],
              credits: list[BankCredit], start: date, end: date) -> Reconciliation:
    """The payouts dated `start`..`end` matched with their bank credits; `payments` are the
    period's online payments, those that no successful payout of `records` (which may reach past
    `end`) carried are not paid out yet."""
    every = payouts_of(records)
    matched = match_bank(every, credits)
    paid_out = {r.transaction_code for p in every if p.status == SUCCESSFUL
                for r in p.records if r.type == PAYOUT}
    return Reconciliation(
        [(p, matched.get(p)) for p in every if start <= p.payout_date <= end],
        [pay for pay in payments if pay.is_paid and pay.transaction_code not in paid_out])
