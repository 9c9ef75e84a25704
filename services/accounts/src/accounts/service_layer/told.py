"""What an account's changes tell the other services: its domain events as the published ones."""

from accounts.domain import (
    Account,
    BalanceMoved,
    CustomerDetailsSet,
    HoldClosed,
    HoldOpened,
    MovementRecorded,
)
from accounts.domain.holds import POSTED
from ardoise.events import (
    BalanceChanged,
    BalanceHeld,
    CustomerRegistered,
    Event,
    HoldPosted,
    HoldReleased,
)
from ardoise.events import MovementRecorded as MovementTold


def told(account: Account) -> list[Event]:
    """The events an account's changes in one transaction publish: a hold taken first (a
    checkout waits on it, and a consumer takes a partition's events one after another), then
    what else happened in order, then its balance once, as it stands at the end."""
    who = {"producer_id": account.producer_id, "customer_id": account.customer_id}
    first: list[Event] = []
    then: list[Event] = []
    moved: list[BalanceMoved] = []
    for change in account.events:
        match change:
            case HoldOpened(hold=hold, total_cents=total_cents):
                first.append(BalanceHeld(
                    **who, order_id=hold.order_id, hold_id=hold.hold_id, attempt=hold.attempt,
                    total_cents=total_cents, applied_cents=hold.amount_cents,
                    expires_at=hold.expires_at))
            case HoldClosed(hold=hold) if hold.status == POSTED:
                then.append(HoldPosted(**who, order_id=hold.order_id, hold_id=hold.hold_id,
                                       applied_cents=hold.amount_cents))
            case HoldClosed(hold=hold):
                then.append(HoldReleased(**who, order_id=hold.order_id, hold_id=hold.hold_id,
                                         applied_cents=hold.amount_cents, reason=hold.reason))
            case MovementRecorded(movement=m):
                then.append(MovementTold(**who, movement_id=m.movement_id, at=m.at,
                                         amount_cents=m.amount_cents, mode=m.mode,
                                         label=m.label, actor=m.recorded_by))
            case CustomerDetailsSet(name=name, email=email):
                then.append(CustomerRegistered(**who, name=name, email=email))
            case BalanceMoved():
                moved.append(change)
    if moved:
        last_movement = next((m.movement_id for m in reversed(moved) if m.movement_id), None)
        then.append(BalanceChanged(**who, balance_cents=moved[-1].balance_cents,
                                   held_cents=moved[-1].held_cents, movement_id=last_movement))
    return first + then
