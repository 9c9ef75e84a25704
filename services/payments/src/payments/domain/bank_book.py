"""The life of a bank transaction: imported once, matched, applied or queued, confirmed,
reassigned, ignored or undone. Nothing is ever deleted: undoing an application is a
counter-entry. Each action returns the new transaction and the ledger effects the service layer
carries out (settlements, account movements). No I/O."""

import uuid
from collections.abc import Container, Iterable
from dataclasses import dataclass, replace

from ardoise.errors import Conflict, Invalid
from payments.domain.bank_matching import Proposal
from payments.domain.statements.model import BankLine

NEW, APPLIED, QUEUED, IGNORED, LISTED = "new", "applied", "queued", "ignored", "listed"
"""`new` until matched; `applied` to a customer (and order); `queued` for the producer;
`ignored` by the producer; `listed`: a debit, or a line of no amount, shown but never applied."""


@dataclass(frozen=True)
class Application:
    """Money of a transaction applied to a customer (and order): `amount_cents` > 0, or the
    counter-entry that undoes an earlier application, < 0."""

    customer_id: str
    order_id: uuid.UUID | None
    amount_cents: int


@dataclass(frozen=True)
class Transaction:
    """A bank line kept once, under its key, and what was done with it. `customer_id`,
    `order_id`, `score` and `reasons` are the current match: the matcher's proposal, or the
    producer's choice (no score); `applications` is its whole history, in order."""

    key: str
    line: BankLine
    status: str = NEW
    customer_id: str | None = None
    order_id: uuid.UUID | None = None
    score: int | None = None
    reasons: tuple[str, ...] = ()
    applications: tuple[Application, ...] = ()

    @property
    def applied_cents(self) -> int:
        """What the transaction's customer holds of it now: the line's amount when applied,
        else 0."""
        return sum(a.amount_cents for a in self.applications)


@dataclass(frozen=True)
class Credit:
    """Carry out application number `entry` of transaction `key`: `amount_cents` received from
    the customer, for the order when there is one (its settlement), else on its account."""

    customer_id: str
    order_id: uuid.UUID | None
    amount_cents: int
    key: str
    entry: int
    """The application's index in the transaction's history: with `key`, an idempotency key."""

    @property
    def signed_cents(self) -> int:
        return self.amount_cents


@dataclass(frozen=True)
class Reversal:
    """Carry out the counter-entry number `entry` of transaction `key`: `amount_cents` (> 0)
    credited earlier to this customer (and order) taken back."""

    customer_id: str
    order_id: uuid.UUID | None
    amount_cents: int
    key: str
    entry: int

    @property
    def signed_cents(self) -> int:
        return -self.amount_cents


Effect = Credit | Reversal
Outcome = tuple[Transaction, list[Effect]]


def import_lines(known_keys: Container[str],
                 lines: Iterable[BankLine]) -> tuple[list[Transaction], int]:
    """The new transactions of a file's lines, in its order, and how many lines were
    duplicates: already known, or repeated in the file."""
    new: dict[str, Transaction] = {}
    duplicates = 0
    for line in lines:
        key = line.key
        if key in known_keys or key in new:
            duplicates += 1
        else:
            new[key] = Transaction(key, line)
    return list(new.values()), duplicates


def decide(tx: Transaction, proposal: Proposal | None) -> Outcome:
    """A new transaction matched: a debit is listed; a sure proposal applied; any other
    queued, keeping the proposal (none: queued unmatched)."""
    _check_status(tx, "match", NEW)
    if tx.line.amount_cents <= 0:
        return replace(tx, status=LISTED), []
    if proposal is None:
        return replace(tx, status=QUEUED), []
    matched = replace(tx, customer_id=proposal.customer_id, order_id=proposal.order_id,
                      score=proposal.score, reasons=proposal.reasons)
    if proposal.sure:
        return _apply(matched)
    return replace(matched, status=QUEUED), []


def set_aside(tx: Transaction, reason: str) -> Outcome:
    """A new credit that is no customer's transfer (a card processor's payout): listed with
    why, never applied to a customer, never waiting in the queue."""
    _check_status(tx, "set aside", NEW)
    return replace(tx, status=LISTED, reasons=(reason,)), []


def confirm(tx: Transaction) -> Outcome:
    """The producer confirms the queued proposal: it is applied."""
    _check_status(tx, "confirm", QUEUED)
    if tx.customer_id is None:
        raise Conflict("nothing was proposed for this transaction: reassign it to a customer")
    return _apply(tx)


def reassign(tx: Transaction, customer_id: str, order_id: uuid.UUID | None) -> Outcome:
    """The producer applies the transaction to this customer (and order): a queued one is
    applied; an applied one is undone by a counter-entry, then applied anew."""
    _check_status(tx, "reassign", QUEUED, APPLIED)
    if not customer_id:
        raise Invalid("a customer is needed", "customer_id")
    if tx.status == APPLIED and (tx.customer_id, tx.order_id) == (customer_id, order_id):
        return tx, []
    undone, effects = _reverse(tx)
    applied, credit = _apply(replace(undone, customer_id=customer_id, order_id=order_id,
                                     score=None, reasons=()))
    return applied, effects + credit


def ignore(tx: Transaction) -> Outcome:
    """The producer ignores the transaction: nothing of it is applied (an applied one is
    undone by a counter-entry)."""
    _check_status(tx, "ignore", QUEUED, APPLIED)
    undone, effects = _reverse(tx)
    return replace(undone, status=IGNORED), effects


def undo(tx: Transaction) -> Outcome:
    """The producer undoes an application (a counter-entry) or an ignore: the transaction is
    queued again with the same match, to be confirmed, reassigned or ignored."""
    _check_status(tx, "undo", APPLIED, IGNORED)
    undone, effects = _reverse(tx)
    return replace(undone, status=QUEUED), effects


def _apply(tx: Transaction) -> Outcome:
    application = Application(tx.customer_id, tx.order_id, tx.line.amount_cents)
    applied = replace(tx, status=APPLIED, applications=(*tx.applications, application))
    return applied, [Credit(tx.customer_id, tx.order_id, tx.line.amount_cents, tx.key,
                            len(tx.applications))]


def _reverse(tx: Transaction) -> Outcome:
    """The counter-entry of the application in force, if any."""
    if tx.status != APPLIED:
        return tx, []
    last = tx.applications[-1]
    counter = Application(last.customer_id, last.order_id, -last.amount_cents)
    reversed_tx = replace(tx, applications=(*tx.applications, counter))
    return reversed_tx, [Reversal(last.customer_id, last.order_id, last.amount_cents, tx.key,
                                  len(tx.applications))]


def _check_status(tx: Transaction, action: str, *allowed: str) -> None:
    if tx.status not in allowed:
        raise Conflict(f"cannot {action} a transaction that is {tx.status} (only one that is "
                       f"{' or '.join(allowed)})")
