"""The stand-in calls a checkout's return_url as SumUp does: in background, unsigned, retried."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from sumup_standin import Settings

pytestmark = pytest.mark.asyncio


async def paid(api: httpx.AsyncClient, checkout: dict) -> None:
    response = await api.post(f"/v0.1/checkouts/{checkout['id']}/simulate", json={"status": "PAID"})
    assert response.status_code == 200


async def test_a_status_change_is_notified_to_the_return_url(
    standin, create_checkout, api, receiver
):
    created = await create_checkout()

    await paid(api, created)
    await standin.state.notifier.wait_idle()

    assert receiver.received == [{"event_type": "CHECKOUT_STATUS_CHANGED", "id": created["id"]}]


async def test_the_simulate_answer_does_not_wait_for_the_return_url(
    standin, create_checkout, api, receiver
):
    created = await create_checkout()
    receiver.release.clear()

    response = await api.post(
        f"/v0.1/checkouts/{created['id']}/simulate", json={"status": "FAILED"}
    )

    assert response.status_code == 200
    assert receiver.received == []
    receiver.release.set()
    await standin.state.notifier.wait_idle()
    assert len(receiver.received) == 1


async def test_a_notification_answered_with_an_error_is_retried_until_it_is_accepted(
    standin, create_checkout, api, receiver
):
    created = await create_checkout()
    receiver.answers = [500, 503]

    await paid(api, created)
    await standin.state.notifier.wait_idle()
    attempts = (
        await api.get("/_standin/notifications", params={"checkout_id": created["id"]})
    ).json()

    assert [a["status_code"] for a in attempts] == [500, 503, 204]
    assert [a["attempt"] for a in attempts] == [1, 2, 3]
    assert attempts[-1]["delivered"] is True
    assert attempts[0]["url"] == "http://shop.test/v1/sumup/webhook"
    assert len(receiver.received) == 3


async def test_notifications_stop_after_the_last_configured_retry(
    standin, create_checkout, api, receiver
):
    created = await create_checkout()
    receiver.answers = [500] * 10

    await paid(api, created)
    await standin.state.notifier.wait_idle()

    assert len(receiver.received) == 4


async def test_a_checkout_without_return_url_notifies_nobody(
    standin, create_checkout, api, receiver
):
    created = await create_checkout(return_url=None)

    await paid(api, created)
    await standin.state.notifier.wait_idle()

    assert receiver.received == []
    assert (await api.get("/_standin/notifications")).json() == []


async def test_an_unreachable_return_url_is_recorded_as_an_error_and_retried(
    start_standin, checkout_body
):
    body = checkout_body(return_url="http://127.0.0.1:9/nobody-listens")
    async with start_standin(Settings(retry_delays_s=(0.01,))) as (app, api):
        created = (await api.post("/v0.1/checkouts", json=body)).json()
        await paid(api, created)
        await app.state.notifier.wait_idle()
        attempts = (await api.get("/_standin/notifications")).json()

    assert [a["attempt"] for a in attempts] == [1, 2]
    assert all(a["status_code"] is None for a in attempts)
    assert all(a["error"].startswith("ConnectError") for a in attempts)


async def test_closing_the_stand_in_abandons_deliveries_still_waiting_to_retry(
    start_standin, checkout_body, receiver
):
    receiver.answers = [500]
    settings = Settings(retry_delays_s=(60.0,))
    async with start_standin(settings, httpx.ASGITransport(app=receiver)) as (app, api):
        created = (await api.post("/v0.1/checkouts", json=checkout_body())).json()
        await paid(api, created)
        await asyncio.sleep(0.05)

    await asyncio.wait_for(app.state.notifier.wait_idle(), timeout=1)
    assert len(receiver.received) == 1
