"""Settlements: what an order counts in an account, and the movements that make it so."""

import uuid
from dataclasses import dataclass

from accounts.domain.modes import MODE_NAMES, PAYING_MODES

ORDER, PAYMENT = "order", "payment"


@dataclass(frozen=True)
class OrderPosition:
    """What one order currently counts in the account, and the settlement version it reflects."""

    order_id: uuid.UUID
    version: int = 0
    debited_cents: int = 0
    credited_cents: int = 0
    credit_mode: str | None = None

    @property
    def effect_cents(self) -> int:
        """The order's net effect on the balance."""
        return self.credited_cents - self.debited_cents


@dataclass(frozen=True)
class Entry:
    """A movement a settlement change calls for, before it is posted to the ledger."""

    kind: str
    amount_cents: int
    label: str
    mode: str


def target_position(order_id: uuid.UUID, version: int, total_cents: int, mode: str,
                    amount_paid_cents: int) -> OrderPosition:
    """What the order must count once this settlement applies."""
    debited = 0 if mode == "not_delivered" else total_cents
    credited = amount_paid_cents if mode in PAYING_MODES else 0
    return OrderPosition(order_id, version, debited, credited, mode if credited else None)


def entries_between(current: OrderPosition, target: OrderPosition, mode: str) -> list[Entry]:
    """The movements taking the account from the current position of an order to the target one."""
    entries = []
    reference = str(current.order_id)[:8]
    if target.debited_cents != current.debited_cents:
        prefix = "Commande" if current.debited_cents == 0 else "Correction commande"
        entries.append(Entry(ORDER, current.debited_cents - target.debited_cents,
                             f"{prefix} {reference}", mode))
    credited = current.credited_cents
    if credited and current.credit_mode != target.credit_mode:
        # Reversed in full so that each mode's total (the cash drawer, the bank) stays readable.
        entries.append(_payment(-credited, "Annulation paiement", current.credit_mode, reference))
        credited = 0
    if target.credited_cents != credited:
        prefix = "Paiement" if credited == 0 else "Correction paiement"
        entries.append(_payment(target.credited_cents - credited, prefix, target.credit_mode,
                                reference))
    return entries


def _payment(amount_cents: int, prefix: str, mode: str, reference: str) -> Entry:
    return Entry(PAYMENT, amount_cents, f"{prefix} {MODE_NAMES[mode]} {reference}", mode)
