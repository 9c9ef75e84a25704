"""Who did it (issue #23): a movement recorded by hand keeps the operator who recorded it and
tells it; the movements a settlement makes show who made the settlement when its event says,
and no one when the system made it (or an earlier event names no one)."""

import uuid
from datetime import date

from accounts.domain.commands import RecordMovement
from accounts.service_layer import handlers, messagebus
from ardoise.events import BankTransferApplied, MovementRecorded, SettlementChanged

from .fakes import FakeUnitOfWork, Store
from .test_handlers import registered

P, LEA = "ferme-a", "Léa Martin"


def settled(order_id: uuid.UUID, actor: str | None) -> SettlementChanged:
    return SettlementChanged(producer_id=P, order_id=order_id, customer_id="c1", version=1,
                             total_cents=2000, delivery_date=date(2026, 11, 27), mode="cash",
                             amount_paid_cents=2500, actor=actor)


async def test_a_top_up_recorded_by_hand_keeps_and_tells_who_recorded_it():
    store = Store(tracking={P: True})
    await registered(store)
    view, _ = await handlers.record_movement(
        RecordMovement(P, "c1", "credit", 2000, None, "cash", LEA), FakeUnitOfWork(store))
    assert view["recorded_by"] == LEA and store.movements[-1].recorded_by == LEA
    [told] = [e for e in store.published if isinstance(e, MovementRecorded)]
    assert told.actor == LEA


async def test_the_movements_of_a_settlement_show_who_made_it_and_none_for_the_system():
    store = Store(tracking={P: True})
    await registered(store)
    by_lea, by_no_one = uuid.uuid4(), uuid.uuid4()
    await messagebus.handle_batch([settled(by_lea, LEA), settled(by_no_one, None)],
                                  lambda: FakeUnitOfWork(store), "test")
    authors = {(m.order_id, m.label.split()[0]): m.recorded_by for m in store.movements}
    assert authors == {(by_lea, "Commande"): LEA, (by_lea, "Paiement"): LEA,
                       (by_no_one, "Commande"): None, (by_no_one, "Paiement"): None}


async def test_a_transfer_confirmed_from_the_bank_statement_shows_who_confirmed_it():
    store = Store(tracking={P: True})
    await registered(store)
    applied = BankTransferApplied(producer_id=P, customer_id="c1", transaction_key="k1",
                                  entry=1, amount_cents=3000, booked_on=date(2026, 11, 27),
                                  label="Virement reçu", actor=LEA)
    await messagebus.handle_batch([applied], lambda: FakeUnitOfWork(store), "test")
    assert [(m.mode, m.amount_cents, m.recorded_by) for m in store.movements] == [
        ("transfer", 3000, LEA)]


def test_an_event_from_before_issue_23_names_no_one():
    body = settled(uuid.uuid4(), None).model_dump(mode="json")
    del body["actor"]
    assert messagebus.command_for(SettlementChanged.model_validate(body)).actor is None
