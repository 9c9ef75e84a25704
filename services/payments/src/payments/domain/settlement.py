"""Settlement rules: which modes exist, what is paid, when a credit note is owed. No I/O."""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from zoneinfo import available_timezones

from ardoise.errors import Conflict, Invalid
from ardoise.events.vocabulary import MANUAL_MODES, MODES, PAYING_MODES, SettlementMode
from ardoise.money import MAX_AMOUNT_CENTS

NOT_DELIVERED, ONLINE = SettlementMode.NOT_DELIVERED, SettlementMode.ONLINE
DEFAULT_ACCEPTED = ("account", "cash", "cheque", "card", "transfer")
"""Online payment is offered once the producer connects its own SumUp account."""
DEFAULT_TIME_ZONE = "Europe/Paris"


@dataclass(frozen=True)
class KnownOrder:
    """An order as the payments service knows it: enough to settle it and to list it."""

    order_id: uuid.UUID
    customer_id: str
    total_cents: int
    delivery_date: date


@dataclass(frozen=True)
class PaymentSettings:
    """A producer's payment settings; a producer that never set them gets these defaults:
    payment tracking off until the producer turns it on (nothing settled, no balance moved,
    nothing shown), the manual modes accepted once it does."""

    payment_tracking: bool = False
    accepted_modes: tuple[str, ...] = DEFAULT_ACCEPTED
    online_payment_required: bool = False
    sumup_merchant_code: str | None = None
    sumup_connected: bool = False
    """Whether the producer gave the API key of its SumUp account (kept sealed, never shown)."""
    time_zone: str = DEFAULT_TIME_ZONE
    """The producer's local time: its days (an order's default delivery date), its weeks (the
    weekly e-mail) and the times printed on its documents."""

    def changed(self, **values: object) -> "PaymentSettings":
        """These settings with the given values changed, checked together."""
        if "accepted_modes" in values:
            values["accepted_modes"] = check_accepted_modes(list(values["accepted_modes"]))
        if "time_zone" in values:
            check_time_zone(values["time_zone"])
        new = replace(self, **values)
        if new.online_payment_required and "online" not in new.accepted_modes:
            raise Invalid("online payment cannot be required unless 'online' is accepted",
                          "accepted_modes")
        if ONLINE in new.accepted_modes and not new.payment_tracking:
            raise Conflict("online payment takes the customer's balance into account: turn "
                           "payment tracking on first (or stop accepting 'online' to turn it off)")
        if ONLINE in new.accepted_modes and not new.takes_online_payments:
            raise Conflict("online payment needs the producer's own SumUp account: give "
                           "sumup_merchant_code and sumup_api_key")
        return new

    @property
    def takes_online_payments(self) -> bool:
        return bool(self.sumup_merchant_code and self.sumup_connected)

    @property
    def offered_modes(self) -> tuple[str, ...]:
        """What the payments page offers for an order: not delivered, or an accepted mode."""
        return ("not_delivered", *self.accepted_modes)

    def check_tracking_is_on(self) -> None:
        if not self.payment_tracking:
            raise Conflict("payment tracking is off for this producer: turn it on in the settings")

    def check_mode_is_accepted(self, mode: str) -> None:
        if mode not in MODES:
            raise Invalid(f"unknown mode {mode!r}", "mode")
        if mode not in self.offered_modes:
            raise Invalid(f"the producer does not accept {mode!r}", "mode")


def check_time_zone(name: object) -> None:
    """An IANA time zone name (`Europe/Paris`, `America/Cayenne`, `Pacific/Noumea`)."""
    if not isinstance(name, str) or name not in available_timezones():
        raise Invalid(f"unknown time zone {name!r}: an IANA name such as Europe/Paris",
                      "time_zone")


def check_accepted_modes(modes: list[str]) -> tuple[str, ...]:
    """Known paying modes or `account`, each once, in the order given."""
    unknown = [m for m in modes if m not in MODES or m == "not_delivered"]
    if unknown:
        raise Invalid(f"unknown payment modes: {unknown}", "accepted_modes")
    return tuple(dict.fromkeys(modes))


@dataclass(frozen=True)
class Settlement:
    """How one order was settled, and the money received for it; version 0 is the default
    `not_delivered` with nothing received.

    `received` holds what came in per mode (cash, cheque, card, transfer counted by the producer;
    online confirmed by SumUp, less what was refunded through SumUp). Money received is a fact:
    changing the mode to `not_delivered` or `account` keeps it (the customer's account holds it
    as credit); only the producer's own correction of what it counted (a manual mode with another
    amount, 0 included) or a refund changes it, and nothing by hand ever changes `online`."""

    mode: str = NOT_DELIVERED
    received: Mapping[str, int] = field(default_factory=dict)
    version: int = 0
    balance_applied_cents: int = 0
    """The customer's balance its online payment took into account (credit used, positive; debt
    collected, negative): SumUp was asked for the total less this."""

    @property
    def amount_paid_cents(self) -> int:
        """Everything received for the order, whatever the mode."""
        return sum(self.received.values())

    @property
    def paid_twice(self) -> bool:
        """Paid by hand and online both: the producer is shown it (the surplus is credit)."""
        return self.received.get(ONLINE, 0) > 0 and any(
            self.received.get(mode, 0) > 0 for mode in MANUAL_MODES)

    def credit_note_for(self, total_cents: int) -> int:
        """The difference the customer is owed (positive) or owes (negative) on a paying mode: the
        amount received against what was asked, the total less the balance already applied."""
        if self.mode not in PAYING_MODES:
            return 0
        return self.amount_paid_cents - (total_cents - self.balance_applied_cents)


def check_settlement_by_hand(mode: str, settings: PaymentSettings) -> None:
    """Tracking on, a mode the producer offers, and never `online`: only SumUp says that."""
    settings.check_tracking_is_on()
    if mode == ONLINE:
        raise Conflict("an online payment is recorded only when SumUp confirms a checkout: "
                       "choose the mode the money came in by")
    settings.check_mode_is_accepted(mode)


def settle(current: Settlement, total_cents: int, mode: str, amount_paid_cents: int | None,
           settings: PaymentSettings) -> Settlement | None:
    """The producer's settlement of an order, or None when nothing changes (no new version, no
    event). A manual paying mode records what the producer counted in that mode (the order total
    unless another amount is given), replacing what it had counted in another manual mode (a
    correction moves the money, it does not add to it); `account` and `not_delivered` keep
    whatever was received. Online money is never set by hand."""
    check_settlement_by_hand(mode, settings)
    if mode in MANUAL_MODES:
        paid = total_cents if amount_paid_cents is None else amount_paid_cents
        if not 0 <= paid <= MAX_AMOUNT_CENTS:
            raise Invalid("amount_paid_cents must be between 0 and 10^11", "amount_paid_cents")
        received = {m: c for m, c in current.received.items() if m not in MANUAL_MODES}
        if paid:
            received[mode] = paid
    else:
        if amount_paid_cents not in (None, 0):
            raise Invalid(f"nothing is paid with {mode!r}: amount_paid_cents must be 0 (money "
                          "received for the order stays on the customer's account)",
                          "amount_paid_cents")
        received = dict(current.received)
    if (current.mode, dict(current.received)) == (mode, received):
        return None
    return replace(current, mode=mode, received=received, version=current.version + 1)


def record_online_payment(current: Settlement, paid_cents: int,
                          balance_applied_cents: int) -> Settlement:
    """SumUp confirmed a checkout of the order: its money is added to what was received. An order
    the producer had already settled by hand keeps that mode and both payments (shown as paid
    twice, the surplus credited to the customer); otherwise it is now settled online."""
    if paid_cents <= 0:
        raise ValueError(f"a confirmed payment is positive, not {paid_cents}")
    received = dict(current.received)
    received[ONLINE] = received.get(ONLINE, 0) + paid_cents
    mode = current.mode if current.mode in MANUAL_MODES else ONLINE
    return Settlement(mode, received, current.version + 1, balance_applied_cents)


def refund_online(current: Settlement, refund_cents: int) -> Settlement:
    """Money given back through SumUp: less online money received, the mode unchanged."""
    online_cents = current.received.get(ONLINE, 0)
    if not 0 < refund_cents <= online_cents:
        raise Conflict(f"at most {online_cents} cents paid online for this order can be refunded")
    received = dict(current.received)
    received[ONLINE] = online_cents - refund_cents
    if not received[ONLINE]:
        del received[ONLINE]
    return replace(current, received=received, version=current.version + 1)
