"""An in-memory unit of work for the payments handlers: same contract, no database."""

import copy
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime

from ardoise.changes import Change
from ardoise_tools.testing.fakes import FakeUnitOfWork as SharedFakeUnitOfWork
from payments.adapters.sumup_checkouts import (
    DUPLICATED_CHECKOUT,
    EXPIRED,
    PAID,
    PENDING,
    Checkout,
    _check_amount_cents,
)
from payments.adapters.sumup_errors import CheckoutNotFound, SumUpError
from payments.adapters.sumup_refunds import Transaction
from payments.domain.credit_notes import CreditNote
from payments.domain.settlement import PaymentSettings

TRACKING = PaymentSettings(payment_tracking=True)
"""The settings of a producer that turned payment tracking on and changed nothing else: what
these unit tests' producers have unless a test says otherwise."""


@dataclass
class Store:
    settings: dict = field(default_factory=dict)
    orders: dict = field(default_factory=dict)
    customers: dict = field(default_factory=dict)
    settlements: dict = field(default_factory=dict)
    recorded_by: dict = field(default_factory=dict)
    """Who recorded each settlement's current version, by (producer, order)."""
    changes: dict = field(default_factory=dict)
    """Who last changed each producer's settings, and when (a Change)."""
    credit_notes: dict = field(default_factory=dict)
    counters: dict = field(default_factory=dict)
    sumup_keys: dict = field(default_factory=dict)
    checkouts: dict = field(default_factory=dict)
    """CheckoutRecord by (producer, order, attempt)."""
    now: datetime = datetime(2026, 11, 28, 9, 0)
    inbox: set = field(default_factory=set)
    published: list = field(default_factory=list)
    statements: list = field(default_factory=list)
    """The read models' writes that one statement makes, with how many rows each took."""

    def written(self) -> tuple:
        """Everything a refused request must leave as it was."""
        return copy.deepcopy((self.settings, self.orders, self.settlements, self.credit_notes,
                              self.counters, self.published))


class FakePayments:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def settings(self, producer_id):
        return self.store.settings.get(producer_id, TRACKING)

    async def settings_for_update(self, producer_id):
        return await self.settings(producer_id)

    async def settings_change(self, producer_id):
        return self.store.changes.get(producer_id, Change())

    async def save_settings(self, producer_id, value, change=None):
        self.store.settings[producer_id] = value
        if change is not None:
            self.store.changes[producer_id] = change

    async def save_sumup_key(self, producer_id, sealed):
        self.store.sumup_keys[producer_id] = sealed

    async def remember_order(self, producer_id, order):
        await self.remember_orders([(producer_id, order)])

    async def remember_orders(self, orders):
        self.store.statements.append(("remember_orders", len(orders)))
        for producer_id, order in orders:
            self.store.orders.setdefault((producer_id, order.order_id), order)

    async def remember_customer(self, producer_id, customer_id, name):
        self.store.customers[(producer_id, customer_id)] = name

    async def orders_for_update(self, producer_id, order_ids):
        return {i: self.store.orders[(producer_id, i)] for i in order_ids
                if (producer_id, i) in self.store.orders}

    async def settlements(self, producer_id, order_ids):
        return {i: self.store.settlements[(producer_id, i)][0] for i in order_ids
                if (producer_id, i) in self.store.settlements}

    async def save_settlement(self, producer_id, order_id, value, credit_note_number,
                              recorded_by=None):
        self.store.settlements[(producer_id, order_id)] = (value, credit_note_number)
        self.store.recorded_by[(producer_id, order_id)] = recorded_by

    async def credit_note_in_force(self, producer_id, order_id):
        for (p, number), note in self.store.credit_notes.items():
            if (p, note["order_id"], note["status"]) == (producer_id, order_id, "issued"):
                return CreditNote(number, note["amount_cents"])
        return None

    async def cancel_credit_note(self, producer_id, number):
        self.store.credit_notes[(producer_id, number)]["status"] = "cancelled"

    async def issue_credit_note(self, producer_id, order_id, amount_cents, issued_by=None):
        number = self.store.counters[producer_id] = self.store.counters.get(producer_id, 0) + 1
        self.store.credit_notes[(producer_id, number)] = {
            "order_id": order_id, "amount_cents": amount_cents, "status": "issued",
            "issued_by": issued_by}
        return CreditNote(number, amount_cents)


    async def add_checkout(self, record):
        self.store.checkouts.setdefault((record.producer_id, record.order_id, record.attempt),
                                        record)

    async def checkout(self, checkout_id):
        found = [r for r in self.store.checkouts.values() if r.checkout_id == checkout_id]
        return (found[0], self.store.now) if found else None

    async def close_checkout(self, checkout_id, status, transaction_id):
        for key, record in self.store.checkouts.items():
            if record.checkout_id == checkout_id and not record.is_final:
                self.store.checkouts[key] = replace(record, status=status)
                return True
        return False


class FakeUnitOfWork(SharedFakeUnitOfWork):
    def repositories(self):
        return {"payments": FakePayments(self.store)}



class FakeOrdersGateway:
    """The orders service's orders, as `OrdersClient.fetch` would find them."""

    def __init__(self, *orders) -> None:
        self.orders = {(p, o.order_id): o for p, o in orders}
        self.asked = []

    async def fetch(self, producer_id, order_id):
        self.asked.append(order_id)
        return self.orders.get((producer_id, order_id))


class FakePaymentGateway:
    """An in-memory PaymentGateway (SumUp as the payments service sees it): keeps checkouts; a
    test decides their fate."""

    def __init__(self, merchant_code: str = "MFAKE001") -> None:
        self.merchant_code = merchant_code
        self.checkouts: dict[str, Checkout] = {}
        self.return_urls: dict[str, str | None] = {}
        self.refunds: dict[str, int] = {}
        """Cents refunded per transaction id."""

    async def create_checkout(
        self,
        reference: str,
        amount_cents: int,
        currency: str,
        description: str,
        return_url: str | None,
        redirect_url: str | None = None,
        *,
        valid_until: datetime | None = None,
    ) -> Checkout:
        """Open a PENDING checkout, or return the one this reference already has."""
        _check_amount_cents(amount_cents)
        existing = await self.find_by_reference(reference)
        if existing and (existing.amount_cents, existing.currency) != (amount_cents, currency):
            raise SumUpError(409, DUPLICATED_CHECKOUT, f"reference {reference!r} asks other money")
        if existing is not None:
            return existing
        checkout_id = str(uuid.uuid4())
        checkout = Checkout(
            id=checkout_id,
            reference=reference,
            amount_cents=amount_cents,
            currency=currency,
            status=PENDING,
            hosted_checkout_url=f"https://checkout.fake.invalid/pay/{checkout_id}",
            valid_until=valid_until,
            merchant_code=self.merchant_code,
        )
        self.checkouts[checkout_id] = checkout
        self.return_urls[checkout_id] = return_url
        return checkout

    def set_status(
        self, checkout_id: str, status: str, *, paid_amount_cents: int | None = None
    ) -> Checkout:
        """Decide how a checkout ends; PAID adds a transaction, of the amount asked by default."""
        checkout = self.checkouts[checkout_id]
        if status == PAID:
            paid_cents = checkout.amount_cents if paid_amount_cents is None else paid_amount_cents
            checkout = replace(
                checkout,
                status=PAID,
                transaction_id=str(uuid.uuid4()),
                transaction_code="TFAKE" + uuid.uuid4().hex[:5].upper(),
                paid_amount_cents=paid_cents,
            )
        else:
            checkout = replace(checkout, status=status)
        self.checkouts[checkout_id] = checkout
        return checkout

    async def get_checkout(self, checkout_id: str) -> Checkout:
        """The checkout with this id."""
        try:
            return self.checkouts[checkout_id]
        except KeyError:
            raise CheckoutNotFound(404, "NOT_FOUND", f"no checkout {checkout_id}") from None

    async def find_by_reference(self, reference: str) -> Checkout | None:
        """The checkout with this reference, if any."""
        return next((c for c in self.checkouts.values() if c.reference == reference), None)

    async def deactivate(self, checkout_id: str) -> Checkout:
        """A PENDING checkout becomes EXPIRED; another is returned as it stands."""
        checkout = await self.get_checkout(checkout_id)
        return self.set_status(checkout_id, EXPIRED) if checkout.status == PENDING else checkout

    def _paid_by(self, transaction_id: str) -> Checkout:
        for checkout in self.checkouts.values():
            if checkout.transaction_id == transaction_id:
                return checkout
        raise SumUpError(404, "NOT_FOUND", f"no transaction {transaction_id}")

    async def refund(self, transaction_id: str, amount_cents: int | None) -> None:
        """Refund what is asked of a paid checkout's transaction, never more than is left."""
        checkout = self._paid_by(transaction_id)
        left = checkout.paid_amount_cents - self.refunds.get(transaction_id, 0)
        amount_cents = left if amount_cents is None else amount_cents
        if not 0 < amount_cents <= left:
            raise SumUpError(409, "TRANSACTION_NOT_REFUNDABLE", f"{left} cents left to refund")
        self.refunds[transaction_id] = self.refunds.get(transaction_id, 0) + amount_cents

    async def get_transaction(self, transaction_id: str) -> Transaction:
        checkout = self._paid_by(transaction_id)
        refunded = self.refunds.get(transaction_id, 0)
        status = "REFUNDED" if refunded >= checkout.paid_amount_cents else "SUCCESSFUL"
        return Transaction(transaction_id, checkout.paid_amount_cents, checkout.currency, status,
                           refunded)

    async def aclose(self) -> None:
        """Nothing to close."""
