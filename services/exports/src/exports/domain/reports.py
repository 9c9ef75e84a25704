"""Sales and received payments per settlement mode, in integer cents."""

import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from ardoise.events.vocabulary import MODES, PAYING_MODES, received_in

MODE_LABELS = {
    "not_delivered": "Non livré",
    "account": "Compte client",
    "cash": "Espèces",
    "cheque": "Chèque",
    "card": "Carte bancaire",
    "transfer": "Virement",
    "online": "En ligne (SumUp)",
}
TOTAL = "total"
_NOT_IN_A_CELL = re.compile(r"[\000-\010\013\014\016-\037]")
"""The control characters a worksheet cannot hold (those openpyxl refuses)."""


def printable(text: str) -> str:
    """The text without the control characters a worksheet cannot hold (a customer's name comes
    from another service: it is cleaned once, when it enters the read model)."""
    return _NOT_IN_A_CELL.sub("", text)


class UnknownMode(ValueError):
    """A row carries a settlement mode that is not one of MODES."""


@dataclass(frozen=True, slots=True)
class PaymentRow:
    order_id: str
    delivery_date: date
    customer_id: str
    customer_name: str
    total_cents: int
    mode: str
    amount_paid_cents: int
    credit_note_cents: int
    received: Mapping[str, int] | None = None
    """The money received for the order per mode; by default its amount paid, in its mode."""
    recorded_by: str | None = None
    """Who recorded its settlement (an operator's name); None: the system, or not told."""
    refunded_cents: int = 0
    """What SumUp gave back of its online money since: taken off `received` (the settlement's),
    counted back in the order's own period, as a refund of its own on the day it was made."""

    def __post_init__(self) -> None:
        if self.mode not in MODE_LABELS:
            raise UnknownMode(f"unknown settlement mode {self.mode!r} for order {self.order_id}")
        if self.received is None:
            object.__setattr__(self, "received", received_in(self.mode, self.amount_paid_cents))
        elif any(mode not in PAYING_MODES for mode in self.received):
            raise UnknownMode(f"money received in an unknown mode for order {self.order_id}")

    @property
    def sales_cents(self) -> int:
        return 0 if self.mode == "not_delivered" else self.total_cents

    @property
    def received_cents(self) -> int:
        """Everything received for the order and kept, whatever its settlement's mode says now:
        money received stays received when the order is then not delivered or deducted from
        the account (refunds aside: `refunded_cents`)."""
        return sum(self.received.values())

    @property
    def mode_label(self) -> str:
        """The settlement's mode, and any other mode money came in by (paid twice)."""
        others = [MODE_LABELS[m] for m in MODES if m in self.received and m != self.mode]
        return " + ".join([MODE_LABELS[self.mode], *others])


@dataclass(frozen=True, slots=True)
class MovementRow:
    """A top-up (positive) or debit (negative) recorded by hand with a mode: money that came in
    or went out by that mode, not for an order."""

    at: datetime
    customer_id: str
    customer_name: str
    mode: str
    amount_cents: int
    label: str
    movement_id: uuid.UUID | None = None
    recorded_by: str | None = None
    """Who recorded it (an operator's name); None: the system, or not told."""
    order_id: uuid.UUID | None = None
    """A refund's order: money SumUp gave back of what was paid online for it, on the day it
    did (negative); None: a top-up or debit recorded by hand."""

    def __post_init__(self) -> None:
        if self.mode not in PAYING_MODES:
            raise UnknownMode(f"money moves by a paying mode, not {self.mode!r}")

    @property
    def nature(self) -> str:
        if self.order_id is not None:
            return "Remboursement"
        return "Recharge" if self.amount_cents > 0 else "Débit"


def refund_label(delivery_date: date) -> str:
    """A refund's line in the movements: which order's money went back."""
    return f"Remboursement en ligne, commande du {delivery_date:%d/%m/%Y}"




@dataclass(frozen=True, slots=True)
class ModeSummary:
    mode: str
    orders: int
    sales_cents: int
    received_cents: int
    credit_note_cents: int = 0
    moved_cents: int = 0
    """Top-ups and debits recorded by hand with this mode."""

    @property
    def label(self) -> str:
        return "Total" if self.mode == TOTAL else MODE_LABELS[self.mode]

    @property
    def total_received_cents(self) -> int:
        """What came in by this mode in all: the orders' money, and the accounts' movements."""
        return self.received_cents + self.moved_cents


class ModeTotals:
    """Running per-mode totals, fed one row at a time so that rows can be streamed."""

    __slots__ = ("_figures",)

    def __init__(self) -> None:
        # mode -> [orders, sales_cents, received_cents, credit_note_cents, moved_cents]
        self._figures: dict[str, list[int]] = {}

    def add(self, row: PaymentRow) -> None:
        figures = self._figures.get(row.mode)
        if figures is None:
            figures = self._figures[row.mode] = [0, 0, 0, 0, 0]
        figures[0] += 1
        figures[1] += row.sales_cents
        figures[3] += row.credit_note_cents
        for mode, cents in row.received.items():  # money counts in the mode it came in by
            received = self._figures.get(mode)
            if received is None:
                received = self._figures[mode] = [0, 0, 0, 0, 0]
            received[2] += cents
        if row.refunded_cents:  # as it came in: the refunds count on their own days
            online = self._figures.get("online")
            if online is None:
                online = self._figures["online"] = [0, 0, 0, 0, 0]
            online[2] += row.refunded_cents

    def add_movement(self, movement: MovementRow) -> None:
        figures = self._figures.get(movement.mode)
        if figures is None:
            figures = self._figures[movement.mode] = [0, 0, 0, 0, 0]
        figures[4] += movement.amount_cents

    def summaries(self) -> list[ModeSummary]:
        return [ModeSummary(mode, *self._figures[mode]) for mode in MODES if mode in self._figures]

    def total(self) -> ModeSummary:
        return total_of(self.summaries())


def summarise_by_mode(rows: Iterable[PaymentRow],
                      movements: Iterable[MovementRow] = ()) -> list[ModeSummary]:
    """One summary per mode present in ``rows``, in MODES order.

    An order counts once, in the mode of its current settlement. Sales are the order total,
    except for a ``not_delivered`` order: it is listed (it counts in ``orders``) with 0 sales, as
    it does not count in the customer account either. Received is the money that came in for
    the orders, in the mode it came in by (cash, cheque, card, transfer, online), whatever mode
    the order is settled in now: an order paid in cash and then online counts in both, one paid
    and then not delivered still counts what was paid. Credit notes are summed as given. The
    top-ups and debits recorded by hand with a mode count apart (`moved_cents`): with the
    orders' money, what came in by each mode in all, as the drawer and the bank count it.
    """
    totals = ModeTotals()
    for row in rows:
        totals.add(row)
    for movement in movements:
        totals.add_movement(movement)
    return totals.summaries()


def total_of(summaries: Iterable[ModeSummary]) -> ModeSummary:
    """The grand total (mode ``TOTAL``) of per-mode summaries."""
    orders = sales_cents = received_cents = credit_note_cents = moved_cents = 0
    for summary in summaries:
        orders += summary.orders
        sales_cents += summary.sales_cents
        received_cents += summary.received_cents
        credit_note_cents += summary.credit_note_cents
        moved_cents += summary.moved_cents
    return ModeSummary(TOTAL, orders, sales_cents, received_cents, credit_note_cents,
                       moved_cents)
