"""Credit notes (avoirs): one states an order's current difference; never renumbered. No I/O."""

from dataclasses import dataclass


@dataclass(frozen=True)
class CreditNote:
    """An issued credit note: its number (per producer, sequential) and the signed difference."""

    number: int
    amount_cents: int


@dataclass(frozen=True)
class CreditNoteRevision:
    """What a settlement change does to an order's credit note."""

    cancel: CreditNote | None
    """The note in force that no longer states the difference (cancelled, its number kept)."""
    issue_cents: int
    """The amount of a new note to number and issue; 0 for none."""
    kept: CreditNote | None = None
    """The note in force when it still states the difference."""


def revise_credit_note(current: CreditNote | None, owed_cents: int) -> CreditNoteRevision:
    """The note in force is kept while the difference is the same, else replaced by a new one."""
    if current is not None and current.amount_cents == owed_cents:
        return CreditNoteRevision(cancel=None, issue_cents=0, kept=current)
    return CreditNoteRevision(cancel=current, issue_cents=owed_cents)
