"""Refunds on the real PostgreSQL with SumUp stood in for: asked once, recorded once, whatever
SumUp answers or fails to answer; a checkout left unpaid past its validity is deactivated."""

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from ardoise.errors import Conflict
from ardoise.events import BalanceHeld, CheckoutClosed, OnlineRefundMade, SettlementChanged
from payments.adapters.orm import outbox, refunds
from payments.adapters.sumup_checkouts import PAID
from payments.adapters.sumup_errors import SumUpUnavailable
from payments.domain.settlement import KnownOrder, PaymentSettings
from payments.service_layer import checkouts
from payments.service_layer.refunds import refund_order, settle_lost_refunds
from payments.views import payments_page

from ..unit.fakes import FakePaymentGateway


class Gateways:
    """Every producer's SumUp account is this fake one; `down` makes refunds fail as told."""

    def __init__(self) -> None:
        self.sumup = FakePaymentGateway()
        self.refund_answer_lost = False

    async def __call__(self, producer_id: str):
        return self

    def __getattr__(self, name):
        return getattr(self.sumup, name)

    async def refund(self, transaction_id, amount_cents):
        await self.sumup.refund(transaction_id, amount_cents)
        if self.refund_answer_lost:  # SumUp made it, its answer never came
            raise SumUpUnavailable(None, None, "read timed out")


class Orders:
    def __init__(self) -> None:
        self.orders = {}

    async def fetch(self, producer_id, order_id):
        return self.orders.get((producer_id, order_id))


async def paid_online(new_uow, producer_id: str, gateways: Gateways, orders: Orders,
                      total_cents: int = 2500, at: datetime | None = None) -> tuple[uuid.UUID,
                                                                                   str]:
    """An order paid online through the saga (opened, then read back PAID); its checkout id."""
    order_id = uuid.uuid4()
    orders.orders[(producer_id, order_id)] = KnownOrder(order_id, "c1", total_cents,
                                                       date(2026, 11, 25))
    held = BalanceHeld(producer_id=producer_id, customer_id="c1", order_id=order_id,
                       hold_id=uuid.uuid4(), attempt=1, total_cents=total_cents, applied_cents=0,
                       expires_at=(at or datetime.now(UTC)) + timedelta(minutes=35))
    await checkouts.open_checkout(held, new_uow, gateways, "http://payments.test/webhook",
                                  orders.fetch, "test")
    [checkout] = [c for c in gateways.sumup.checkouts.values()
                  if c.reference == f"{order_id}.1"]
    gateways.sumup.set_status(checkout.id, PAID)
    assert await checkouts.sync_checkout(checkout.id, new_uow, gateways, orders.fetch) == "paid"
    return order_id, checkout.id


async def events_of(new_uow, order_id: uuid.UUID, kind) -> list:
    async with new_uow() as uow:
        payloads = (await uow.session.execute(select(outbox.c.payload).where(
            outbox.c.payload["order_id"].astext == str(order_id)))).scalars().all()
    return [p for p in payloads if p["event_type"] == kind.__name__]


async def test_a_refund_is_recorded_once_and_its_replay_with_the_same_key_changes_nothing(
        new_uow, producer_id):
    gateways, orders = Gateways(), Orders()
    order_id, _ = await paid_online(new_uow, producer_id, gateways, orders)
    first, replay = await refund_order(producer_id, order_id, 1000, "k1", new_uow, gateways,
                                       orders.fetch)
    again, replayed = await refund_order(producer_id, order_id, 1000, "k1", new_uow, gateways,
                                         orders.fetch)
    assert (first["status"], replay, again, replayed) == ("refunded", False, first, True)
    with pytest.raises(Conflict):  # the same key for another amount
        await refund_order(producer_id, order_id, 500, "k1", new_uow, gateways, orders.fetch)
    changes = await events_of(new_uow, order_id, SettlementChanged)
    assert [c["received"] for c in changes] == [{"online": 2500}, {"online": 1500}]
    assert sum(gateways.sumup.refunds.values()) == 1000
    # told once, as money that went out on its own day
    [made] = await events_of(new_uow, order_id, OnlineRefundMade)
    assert (made["refund_id"], made["amount_cents"], made["customer_id"]) == (
        first["refund_id"], 1000, changes[0]["customer_id"])
    assert made["delivery_date"] == changes[0]["delivery_date"] and made["refunded_at"]


async def test_a_refund_whose_answer_was_lost_is_found_at_sumup_and_recorded_once(
        new_uow, producer_id):
    gateways, orders = Gateways(), Orders()
    order_id, _ = await paid_online(new_uow, producer_id, gateways, orders)
    gateways.refund_answer_lost = True
    pending, _ = await refund_order(producer_id, order_id, 700, None, new_uow, gateways,
                                    orders.fetch)
    assert pending["status"] == "requested"
    # while its answer is unknown, what it asks for is not refundable again
    with pytest.raises(Conflict):
        await refund_order(producer_id, order_id, 1801, None, new_uow, gateways, orders.fetch)
    settled = await settle_lost_refunds(new_uow, gateways, orders.fetch, older_than_s=0)
    assert settled[uuid.UUID(pending["refund_id"])] == "refunded"
    assert await settle_lost_refunds(new_uow, gateways, orders.fetch, older_than_s=0) == {}
    changes = await events_of(new_uow, order_id, SettlementChanged)
    assert [c["received"] for c in changes] == [{"online": 2500}, {"online": 1800}]
    [told] = await events_of(new_uow, order_id, OnlineRefundMade)
    async with new_uow() as uow:
        asked_at, answered_at = (await uow.session.execute(
            select(refunds.c.created_at, refunds.c.updated_at).where(
                refunds.c.refund_id == uuid.UUID(pending["refund_id"])))).one()
    # dated when it was asked (SumUp made it then), not when it was read back
    assert told["amount_cents"] == 700 and answered_at > asked_at
    assert datetime.fromisoformat(told["refunded_at"]) == asked_at


async def test_a_refund_sumup_never_made_is_failed_and_nothing_is_taken_off(new_uow,
                                                                           producer_id):
    gateways, orders = Gateways(), Orders()
    order_id, _ = await paid_online(new_uow, producer_id, gateways, orders)

    async def unreachable(transaction_id, amount_cents):
        raise SumUpUnavailable(None, None, "connection refused")

    gateways.refund = unreachable
    pending, _ = await refund_order(producer_id, order_id, None, None, new_uow, gateways,
                                    orders.fetch)
    assert (pending["status"], pending["amount_cents"]) == ("requested", 2500)
    settled = await settle_lost_refunds(new_uow, gateways, orders.fetch, older_than_s=0)
    assert settled[uuid.UUID(pending["refund_id"])] == "failed"
    assert [c["received"] for c in await events_of(new_uow, order_id, SettlementChanged)] == [
        {"online": 2500}]
    assert await events_of(new_uow, order_id, OnlineRefundMade) == []


async def test_concurrent_refunds_never_give_back_more_than_was_paid(new_uow, producer_id):
    gateways, orders = Gateways(), Orders()
    order_id, _ = await paid_online(new_uow, producer_id, gateways, orders)
    outcomes = await asyncio.gather(*(
        refund_order(producer_id, order_id, 1000, None, new_uow, gateways, orders.fetch)
        for _ in range(5)), return_exceptions=True)
    made = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(made) == 2 and all(isinstance(o, Conflict) for o in outcomes if o not in made)
    async with new_uow() as uow:
        amounts = (await uow.session.execute(select(refunds.c.amount_cents).where(
            refunds.c.producer_id == producer_id, refunds.c.status == "refunded"))).scalars()
        assert sum(amounts) == 2000
    assert sum(gateways.sumup.refunds.values()) == 2000


async def test_a_checkout_left_unpaid_past_its_validity_is_deactivated_and_expires(
        new_uow, producer_id):
    gateways, orders = Gateways(), Orders()
    order_id = uuid.uuid4()
    orders.orders[(producer_id, order_id)] = KnownOrder(order_id, "c1", 2000, date(2026, 11, 25))
    held = BalanceHeld(producer_id=producer_id, customer_id="c1", order_id=order_id,
                       hold_id=uuid.uuid4(), attempt=1, total_cents=2000, applied_cents=0,
                       expires_at=datetime.now(UTC) + timedelta(minutes=35))
    await checkouts.open_checkout(held, new_uow, gateways, "http://payments.test/webhook",
                                  orders.fetch, "test")
    [checkout] = gateways.sumup.checkouts.values()
    assert checkout.valid_until == held.expires_at - timedelta(minutes=5)
    assert await checkouts.sync_checkout(checkout.id, new_uow, gateways, orders.fetch) == \
        "still pending"
    later = checkout.valid_until + timedelta(seconds=1)
    assert await checkouts.sync_checkout(checkout.id, new_uow, gateways, orders.fetch,
                                         now=later) == "expired"
    assert gateways.sumup.checkouts[checkout.id].status == "EXPIRED"  # deactivated at SumUp
    [closed] = await events_of(new_uow, order_id, CheckoutClosed)
    assert closed["status"] == "EXPIRED"


async def test_a_checkout_paid_just_as_it_was_given_up_is_recorded_paid(new_uow, producer_id):
    gateways, orders = Gateways(), Orders()
    order_id = uuid.uuid4()
    orders.orders[(producer_id, order_id)] = KnownOrder(order_id, "c1", 2000, date(2026, 11, 25))
    held = BalanceHeld(producer_id=producer_id, customer_id="c1", order_id=order_id,
                       hold_id=uuid.uuid4(), attempt=1, total_cents=2000, applied_cents=0,
                       expires_at=datetime.now(UTC) + timedelta(minutes=35))
    await checkouts.open_checkout(held, new_uow, gateways, "http://payments.test/webhook",
                                  orders.fetch, "test")
    [checkout] = gateways.sumup.checkouts.values()
    read_pending = gateways.sumup.get_checkout

    async def paid_meanwhile(checkout_id):  # read PENDING, paid before the deactivation
        seen = await read_pending(checkout_id)
        gateways.sumup.set_status(checkout_id, PAID)
        return seen

    gateways.sumup.get_checkout = paid_meanwhile
    later = checkout.valid_until + timedelta(seconds=1)
    assert await checkouts.sync_checkout(checkout.id, new_uow, gateways, orders.fetch,
                                         now=later) == "paid"
    [change] = await events_of(new_uow, order_id, SettlementChanged)
    assert change["received"] == {"online": 2000}


async def test_an_order_without_a_sumup_account_fails_its_attempt_at_once(new_uow, producer_id):
    orders = Orders()
    order_id = uuid.uuid4()

    async def no_account(producer_id):
        return None

    held = BalanceHeld(producer_id=producer_id, customer_id="c1", order_id=order_id,
                       hold_id=uuid.uuid4(), attempt=1, total_cents=2000, applied_cents=500,
                       expires_at=datetime.now(UTC) + timedelta(minutes=35))
    await checkouts.open_checkout(held, new_uow, no_account, "http://payments.test/webhook",
                                  orders.fetch, "test")
    [closed] = await events_of(new_uow, order_id, CheckoutClosed)
    assert (closed["status"], closed["attempt"]) == ("FAILED", 1)  # its hold is released


async def test_a_read_back_of_another_merchants_checkout_records_nothing(new_uow, producer_id):
    gateways, orders = Gateways(), Orders()
    order_id = uuid.uuid4()
    orders.orders[(producer_id, order_id)] = KnownOrder(order_id, "c1", 2000, date(2026, 11, 25))
    held = BalanceHeld(producer_id=producer_id, customer_id="c1", order_id=order_id,
                       hold_id=uuid.uuid4(), attempt=1, total_cents=2000, applied_cents=0,
                       expires_at=datetime.now(UTC) + timedelta(minutes=35))
    await checkouts.open_checkout(held, new_uow, gateways, "http://payments.test/webhook",
                                  orders.fetch, "test")
    [checkout] = gateways.sumup.checkouts.values()
    gateways.sumup.set_status(checkout.id, PAID)
    gateways.sumup.merchant_code = "MSOMEONEELSE"  # the producer's account is now another one
    assert await checkouts.sync_checkout(checkout.id, new_uow, gateways, orders.fetch) == \
        "another merchant"
    assert await events_of(new_uow, order_id, SettlementChanged) == []


async def test_the_weeks_page_counts_a_refund_in_the_week_it_was_made(new_uow, producer_id):
    """The order's week keeps what came in (25,00 € online); the refund's own week gives back
    10,00 €, listed with its order."""
    gateways, orders = Gateways(), Orders()
    order_id, _ = await paid_online(new_uow, producer_id, gateways, orders)
    made, _ = await refund_order(producer_id, order_id, 1000, None, new_uow, gateways,
                                 orders.fetch, "Léa")
    settings = PaymentSettings(payment_tracking=True, accepted_modes=("online",))
    async with new_uow() as uow:
        refunded_at = (await uow.session.execute(select(refunds.c.created_at).where(
            refunds.c.refund_id == uuid.UUID(made["refund_id"])))).scalar_one()
        local_day = refunded_at.astimezone(ZoneInfo(settings.time_zone)).date()
        refund_monday = local_day - timedelta(days=local_day.weekday())
        orders_week = await payments_page(uow.session, producer_id, date(2026, 11, 23), settings)
        refund_week = await payments_page(uow.session, producer_id, refund_monday, settings)
    [row] = orders_week["rows"]
    assert (row["received"], row["refunded_cents"]) == ({"online": 1500}, 1000)
    [given_back] = refund_week["refunds"]
    assert (given_back["refund_id"], given_back["order_id"], given_back["amount_cents"],
            given_back["mode"], given_back["requested_by"], given_back["delivery_date"]) == (
        made["refund_id"], str(order_id), -1000, "online", "Léa", "2026-11-25")
    if refund_monday == date(2026, 11, 23):  # made in the order's own week: one page, net
        assert orders_week["totals"]["online"] == 1500
    else:
        assert orders_week["refunds"] == [] and orders_week["totals"]["online"] == 2500
        assert refund_week["rows"] == [] and refund_week["totals"]["online"] == -1000
