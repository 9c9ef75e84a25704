"""Which command each event the accounts service hears of asks for, and which handler carries
it out, in one place."""

from datetime import timedelta

from accounts.domain.commands import (
    ApplySettlement,
    HoldBalance,
    RecordBankTransfer,
    RecordOnlineTopUp,
    ReleaseHold,
    SetPaymentTracking,
)
from accounts.service_layer import handlers, online_top_ups
from accounts.service_layer.ports import NewAccountsUnitOfWork
from ardoise.events import (
    ENDED_UNPAID,
    BankTransferApplied,
    CheckoutClosed,
    Event,
    OnlineTopUpPaid,
    OrderPlaced,
    PaymentRetryRequested,
    PaymentSettingsChanged,
    SettlementChanged,
)

CONSUMED = (SettlementChanged, OrderPlaced, PaymentRetryRequested, CheckoutClosed,
            PaymentSettingsChanged, BankTransferApplied, OnlineTopUpPaid)
"""The events `command_for` turns into commands (an order placed only when paid online, a
checkout closed only when it ended unpaid)."""
HOLD_LIFETIME = timedelta(minutes=35)
"""A hosted SumUp checkout lives about 30 minutes; the hold outlives it a little."""


def command_for(event: Event):
    """The command an incoming event asks for, or None for events the accounts ignore."""
    match event:
        case SettlementChanged():
            return ApplySettlement(
                event_id=event.event_id, producer_id=event.producer_id,
                customer_id=event.customer_id, order_id=event.order_id, version=event.version,
                total_cents=event.total_cents, mode=event.mode, received=event.received,
                actor=event.actor,
            )
        case OrderPlaced(online_payment=True) | PaymentRetryRequested():
            return HoldBalance(
                event_id=event.event_id, producer_id=event.producer_id,
                customer_id=event.customer_id, order_id=event.order_id,
                attempt=getattr(event, "attempt", 1), total_cents=event.total_cents,
                expires_at=event.occurred_at + HOLD_LIFETIME,
            )
        case CheckoutClosed() if event.status in ENDED_UNPAID:
            return ReleaseHold(
                event_id=event.event_id, producer_id=event.producer_id,
                customer_id=event.customer_id, order_id=event.order_id, attempt=event.attempt,
                reason=event.status.lower(),
            )
        case BankTransferApplied():
            return RecordBankTransfer(event_id=event.event_id, producer_id=event.producer_id,
                                      customer_id=event.customer_id,
                                      amount_cents=event.amount_cents, label=event.label,
                                      actor=event.actor)
        case OnlineTopUpPaid():
            return RecordOnlineTopUp(event_id=event.event_id, producer_id=event.producer_id,
                                     customer_id=event.customer_id, top_up_id=event.top_up_id,
                                     amount_cents=event.amount_cents)
        case PaymentSettingsChanged():
            return SetPaymentTracking(event_id=event.event_id, producer_id=event.producer_id,
                                      payment_tracking=event.payment_tracking,
                                      time_zone=event.time_zone)
    return None


SINGLE_HANDLERS = {HoldBalance: handlers.hold_balance, ReleaseHold: handlers.release_hold,
                   SetPaymentTracking: handlers.set_payment_tracking,
                   RecordBankTransfer: handlers.record_bank_transfer,
                   RecordOnlineTopUp: online_top_ups.record_online_top_up}


async def handle_batch(events: list[Event], new_uow: NewAccountsUnitOfWork,
                       consumer: str) -> None:
    """Runs of settlement changes go in one transaction each; other commands one by one, in
    order."""
    run: list[ApplySettlement] = []
    for command in filter(None, map(command_for, events)):
        if isinstance(command, ApplySettlement):
            run.append(command)
            continue
        if run:
            await handlers.apply_settlements(run, new_uow(), consumer)
            run = []
        await SINGLE_HANDLERS[type(command)](command, new_uow(), consumer)
    if run:
        await handlers.apply_settlements(run, new_uow(), consumer)
