"""The accounts worker on the running system: settlements and holds arriving as events."""

import uuid
from datetime import date

from ardoise.events import CheckoutClosed, OrderPlaced, SettlementChanged, encode_event
from ardoise.kafka import make_broker
from ardoise_tools.testing.polling import eventually

from .conftest import Caller


async def publish(system, *events) -> None:
    broker = make_broker(system.env["KAFKA_BOOTSTRAP"], client_id="e2e-test")
    await broker.start()
    try:
        for event in events:
            await broker.publish(encode_event(event), event.topic, key=event.key.encode())
    finally:
        await broker.stop()


def settlement(producer_id, order_id, version, mode, paid, total=2000) -> SettlementChanged:
    return SettlementChanged(producer_id=producer_id, order_id=order_id, customer_id="c1",
                             version=version, total_cents=total, delivery_date=date(2026, 11, 27),
                             mode=mode, amount_paid_cents=paid)


async def account(operator: Caller, producer_id: str) -> dict:
    answer = await operator.arequest("GET", "accounts",
                                     f"/v1/producers/{producer_id}/customers/c1/account")
    return answer.json() if answer.status_code == 200 else {}


async def test_settlement_changes_move_the_balance_to_what_the_latest_settlement_says(
    system, operator, producer_id
):
    operator.request("PUT", "accounts", f"/v1/producers/{producer_id}/customers/c1",
                     json={"name": "Claire Martin"})
    order_id = uuid.uuid4()
    await publish(system, settlement(producer_id, order_id, 1, "cash", 2500))
    after_cash = await eventually(lambda: account(operator, producer_id),
                                  lambda a: a.get("balance_cents") == 500)
    assert {m["mode"] for m in after_cash["movements"]} >= {"cash"}
    # a redelivery and a stale version change nothing; the newest version wins
    await publish(system, settlement(producer_id, order_id, 1, "cash", 2500),
                  settlement(producer_id, order_id, 3, "account", 0),
                  settlement(producer_id, order_id, 2, "cheque", 2000))
    final = await eventually(lambda: account(operator, producer_id),
                             lambda a: a.get("balance_cents") == -2000)
    assert sum(m["amount_cents"] for m in final["movements"]) == -2000


async def test_an_online_order_holds_the_credit_until_its_checkout_fails(
    system, operator, producer_id
):
    from .test_online_payment import require_online_payment

    # a producer with its SumUp account: one without fails the attempt at once
    await require_online_payment(system, operator, producer_id)
    operator.request("PUT", "accounts", f"/v1/producers/{producer_id}/customers/c1",
                     json={"name": "Claire Martin"})
    operator.request("POST", "accounts", f"/v1/producers/{producer_id}/customers/c1/movements",
                     json={"direction": "credit", "amount_cents": 500})
    order_id = uuid.uuid4()
    await publish(system, OrderPlaced(producer_id=producer_id, order_id=order_id, customer_id="c1",
                                      total_cents=2000, delivery_date=date(2026, 11, 27),
                                      online_payment=True))
    held = await eventually(lambda: account(operator, producer_id),
                            lambda a: a.get("held_cents") == 500)
    assert held["available_cents"] == 0 and held["balance_cents"] == 500
    await publish(system, CheckoutClosed(producer_id=producer_id, order_id=order_id,
                                         customer_id="c1", attempt=1, checkout_id="chk",
                                         status="FAILED"))
    released = await eventually(lambda: account(operator, producer_id),
                                lambda a: a.get("held_cents") == 0)
    assert released["available_cents"] == 500
