"""Reading an order conditionally on the real PostgreSQL: its ETag, 304 while unchanged, and a
reader holding its request until the order changes (woken by the orders tables' NOTIFY)."""

import asyncio
import time
import uuid
from datetime import date

import asyncpg
import pytest

from ardoise.auth import Principal
from ardoise.db import plain_dsn
from ardoise.events import CheckoutOpened, SettlementChanged
from orders.entrypoints import api
from orders.service_layer import messagebus

from .test_orders_gateway import place, placing

CHECKOUT_URL = "https://pay.example/c/abc"


async def placed_order(gateway, producer_id: str) -> tuple[str, dict]:
    """A new order of customer c1: its page path and its first answer."""
    path = f"/v1/producers/{producer_id}/orders/{(await place(gateway, producer_id))['order_id']}"
    return path, (await gateway().get(path))


async def checkout_opened(new_uow, producer_id: str, path: str) -> None:
    await messagebus.handle(CheckoutOpened(
        producer_id=producer_id, order_id=uuid.UUID(path.rsplit("/", 1)[1]), customer_id="c1",
        attempt=1, checkout_id="chk-1", checkout_url=CHECKOUT_URL, balance_applied_cents=500,
        amount_due_cents=1500), new_uow(), "test")


@pytest.fixture
def no_rereads(monkeypatch):
    """Waiting readers read again only when notified: what answers them is the NOTIFY."""
    monkeypatch.setattr(api, "REREAD_S", 60.0)


async def test_an_unchanged_order_answers_304_to_its_own_etag(gateway, producer_id):
    path, first = await placed_order(gateway, producer_id)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and etag.startswith('"') and len(etag) == 18

    for named in (etag, f"W/{etag}", f'"other", {etag}'):
        again = await gateway().get(path, headers={"If-None-Match": named})
        assert (again.status_code, again.headers["ETag"], again.content) == (304, etag, b"")
    other = await gateway().get(path, headers={"If-None-Match": '"other"'})
    assert other.status_code == 200 and other.json() == first.json()


async def test_a_waiting_reader_gets_the_payment_link_as_soon_as_it_is_recorded(
        gateway, new_uow, producer_id, no_rereads):
    path, first = await placed_order(gateway, producer_id)
    assert first.json()["payment"] is None
    waiting = asyncio.create_task(gateway().get(
        path, params={"wait": 15}, headers={"If-None-Match": first.headers["ETag"]}))
    await asyncio.sleep(0.3)
    assert not waiting.done()

    recorded_at = time.monotonic()
    await checkout_opened(new_uow, producer_id, path)
    answer = await asyncio.wait_for(waiting, 10)

    assert answer.status_code == 200
    assert answer.json()["payment"]["checkout_url"] == CHECKOUT_URL
    assert answer.headers["ETag"] != first.headers["ETag"]
    assert time.monotonic() - recorded_at < 10  # the 15 s wait was not what ended it


async def test_the_placing_answer_names_the_page_and_its_tag_so_a_shop_waits_at_once(
        gateway, new_uow, producer_id, no_rereads):
    placed = await placing(gateway, producer_id)
    path, etag = placed.headers["Location"], placed.headers["ETag"]
    assert path == f"/v1/producers/{producer_id}/orders/{placed.json()['order_id']}"
    page = await gateway().get(path)
    assert page.headers["ETag"] == etag, "the tag of the page as placed"
    assert (await gateway().get(path, headers={"If-None-Match": etag})).status_code == 304

    waiting = asyncio.create_task(gateway().get(path, params={"wait": 15},
                                                headers={"If-None-Match": etag}))
    await asyncio.sleep(0.3)
    assert not waiting.done()
    await checkout_opened(new_uow, producer_id, path)
    answer = await asyncio.wait_for(waiting, 10)
    assert answer.status_code == 200 and answer.json()["payment"]["checkout_url"] == CHECKOUT_URL
    assert answer.json()["status"] == "awaiting_payment"  # the payment and the status together


async def test_a_settlement_recorded_meanwhile_also_ends_the_wait(gateway, new_uow, producer_id,
                                                                  no_rereads):
    path, first = await placed_order(gateway, producer_id)
    waiting = asyncio.create_task(gateway().get(
        path, params={"wait": 15}, headers={"If-None-Match": first.headers["ETag"]}))
    await asyncio.sleep(0.3)
    await messagebus.handle(SettlementChanged(
        producer_id=producer_id, order_id=uuid.UUID(path.rsplit("/", 1)[1]), customer_id="c1",
        version=1, total_cents=2000, delivery_date=date(2026, 11, 25), mode="cash",
        amount_paid_cents=2000, credit_note_cents=0, credit_note_number=None), new_uow(), "test")

    answer = await asyncio.wait_for(waiting, 10)
    assert answer.status_code == 200 and answer.json()["settlement"]["mode"] == "cash"


async def test_a_wait_with_no_change_ends_in_304_after_the_time_asked(gateway, producer_id):
    path, first = await placed_order(gateway, producer_id)
    started = time.monotonic()
    answer = await gateway().get(path, params={"wait": 0.6},
                                 headers={"If-None-Match": first.headers["ETag"]})
    assert answer.status_code == 304 and answer.headers["ETag"] == first.headers["ETag"]
    assert time.monotonic() - started >= 0.6


async def test_without_if_none_match_or_with_another_tag_a_wait_answers_at_once(gateway,
                                                                               producer_id):
    path, first = await placed_order(gateway, producer_id)
    started = time.monotonic()
    for headers in ({}, {"If-None-Match": '"0000000000000000"'}):
        answer = await gateway().get(path, params={"wait": 15}, headers=headers)
        assert answer.status_code == 200 and answer.json() == first.json()
    assert time.monotonic() - started < 10


async def test_a_bad_wait_is_422_and_another_customers_order_404_without_waiting(gateway,
                                                                               producer_id):
    path, first = await placed_order(gateway, producer_id)
    etag = {"If-None-Match": first.headers["ETag"]}
    for wait in ("-1", "21", "soon"):
        answer = await gateway().get(path, params={"wait": wait}, headers=etag)
        assert answer.status_code == 422 and "wait" in answer.text
    started = time.monotonic()
    stranger = gateway(Principal("customer", producer_id, "c2"))
    assert (await stranger.get(path, params={"wait": 15}, headers=etag)).status_code == 404
    assert time.monotonic() - started < 10


async def test_a_reader_still_gets_the_change_after_the_listening_connection_was_cut(
        gateway, new_uow, producer_id, servers, no_rereads):
    path, first = await placed_order(gateway, producer_id)
    etag = {"If-None-Match": first.headers["ETag"]}
    assert (await gateway().get(path, params={"wait": 0.1}, headers=etag)).status_code == 304
    admin = await asyncpg.connect(plain_dsn(servers["ARDOISE_ADMIN_DATABASE_URL"]))
    try:
        cut = await admin.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE query LIKE 'LISTEN %orders_order_changed%' AND pid <> pg_backend_pid()")
    finally:
        await admin.close()
    assert cut >= 1

    waiting = asyncio.create_task(gateway().get(path, params={"wait": 15}, headers=etag))
    await asyncio.sleep(1.5)  # the listener has connected again
    await checkout_opened(new_uow, producer_id, path)
    answer = await asyncio.wait_for(waiting, 10)
    assert answer.status_code == 200 and answer.json()["payment"]["checkout_url"] == CHECKOUT_URL
