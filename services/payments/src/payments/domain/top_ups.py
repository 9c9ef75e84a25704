"""Online top-ups of a customer's account: what SumUp is asked, for how long, and what a read-back
means. A top-up pays a debt or adds credit; it is no order's, so nothing is held. No I/O."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from ardoise.errors import Conflict
from ardoise.events.vocabulary import CheckoutStatus
from payments.domain.checkouts import FINAL
from payments.domain.settlement import ONLINE, PaymentSettings

VALIDITY = timedelta(minutes=30)
"""SumUp's hosted page lives about 30 minutes: an unpaid top-up is given up after it."""
TOP_UP_ID_SPACE = uuid.UUID("5b0f1c52-6a4e-4c55-9d7e-2f1f4b7a3c10")
"""Names the top-up of a request sent again with its Idempotency-Key (uuid5 in this space)."""
TOP_UP_ID_FIELD = "{top_up_id}"
"""Written in a `redirect_url`, replaced by the top-up's id (the page that follows it)."""


def reference(top_up_id: uuid.UUID) -> str:
    """The SumUp checkout's reference (its idempotency key, ≤ 64 characters) names the top-up,
    apart from an order's `order_id.attempt`."""
    return f"top-up.{top_up_id}"


def top_up_id_for(producer_id: str, customer_id: str, key: str | None) -> uuid.UUID:
    """A new id; the same one for a request sent again with the same key, so that a request
    whose answer was lost finds SumUp's checkout again by its reference, never a second one."""
    if key is None:
        return uuid.uuid4()
    return uuid.uuid5(TOP_UP_ID_SPACE, f"{producer_id}/{customer_id}/{key}")


def redirect_for(url: str | None, top_up_id: uuid.UUID) -> str | None:
    return url.replace(TOP_UP_ID_FIELD, str(top_up_id)) if url else None


def check_online_top_ups_are_offered(settings: PaymentSettings) -> None:
    """A top-up moves a balance the producer keeps (tracking on) by money its own SumUp account
    takes (online accepted, which needs the account)."""
    settings.check_tracking_is_on()
    if ONLINE not in settings.accepted_modes or not settings.takes_online_payments:
        raise Conflict("the producer does not take online payments: it accepts 'online' once "
                       "its SumUp account is connected")


@dataclass(frozen=True)
class TopUp:
    """A customer's top-up as this service opened it, with its SumUp checkout."""

    producer_id: str
    top_up_id: uuid.UUID
    customer_id: str
    amount_cents: int
    currency: str
    status: str
    checkout_id: str
    checkout_url: str | None
    valid_until: datetime
    transaction_id: str | None = None
    created_at: datetime | None = None

    @property
    def is_final(self) -> bool:
        return self.status in FINAL

    @property
    def is_paid(self) -> bool:
        return self.status == CheckoutStatus.PAID

    def is_abandoned(self, now: datetime) -> bool:
        """Past its validity: an unpaid checkout is deactivated, and ends EXPIRED."""
        return now >= self.valid_until

    def paid_as_asked(self, paid_cents: int, currency: str) -> bool:
        """SumUp's payment is believed only for exactly what was asked, in the currency asked."""
        return (paid_cents, currency) == (self.amount_cents, self.currency)
