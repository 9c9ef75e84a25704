"""The payments gateway over HTTP on the real PostgreSQL: the contract's answers, 4xx naming the
field with nothing written, and the weekly payments page."""

import uuid
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from ardoise.auth import Principal
from payments.adapters.orm import outbox, settings
from payments.domain.settlement import KnownOrder


def order_of(gateway, producer_id: str, total_cents: int = 2000, day=date(2026, 11, 25),
             customer_id: str = "c1") -> str:
    """An order the orders service has, that the payments service has not heard of yet."""
    order = KnownOrder(uuid.uuid4(), customer_id, total_cents, day)
    gateway.orders.orders[(producer_id, order.order_id)] = order
    return str(order.order_id)


async def outbox_count(new_uow, producer_id: str) -> int:
    async with new_uow() as uow:
        return (await uow.session.execute(select(func.count()).select_from(outbox).where(
            outbox.c.payload["producer_id"].astext == producer_id))).scalar()


async def test_settings_default_then_change_field_by_field(gateway, new_producer_id):
    operator = gateway(Principal("operator", new_producer_id, person="op-1", name="Léa Martin"))
    path = f"/v1/producers/{new_producer_id}/settings"
    assert (await operator.get(path)).json() == {
        "payment_tracking": False, "online_payment_required": False, "sumup_merchant_code": None,
        "sumup_connected": False, "accepted_modes": ["account", "cash", "cheque", "card", "transfer"],
        "time_zone": "Europe/Paris", "changed_by": None, "changed_at": None}
    on = await operator.put(path, json={"payment_tracking": True})
    assert on.status_code == 200 and on.json()["payment_tracking"] is True
    changed = await operator.put(path, json={"accepted_modes": ["cash", "cheque"]})
    assert changed.status_code == 200
    off = (await operator.put(path, json={"payment_tracking": False})).json()
    assert off["accepted_modes"] == ["cash", "cheque"] and off["payment_tracking"] is False
    assert off["changed_by"] == "Léa Martin" and off["changed_at"] is not None
    assert (await operator.get(path)).json() == off
    moved = (await operator.put(path, json={"time_zone": "America/Cayenne"})).json()
    assert moved == {**off, "time_zone": "America/Cayenne", "changed_at": moved["changed_at"]}
    assert datetime.fromisoformat(moved["changed_at"]) > datetime.fromisoformat(off["changed_at"])


async def test_online_payment_needs_the_producers_own_sumup_account_kept_sealed(
        gateway, new_uow, producer_id):
    path = f"/v1/producers/{producer_id}/settings"
    online = {"accepted_modes": ["cash", "online"], "online_payment_required": True}
    refused = await gateway().put(path, json=online)
    assert refused.status_code == 409 and "SumUp" in refused.json()["detail"]
    refused = await gateway().put(path, json={**online, "sumup_merchant_code": "MFERME01"})
    assert refused.status_code == 409
    assert (await gateway().get(path)).json()["accepted_modes"] == [
        "account", "cash", "cheque", "card", "transfer"]
    key = "sk_test_" + uuid.uuid4().hex
    connected = await gateway().put(path, json={**online, "sumup_merchant_code": "MFERME01",
                                                "sumup_api_key": key})
    assert connected.status_code == 200, connected.text
    assert connected.json()["sumup_connected"] is True and key not in connected.text
    async with new_uow() as uow:
        sealed = (await uow.session.execute(select(settings.c.sumup_api_key_sealed).where(
            settings.c.producer_id == producer_id))).scalar()
        account = await uow.payments.sumup_account(producer_id)
    assert sealed and key not in sealed and account.merchant_code == "MFERME01"
    assert gateway.app.state.secret_box.open(account.sealed_api_key) == key


async def test_a_time_zone_change_is_told_to_the_other_services(gateway, new_uow, producer_id):
    await gateway().put(f"/v1/producers/{producer_id}/settings",
                        json={"time_zone": "Pacific/Noumea"})
    async with new_uow() as uow:
        [payload] = (await uow.session.execute(select(outbox.c.payload).where(
            outbox.c.payload["producer_id"].astext == producer_id))).scalars().all()
    assert payload["event_type"] == "PaymentSettingsChanged"
    assert payload["time_zone"] == "Pacific/Noumea"


@pytest.mark.parametrize(("body", "field"), [
    ({"accepted_modes": ["not_delivered"]}, "accepted_modes"),
    ({"accepted_modes": ["bitcoin"]}, "accepted_modes"),
    ({"payment_tracking": None}, "payment_tracking"),
    ({"accepted_modes": ["cash"], "online_payment_required": True}, "accepted_modes"),
    ({"time_zone": "Europe/Lutece"}, "time_zone"),
    ({"time_zone": "UTC+1"}, "time_zone"),
    ({"colour": "blue"}, "colour")])
async def test_bad_settings_are_refused_naming_the_field(gateway, new_uow, producer_id, body,
                                                         field):
    answer = await gateway().put(f"/v1/producers/{producer_id}/settings", json=body)
    assert answer.status_code == 422 and field in answer.text
    assert await outbox_count(new_uow, producer_id) == 0


async def test_a_settlement_answers_the_order_mode_and_amount_paid(gateway, producer_id):
    order_id = order_of(gateway, producer_id)
    path = f"/v1/producers/{producer_id}/orders/{order_id}/settlement"
    answer = await gateway().put(path, json={"mode": "cash", "amount_paid_cents": 2500})
    assert answer.status_code == 200
    assert answer.json() == {"order_id": order_id, "mode": "cash", "amount_paid_cents": 2500,
                             "received": {"cash": 2500}, "paid_twice": False}
    defaulted = await gateway().put(path, json={"mode": "transfer"})
    assert defaulted.json()["amount_paid_cents"] == 2000


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"mode": "cheque"}, 422, "mode"),
    ({"mode": "bitcoin"}, 422, "mode"),
    ({"mode": "cash", "amount_paid_cents": -1}, 422, "amount_paid_cents"),
    ({"mode": "cash", "amount_paid_cents": 12.5}, 422, "amount_paid_cents"),
    ({"mode": "cash", "amount_paid_cents": "2000"}, 422, "amount_paid_cents"),
    ({"mode": "cash", "amount_paid_cents": 10**12}, 422, "amount_paid_cents"),
    ({"mode": "account", "amount_paid_cents": 5}, 422, "amount_paid_cents"),
    ({}, 422, "mode")])
async def test_bad_settlements_are_refused_naming_the_field_and_write_nothing(
        gateway, new_uow, producer_id, body, status, field):
    await gateway().put(f"/v1/producers/{producer_id}/settings",
                        json={"accepted_modes": ["cash", "account"]})
    before = await outbox_count(new_uow, producer_id)
    order_id = order_of(gateway, producer_id)
    answer = await gateway().put(f"/v1/producers/{producer_id}/orders/{order_id}/settlement",
                                 json=body)
    assert answer.status_code == status and field in answer.text
    assert await outbox_count(new_uow, producer_id) == before


async def test_unknown_other_producers_or_malformed_orders_are_refused(gateway, producer_id):
    theirs = order_of(gateway, "someone-else")
    for order_id, status in [(str(uuid.uuid4()), 404), (theirs, 404), ("not-an-order", 422)]:
        answer = await gateway().put(f"/v1/producers/{producer_id}/orders/{order_id}/settlement",
                                     json={"mode": "cash"})
        assert answer.status_code == status


async def test_customers_and_other_producers_cannot_set_settlements(gateway, new_uow,
                                                                    producer_id):
    order_id = order_of(gateway, producer_id)
    path = f"/v1/producers/{producer_id}/orders/{order_id}/settlement"
    customer = gateway(Principal("customer", producer_id, "c1"))
    assert (await customer.put(path, json={"mode": "cash"})).status_code == 403
    stranger = gateway(Principal("operator", "someone-else"))
    assert (await stranger.put(path, json={"mode": "cash"})).status_code == 404
    assert (await customer.post(f"/v1/producers/{producer_id}/settlements",
                                json={"order_ids": [order_id], "mode": "cash"})).status_code == 403
    assert await outbox_count(new_uow, producer_id) == 0


async def test_many_at_once_is_all_or_nothing(gateway, new_uow, producer_id):
    ids = [order_of(gateway, producer_id) for _ in range(3)]
    path = f"/v1/producers/{producer_id}/settlements"
    refused = await gateway().post(path, json={"order_ids": [*ids, str(uuid.uuid4())],
                                               "mode": "card"})
    assert refused.status_code == 404 and await outbox_count(new_uow, producer_id) == 0
    settled = await gateway().post(path, json={"order_ids": ids, "mode": "card"})
    assert settled.status_code == 200
    assert sorted(s["order_id"] for s in settled.json()["settlements"]) == sorted(ids)
    assert await outbox_count(new_uow, producer_id) == 3
    for body in ({"order_ids": [], "mode": "card"}, {"order_ids": ["x"], "mode": "card"}):
        assert (await gateway().post(path, json=body)).status_code == 422


async def test_when_the_orders_service_cannot_answer_the_settlement_is_503(gateway, producer_id):
    gateway.orders.down = True
    answer = await gateway().put(
        f"/v1/producers/{producer_id}/orders/{uuid.uuid4()}/settlement", json={"mode": "cash"})
    assert answer.status_code == 503 and "orders service" in answer.json()["detail"]


async def test_the_weekly_page_shows_the_weeks_orders_once_with_totals(gateway, producer_id):
    monday, sunday, next_monday = date(2026, 11, 23), date(2026, 11, 29), date(2026, 11, 30)
    await gateway().put(f"/v1/producers/{producer_id}/settings",
                        json={"accepted_modes": ["account", "cash", "card"]})
    cash = order_of(gateway, producer_id, 2000, monday)
    card = order_of(gateway, producer_id, 1250, sunday, customer_id="c2")
    untouched = order_of(gateway, producer_id, 900, sunday)
    later = order_of(gateway, producer_id, 700, next_monday)
    settle = f"/v1/producers/{producer_id}/orders/{{}}/settlement"
    await gateway().put(settle.format(cash), json={"mode": "cash", "amount_paid_cents": 2500})
    await gateway().put(settle.format(cash), json={"mode": "cash", "amount_paid_cents": 2400})
    lea = gateway(Principal("operator", producer_id, person="op-1", name="Léa Martin"))
    await lea.post(f"/v1/producers/{producer_id}/settlements",
                   json={"order_ids": [card, later], "mode": "card"})
    await gateway().put(settle.format(untouched), json={"mode": "not_delivered"})
    page = (await gateway().get(f"/v1/producers/{producer_id}/payments",
                                params={"week": "2026-W48"})).json()
    assert page["week"] == "2026-W48"
    assert [r["order_id"] for r in page["rows"]] == [cash, untouched, card]
    assert page["rows"][2] == {"order_id": card, "customer_id": "c2", "customer_name": "c2",
                               "delivery_date": "2026-11-29", "total_cents": 1250,
                               "mode": "card", "amount_paid_cents": 1250,
                               "received": {"card": 1250}, "recorded_by": "Léa Martin",
                               "version": 1, "refunded_cents": 0}
    # the settlement's version: the cash order settled twice, the card one once; "not delivered"
    # on an order never settled records nothing (null)
    assert [r["version"] for r in page["rows"]] == [2, None, 1]
    # an operator without a name in its token is shown as such; an order never settled: no one
    assert [r["recorded_by"] for r in page["rows"][:2]] == ["opérateur", None]
    assert page["totals"] == {"not_delivered": 0, "account": 0, "cash": 2400, "card": 1250}
    assert page["total_cents"] == 3650


@pytest.mark.parametrize("week", ["2026-48", "2026-W54", "", "2026-W48x"])
async def test_a_malformed_week_is_refused_naming_the_week(gateway, producer_id, week):
    answer = await gateway().get(f"/v1/producers/{producer_id}/payments", params={"week": week})
    assert answer.status_code == 422 and "week" in answer.text


async def test_with_tracking_off_the_page_and_settlements_answer_409(gateway, producer_id):
    order_id = order_of(gateway, producer_id)
    await gateway().put(f"/v1/producers/{producer_id}/settings", json={"payment_tracking": False})
    page = await gateway().get(f"/v1/producers/{producer_id}/payments", params={"week": "2026-W48"})
    settled = await gateway().put(f"/v1/producers/{producer_id}/orders/{order_id}/settlement",
                                  json={"mode": "cash"})
    assert page.status_code == settled.status_code == 409
    assert "payment tracking is off" in settled.json()["detail"]
    customer = gateway(Principal("customer", producer_id, "c1"))
    assert (await customer.get(f"/v1/producers/{producer_id}/payments",
                               params={"week": "2026-W48"})).status_code == 403


async def test_credit_notes_are_listed_by_number_per_customer_and_period(gateway, producer_id):
    first = order_of(gateway, producer_id, 2000, date(2026, 11, 23))
    second = order_of(gateway, producer_id, 1000, date(2026, 11, 24), customer_id="c2")
    settle = f"/v1/producers/{producer_id}/orders/{{}}/settlement"
    await gateway().put(settle.format(first), json={"mode": "cash", "amount_paid_cents": 2500})
    await gateway().put(settle.format(first), json={"mode": "cash", "amount_paid_cents": 1800})
    await gateway().put(settle.format(second), json={"mode": "card", "amount_paid_cents": 1200})
    path = f"/v1/producers/{producer_id}/credit-notes"
    notes = (await gateway().get(path)).json()["credit_notes"]
    assert [(n["number"], n["order_id"], n["amount_cents"], n["status"]) for n in notes] == [
        (1, first, 500, "cancelled"), (2, first, -200, "issued"), (3, second, 200, "issued")]
    today = notes[0]["issued_on"]
    assert (await gateway().get(path, params={"from": today, "to": today})).json() == \
        {"credit_notes": notes}
    assert (await gateway().get(path, params={"to": "2000-01-01"})).json() == {"credit_notes": []}
    claire = gateway(Principal("customer", producer_id, "c1"))
    assert [n["number"] for n in (await claire.get(path)).json()["credit_notes"]] == [1, 2]
    assert (await claire.get(f"{path}/2")).json()["amount_cents"] == -200
    assert (await claire.get(f"{path}/3")).status_code == 404  # another customer's
    assert (await claire.get(path, params={"customer_id": "c2"})).status_code == 404
    assert (await gateway().get(f"{path}/3")).json()["customer_id"] == "c2"
