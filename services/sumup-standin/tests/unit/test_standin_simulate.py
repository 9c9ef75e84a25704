"""Simulating how a payment ends, through the control endpoint or the hosted page's buttons."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.asyncio


async def test_a_paid_checkout_carries_one_successful_transaction(api, create_checkout):
    created = await create_checkout(amount=25.0)

    response = await api.post(f"/v0.1/checkouts/{created['id']}/simulate", json={"status": "PAID"})

    paid = response.json()
    assert response.status_code == 200
    assert paid["status"] == "PAID"
    [transaction] = paid["transactions"]
    assert transaction["status"] == "SUCCESSFUL"
    assert transaction["amount"] == 25.0
    assert transaction["currency"] == "EUR"
    assert transaction["payment_type"] == "ECOM"
    assert transaction["timestamp"] == "2026-11-28T09:00:00.000+00:00"
    assert paid["transaction_id"] == transaction["id"]
    assert paid["transaction_code"] == transaction["transaction_code"]


async def test_a_simulated_payment_can_report_another_amount_than_the_one_asked(
    api, create_checkout
):
    created = await create_checkout(amount=15.0)

    response = await api.post(
        f"/v0.1/checkouts/{created['id']}/simulate",
        content=b'{"status": "PAID", "amount": 14.999}',
        headers={"Content-Type": "application/json"},
    )

    assert '"amount":15.0,' in response.text
    assert '"amount":14.999,' in response.text


async def test_a_failed_checkout_carries_a_failed_transaction_and_no_transaction_id(
    api, create_checkout
):
    created = await create_checkout()

    failed = (
        await api.post(f"/v0.1/checkouts/{created['id']}/simulate", json={"status": "FAILED"})
    ).json()

    assert failed["status"] == "FAILED"
    assert [t["status"] for t in failed["transactions"]] == ["FAILED"]
    assert "transaction_id" not in failed


async def test_an_expired_simulation_leaves_no_transaction(api, create_checkout):
    created = await create_checkout()

    expired = (
        await api.post(f"/v0.1/checkouts/{created['id']}/simulate", json={"status": "EXPIRED"})
    ).json()

    assert expired["status"] == "EXPIRED"
    assert expired["transactions"] == []


async def test_simulating_a_checkout_that_is_no_longer_pending_is_refused(api, create_checkout):
    created = await create_checkout()
    await api.post(f"/v0.1/checkouts/{created['id']}/simulate", json={"status": "FAILED"})

    response = await api.post(f"/v0.1/checkouts/{created['id']}/simulate", json={"status": "PAID"})

    assert response.status_code == 409


@pytest.mark.parametrize("body", [{"status": "REFUNDED"}, {}, {"status": "FAILED", "amount": 1}])
async def test_an_unknown_simulation_is_refused_as_invalid(api, create_checkout, body):
    created = await create_checkout()

    response = await api.post(f"/v0.1/checkouts/{created['id']}/simulate", json=body)

    assert response.status_code == 400


async def test_simulating_an_unknown_checkout_answers_not_found(api):
    response = await api.post("/v0.1/checkouts/nope/simulate", json={"status": "PAID"})

    assert response.status_code == 404


async def test_the_hosted_page_shows_the_amount_and_pay_and_fail_buttons(api, create_checkout):
    created = await create_checkout(amount=1234.5, description="Panier de légumes")

    page = await api.get(f"/pay/{created['id']}")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "1 234,50 EUR" in page.text
    assert "Panier de légumes" in page.text
    assert 'value="PAID"' in page.text and 'value="FAILED"' in page.text


async def test_the_pay_button_pays_the_checkout_and_the_page_then_shows_it_paid(
    api, create_checkout
):
    created = await create_checkout(redirect_url="https://shop.test/orders/42")

    submitted = await api.post(
        f"/pay/{created['id']}", data={"outcome": "PAID"}, follow_redirects=True
    )

    assert submitted.status_code == 200
    assert '<strong id="status">PAID</strong>' in submitted.text
    assert 'href="https://shop.test/orders/42"' in submitted.text
    assert (await api.get(f"/v0.1/checkouts/{created['id']}")).json()["status"] == "PAID"


async def test_the_fail_button_fails_the_checkout(api, create_checkout):
    created = await create_checkout()

    await api.post(f"/pay/{created['id']}", data={"outcome": "FAILED"})

    assert (await api.get(f"/v0.1/checkouts/{created['id']}")).json()["status"] == "FAILED"


async def test_the_hosted_page_of_an_unknown_checkout_is_not_found(api):
    assert (await api.get("/pay/nope")).status_code == 404
    assert (await api.post("/pay/nope", data={"outcome": "PAID"})).status_code == 404


async def test_pressing_pay_twice_is_refused_the_second_time(api, create_checkout):
    created = await create_checkout()
    await api.post(f"/pay/{created['id']}", data={"outcome": "PAID"})

    again = await api.post(f"/pay/{created['id']}", data={"outcome": "PAID"})

    assert again.status_code == 409
