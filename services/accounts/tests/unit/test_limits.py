"""Credit limits in the accounts: the producer's default and choice, a customer's own limit
overriding it, and the standing the orders service checks an order against (holds count)."""

from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accounts.domain import Account
from accounts.domain.exceptions import AmountOutOfRange, CustomerNotFound
from accounts.domain.limits import (
    ONLINE_PAYMENT,
    REFUSE,
    CreditLimits,
    CreditStanding,
    SetCreditLimits,
    SetCustomerCreditLimit,
    UnknownOverLimitChoice,
    available_until_limit_cents,
    effective_limit_cents,
)
from accounts.service_layer import limits
from ardoise.changes import Change
from ardoise_tools.testing.fakes import FakeUnitOfWork as SharedFakeUnitOfWork

P = "ferme-a"
limits_or_none = st.none() | st.integers(0, 10**11)


@dataclass
class Store:
    accounts: dict = field(default_factory=dict)
    producer_limits: dict = field(default_factory=dict)
    changes: dict = field(default_factory=dict)
    tracking: dict = field(default_factory=dict)
    inbox: set = field(default_factory=set)
    published: list = field(default_factory=list)


class FakeLimits:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def producer_limits(self, producer_id):
        return self.store.producer_limits.get(producer_id, CreditLimits())

    async def producer_limits_change(self, producer_id):
        return self.store.changes.get(producer_id, Change())

    async def set_producer_limits(self, producer_id, value, change=None):
        self.store.producer_limits[producer_id] = value
        self.store.changes[producer_id] = change or Change()

    async def set_customer_limit(self, producer_id, customer_id, limit_cents, change=None):
        if (producer_id, customer_id) not in self.store.accounts:
            return False
        self.store.accounts[(producer_id, customer_id)][1] = limit_cents
        self.store.changes[(producer_id, customer_id)] = change or Change()
        return True

    async def standing(self, producer_id, customer_id):
        if (producer_id, customer_id) not in self.store.accounts:
            return None
        account, own = self.store.accounts[(producer_id, customer_id)]
        return CreditStanding(customer_id, account.balance_cents, account.held_cents, own,
                              await self.producer_limits(producer_id),
                              self.store.tracking.get(producer_id) is True,
                              self.store.changes.get((producer_id, customer_id), Change()))

    async def tracking_is_on(self, producer_id):
        return self.store.tracking.get(producer_id) is True


class FakeUnitOfWork(SharedFakeUnitOfWork):
    def repositories(self):
        return {"limits": FakeLimits(self.store)}


@pytest.fixture
def store() -> Store:
    """Claire owes 40,00 €; the producer tracks payments."""
    claire = Account(P, "claire", "Claire Martin", balance_cents=-4000)
    return Store(accounts={(P, "claire"): [claire, None]}, tracking={P: True})


def test_a_customers_own_limit_overrides_the_default_and_none_falls_back_to_it():
    assert effective_limit_cents(5000, 10000) == 10000
    assert effective_limit_cents(5000, 0) == 0  # no debt at all for this one
    assert effective_limit_cents(5000, None) == 5000
    assert effective_limit_cents(None, None) is None


@given(limits_or_none, limits_or_none)
def test_the_limit_in_force_is_the_customers_own_whenever_it_has_one(default, own):
    in_force = CreditLimits(default).limit_of(own)
    assert in_force == (own if own is not None else default)


@given(st.integers(-10**11, 10**11), limits_or_none)
def test_what_may_still_be_spent_is_available_plus_the_limit(available, limit):
    until = available_until_limit_cents(available, limit)
    assert until is None if limit is None else until == available + limit


@pytest.mark.parametrize("bad", [-1, 1.5, True, "5000", 10**11 + 1])
def test_a_limit_is_a_whole_number_of_cents_from_0(bad):
    with pytest.raises(AmountOutOfRange) as refused:
        CreditLimits.checked(bad, REFUSE)
    assert refused.value.field == "credit_limit_cents"


def test_an_over_limit_choice_is_refuse_or_online_payment():
    assert CreditLimits.checked(None, ONLINE_PAYMENT) == CreditLimits(None, ONLINE_PAYMENT)
    with pytest.raises(UnknownOverLimitChoice):
        CreditLimits.checked(5000, "accept")


async def test_until_set_a_producer_has_no_limit_and_refuses(store):
    assert await limits.credit_limits(P, FakeUnitOfWork(store)) == {
        "credit_limit_cents": None, "over_limit": "refuse", "payment_tracking": True,
        "changed_by": None, "changed_at": None}


async def test_the_default_and_the_choice_are_set_together_and_read_back(store):
    answer = await limits.set_credit_limits(SetCreditLimits(P, 5000, ONLINE_PAYMENT, "Léa"),
                                            FakeUnitOfWork(store))
    assert answer == {"credit_limit_cents": 5000, "over_limit": "online_payment",
                      "payment_tracking": True, "changed_by": "Léa",
                      "changed_at": store.changes[P].at.isoformat()}
    assert await limits.credit_limits(P, FakeUnitOfWork(store)) == answer


async def test_a_refused_default_writes_nothing(store):
    with pytest.raises(AmountOutOfRange):
        await limits.set_credit_limits(SetCreditLimits(P, -5000, REFUSE), FakeUnitOfWork(store))
    assert store.producer_limits == {}


async def test_the_standing_is_the_available_balance_against_the_default_limit(store):
    await limits.set_credit_limits(SetCreditLimits(P, 5000, REFUSE), FakeUnitOfWork(store))
    standing = await limits.credit_standing(P, "claire", FakeUnitOfWork(store))
    assert standing == {
        "customer_id": "claire", "balance_cents": -4000, "held_cents": 0,
        "available_cents": -4000, "credit_limit_cents": 5000,
        "customer_credit_limit_cents": None, "default_credit_limit_cents": 5000,
        "over_limit": "refuse", "available_until_limit_cents": 1000, "payment_tracking": True,
        "changed_by": None, "changed_at": None}


async def test_holds_count_credit_promised_to_a_checkout_is_not_available(store):
    # 15,00 € of credit, all of it promised to a checkout still open
    store.accounts[(P, "claire")][0] = Account(P, "claire", "Claire Martin",
                                               balance_cents=1500, held_cents=1500)
    await limits.set_credit_limits(SetCreditLimits(P, 5000, REFUSE), FakeUnitOfWork(store))
    standing = await limits.credit_standing(P, "claire", FakeUnitOfWork(store))
    assert (standing["available_cents"], standing["available_until_limit_cents"]) == (0, 5000)


async def test_a_customers_own_limit_overrides_the_default_until_set_back_to_none(store):
    await limits.set_credit_limits(SetCreditLimits(P, 5000, REFUSE), FakeUnitOfWork(store))
    own = await limits.set_customer_credit_limit(
        SetCustomerCreditLimit(P, "claire", 10000, "Léa Martin"), FakeUnitOfWork(store))
    assert (own["credit_limit_cents"], own["customer_credit_limit_cents"],
            own["available_until_limit_cents"], own["changed_by"]) == (
        10000, 10000, 6000, "Léa Martin")
    back = await limits.set_customer_credit_limit(SetCustomerCreditLimit(P, "claire", None),
                                                  FakeUnitOfWork(store))
    assert (back["credit_limit_cents"], back["customer_credit_limit_cents"]) == (5000, None)


async def test_an_unknown_customer_has_no_standing_and_no_limit_of_its_own(store):
    with pytest.raises(CustomerNotFound):
        await limits.credit_standing(P, "nobody", FakeUnitOfWork(store))
    with pytest.raises(CustomerNotFound):
        await limits.set_customer_credit_limit(SetCustomerCreditLimit(P, "nobody", 1000),
                                               FakeUnitOfWork(store))


async def test_a_customers_limit_below_0_is_refused_and_nothing_changes(store):
    with pytest.raises(AmountOutOfRange):
        await limits.set_customer_credit_limit(SetCustomerCreditLimit(P, "claire", -1),
                                               FakeUnitOfWork(store))
    assert store.accounts[(P, "claire")][1] is None
