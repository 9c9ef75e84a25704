"""The top-ups' table in memory, beside the payments fakes: same contract, no database."""

from dataclasses import dataclass, field, replace

from .fakes import FakePayments, Store
from .fakes import FakeUnitOfWork as PaymentsFakeUnitOfWork


@dataclass
class TopUpStore(Store):
    top_ups: dict = field(default_factory=dict)
    """(TopUp, key, fingerprint) by (producer, top-up id)."""


class FakeTopUps:
    def __init__(self, store: TopUpStore) -> None:
        self.store = store

    async def customer_is_known(self, producer_id, customer_id):
        return (producer_id, customer_id) in self.store.customers

    async def add(self, top_up, key, fingerprint):
        taken = any(t.checkout_id == top_up.checkout_id
                    or (key is not None and (t.producer_id, t.customer_id, k)
                        == (top_up.producer_id, top_up.customer_id, key))
                    for t, k, _ in self.store.top_ups.values())
        if taken or (top_up.producer_id, top_up.top_up_id) in self.store.top_ups:
            return False
        self.store.top_ups[(top_up.producer_id, top_up.top_up_id)] = (
            replace(top_up, created_at=self.store.now), key, fingerprint)
        return True

    async def by_key(self, producer_id, customer_id, key):
        return next(((t, f) for t, k, f in self.store.top_ups.values()
                     if (t.producer_id, t.customer_id, k) == (producer_id, customer_id, key)),
                    None)

    async def get(self, producer_id, customer_id, top_up_id):
        found = self.store.top_ups.get((producer_id, top_up_id))
        return found[0] if found and found[0].customer_id == customer_id else None

    async def of_customer(self, producer_id, customer_id, limit):
        return [t for t, _, _ in reversed(self.store.top_ups.values())
                if (t.producer_id, t.customer_id) == (producer_id, customer_id)][:limit]

    async def by_checkout(self, checkout_id):
        return next(((t, self.store.now) for t, _, _ in self.store.top_ups.values()
                     if t.checkout_id == checkout_id), None)

    async def close(self, checkout_id, status, transaction_id):
        for key, (top_up, k, f) in self.store.top_ups.items():
            if top_up.checkout_id == checkout_id and not top_up.is_final:
                self.store.top_ups[key] = (replace(top_up, status=status,
                                                   transaction_id=transaction_id), k, f)
                return True
        return False

    async def take_due(self, limit):
        return [t.checkout_id for t, _, _ in self.store.top_ups.values()
                if t.status == "PENDING"][:limit]


class FakeUnitOfWork(PaymentsFakeUnitOfWork):
    def repositories(self):
        return {"payments": FakePayments(self.store), "top_ups": FakeTopUps(self.store)}
