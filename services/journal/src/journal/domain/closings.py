"""A closing's figures: what a day, a month or a fiscal year recorded. No I/O.

Sales are the invoices and factures d'avoir (an avoir's amounts are negative, so totals are
net); money is the payments and the movements recorded with a mode, per mode; credit notes are
summed apart. The fiscal year's cumulative total and the perpetual grand total are the sales'
TTC totals from the fiscal year's first day, and from the journal's first entry, through the
period's end."""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from journal.domain.entries import SALE_KINDS
from journal.domain.periods import Period


class PeriodTotals:
    """Sums a period's entries, one at a time (in seq order)."""

    def __init__(self) -> None:
        self.count = 0
        self.first_seq: int | None = None
        self.last_seq: int | None = None
        self.last_hash: str | None = None
        self.sales = Counter()
        self.by_vat_rate: dict[str, Counter] = defaultdict(Counter)
        self.by_mode = Counter()
        self.credit_notes_cents = 0

    def add(self, entry: Mapping) -> None:
        self.count += 1
        self.first_seq = entry["seq"] if self.first_seq is None else self.first_seq
        self.last_seq = entry["seq"]
        self.last_hash = entry["hash"]
        content, kind = entry["content"], entry["kind"]
        if kind in SALE_KINDS:
            self.sales["count" if kind == "invoice" else "credit_invoices"] += 1
            self.sales["total_cents"] += content["total_cents"]
            self.sales["ht_cents"] += content["total_ht_cents"]
            self.sales["vat_cents"] += content["total_vat_cents"]
            for row in content["vat"]:
                for name in ("base_cents", "vat_cents", "total_cents"):
                    self.by_vat_rate[row["rate"]][name] += row[name]
        elif kind == "payment" or (kind == "movement" and content["mode"]):
            self.by_mode[content["mode"]] += content["amount_cents"]
        elif kind == "credit_note":
            self.credit_notes_cents += content["amount_cents"]

    def sales_dict(self) -> dict:
        return {name: self.sales.get(name, 0)
                for name in ("count", "credit_invoices", "total_cents", "ht_cents", "vat_cents")}


def closing_content(period: Period, totals: PeriodTotals, head: tuple[int, str],
                    fiscal: Period, fiscal_year_total_cents: int, grand_total_cents: int,
                    days: Iterable[dict] = ()) -> dict:
    """What a closing records: the period's entries (a contiguous run of the chain, as days never
    go back along it) and, in `chain_head`, the chain's last entry when it closed (seq, hash):
    every entry up to it is sealed by this closing's hash."""
    content = {
        "entries": {"count": totals.count, "first_seq": totals.first_seq,
                    "last_seq": totals.last_seq, "last_hash": totals.last_hash},
        "chain_head": {"seq": head[0], "hash": head[1]},
        "sales": totals.sales_dict(),
        "by_vat_rate": {rate: dict(sums) for rate, sums in sorted(totals.by_vat_rate.items())},
        "by_mode": {mode: cents for mode, cents in sorted(totals.by_mode.items())},
        "credit_notes_cents": totals.credit_notes_cents,
        "fiscal_year": {"start": fiscal.start.isoformat(), "end": fiscal.end.isoformat()},
        "fiscal_year_total_cents": fiscal_year_total_cents,
        "grand_total_cents": grand_total_cents,
    }
    if period.kind != "day":
        content["days"] = list(days)
    return content
