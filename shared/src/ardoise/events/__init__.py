"""Domain events: the public contract between services, versioned pydantic models."""

from ardoise.events.accounts import (
    BalanceChanged,
    BalanceHeld,
    CustomerRegistered,
    HoldPosted,
    HoldReleased,
    MovementRecorded,
)
from ardoise.events.base import Event, decode_event, encode_event, event_types
from ardoise.events.orders import (
    InvoiceIssued,
    InvoiceLine,
    InvoicingChanged,
    OrderPlaced,
    PaymentRetryRequested,
    VatAmounts,
)
from ardoise.events.payments import (
    BankTransferApplied,
    CheckoutClosed,
    CheckoutOpened,
    OnlineRefundMade,
    OnlineTopUpPaid,
    PaymentSettingsChanged,
    SettlementChanged,
)
from ardoise.events.vocabulary import (
    ENDED_UNPAID,
    MANUAL_MODES,
    MODES,
    PAYING_MODES,
    CheckoutStatus,
    SettlementMode,
)

__all__ = [
    "ENDED_UNPAID",
    "MANUAL_MODES",
    "MODES",
    "PAYING_MODES",
    "BalanceChanged",
    "BankTransferApplied",
    "BalanceHeld",
    "CheckoutClosed",
    "CheckoutOpened",
    "CheckoutStatus",
    "CustomerRegistered",
    "Event",
    "HoldPosted",
    "InvoiceIssued",
    "InvoiceLine",
    "InvoicingChanged",
    "HoldReleased",
    "MovementRecorded",
    "OnlineRefundMade",
    "OnlineTopUpPaid",
    "OrderPlaced",
    "PaymentRetryRequested",
    "PaymentSettingsChanged",
    "VatAmounts",
    "SettlementChanged",
    "SettlementMode",
    "decode_event",
    "encode_event",
    "event_types",
]
