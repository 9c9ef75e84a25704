"""What the stand-in does with checkouts: create, read, deactivate, simulate how they end."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from sumup_standin.checkouts import Checkout, Refund, Status, Transaction
from sumup_standin.notifier import Notifier
from sumup_standin.store import ApiKeys, CheckoutNotFound, CheckoutStore, WrongMerchant
from sumup_standin.validation import NewCheckout

OUTCOMES = (Status.PAID, Status.FAILED, Status.EXPIRED)


class CheckoutService:
    """The checkouts, the clock they are read by, the notifier that tells return_urls of changes."""

    def __init__(
        self,
        store: CheckoutStore,
        notifier: Notifier,
        clock: Callable[[], datetime],
        public_url: str | None = None,
        keys: ApiKeys | None = None,
    ) -> None:
        self.store = store
        self.notifier = notifier
        self.clock = clock
        self.public_url = public_url
        self.keys = keys or ApiKeys()

    def create(self, new: NewCheckout, api_key: str | None = None) -> Checkout:
        """Open a PENDING checkout; a reference its merchant already used is refused, and so is
        another merchant's code than the one the key belongs to."""
        if api_key is not None:
            self.keys.bind(api_key, new.merchant_code)
        checkout = Checkout(
            checkout_reference=new.checkout_reference,
            amount=new.amount,
            currency=new.currency,
            merchant_code=new.merchant_code,
            date=self.clock(),
            description=new.description,
            return_url=new.return_url,
            redirect_url=new.redirect_url,
            hosted=new.hosted,
            valid_until=new.valid_until,
        )
        self.store.add(checkout)
        return checkout

    def get(self, checkout_id: str, api_key: str | None = None) -> Checkout:
        """The checkout with this id (another merchant's is not found with a merchant's key)."""
        checkout = self.store.get(checkout_id)
        if api_key is not None and not self.keys.sees(api_key, checkout.merchant_code):
            raise CheckoutNotFound(checkout_id)
        return checkout

    def with_reference(self, checkout_reference: str | None,
                       api_key: str | None = None) -> list[Checkout]:
        """The checkouts with this reference that the key may see."""
        return [checkout for checkout in self.store.with_reference(checkout_reference)
                if api_key is None or self.keys.sees(api_key, checkout.merchant_code)]

    def deactivate(self, checkout_id: str, api_key: str | None = None) -> Checkout:
        """End a PENDING checkout unpaid (it then reads EXPIRED); a processed one is refused."""
        checkout = self.get(checkout_id, api_key)
        checkout.expire(self.clock())
        return checkout

    def check_merchant(self, api_key: str, merchant_code: str) -> None:
        """A merchant's own key, or a key that belongs to no merchant."""
        if not self.keys.sees(api_key, merchant_code):
            raise WrongMerchant(f"this API key does not belong to merchant {merchant_code}")

    def refund(self, api_key: str, merchant_code: str, transaction_id: str,
               amount: Decimal | None) -> tuple[Transaction, Refund]:
        """Give back part (or all that is left) of a merchant's successful transaction."""
        self.check_merchant(api_key, merchant_code)
        _, transaction = self.store.transaction(merchant_code, id=transaction_id)
        return transaction, transaction.refund(amount, self.clock())

    def transaction(self, api_key: str, merchant_code: str, *, id: str | None,
                    code: str | None) -> Transaction:
        self.check_merchant(api_key, merchant_code)
        return self.store.transaction(merchant_code, id=id, code=code)[1]

    def simulate(
        self, checkout_id: str, outcome: Status, paid_amount: Decimal | None = None
    ) -> Checkout:
        """End a PENDING checkout as the payer would, then notify its return_url in background."""
        checkout = self.store.get(checkout_id)
        now = self.clock()
        if outcome is Status.PAID:
            checkout.pay(now, paid_amount)
        elif outcome is Status.FAILED:
            checkout.fail(now)
        else:
            checkout.expire(now)
        if checkout.return_url:
            self.notifier.notify(checkout.return_url, checkout.id)
        return checkout

    def hosted_checkout_url(self, checkout: Checkout, base_url: str) -> str:
        """The stand-in's own payment page, under its public URL or the URL it was reached at."""
        return f"{(self.public_url or base_url).rstrip('/')}/pay/{checkout.id}"

    def to_json(self, checkout: Checkout, base_url: str) -> dict[str, Any]:
        """The checkout as SumUp's API shows it now."""
        return checkout.to_json(self.clock(), self.hosted_checkout_url(checkout, base_url))
