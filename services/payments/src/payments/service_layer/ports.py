"""What the payments handlers ask of their unit of work and repository: the ports the database
adapters (and the unit tests' fakes) stand behind."""

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from ardoise.changes import Change
from ardoise.uow import UnitOfWorkPort
from payments.adapters.sumup_accounts import SumUpAccount
from payments.domain.checkouts import CheckoutRecord
from payments.domain.credit_notes import CreditNote
from payments.domain.refunds import PaidCheckout, Refund
from payments.domain.settlement import KnownOrder, PaymentSettings, Settlement


class PaymentsRepository(Protocol):
    """Settings, the orders and customers read models, settlements, credit notes, checkouts and
    refunds."""

    async def settings(self, producer_id: str) -> PaymentSettings: ...

    async def settings_for_update(self, producer_id: str) -> PaymentSettings: ...

    async def settings_change(self, producer_id: str) -> Change: ...

    async def save_settings(self, producer_id: str, value: PaymentSettings,
                            change: Change | None = None) -> None: ...

    async def save_sumup_key(self, producer_id: str, sealed_api_key: str) -> None: ...

    async def sumup_account(self, producer_id: str) -> SumUpAccount | None: ...

    async def sealed_sumup_keys(self, producer_id: str | None = None) -> list[tuple[str, str]]: ...

    async def remember_order(self, producer_id: str, order: KnownOrder) -> None: ...

    async def remember_movement(self, producer_id: str, movement) -> None: ...

    async def remember_customer(self, producer_id: str, customer_id: str, name: str) -> None: ...

    async def orders_for_update(self, producer_id: str,
                                order_ids: list[uuid.UUID]) -> dict[uuid.UUID, KnownOrder]: ...

    async def settlements(self, producer_id: str,
                          order_ids: list[uuid.UUID]) -> dict[uuid.UUID, Settlement]: ...

    async def save_settlement(self, producer_id: str, order_id: uuid.UUID, value: Settlement,
                              credit_note_number: int | None,
                              recorded_by: str | None = None) -> None: ...

    async def credit_note_in_force(self, producer_id: str,
                                   order_id: uuid.UUID) -> CreditNote | None: ...

    async def cancel_credit_note(self, producer_id: str, number: int) -> None: ...

    async def issue_credit_note(self, producer_id: str, order_id: uuid.UUID,
                                amount_cents: int, issued_by: str | None = None
                                ) -> CreditNote: ...

    async def paid_checkouts(self, producer_id: str, order_id: uuid.UUID) -> list[PaidCheckout]: ...

    async def pending_refund_cents(self, producer_id: str, order_id: uuid.UUID) -> int: ...

    async def add_refund(self, producer_id: str, refund: Refund, key: str | None) -> None: ...

    async def refund_by_key(self, producer_id: str, key: str): ...

    async def refunds_of_order(self, producer_id: str, order_id: uuid.UUID) -> list: ...

    async def close_refund(self, producer_id: str, refund_id: uuid.UUID, status: str,
                           error: str | None = None): ...

    async def refunded_of_transaction(self, producer_id: str, transaction_id: str) -> int: ...

    async def requested_refunds(self, older_than_s: float, limit: int) -> list: ...

    async def add_checkout(self, record: CheckoutRecord) -> None: ...

    async def checkout(self, checkout_id: str) -> tuple[CheckoutRecord, datetime] | None: ...

    async def close_checkout(self, checkout_id: str, status: str,
                             transaction_id: str | None) -> bool: ...

    async def take_due_checkouts(self, limit: int) -> list[str]: ...


class PaymentsUnitOfWork(UnitOfWorkPort, Protocol):
    payments: PaymentsRepository


NewPaymentsUnitOfWork = Callable[[], PaymentsUnitOfWork]
"""Opens a fresh unit of work: one per request, message or step."""
