"""The account aggregate: an append-only ledger of movements, its balance and its holds."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from accounts.domain import exceptions as guard
from accounts.domain.holds import PENDING, POSTED, RELEASED, Hold, amount_to_apply
from accounts.domain.identity import CustomerIdentity
from accounts.domain.modes import MODE_NAMES
from accounts.domain.settlements import OrderPosition, entries_between, target_position

CREDIT, DEBIT = "credit", "debit"
ONLINE_TOP_UP_LABEL = "Recharge en ligne (SumUp)"


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
    recorded_by: str | None = None
    """Who made it (an operator's name, as the history shows it); None: the system, from an
    event that named no one."""


@dataclass(frozen=True)
class CustomerDetailsSet:
    """A customer was registered, or renamed."""

    name: str
    email: str | None


@dataclass(frozen=True)
class MovementRecorded:
    """A credit, top-up or debit recorded by hand (not an order's): with its mode, money that
    came in or went out by that mode."""

    movement: Movement


@dataclass(frozen=True)
class BalanceMoved:
    """The balance or the held amount changed; the new figures, and the last movement if any."""

    balance_cents: int
    held_cents: int
    movement_id: uuid.UUID | None = None


@dataclass(frozen=True)
class HoldOpened:
    """Part of the balance was promised to an order's checkout (a copy of the hold as opened)."""

    hold: Hold
    total_cents: int


@dataclass(frozen=True)
class HoldClosed:
    """A hold was posted or released (a copy of the hold as closed)."""

    hold: Hold


def manual_label(direction: str, mode: str | None) -> str:
    if direction == CREDIT:
        return f"Recharge ({MODE_NAMES[mode]})" if mode else "Crédit"
    return f"Débit ({MODE_NAMES[mode]})" if mode else "Débit"


@dataclass
class Account:
    """One customer's account with one producer; loaded without its history, which is long."""

    producer_id: str
    customer_id: str
    name: str
    email: str | None = None
    balance_cents: int = 0
    held_cents: int = 0
    identity: CustomerIdentity = field(default_factory=CustomerIdentity)
    new_movements: list[Movement] = field(default_factory=list)
    events: list = field(default_factory=list)

    @classmethod
    def open(cls, producer_id: str, customer_id: str, name: str, email: str | None,
             identity: CustomerIdentity | None = None) -> "Account":
        account = cls(producer_id, customer_id, name="")
        account.rename(name, email)
        account.identify(identity or CustomerIdentity())
        return account

    def rename(self, name: str, email: str | None) -> None:
        name = guard.check_name_is_a_name(name)
        guard.check_email_looks_like_an_address(email)
        self.name, self.email = name, email
        self.events.append(CustomerDetailsSet(name, email))

    def identify(self, identity: CustomerIdentity) -> None:
        """What invoices will name the customer by (checked by `CustomerIdentity.checked`)."""
        self.identity = identity

    @property
    def available_cents(self) -> int:
        return self.balance_cents - self.held_cents

    def record(self, direction: str, amount_cents: int, label: str | None, mode: str | None,
               at: datetime, recorded_by: str | None = None) -> Movement:
        """A manual credit (a top-up when it has a mode) or debit, by `recorded_by`."""
        guard.check_direction_is_credit_or_debit(direction)
        guard.check_amount_is_positive_and_sane(amount_cents)
        guard.check_mode_is_a_manual_mode(mode)
        guard.check_label_fits(label)
        signed_cents = amount_cents if direction == CREDIT else -amount_cents
        movement = self._post(direction, signed_cents, label or manual_label(direction, mode), at,
                              mode=mode, recorded_by=recorded_by)
        self.events.append(MovementRecorded(movement))
        self._balance_moved(movement)
        return movement

    def receive_online(self, amount_cents: int, at: datetime) -> Movement:
        """Money SumUp confirmed for the account itself (an online top-up, or a debt paid):
        a credit by `online`, which no one records by hand (`record` refuses the mode)."""
        guard.check_amount_is_positive_and_sane(amount_cents)
        movement = self._post(CREDIT, amount_cents, ONLINE_TOP_UP_LABEL, at, mode="online")
        self.events.append(MovementRecorded(movement))
        self._balance_moved(movement)
        return movement

    def apply_settlement(self, position: OrderPosition | None, order_id: uuid.UUID, version: int,
                         total_cents: int, mode: str, received: Mapping[str, int],
                         at: datetime, actor: str | None = None) -> OrderPosition | None:
        """Make the account match the order's settlement and the money received for it (its
        movements recorded by `actor`, who made the settlement); None for a stale or repeated
        version."""
        guard.check_version_is_a_positive_count(version)
        guard.check_amount_is_not_negative_and_sane(total_cents, "total_cents")
        guard.check_mode_is_a_settlement_mode(mode)
        for paid_mode, amount_cents in received.items():
            guard.check_mode_is_a_paying_mode(paid_mode)
            guard.check_amount_is_not_negative_and_sane(amount_cents, "received")
        current = position or OrderPosition(order_id)
        if current.order_id != order_id:
            raise ValueError(f"the position of order {current.order_id} is not {order_id}'s")
        if version <= current.version:
            return None
        target = target_position(order_id, version, total_cents, mode, received)
        movement = None
        for entry in entries_between(current, target, mode):
            movement = self._post(entry.kind, entry.amount_cents, entry.label, at, order_id,
                                  entry.mode, actor)
        if movement is not None:
            self._balance_moved(movement)
        return target

    def hold(self, order_id: uuid.UUID, attempt: int, total_cents: int, expires_at: datetime,
             existing: Hold | None, at: datetime) -> Hold:
        """Promise part of the balance to one checkout attempt; asking again changes nothing."""
        guard.check_attempt_is_a_count(attempt)
        guard.check_amount_is_not_negative_and_sane(total_cents, "total_cents")
        if existing is not None:
            if not existing.is_for(order_id, attempt):
                raise ValueError(f"hold {existing.hold_id} is not the one of this attempt")
            # told again: the checkout of this attempt waits on it
            self.events.append(HoldOpened(replace(existing), total_cents))
            return existing
        applied_cents = amount_to_apply(self.available_cents, total_cents)
        hold = Hold(uuid.uuid4(), order_id, attempt, applied_cents, PENDING, expires_at)
        self.held_cents += applied_cents
        self.events.append(HoldOpened(replace(hold), total_cents))
        if applied_cents:
            self._balance_moved()
        return hold

    def post_hold(self, hold: Hold, at: datetime) -> bool:
        """What was promised is realised; the settlement's movements have moved the balance."""
        return bool(self._close_and_tell([hold], POSTED, "settled", at))

    def release_hold(self, hold: Hold, reason: str, at: datetime) -> bool:
        return bool(self._close_and_tell([hold], RELEASED, reason, at))

    def release_earlier_attempts(self, holds: list[Hold], attempt: int, at: datetime) -> list[Hold]:
        """A new checkout attempt of an order replaces the earlier ones, which failed or expired
        (no other attempt may be retried): their pending holds are given back before it holds,
        whichever of the failure and the new attempt is heard of first. Returns those released."""
        earlier = [hold for hold in holds if hold.attempt < attempt and hold.is_pending]
        return self._close_and_tell(earlier, RELEASED, "superseded", at)

    def expire_holds(self, holds: list[Hold], at: datetime) -> list[Hold]:
        """Release the pending holds whose expiry has come; returns those released now."""
        due = [hold for hold in holds if hold.is_pending and hold.has_expired(at)]
        return self._close_and_tell(due, RELEASED, "expired", at)

    def _close_and_tell(self, holds: list[Hold], status: str, reason: str,
                        at: datetime) -> list[Hold]:
        held_before = self.held_cents
        closed = []
        for hold in holds:
            if hold.close(status, at, reason):
                self.held_cents -= hold.amount_cents
                self.events.append(HoldClosed(replace(hold)))
                closed.append(hold)
        if self.held_cents != held_before:
            self._balance_moved()
        return closed

    def _post(self, kind: str, amount_cents: int, label: str, at: datetime,
              order_id: uuid.UUID | None = None, mode: str | None = None,
              recorded_by: str | None = None) -> Movement:
        self.balance_cents += amount_cents
        movement = Movement(uuid.uuid4(), self.customer_id, at, kind, amount_cents,
                            self.balance_cents, label, order_id, mode, recorded_by)
        self.new_movements.append(movement)
        return movement

    def _balance_moved(self, last: Movement | None = None) -> None:
        self.events.append(BalanceMoved(self.balance_cents, self.held_cents,
                                        last.movement_id if last else None))
