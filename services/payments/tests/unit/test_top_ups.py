"""A top-up's life with fakes (no database, no SumUp): the checkout SumUp is asked for, the
read-backs that end it, and OnlineTopUpPaid told once, only for what SumUp confirmed."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from ardoise.errors import Conflict, NotFound
from ardoise.events import CheckoutClosed, OnlineTopUpPaid
from payments.domain import top_ups as rules
from payments.domain.settlement import PaymentSettings
from payments.service_layer.top_ups import (
    open_top_up,
    read_top_up,
    sync_due_top_ups,
    sync_notified_checkout,
    sync_top_up,
)

from .fakes import FakeOrdersGateway, FakePaymentGateway
from .top_up_fakes import FakeUnitOfWork, TopUpStore

P = "ferme-a"
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
ONLINE = PaymentSettings(payment_tracking=True, accepted_modes=("account", "cash", "online"),
                         sumup_merchant_code="MFAKE001", sumup_connected=True)
WEBHOOK = "https://payments.example/v1/sumup/webhook"


@pytest.fixture
def store() -> TopUpStore:
    store = TopUpStore(now=NOW)
    store.settings[P] = ONLINE
    store.customers[(P, "c1")] = "Claire Martin"
    return store


@pytest.fixture
def sumup() -> FakePaymentGateway:
    return FakePaymentGateway()


def new_uow(store):
    return lambda: FakeUnitOfWork(store)


def gateways_of(sumup, connected=True):
    async def gateways(producer_id):
        return sumup if connected else None
    return gateways


async def top_up(store, sumup, amount_cents=2000, key=None, customer_id="c1", redirect=None,
                 fingerprint="f1"):
    return await open_top_up(P, customer_id, amount_cents, redirect, key, fingerprint,
                             new_uow(store), gateways_of(sumup), WEBHOOK, now=NOW)


def told(store, kind=OnlineTopUpPaid) -> list:
    return [e for e in store.published if isinstance(e, kind)]


# ---- the rules ------------------------------------------------------------------------------

def test_a_top_up_s_reference_names_it_apart_from_an_order_s_attempts():
    top_up_id = uuid.uuid4()
    assert rules.reference(top_up_id) == f"top-up.{top_up_id}"
    assert len(rules.reference(top_up_id)) <= 64


def test_a_request_sent_again_with_its_key_names_the_same_top_up_and_only_that_customer_s():
    assert rules.top_up_id_for(P, "c1", "k") == rules.top_up_id_for(P, "c1", "k")
    assert rules.top_up_id_for(P, "c1", "k") != rules.top_up_id_for(P, "c2", "k")
    assert rules.top_up_id_for(P, "c1", None) != rules.top_up_id_for(P, "c1", None)


def test_the_page_to_come_back_to_may_name_the_top_up():
    top_up_id = uuid.uuid4()
    assert rules.redirect_for("https://web/mon-compte/recharges/{top_up_id}", top_up_id) == \
        f"https://web/mon-compte/recharges/{top_up_id}"
    assert rules.redirect_for(None, top_up_id) is None


@pytest.mark.parametrize("settings", [
    PaymentSettings(payment_tracking=False),
    PaymentSettings(payment_tracking=True),
    PaymentSettings(payment_tracking=True, accepted_modes=("cash", "online")),
])
def test_a_producer_without_tracking_or_online_payment_takes_no_top_up(settings):
    with pytest.raises(Conflict):
        rules.check_online_top_ups_are_offered(settings)


# ---- opening it -----------------------------------------------------------------------------

async def test_sumup_is_asked_for_the_amount_on_the_producer_s_account_for_30_minutes(
        store, sumup):
    view, replay = await top_up(store, sumup, 2000, redirect="https://web/r/{top_up_id}")
    [checkout] = sumup.checkouts.values()
    assert not replay
    assert (checkout.amount_cents, checkout.currency, checkout.reference) == (
        2000, "EUR", f"top-up.{view['top_up_id']}")
    assert checkout.valid_until == NOW + timedelta(minutes=30)
    assert sumup.return_urls[checkout.id] == WEBHOOK
    assert (view["status"], view["checkout_id"], view["checkout_url"], view["amount_cents"]) == (
        "PENDING", checkout.id, checkout.hosted_checkout_url, 2000)
    assert told(store) == [], "nothing is told before SumUp says it was paid"


async def test_a_customer_the_producer_never_registered_cannot_top_up(store, sumup):
    with pytest.raises(NotFound):
        await top_up(store, sumup, customer_id="c9")
    assert sumup.checkouts == {}


async def test_without_a_sumup_account_nothing_is_asked(store, sumup):
    with pytest.raises(Conflict):
        await open_top_up(P, "c1", 2000, None, None, "f", new_uow(store),
                          gateways_of(sumup, connected=False), WEBHOOK)
    assert store.top_ups == {}


async def test_the_same_key_and_body_answer_the_same_top_up_and_another_body_is_refused(
        store, sumup):
    first, _ = await top_up(store, sumup, 2000, key="k1", fingerprint="f2000")
    again, replay = await top_up(store, sumup, 2000, key="k1", fingerprint="f2000")
    assert replay and again == first and len(sumup.checkouts) == 1
    with pytest.raises(Conflict):
        await top_up(store, sumup, 3000, key="k1", fingerprint="f3000")


async def test_a_request_whose_answer_was_lost_finds_its_checkout_again_at_sumup(store, sumup):
    """Asked of SumUp, then not recorded (the process died): sent again with its key, the same
    checkout is found by its reference, never a second one."""
    top_up_id = rules.top_up_id_for(P, "c1", "k2")
    await sumup.create_checkout(rules.reference(top_up_id), 2000, "EUR", "x", WEBHOOK)
    view, replay = await top_up(store, sumup, 2000, key="k2")
    assert not replay and view["top_up_id"] == str(top_up_id) and len(sumup.checkouts) == 1


# ---- believing SumUp ------------------------------------------------------------------------

async def test_a_paid_top_up_is_told_once_for_what_sumup_took(store, sumup):
    view, _ = await top_up(store, sumup, 2000)
    checkout_id, sync = view["checkout_id"], new_uow(store)
    assert await sync_top_up(checkout_id, sync, gateways_of(sumup)) == "still pending"
    paid = sumup.set_status(checkout_id, "PAID")
    assert await sync_top_up(checkout_id, sync, gateways_of(sumup)) == "paid"
    assert await sync_top_up(checkout_id, sync, gateways_of(sumup)) == "already recorded"
    [event] = told(store)
    assert (event.customer_id, event.top_up_id, event.amount_cents, event.checkout_id,
            event.transaction_id) == ("c1", uuid.UUID(view["top_up_id"]), 2000, checkout_id,
                                      paid.transaction_id)
    assert told(store, CheckoutClosed) == [], "a top-up is no order's checkout"
    assert (await read_top_up(P, "c1", event.top_up_id, sync))["status"] == "PAID"


async def test_a_payment_of_another_amount_is_not_believed(store, sumup):
    view, _ = await top_up(store, sumup, 2000)
    sumup.set_status(view["checkout_id"], "PAID", paid_amount_cents=200)
    assert await sync_top_up(view["checkout_id"], new_uow(store), gateways_of(sumup)) == \
        "amount differs"
    assert told(store) == []


async def test_a_checkout_of_another_merchant_is_not_believed(store, sumup):
    view, _ = await top_up(store, sumup, 2000)
    sumup.set_status(view["checkout_id"], "PAID")
    other = FakePaymentGateway("MOTHER01")  # the producer's account now, not the checkout's
    other.checkouts = sumup.checkouts
    assert await sync_top_up(view["checkout_id"], new_uow(store), gateways_of(other)) == \
        "another merchant"
    assert told(store) == []


async def test_a_failed_payment_ends_the_top_up_and_credits_nothing(store, sumup):
    view, _ = await top_up(store, sumup, 2000)
    sumup.set_status(view["checkout_id"], "FAILED")
    assert await sync_top_up(view["checkout_id"], new_uow(store), gateways_of(sumup)) == "failed"
    assert told(store) == []


async def test_an_unpaid_top_up_past_its_validity_is_deactivated_and_ends_expired(store, sumup):
    view, _ = await top_up(store, sumup, 2000)
    later = NOW + timedelta(minutes=31)
    assert await sync_top_up(view["checkout_id"], new_uow(store), gateways_of(sumup),
                             now=later) == "expired"
    assert sumup.checkouts[view["checkout_id"]].status == "EXPIRED" and told(store) == []


async def test_a_notification_reads_back_a_top_up_as_it_reads_an_order_s_checkout(store, sumup):
    view, _ = await top_up(store, sumup, 2000)
    sumup.set_status(view["checkout_id"], "PAID")
    outcome = await sync_notified_checkout(view["checkout_id"], new_uow(store),
                                           gateways_of(sumup), FakeOrdersGateway().fetch)
    assert outcome == "paid" and len(told(store)) == 1
    assert await sync_notified_checkout("forged", new_uow(store), gateways_of(sumup),
                                        FakeOrdersGateway().fetch) == "unknown checkout"


async def test_the_periodic_read_back_finds_a_top_up_paid_whose_notification_was_lost(
        store, sumup):
    view, _ = await top_up(store, sumup, 2000)
    sumup.set_status(view["checkout_id"], "PAID")
    assert await sync_due_top_ups(new_uow(store), gateways_of(sumup)) == {
        view["checkout_id"]: "paid"}
    assert await sync_due_top_ups(new_uow(store), gateways_of(sumup)) == {}
    assert len(told(store)) == 1
