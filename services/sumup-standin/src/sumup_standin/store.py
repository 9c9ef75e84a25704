"""The stand-in's memory: checkouts by id, and the references each merchant has used."""

from __future__ import annotations

from sumup_standin.checkouts import Checkout, Transaction


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


class TransactionNotFound(Exception):
    """No transaction of this merchant has this id or code."""


class WrongMerchant(Exception):
    """An API key is used for another merchant than the one it belongs to."""


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

    def transaction(self, merchant_code: str, *, id: str | None = None,
                    code: str | None = None) -> tuple[Checkout, Transaction]:
        """The merchant's transaction with this id or transaction code, and its checkout."""
        for checkout in self._by_id.values():
            if checkout.merchant_code != merchant_code:
                continue
            for transaction in checkout.transactions:
                if (id and transaction.id == id) or (code and transaction.transaction_code == code):
                    return checkout, transaction
        raise TransactionNotFound(f"no transaction {id or code} for merchant {merchant_code}")

    def transactions(self, merchant_code: str) -> list[tuple[Checkout, Transaction]]:
        """The merchant's transactions, newest first."""
        found = [(checkout, transaction) for checkout in self._by_id.values()
                 if checkout.merchant_code == merchant_code
                 for transaction in checkout.transactions]
        return sorted(found, key=lambda pair: pair[1].timestamp, reverse=True)

    def __len__(self) -> int:
        return len(self._by_id)


class ApiKeys:
    """Which merchant each API key belongs to: the merchant of the first checkout it created.

    A key bound to a merchant sees only that merchant's checkouts and transactions, as SumUp's
    keys do; a key that never created a checkout (the tests' and developers' own) sees all."""

    def __init__(self) -> None:
        self._merchants: dict[str, str] = {}

    def bind(self, api_key: str, merchant_code: str) -> None:
        bound = self._merchants.setdefault(api_key, merchant_code)
        if bound != merchant_code:
            raise WrongMerchant(f"this API key belongs to merchant {bound}, not {merchant_code}")

    def sees(self, api_key: str, merchant_code: str) -> bool:
        bound = self._merchants.get(api_key)
        return bound is None or bound == merchant_code
