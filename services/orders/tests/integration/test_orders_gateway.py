"""The orders gateway over HTTP on the real PostgreSQL: placing and reading orders, who may see
them, invoices and receipts with the balance, and nothing written on bad input."""

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from ardoise.auth import Principal
from ardoise.events import (
    CheckoutClosed,
    CheckoutOpened,
    PaymentSettingsChanged,
    SettlementChanged,
)
from ardoise.weeks import week_of
from orders.adapters.orm import orders, outbox
from orders.service_layer import messagebus

LINES = [{"label": "Panier de légumes", "quantity": 1, "unit_price_cents": 2000}]


async def written(new_uow, producer_id: str) -> tuple[int, int]:
    """(orders, outbox events) of this producer."""
    async with new_uow() as uow:
        placed = (await uow.session.execute(select(func.count()).select_from(orders).where(
            orders.c.producer_id == producer_id))).scalar()
        events = (await uow.session.execute(select(func.count()).select_from(outbox).where(
            outbox.c.payload["producer_id"].astext == producer_id))).scalar()
    return placed, events


async def placing(gateway, producer_id: str, customer_id: str = "c1", **body):
    """The answer to placing an order (its headers too)."""
    answer = await gateway().post(f"/v1/producers/{producer_id}/orders",
                                  json={"customer_id": customer_id, "lines": LINES, **body})
    assert answer.status_code == 201, answer.text
    return answer


async def place(gateway, producer_id: str, customer_id: str = "c1", **body) -> dict:
    return (await placing(gateway, producer_id, customer_id, **body)).json()


async def settled(new_uow, producer_id: str, order_id: str, version: int, mode: str, paid: int,
                  note: tuple[int, int | None] = (0, None)) -> None:
    await messagebus.handle(SettlementChanged(
        producer_id=producer_id, order_id=uuid.UUID(order_id), customer_id="c1", version=version,
        total_cents=2000, delivery_date=date(2026, 11, 25), mode=mode, amount_paid_cents=paid,
        credit_note_cents=note[0], credit_note_number=note[1]), new_uow(), "test")


async def test_an_order_is_placed_with_its_event_and_read_back(gateway, new_uow, producer_id):
    placed = await place(gateway, producer_id, delivery_date="2026-11-25")
    assert placed["total_cents"] == 2000 and placed["status"] == "placed"
    assert await written(new_uow, producer_id) == (1, 1)
    read = (await gateway().get(f"/v1/producers/{producer_id}/orders/{placed['order_id']}")).json()
    assert read == {"order_id": placed["order_id"], "customer_id": "c1", "total_cents": 2000,
                    "delivery_date": "2026-11-25", "status": "placed",
                    "settlement": {"mode": "not_delivered", "amount_paid_cents": 0},
                    "payment": None}


@pytest.mark.parametrize(("time_zone", "placed_at", "day", "week"), [
    (None, datetime(2026, 12, 27, 22, 30, tzinfo=UTC), "2026-12-27", "2026-W52"),  # Sun 23:30
    (None, datetime(2026, 12, 27, 23, 30, tzinfo=UTC), "2026-12-28", "2026-W53"),  # Mon 00:30
    ("Europe/Paris", datetime(2026, 12, 31, 22, 59, tzinfo=UTC), "2026-12-31", "2026-W53"),
    ("Europe/Paris", datetime(2026, 12, 31, 23, 0, tzinfo=UTC), "2027-01-01", "2026-W53"),
    ("Europe/Paris", datetime(2027, 1, 3, 22, 59, tzinfo=UTC), "2027-01-03", "2026-W53"),
    ("Europe/Paris", datetime(2027, 1, 3, 23, 0, tzinfo=UTC), "2027-01-04", "2027-W01"),
    ("Pacific/Noumea", datetime(2026, 12, 27, 13, 30, tzinfo=UTC), "2026-12-28", "2026-W53"),
    ("America/Cayenne", datetime(2026, 12, 28, 2, 30, tzinfo=UTC), "2026-12-27", "2026-W52"),
])
async def test_the_delivery_date_defaults_to_the_producers_own_day_when_it_is_placed(
        gateway, new_uow, producer_id, time_zone, placed_at, day, week):
    """Its day in the producer's time zone (Europe/Paris until its settings name another),
    never the server's: an order placed on Monday 00:30 in Paris is Monday's, in the new week."""
    if time_zone:
        await messagebus.handle(PaymentSettingsChanged(
            producer_id=producer_id, payment_tracking=True, accepted_modes=["cash"],
            online_payment_required=False, time_zone=time_zone), new_uow(), "test")
    gateway.app.state.clock = lambda: placed_at
    answer = await placing(gateway, producer_id)
    read = await gateway().get(answer.headers["Location"],
                               headers={"If-None-Match": answer.headers["ETag"]})
    assert read.status_code == 304  # the placing answer's page already had the date
    read = await gateway().get(answer.headers["Location"])
    assert read.json()["delivery_date"] == day
    assert week_of(date.fromisoformat(day)) == week
    async with new_uow() as uow:
        [published] = (await uow.session.execute(select(outbox.c.payload).where(
            outbox.c.payload["order_id"].astext == answer.json()["order_id"]))).scalars().all()
    assert published["delivery_date"] == day


async def test_a_customer_orders_for_itself_and_reads_only_its_own_orders(gateway, producer_id):
    claire = gateway(Principal("customer", producer_id, "c1"))
    mine = await claire.post(f"/v1/producers/{producer_id}/orders",
                             json={"customer_id": "c1", "lines": LINES})
    assert mine.status_code == 201
    for_another = await claire.post(f"/v1/producers/{producer_id}/orders",
                                    json={"customer_id": "c2", "lines": LINES})
    assert for_another.status_code == 403
    theirs = await place(gateway, producer_id, "c2")
    base = f"/v1/producers/{producer_id}/orders"
    assert (await claire.get(f"{base}/{mine.json()['order_id']}")).status_code == 200
    for suffix in ("", "/invoice", "/receipt"):
        assert (await claire.get(f"{base}/{theirs['order_id']}{suffix}")).status_code == 404


async def test_another_producer_sees_no_order_and_places_none_here(gateway, producer_id):
    placed = await place(gateway, producer_id)
    stranger = gateway(Principal("operator", "someone-else"))
    assert (await stranger.get(f"/v1/producers/{producer_id}/orders/{placed['order_id']}")
            ).status_code == 404
    assert (await stranger.get(f"/v1/producers/someone-else/orders/{placed['order_id']}")
            ).status_code == 404
    assert (await stranger.post(f"/v1/producers/{producer_id}/orders",
                                json={"customer_id": "c1", "lines": LINES})).status_code == 404


@pytest.mark.parametrize(("body", "field"), [
    ({"customer_id": "c1", "lines": []}, "lines"),
    ({"customer_id": "c1", "lines": [{**LINES[0], "quantity": 0}]}, "quantity"),
    ({"customer_id": "c1", "lines": [{**LINES[0], "quantity": 1.2345}]}, "quantity"),
    ({"customer_id": "c1", "lines": [{**LINES[0], "quantity": "1,25"}]}, "quantity"),
    ({"customer_id": "c1", "lines": [{**LINES[0], "quantity": "NaN"}]}, "quantity"),
    ({"customer_id": "c1", "lines": [{**LINES[0], "quantity": True}]}, "quantity"),
    ({"customer_id": "c1", "lines": [{**LINES[0], "quantity": 100_000.5}]}, "quantity"),
    ({"customer_id": "c1", "lines": [{**LINES[0], "unit": "livre"}]}, "unit"),
    ({"customer_id": "c1", "lines": [{**LINES[0], "unit_price_cents": -5}]}, "unit_price_cents"),
    ({"customer_id": "c1", "lines": [{**LINES[0], "label": ""}]}, "label"),
    ({"customer_id": "c1", "lines": [{**LINES[0], "label": "a\nb"}]}, "lines"),
    ({"customer_id": "c1", "lines": [{**LINES[0], "quantity": 100_000,
                                      "unit_price_cents": 10**9}] * 2}, "lines"),
    ({"customer_id": "c 1", "lines": LINES}, "customer_id"),
    ({"customer_id": "c1", "lines": LINES, "delivery_date": "25/11/2026"}, "delivery_date"),
    ({"lines": LINES}, "customer_id")])
async def test_bad_orders_are_refused_naming_the_field_and_write_nothing(gateway, new_uow,
                                                                         producer_id, body, field):
    answer = await gateway().post(f"/v1/producers/{producer_id}/orders", json=body)
    assert answer.status_code == 422 and field in answer.text, answer.text
    assert await written(new_uow, producer_id) == (0, 0)


async def test_an_order_sold_by_weight_totals_each_line_rounded_half_up_and_prints_it(
        gateway, producer_id):
    lines = [{"label": "Tomates anciennes", "quantity": 1.255, "unit": "kg",
              "unit_price_cents": 399},                                       # 500,745 → 501
             {"label": "Lait cru", "quantity": "0.5", "unit": "l", "unit_price_cents": 181},
             {"label": "Œufs", "quantity": 6, "unit_price_cents": 50}]         # no unit: pieces
    answer = await gateway().post(f"/v1/producers/{producer_id}/orders",
                                  json={"customer_id": "c1", "lines": lines})
    assert answer.status_code == 201, answer.text
    order_id = answer.json()["order_id"]
    assert answer.json()["total_cents"] == 501 + 91 + 300                   # 90,5 → 91
    path = f"/v1/producers/{producer_id}/orders/{order_id}"
    document = (await gateway().get(f"{path}/invoice", headers={"Accept": "application/json"})
                ).json()
    assert [(line["quantity"], line["unit"], line["amount_cents"]) for line in document["lines"]
            ] == [(1.255, "kg", 501), (0.5, "l", 91), (6, "piece", 300)]
    receipt = (await gateway().get(f"{path}/receipt")).text
    assert "1,255 kg x 3,99 €/kg" in receipt and "0,5 l x 1,81 €/l" in receipt
    assert "1.255" not in receipt and "8,92 €" in receipt


async def test_a_malformed_order_id_is_422_and_an_unknown_one_404(gateway, producer_id):
    base = f"/v1/producers/{producer_id}/orders"
    assert (await gateway().get(f"{base}/not-an-order")).status_code == 422
    assert (await gateway().get(f"{base}/{uuid.uuid4()}/invoice")).status_code == 404


async def test_the_invoice_states_settlement_credit_note_and_balance_now(gateway, new_uow,
                                                                         producer_id):
    order_id = (await place(gateway, producer_id))["order_id"]
    await settled(new_uow, producer_id, order_id, 1, "cash", 2500, (500, 1))
    gateway.accounts.balances[(producer_id, "c1")] = 500
    path = f"/v1/producers/{producer_id}/orders/{order_id}/invoice"
    document = (await gateway().get(path, headers={"Accept": "application/json"})).json()
    assert (document["settlement"], document["credit_note_cents"], document["credit_note_number"],
            document["balance_cents"], document["balance_status"]) == (
        {"mode": "cash", "amount_paid_cents": 2500}, 500, 1, 500, "shown")
    page = await gateway().get(path)
    assert page.headers["content-type"].startswith("text/html")
    assert "Avoir n°1 : 5,00 €" in page.text and "25,00 €" in page.text


async def test_an_older_settlement_arriving_late_never_replaces_a_newer_one(gateway, new_uow,
                                                                            producer_id):
    order_id = (await place(gateway, producer_id))["order_id"]
    await settled(new_uow, producer_id, order_id, 3, "account", 0)
    await settled(new_uow, producer_id, order_id, 2, "cheque", 2000)
    read = (await gateway().get(f"/v1/producers/{producer_id}/orders/{order_id}")).json()
    assert read["settlement"] == {"mode": "account", "amount_paid_cents": 0}


async def test_the_receipt_says_the_balance_or_that_it_is_unavailable(gateway, new_uow,
                                                                      producer_id):
    order_id = (await place(gateway, producer_id))["order_id"]
    await settled(new_uow, producer_id, order_id, 1, "account", 0)
    path = f"/v1/producers/{producer_id}/orders/{order_id}/receipt"
    gateway.accounts.balances[(producer_id, "c1")] = -2000
    receipt = await gateway().get(path)
    assert receipt.headers["content-type"].startswith("text/plain")
    assert "-20,00 €" in receipt.text and "Déduit du compte client" in receipt.text
    assert max(len(line) for line in receipt.text.splitlines()) <= 42
    del gateway.accounts.balances[(producer_id, "c1")]
    assert "indisponible" in (await gateway().get(path)).text


async def test_with_tracking_off_documents_omit_settlement_and_balance_until_it_is_on(
        gateway, new_uow, producer_id):
    order_id = (await place(gateway, producer_id))["order_id"]
    await settled(new_uow, producer_id, order_id, 1, "cash", 2500, (500, 1))
    gateway.accounts.balances[(producer_id, "c1")] = 500

    async def tracking(on: bool) -> None:
        await messagebus.handle(PaymentSettingsChanged(
            producer_id=producer_id, payment_tracking=on, accepted_modes=["cash"],
            online_payment_required=False), new_uow(), "test")

    path = f"/v1/producers/{producer_id}/orders/{order_id}"
    await tracking(False)
    gateway.accounts.names[(producer_id, "c1")] = "Claire Martin"
    document = (await gateway().get(f"{path}/invoice", headers={"Accept": "application/json"})
                ).json()
    assert (document["settlement"], document["balance_cents"], document["credit_note_cents"]) == (
        None, None, None)
    receipt = (await gateway().get(f"{path}/receipt")).text
    assert "Solde" not in receipt and "Avoir" not in receipt and "20,00 €" in receipt
    assert "Claire Martin" in receipt  # the name is printed, the balance is not
    await tracking(True)
    document = (await gateway().get(f"{path}/invoice", headers={"Accept": "application/json"})
                ).json()
    assert (document["credit_note_cents"], document["balance_cents"]) == (500, 500)


async def test_a_producer_never_heard_of_prints_no_balance_and_lists_tracking_off(gateway):
    """Payment tracking is off until the producer turns it on: the documents of a producer whose
    settings were never heard of state neither settlement nor balance."""
    newcomer = f"p-{uuid.uuid4().hex[:12]}"
    operator = gateway(Principal("operator", newcomer))
    placed = await operator.post(f"/v1/producers/{newcomer}/orders",
                                 json={"customer_id": "c1", "lines": LINES})
    assert placed.status_code == 201
    gateway.accounts.balances[(newcomer, "c1")] = 700
    path = f"/v1/producers/{newcomer}/orders/{placed.json()['order_id']}"
    document = (await operator.get(f"{path}/invoice", headers={"Accept": "application/json"})
                ).json()
    assert (document["settlement"], document["balance_cents"]) == (None, None)
    assert "Solde" not in (await operator.get(f"{path}/receipt")).text
    listed = (await operator.get(f"/v1/producers/{newcomer}/orders")).json()
    assert listed["payment_tracking"] is False and len(listed["orders"]) == 1


async def test_an_order_placed_says_whether_its_producer_requires_online_payment(
        gateway, new_uow, producer_id):
    async def placed_online() -> bool:
        order_id = (await place(gateway, producer_id))["order_id"]
        async with new_uow() as uow:
            payload = (await uow.session.execute(select(outbox.c.payload).where(
                outbox.c.payload["order_id"].astext == order_id))).scalar()
        return payload["online_payment"]

    assert await placed_online() is False  # nothing heard of the producer's settings yet
    await messagebus.handle(PaymentSettingsChanged(
        producer_id=producer_id, payment_tracking=True, accepted_modes=["cash"],
        online_payment_required=True), new_uow(), "test")
    assert await placed_online() is True


@pytest.mark.parametrize(("requires_online", "closed", "status"), [
    (True, "EXPIRED", "cancelled"), (False, "EXPIRED", "placed"),
    (True, "FAILED", "awaiting_payment"), (True, "PAID", "accepted")])
async def test_a_checkout_given_up_cancels_the_order_only_where_online_payment_is_required(
        gateway, new_uow, producer_id, requires_online, closed, status):
    """Left unpaid past its validity, nothing will be delivered if the producer requires online
    payment; else the order waits to be paid at delivery. A failed one may be tried again."""
    await messagebus.handle(PaymentSettingsChanged(
        producer_id=producer_id, payment_tracking=True, accepted_modes=["cash"],
        online_payment_required=requires_online), new_uow(), "test")
    placed = await place(gateway, producer_id)
    order_id = uuid.UUID(placed["order_id"])
    await messagebus.handle(CheckoutOpened(
        producer_id=producer_id, order_id=order_id, customer_id="c1", attempt=1,
        checkout_id="co-1", checkout_url="https://pay.example/co-1", balance_applied_cents=0,
        amount_due_cents=2000), new_uow(), "test")
    await messagebus.handle(CheckoutClosed(
        producer_id=producer_id, order_id=order_id, customer_id="c1", attempt=1,
        checkout_id="co-1", status=closed), new_uow(), "test")
    read = (await gateway().get(f"/v1/producers/{producer_id}/orders/{order_id}")).json()
    assert (read["status"], read["payment"]["status"]) == (status, closed)
    retry = await gateway().post(f"/v1/producers/{producer_id}/orders/{order_id}/payment-attempts")
    assert retry.status_code == (202 if closed == "FAILED" else 409)


async def test_orders_are_listed_newest_first_an_operator_all_a_customer_its_own(gateway,
                                                                               producer_id):
    mine = [await place(gateway, producer_id, "c1") for _ in range(3)]
    theirs = await place(gateway, producer_id, "c2")
    path = f"/v1/producers/{producer_id}/orders"
    everyone = (await gateway().get(path)).json()["orders"]
    assert [o["order_id"] for o in everyone] == [theirs["order_id"],
                                                 *(o["order_id"] for o in reversed(mine))]
    claire = gateway(Principal("customer", producer_id, "c1"))
    own = (await claire.get(path)).json()["orders"]
    assert [o["order_id"] for o in own] == [o["order_id"] for o in reversed(mine)]
    assert own[0]["settlement"] == {"mode": "not_delivered", "amount_paid_cents": 0}
    assert (own[0]["status"], own[0]["payment"]) == ("placed", None)
    assert (await claire.get(path, params={"customer_id": "c2"})).status_code == 404
    page = (await claire.get(path, params={"limit": 2})).json()["orders"]
    rest = (await claire.get(path, params={"before": page[-1]["placed_at"]})).json()["orders"]
    assert [o["order_id"] for o in page + rest] == [o["order_id"] for o in own]
    assert (await gateway().get(path, params={"status": "accepted"})).json() == {
        "orders": [], "payment_tracking": True}
    other = gateway(Principal("operator", f"{producer_id}-x"))
    assert (await other.get(path)).status_code == 404
