"""Paying a debt or topping up online on the running system, SumUp's stand-in in front: the
customer asks for a checkout, pays it on the stand-in, and its account is credited once by
`online`; the week's money by mode and the journal see it; another customer's debt is not
theirs to pay."""

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx

from ardoise_tools.testing.polling import eventually

from .conftest import Caller
from .test_accounts import move, register
from .test_online_payment import asked_of_sumup, pay_at_sumup, require_online_payment

PARIS = ZoneInfo("Europe/Paris")


def top_ups_path(producer_id: str, customer_id: str = "c1") -> str:
    return f"/v1/producers/{producer_id}/customers/{customer_id}/top-ups"


async def top_up(customer: Caller, producer_id: str, amount_cents: int, key: str) -> dict:
    """A top-up asked as the customer; asked again (with its key: never a second checkout)
    until the payments service has heard of the customer (CustomerRegistered)."""
    async def ask() -> httpx.Response:
        return await customer.arequest("POST", "payments", top_ups_path(producer_id),
                                       json={"amount_cents": amount_cents},
                                       headers={"Idempotency-Key": key})

    answer = await eventually(ask, lambda a: a.status_code != 404)
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


async def account(caller: Caller, producer_id: str, customer_id: str = "c1") -> dict:
    return (await caller.arequest(
        "GET", "accounts", f"/v1/producers/{producer_id}/customers/{customer_id}/account")).json()


async def notify(system, checkout_id: str) -> None:
    """SumUp's notification, as it would send it again."""
    async with httpx.AsyncClient(base_url=system.urls["payments"]) as payments:
        answer = await payments.post("/v1/sumup/webhook", json={
            "event_type": "CHECKOUT_STATUS_CHANGED", "id": checkout_id})
        assert answer.status_code == 204


async def test_a_top_up_of_20_euros_paid_at_sumup_credits_the_account_once(
        system, operator, customer_of, producer_id):
    register(operator, producer_id, "c1", "Claire Martin")
    await require_online_payment(system, operator, producer_id)
    claire = customer_of("c1")

    asked = await top_up(claire, producer_id, 2000, "recharge-1")
    assert (asked["amount_cents"], asked["status"]) == (2000, "PENDING")
    assert asked["checkout_url"].startswith("http")
    at_sumup = await asked_of_sumup(system, asked["checkout_id"])
    assert (at_sumup["amount"], at_sumup["checkout_reference"]) == (
        20.0, f"top-up.{asked['top_up_id']}")
    assert await top_up(claire, producer_id, 2000, "recharge-1") == asked  # a double click

    await pay_at_sumup(system, asked["checkout_id"])  # the stand-in notifies, as SumUp does
    credited = await eventually(lambda: account(operator, producer_id),
                                lambda a: a["balance_cents"] == 2000)
    [movement] = credited["movements"]
    assert (movement["kind"], movement["mode"], movement["amount_cents"], movement["label"]) == (
        "credit", "online", 2000, "Recharge en ligne (SumUp)")
    followed = await claire.arequest("GET", "payments",
                                     f"{top_ups_path(producer_id)}/{asked['top_up_id']}")
    assert followed.json()["status"] == "PAID"

    # SumUp tells it again (twice): nothing more is credited
    await notify(system, asked["checkout_id"])
    await notify(system, asked["checkout_id"])
    await asyncio.sleep(2)
    again = await account(operator, producer_id)
    assert (again["balance_cents"], len(again["movements"])) == (2000, 1)

    # the week's money by mode, and the journal, count it as money received online
    day = datetime.fromisoformat(movement["at"]).astimezone(PARIS).date()
    year, week, _ = (day - timedelta(days=day.weekday())).isocalendar()

    async def week_page() -> dict:
        return (await operator.arequest("GET", "payments", f"/v1/producers/{producer_id}/payments",
                                        params={"week": f"{year}-W{week:02d}"})).json()

    shown = await eventually(week_page, lambda p: len(p.get("movements", [])) == 1)
    assert shown["totals"]["online"] == 2000 and shown["total_cents"] == 2000
    assert (shown["movements"][0]["kind"], shown["movements"][0]["mode"]) == ("top_up", "online")

    async def journal() -> list[dict]:
        return (await operator.arequest(
            "GET", "journal", f"/v1/producers/{producer_id}/journal/entries")).json()["entries"]

    entries = await eventually(journal, lambda e: any(x["kind"] == "movement" for x in e))
    [entry] = [x["content"] for x in entries if x["kind"] == "movement"]
    assert (entry["mode"], entry["amount_cents"], entry["customer_id"]) == ("online", 2000, "c1")


async def test_a_customer_pays_its_own_debt_online_never_another_s(
        system, operator, customer_of, producer_id):
    register(operator, producer_id, "c1", "Claire Martin")
    register(operator, producer_id, "c2", "Jean Dupont")
    await require_online_payment(system, operator, producer_id)
    assert move(operator, producer_id, "c1", "debit", 1250).status_code == 201
    claire, jean = customer_of("c1"), customer_of("c2")

    refused = await jean.arequest("POST", "payments", top_ups_path(producer_id, "c1"),
                                  json={"amount_cents": 1250})
    assert refused.status_code == 404
    assert (await jean.arequest("GET", "payments", top_ups_path(producer_id, "c1"))
            ).status_code == 404

    debt_cents = -(await account(operator, producer_id))["available_cents"]
    assert debt_cents == 1250
    asked = await top_up(claire, producer_id, debt_cents, "dette-1")
    await pay_at_sumup(system, asked["checkout_id"])
    paid = await eventually(lambda: account(operator, producer_id),
                            lambda a: a["balance_cents"] == 0)
    assert [m["amount_cents"] for m in paid["movements"]] == [1250, -1250]
    assert (await account(operator, producer_id, "c2"))["balance_cents"] == 0


async def test_a_failed_payment_at_sumup_credits_nothing(system, operator, customer_of,
                                                         producer_id):
    register(operator, producer_id, "c1", "Claire Martin")
    await require_online_payment(system, operator, producer_id)
    claire = customer_of("c1")
    asked = await top_up(claire, producer_id, 3000, "recharge-ratee")
    await pay_at_sumup(system, asked["checkout_id"], "FAILED")
    path = f"{top_ups_path(producer_id)}/{asked['top_up_id']}"
    ended = await eventually(lambda: claire.arequest("GET", "payments", path),
                             lambda a: a.json()["status"] != "PENDING")
    assert ended.json()["status"] == "FAILED"
    assert (await account(operator, producer_id))["balance_cents"] == 0
