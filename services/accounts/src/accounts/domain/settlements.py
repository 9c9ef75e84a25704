"""Settlements: what an order counts in an account, and the movements that make it so."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from accounts.domain.modes import MODE_NAMES

ORDER, PAYMENT = "order", "payment"
ONLINE = "online"


@dataclass(frozen=True)
class OrderPosition:
    """What one order currently counts in the account, and the settlement version it reflects:
    the order total debited (unless not delivered) and the money received for it, per mode."""

    order_id: uuid.UUID
    version: int = 0
    debited_cents: int = 0
    credits: Mapping[str, int] = field(default_factory=dict)

    @property
    def credited_cents(self) -> int:
        return sum(self.credits.values())

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
                    received: Mapping[str, int]) -> OrderPosition:
    """What the order must count once this settlement applies: its total, unless not delivered,
    and every payment received for it, whatever the mode (money received is never erased)."""
    debited = 0 if mode == "not_delivered" else total_cents
    return OrderPosition(order_id, version, debited, {m: c for m, c in received.items() if c})


def entries_between(current: OrderPosition, target: OrderPosition, mode: str) -> list[Entry]:
    """The movements taking the account from the current position of an order to the target one:
    the order's debit, then each mode's payment, in a stable order."""
    entries = []
    reference = str(current.order_id)[:8]
    if target.debited_cents != current.debited_cents:
        prefix = ("Commande" if current.debited_cents == 0 else
                  "Commande non livrée" if target.debited_cents == 0 else "Correction commande")
        entries.append(Entry(ORDER, current.debited_cents - target.debited_cents,
                             f"{prefix} {reference}", mode))
    # a mode no longer paid in is reversed in full before another is credited, so that each
    # mode's total (the cash drawer, the bank) stays readable
    for paid_mode in sorted(current.credits.keys() - target.credits.keys()):
        entries.append(_payment(-current.credits[paid_mode], _prefix(paid_mode, 1, 0), paid_mode,
                                reference))
    for paid_mode in sorted(target.credits):
        before, after = current.credits.get(paid_mode, 0), target.credits[paid_mode]
        if after != before:
            entries.append(_payment(after - before, _prefix(paid_mode, before, after), paid_mode,
                                    reference))
    return entries


def _prefix(paid_mode: str, before: int, after: int) -> str:
    if before == 0:
        return "Paiement"
    if paid_mode == ONLINE and after < before:
        return "Remboursement"  # online money only ever goes back through a SumUp refund
    return "Annulation paiement" if after == 0 else "Correction paiement"


def _payment(amount_cents: int, prefix: str, mode: str, reference: str) -> Entry:
    return Entry(PAYMENT, amount_cents, f"{prefix} {MODE_NAMES[mode]} {reference}", mode)
