"""Domain events: the public contract between services, versioned pydantic models."""

from ardoise.events.accounts import (
    BalanceChanged,
    BalanceHeld,
    CustomerRegistered,
    HoldPosted,
    HoldReleased,
)
from ardoise.events.base import Event, decode_event, encode_event, event_types
from ardoise.events.orders import OrderPlaced, PaymentRetryRequested
from ardoise.events.payments import (
    CheckoutClosed,
    CheckoutOpened,
    PaymentSettingsChanged,
    SettlementChanged,
)

__all__ = [
    "BalanceChanged",
    "BalanceHeld",
    "CheckoutClosed",
    "CheckoutOpened",
    "CustomerRegistered",
    "Event",
    "HoldPosted",
    "HoldReleased",
    "OrderPlaced",
    "PaymentRetryRequested",
    "PaymentSettingsChanged",
    "SettlementChanged",
    "decode_event",
    "encode_event",
    "event_types",
]
