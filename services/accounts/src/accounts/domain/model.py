"""The account aggregate: an append-only ledger of movements, its balance and its holds."""

import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime

from accounts.domain.exceptions import AmountOutOfRange, InvalidCustomer, LabelTooLong, UnknownMode
from accounts.domain.holds import PENDING, POSTED, RELEASED, Hold, amount_to_apply
from accounts.domain.modes import MANUAL_MODES, MODE_NAMES, PAYING_MODES, SETTLEMENT_MODES
from ardoise.money import MAX_AMOUNT_CENTS

MAX_LABEL = 200


@dataclass(frozen=True)
class Movement:
    """One line of the history; never edited, a mistake is corrected by another movement."""

    movement_id: uuid.UUID
    customer_id: str
    at: datetime
    kind: str
    amount_cents: int
    balance_after_cents: int
    label: str
    order_id: uuid.UUID | None = None
    mode: str | None = None


@dataclass(frozen=True)
class OrderPosition:
    """What one order currently counts in the account, and the settlement version it reflects."""

    order_id: uuid.UUID
    version: int = 0
    debited_cents: int = 0
    credited_cents: int = 0
    credit_mode: str | None = None


def check_amount_is_positive_and_sane(amount_cents: object) -> int:
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int):
        raise AmountOutOfRange("amount must be a whole number of cents", "amount_cents")
    if not 0 < amount_cents <= MAX_AMOUNT_CENTS:
        raise AmountOutOfRange(f"amount must be between 1 and {MAX_AMOUNT_CENTS} cents",
                               "amount_cents")
    return amount_cents


def check_mode_is_a_manual_mode(mode: str | None) -> None:
    if mode is not None and mode not in MANUAL_MODES:
        raise UnknownMode(f"mode must be one of {sorted(MANUAL_MODES)}", "mode")


def check_label_fits(label: str | None) -> None:
    if label is not None and len(label) > MAX_LABEL:
        raise LabelTooLong(f"label is longer than {MAX_LABEL} characters", "label")


@dataclass
class Account:
    producer_id: str
    customer_id: str
    name: str
    email: str | None = None
    balance_cents: int = 0
    held_cents: int = 0
    new_movements: list[Movement] = field(default_factory=list)

    @classmethod
    def open(cls, producer_id: str, customer_id: str, name: str, email: str | None) -> "Account":
        name = name.strip()
        if not 1 <= len(name) <= 200:
            raise InvalidCustomer("name must have 1 to 200 characters", "name")
        if email is not None and (len(email) > 254 or "@" not in email):
            raise InvalidCustomer("email is not an address", "email")
        return cls(producer_id, customer_id, name, email)

    @property
    def available_cents(self) -> int:
        return self.balance_cents - self.held_cents

    def _post(self, kind: str, amount_cents: int, label: str, at: datetime,
              order_id: uuid.UUID | None = None, mode: str | None = None) -> Movement:
        self.balance_cents += amount_cents
        movement = Movement(uuid.uuid4(), self.customer_id, at, kind, amount_cents,
                            self.balance_cents, label, order_id, mode)
        self.new_movements.append(movement)
        return movement

    def record(self, direction: str, amount_cents: int, label: str | None, mode: str | None,
               at: datetime) -> Movement:
        """A manual credit (a top-up when it has a mode) or debit."""
        check_amount_is_positive_and_sane(amount_cents)
        check_mode_is_a_manual_mode(mode)
        check_label_fits(label)
        if direction not in ("credit", "debit"):
            raise UnknownMode("direction must be credit or debit", "direction")
        if not label:
            label = ("Recharge" if mode else "Crédit") if direction == "credit" else "Débit"
            label += f" ({MODE_NAMES[mode]})" if mode else ""
        signed = amount_cents if direction == "credit" else -amount_cents
        return self._post(direction, signed, label, at, mode=mode)

    def apply_settlement(self, position: OrderPosition | None, order_id: uuid.UUID, version: int,
                         total_cents: int, mode: str, amount_paid_cents: int,
                         at: datetime) -> OrderPosition | None:
        """Make the account match the order's settlement; None for a stale or repeated version."""
        if mode not in SETTLEMENT_MODES:
            raise UnknownMode(f"unknown settlement mode {mode!r}", "mode")
        position = position or OrderPosition(order_id)
        if version <= position.version:
            return None
        reference = str(order_id)[:8]
        target_debit = 0 if mode == "not_delivered" else total_cents
        target_credit = amount_paid_cents if mode in PAYING_MODES else 0
        target_mode = mode if target_credit else None
        if target_debit != position.debited_cents:
            label = (f"Commande {reference}" if position.debited_cents == 0
                     else f"Correction commande {reference}")
            self._post("order", position.debited_cents - target_debit, label, at, order_id, mode)
        credited, credit_mode = position.credited_cents, position.credit_mode
        if credited and credit_mode != target_mode:
            self._post("payment", -credited, f"Annulation paiement {MODE_NAMES[credit_mode]}"
                       f" {reference}", at, order_id, credit_mode)
            credited = 0
        if target_credit != credited:
            verb = "Paiement" if credited == 0 else "Correction paiement"
            self._post("payment", target_credit - credited,
                       f"{verb} {MODE_NAMES[target_mode or mode]} {reference}", at, order_id,
                       target_mode or mode)
        return replace(position, version=version, debited_cents=target_debit,
                       credited_cents=target_credit, credit_mode=target_mode)

    def hold(self, order_id: uuid.UUID, attempt: int, total_cents: int, expires_at: datetime,
             existing: Hold | None, at: datetime) -> Hold:
        """Promise part of the balance to one checkout attempt; asking again changes nothing."""
        if existing is not None:
            return existing
        applied = amount_to_apply(self.available_cents, total_cents)
        self.held_cents += applied
        return Hold(uuid.uuid4(), order_id, attempt, applied, PENDING, expires_at)

    def post_hold(self, hold: Hold, at: datetime) -> bool:
        return self._close(hold, POSTED, at, "settled")

    def release_hold(self, hold: Hold, reason: str, at: datetime) -> bool:
        return self._close(hold, RELEASED, at, reason)

    def expire_holds(self, holds: list[Hold], at: datetime) -> list[Hold]:
        return [h for h in holds if h.is_pending and h.expires_at <= at
                and self.release_hold(h, "expired", at)]

    def _close(self, hold: Hold, status: str, at: datetime, reason: str) -> bool:
        if not hold.close(status, at, reason):
            return False
        self.held_cents -= hold.amount_cents
        return True
