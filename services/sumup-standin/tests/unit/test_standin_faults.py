"""Faults a test injects into the stand-in: failing and slow API calls, to test client retries."""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.asyncio


async def test_the_next_calls_fail_with_the_injected_status_then_calls_succeed(api, checkout_body):
    await api.post("/_standin/faults", json={"fail_next": 2, "status": 503})

    statuses = [
        (await api.post("/v0.1/checkouts", json=checkout_body())).status_code for _ in range(3)
    ]

    assert statuses == [503, 503, 201]
    assert len((await api.get("/v0.1/checkouts")).json()) == 1


async def test_an_injected_failure_answers_a_problem_and_creates_nothing(api, checkout_body):
    body = checkout_body()
    await api.post("/_standin/faults", json={"fail_next": 1, "status": 500})

    failed = await api.post("/v0.1/checkouts", json=body)
    listed = await api.get(
        "/v0.1/checkouts", params={"checkout_reference": body["checkout_reference"]}
    )

    assert failed.json()["status"] == 500
    assert failed.headers["content-type"] == "application/problem+json"
    assert listed.json() == []


async def test_a_failure_after_processing_creates_the_checkout_but_answers_the_error(
    api, checkout_body
):
    body = checkout_body()
    await api.post(
        "/_standin/faults", json={"fail_next": 1, "status": 502, "after_processing": True}
    )

    failed = await api.post("/v0.1/checkouts", json=body)
    listed = await api.get(
        "/v0.1/checkouts", params={"checkout_reference": body["checkout_reference"]}
    )

    assert failed.status_code == 502
    assert len(listed.json()) == 1


async def test_the_next_calls_are_slowed_by_the_injected_delay(api):
    await api.post("/_standin/faults", json={"delay_next": 1, "seconds": 0.2})

    started = time.monotonic()
    await api.get("/v0.1/checkouts")
    slow_s = time.monotonic() - started
    started = time.monotonic()
    await api.get("/v0.1/checkouts")
    fast_s = time.monotonic() - started

    assert slow_s >= 0.2
    assert fast_s < 0.1


async def test_faults_spare_the_controls_and_the_hosted_page(api, create_checkout):
    created = await create_checkout()
    await api.post("/_standin/faults", json={"fail_next": 1})

    assert (await api.get(f"/pay/{created['id']}")).status_code == 200
    assert (
        await api.post(f"/v0.1/checkouts/{created['id']}/simulate", json={"status": "PAID"})
    ).status_code == 200
    assert (await api.get("/_standin/faults")).json()["fail_next"] == 1


async def test_cleared_faults_let_every_call_through(api):
    await api.post("/_standin/faults", json={"fail_next": 5})

    await api.delete("/_standin/faults")

    assert (await api.get("/v0.1/checkouts")).status_code == 200


@pytest.mark.parametrize(
    "body", [{"fail_next": -1}, {"fail_next": 1, "status": 200}, {"seconds": -1}]
)
async def test_a_fault_that_makes_no_sense_is_refused(api, body):
    assert (await api.post("/_standin/faults", json=body)).status_code == 422
