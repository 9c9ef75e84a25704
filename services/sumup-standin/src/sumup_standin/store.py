"""The stand-in's memory: checkouts by id, and the references each merchant has used."""

from __future__ import annotations

from sumup_standin.checkouts import Checkout


class CheckoutNotFound(Exception):
    """No checkout has this id."""

    def __init__(self, checkout_id: str) -> None:
        super().__init__(f"A checkout session with the id {checkout_id} does not exist")
        self.checkout_id = checkout_id


class DuplicatedCheckout(Exception):
    """The merchant already used this checkout reference; SumUp never reuses one."""

    def __init__(self, merchant_code: str, checkout_reference: str) -> None:
        super().__init__(
            f"{merchant_code} already has a checkout with reference {checkout_reference!r}"
        )
        self.merchant_code = merchant_code
        self.checkout_reference = checkout_reference


class CheckoutStore:
    """Checkouts in memory; a reference stays taken for its merchant whatever became of it."""

    def __init__(self) -> None:
        self._by_id: dict[str, Checkout] = {}
        self._ids_by_reference: dict[tuple[str, str], str] = {}

    def add(self, checkout: Checkout) -> None:
        """Keep a new checkout, refusing a reference its merchant already used."""
        key = (checkout.merchant_code, checkout.checkout_reference)
        if key in self._ids_by_reference:
            raise DuplicatedCheckout(*key)
        self._ids_by_reference[key] = checkout.id
        self._by_id[checkout.id] = checkout

    def get(self, checkout_id: str) -> Checkout:
        """The checkout with this id."""
        try:
            return self._by_id[checkout_id]
        except KeyError:
            raise CheckoutNotFound(checkout_id) from None

    def with_reference(self, checkout_reference: str | None) -> list[Checkout]:
        """Checkouts with this reference (all of them when None), oldest first."""
        return [
            checkout
            for checkout in self._by_id.values()
            if checkout_reference is None or checkout.checkout_reference == checkout_reference
        ]

    def __len__(self) -> int:
        return len(self._by_id)
