"""Who did it (issue #23), on the real PostgreSQL: a settlement keeps who recorded it and so does
the credit note it issues; a refund keeps who asked for it, and the settlement change it makes
later (once SumUp's answer is read back) is told as theirs; a payment SumUp confirmed is no
one's."""

import uuid
from datetime import date

from sqlalchemy import select

from ardoise.events import SettlementChanged
from payments import views
from payments.adapters.orm import settlements
from payments.domain.settlement import KnownOrder
from payments.service_layer import handlers
from payments.service_layer.refunds import refund_order, settle_lost_refunds

from .test_refunds import Gateways, Orders, events_of, paid_online

LEA = "Léa Martin"


async def test_an_overpayment_keeps_who_recorded_it_and_its_credit_note(new_uow, producer_id):
    orders = Orders()
    order_id = uuid.uuid4()
    orders.orders[(producer_id, order_id)] = KnownOrder(order_id, "c1", 2000, date(2026, 11, 25))
    await handlers.settle_orders(producer_id, [order_id], "cash", 2500, new_uow(), orders.fetch,
                                 actor=LEA)
    [told] = await events_of(new_uow, order_id, SettlementChanged)
    assert (told["actor"], told["credit_note_cents"]) == (LEA, 500)
    async with new_uow() as uow:
        recorded_by = (await uow.session.execute(select(settlements.c.recorded_by).where(
            settlements.c.producer_id == producer_id,
            settlements.c.order_id == order_id))).scalar_one()
        [note] = await views.credit_notes(uow.session, producer_id, None, None, None)
    assert recorded_by == LEA
    assert (note["amount_cents"], note["issued_by"]) == (500, LEA)


async def test_a_refund_whose_answer_was_lost_is_still_told_as_asked_by_lea(new_uow,
                                                                           producer_id):
    gateways, orders = Gateways(), Orders()
    order_id, _ = await paid_online(new_uow, producer_id, gateways, orders)
    gateways.refund_answer_lost = True
    pending, _ = await refund_order(producer_id, order_id, 700, None, new_uow, gateways,
                                    orders.fetch, actor=LEA)
    assert (pending["status"], pending["requested_by"]) == ("requested", LEA)
    await settle_lost_refunds(new_uow, gateways, orders.fetch, older_than_s=0)
    changes = await events_of(new_uow, order_id, SettlementChanged)
    assert [(c["received"], c["actor"]) for c in changes] == [
        ({"online": 2500}, None), ({"online": 1800}, LEA)]
