"""Settlement rules: which modes exist, what is paid, when a credit note is owed. No I/O."""

import uuid
from dataclasses import dataclass, replace
from datetime import date
from zoneinfo import available_timezones

from ardoise.errors import Conflict, Invalid
from ardoise.money import MAX_AMOUNT_CENTS

MODES = ("not_delivered", "account", "cash", "cheque", "card", "transfer", "online")
PAYING_MODES = frozenset({"cash", "cheque", "card", "transfer", "online"})
DEFAULT_ACCEPTED = ("account", "cash", "cheque", "card", "transfer", "online")
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
    """A producer's payment settings; a producer that never set them gets these defaults."""

    payment_tracking: bool = True
    accepted_modes: tuple[str, ...] = DEFAULT_ACCEPTED
    online_payment_required: bool = False
    sumup_merchant_code: str | None = None
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
        return new

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
    """How one order was settled; version 0 is the default `not_delivered`."""

    mode: str = "not_delivered"
    amount_paid_cents: int = 0
    version: int = 0
    balance_applied_cents: int = 0
    """Known only on the change that records an online payment: the customer's balance the checkout
    took into account (credit used, positive; debt collected, negative). Not stored."""

    def credit_note_for(self, total_cents: int) -> int:
        """The difference the customer is owed (positive) or owes (negative) on a paying mode: the
        amount paid against what was asked, the total less the balance already applied to it."""
        if self.mode not in PAYING_MODES:
            return 0
        return self.amount_paid_cents - (total_cents - self.balance_applied_cents)


def settle(current: Settlement, total_cents: int, mode: str, amount_paid_cents: int | None,
           settings: PaymentSettings, balance_applied_cents: int = 0) -> Settlement | None:
    """The new settlement, or None when nothing changes (no new version, no event)."""
    settings.check_tracking_is_on()
    settings.check_mode_is_accepted(mode)
    if mode in PAYING_MODES:
        paid = total_cents if amount_paid_cents is None else amount_paid_cents
    else:
        if amount_paid_cents not in (None, 0):
            raise Invalid(f"nothing is paid with {mode!r}: amount_paid_cents must be 0",
                          "amount_paid_cents")
        paid = 0
    if not 0 <= paid <= MAX_AMOUNT_CENTS:
        raise Invalid("amount_paid_cents must be between 0 and 10^11", "amount_paid_cents")
    if (current.mode, current.amount_paid_cents) == (mode, paid):
        return None
    return Settlement(mode, paid, current.version + 1, balance_applied_cents)
