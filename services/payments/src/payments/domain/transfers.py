"""Transfers read on the bank statement, added to an order's settlement or taken back off it
(the undoing of a match: a counter-entry, the money moved, never erased). No I/O."""

from dataclasses import replace

from ardoise.errors import Conflict
from ardoise.events.vocabulary import MANUAL_MODES, SettlementMode
from payments.domain.settlement import Settlement

TRANSFER = SettlementMode.TRANSFER


def receive_transfer(current: Settlement, cents: int) -> Settlement:
    """The transfer's money added to what the order received by transfer. An order the producer
    settled by hand in another mode keeps that mode (both payments are shown, the surplus is
    credit); otherwise it is now settled by transfer."""
    if cents <= 0:
        raise ValueError(f"a transfer received is positive, not {cents}")
    received = dict(current.received)
    received[TRANSFER] = received.get(TRANSFER, 0) + cents
    mode = current.mode if current.mode in MANUAL_MODES else TRANSFER
    return replace(current, mode=mode, received=received, version=current.version + 1)


def take_back_transfer(current: Settlement, cents: int) -> Settlement:
    """A matched transfer's money taken back off the order (the match undone or moved)."""
    by_transfer = current.received.get(TRANSFER, 0)
    if not 0 < cents <= by_transfer:
        raise Conflict(f"the order received {by_transfer} cents by transfer: {cents} cannot be "
                       "taken back off it")
    received = dict(current.received)
    received[TRANSFER] = by_transfer - cents
    if not received[TRANSFER]:
        del received[TRANSFER]
    return replace(current, received=received, version=current.version + 1)


def due_cents(total_cents: int, current: Settlement) -> int:
    """What is left to pay on an order awaiting its money: the total less what came in."""
    return max(0, total_cents - current.amount_paid_cents)


def awaits_money(current: Settlement) -> bool:
    """An order a transfer may pay: not settled yet, or settled by transfer."""
    return current.mode in (SettlementMode.NOT_DELIVERED, TRANSFER)
