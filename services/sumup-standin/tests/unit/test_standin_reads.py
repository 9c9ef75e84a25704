"""Reading checkouts back from the stand-in: by id, by reference, deactivation and expiry."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.asyncio

UNKNOWN_ID = "61b06d01-ffc4-4432-9053-2ea587f735b1"


async def test_a_checkout_reads_back_as_it_was_created(api, create_checkout):
    created = await create_checkout()

    response = await api.get(f"/v0.1/checkouts/{created['id']}")

    assert response.status_code == 200
    assert response.json() == created


async def test_an_unknown_checkout_answers_sumups_not_found_problem(api):
    response = await api.get(f"/v0.1/checkouts/{UNKNOWN_ID}")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "https://developer.sumup.com/problem/checkout-not-found",
        "title": "Not Found",
        "status": 404,
        "detail": f"A checkout session with the id {UNKNOWN_ID} does not exist",
        "error_code": "NOT_FOUND",
        "message": "Resource not found",
    }


async def test_checkouts_are_listed_by_reference(api, create_checkout):
    created = await create_checkout()
    reference = created["checkout_reference"]
    await create_checkout()

    response = await api.get("/v0.1/checkouts", params={"checkout_reference": reference})

    assert response.status_code == 200
    assert [checkout["id"] for checkout in response.json()] == [created["id"]]


async def test_listing_an_unused_reference_answers_an_empty_list(api):
    response = await api.get(
        "/v0.1/checkouts", params={"checkout_reference": f"order-{uuid.uuid4()}"}
    )

    assert response.json() == []


async def test_a_deactivated_checkout_reads_expired(api, create_checkout):
    created = await create_checkout()

    deactivated = await api.delete(f"/v0.1/checkouts/{created['id']}")
    read_back = await api.get(f"/v0.1/checkouts/{created['id']}")

    assert deactivated.status_code == 200
    assert deactivated.json()["status"] == "EXPIRED"
    assert read_back.json()["status"] == "EXPIRED"


async def test_a_paid_checkout_cannot_be_deactivated(api, create_checkout):
    created = await create_checkout()
    await api.post(f"/v0.1/checkouts/{created['id']}/simulate", json={"status": "PAID"})

    response = await api.delete(f"/v0.1/checkouts/{created['id']}")

    assert response.status_code == 409
    assert (
        response.json()["type"] == "https://developer.sumup.com/problem/session-already-processed"
    )
    assert (await api.get(f"/v0.1/checkouts/{created['id']}")).json()["status"] == "PAID"


async def test_deactivating_an_unknown_checkout_answers_not_found(api):
    response = await api.delete("/v0.1/checkouts/nope")

    assert response.status_code == 404


async def test_a_pending_checkout_past_its_valid_until_reads_expired(api, create_checkout, clock):
    created = await create_checkout(valid_until="2026-11-28T09:30:00+00:00")
    clock.advance(minutes=29)
    before = (await api.get(f"/v0.1/checkouts/{created['id']}")).json()

    clock.advance(minutes=1)
    after = (await api.get(f"/v0.1/checkouts/{created['id']}")).json()

    assert created["valid_until"] == "2026-11-28T09:30:00.000+00:00"
    assert before["status"] == "PENDING"
    assert after["status"] == "EXPIRED"


async def test_an_expired_checkout_can_no_longer_be_paid(api, create_checkout, clock):
    created = await create_checkout(valid_until="2026-11-28T09:30:00Z")
    clock.advance(hours=1)

    response = await api.post(f"/v0.1/checkouts/{created['id']}/simulate", json={"status": "PAID"})

    assert response.status_code == 409


async def test_the_openapi_document_and_health_are_served(api):
    assert (await api.get("/openapi.json")).status_code == 200
    assert (await api.get("/health")).json() == {"status": "ok"}


async def test_list_without_a_reference_answers_every_checkout(api, checkout_body):
    created = await api.post("/v0.1/checkouts", json=checkout_body())

    listed = await api.get("/v0.1/checkouts")

    assert created.json()["id"] in {checkout["id"] for checkout in listed.json()}
