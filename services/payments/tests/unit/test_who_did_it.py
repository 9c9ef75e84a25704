"""Who did it (issue #23): a settlement, the credit note it makes and the event that tells it
keep the operator who made it; what the system settles names no one; a settings change keeps
who made it, and when."""

import uuid
from datetime import date

import pytest

from ardoise.changes import Change
from ardoise.events import SettlementChanged
from payments.domain.settlement import KnownOrder
from payments.service_layer import handlers

from .fakes import FakeOrdersGateway, FakeUnitOfWork, Store

P = "ferme-a"
LEA = "Léa Martin"


@pytest.fixture
def store() -> Store:
    return Store()


def known(store: Store, total_cents: int = 2000) -> uuid.UUID:
    order = KnownOrder(uuid.uuid4(), "c1", total_cents, date(2026, 11, 25))
    store.orders[(P, order.order_id)] = order
    return order.order_id


def told(store: Store) -> list[SettlementChanged]:
    return [e for e in store.published if isinstance(e, SettlementChanged)]


async def test_an_overpayment_in_cash_keeps_who_recorded_it_and_its_credit_note(store):
    order_id = known(store)
    await handlers.settle_orders(P, [order_id], "cash", 2500, FakeUnitOfWork(store),
                                 FakeOrdersGateway().fetch, actor=LEA)
    [event] = told(store)
    assert (event.actor, event.credit_note_cents) == (LEA, 500)
    assert store.recorded_by[(P, order_id)] == LEA
    assert store.credit_notes[(P, 1)]["issued_by"] == LEA


async def test_each_order_of_a_batch_is_recorded_by_the_operator_who_settled_them(store):
    first, second = known(store), known(store, 1500)
    await handlers.settle_orders(P, [first, second], "cheque", None, FakeUnitOfWork(store),
                                 FakeOrdersGateway().fetch, actor=LEA)
    assert [e.actor for e in told(store)] == [LEA, LEA]
    assert store.recorded_by[(P, first)] == store.recorded_by[(P, second)] == LEA


async def test_a_payment_sumup_confirmed_names_no_one_even_after_an_operator(store):
    order_id = known(store)
    await handlers.settle_orders(P, [order_id], "account", None, FakeUnitOfWork(store),
                                 FakeOrdersGateway().fetch, actor=LEA)
    uow = FakeUnitOfWork(store)
    async with uow:
        await handlers.record_online_payment_within(uow, P, order_id, 2000, 0,
                                                    FakeOrdersGateway().fetch)
        await uow.commit()
    assert [e.actor for e in told(store)] == [LEA, None]
    assert store.recorded_by[(P, order_id)] is None


async def test_a_settings_change_keeps_who_made_it_and_when(store):
    change = Change.now_by("Léa Martin")
    await handlers.change_settings(P, {"time_zone": "Indian/Reunion"}, FakeUnitOfWork(store),
                                   change=change)
    assert store.changes[P] == change and change.at is not None
    assert change.view() == {"changed_by": LEA, "changed_at": change.at.isoformat()}
