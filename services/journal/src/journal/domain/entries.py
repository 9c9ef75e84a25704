"""What the journal records of each event: the entries, their content, their source key. No I/O.

A source key names what an entry records (an invoice's number, an order's settlement version,
a movement), so that an event told twice, or republished under another id, records nothing more.
Every entry names who made what it records (`actor`: an operator's name, as the event tells it;
None: the system, or an event from before it was told); entries chained before it have no such
key, and their hashes stay as they were.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from ardoise.events import InvoiceIssued, MovementRecorded, SettlementChanged

SALE_KINDS = ("invoice", "credit_invoice")
KINDS = (*SALE_KINDS, "credit_note", "payment", "settlement", "movement")


@dataclass(frozen=True)
class NewEntry:
    """An entry to chain: its kind, what it records, when that happened, what it says."""

    kind: str
    source: str
    occurred_at: datetime
    content: dict


@dataclass(frozen=True)
class OrderState:
    """What the journal last knew of an order's settlement."""

    customer_id: str
    online_payment: bool = False
    settlement_version: int = 0
    received: dict[str, int] = field(default_factory=dict)
    credit_note_number: int | None = None
    credit_note_cents: int = 0


def invoice_entry(event: InvoiceIssued, corrects_seq: int | None, online_payment: bool,
                  payment_modes: list[str]) -> NewEntry:
    """A sale (invoice) or its correction (facture d'avoir, amounts negative), with its lines."""
    return NewEntry(event.kind, f"invoice:{event.number}", event.issued_at, {
        "number": event.number, "order_id": str(event.order_id),
        "customer_id": event.customer_id, "customer_name": event.customer_name,
        "issued_at": _iso(event.issued_at), "issue_date": event.issue_date.isoformat(),
        "channel": "online" if online_payment else "order",
        "corrects": event.corrects, "corrects_seq": corrects_seq,
        "total_ht_cents": event.total_ht_cents, "total_vat_cents": event.total_vat_cents,
        "total_cents": event.total_cents,
        "vat": [row.model_dump() for row in event.vat],
        "lines": [line.model_dump() for line in event.lines],
        "payment_modes": sorted(payment_modes), "actor": event.actor,
    })


def settlement_entries(event: SettlementChanged, known: OrderState | None
                       ) -> tuple[list[NewEntry], OrderState | None]:
    """A settlement's version: the settlement itself, the money received since the version
    before (per mode; a refund negative), the credit note issued, replaced or withdrawn. A
    version the journal already passed records nothing (None: the state stays)."""
    state = known or OrderState(event.customer_id)
    if event.version <= state.settlement_version:
        return [], None
    order = str(event.order_id)
    received = {str(mode): cents for mode, cents in event.received.items() if cents}
    at = event.occurred_at
    found = [NewEntry("settlement", f"settlement:{order}:{event.version}", at, {
        "order_id": order, "customer_id": event.customer_id, "version": event.version,
        "total_cents": event.total_cents, "delivery_date": event.delivery_date.isoformat(),
        "mode": str(event.mode), "amount_paid_cents": event.amount_paid_cents,
        "received": received, "credit_note_cents": event.credit_note_cents,
        "credit_note_number": event.credit_note_number, "actor": event.actor})]
    for mode in sorted(set(received) | set(state.received)):
        moved = received.get(mode, 0) - state.received.get(mode, 0)
        if moved:
            found.append(NewEntry("payment", f"payment:{order}:{event.version}:{mode}", at, {
                "order_id": order, "customer_id": event.customer_id, "mode": mode,
                "amount_cents": moved, "settlement_version": event.version,
                "actor": event.actor}))
    now_cents = event.credit_note_cents if event.credit_note_number is not None else 0
    if (event.credit_note_number, now_cents) != (state.credit_note_number,
                                                 state.credit_note_cents):
        if state.credit_note_number is not None:
            found.append(_credit_note(event, state.credit_note_number,
                                      -state.credit_note_cents, cancels=True))
        if event.credit_note_number is not None:
            found.append(_credit_note(event, event.credit_note_number, now_cents,
                                      cancels=False))
    return found, OrderState(event.customer_id, state.online_payment, event.version, received,
                             event.credit_note_number, now_cents)


def _credit_note(event: SettlementChanged, number: int, cents: int, cancels: bool) -> NewEntry:
    source = f"credit-note:{event.order_id}:{event.version}:{'cancel' if cancels else 'issue'}"
    return NewEntry("credit_note", source, event.occurred_at, {
        "number": number, "order_id": str(event.order_id), "customer_id": event.customer_id,
        "amount_cents": cents, "cancels": cancels, "actor": event.actor})


def movement_entry(event: MovementRecorded) -> NewEntry:
    """A top-up or debit by hand: money by its mode, or an adjustment of the balance."""
    return NewEntry("movement", f"movement:{event.movement_id}", event.at, {
        "movement_id": str(event.movement_id), "customer_id": event.customer_id,
        "at": _iso(event.at), "amount_cents": event.amount_cents,
        "mode": None if event.mode is None else str(event.mode), "label": event.label,
        "actor": event.actor})


def recording_day(occurred_local: date, closed_through: date | None) -> date:
    """The day an entry is recorded into: its own, unless closed (then the first open one; the
    entry keeps its own time in `occurred_at`)."""
    if closed_through is not None and occurred_local <= closed_through:
        return date.fromordinal(closed_through.toordinal() + 1)
    return occurred_local


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()
