"""Creating checkouts on the stand-in: SumUp's fields, exact amounts, its 400, 401, 409 answers."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.asyncio


async def test_a_new_checkout_is_pending_with_sumup_fields_and_no_transactions(create_checkout):
    checkout = await create_checkout(checkout_reference="order-42")

    assert uuid.UUID(checkout["id"])
    assert checkout["checkout_reference"] == "order-42"
    assert checkout["merchant_code"] == "MSTANDIN"
    assert checkout["currency"] == "EUR"
    assert checkout["status"] == "PENDING"
    assert checkout["purpose"] == "CHECKOUT"
    assert checkout["transactions"] == []
    assert checkout["date"] == "2026-11-28T09:00:00.000+00:00"
    assert "transaction_id" not in checkout


async def test_a_hosted_checkout_points_at_the_stand_ins_own_payment_page(create_checkout):
    checkout = await create_checkout(hosted_checkout={"enabled": True})

    assert checkout["hosted_checkout"] == {"enabled": True}
    assert checkout["hosted_checkout_url"] == f"http://standin.test/pay/{checkout['id']}"


async def test_a_checkout_without_hosted_checkout_has_no_hosted_url(create_checkout):
    checkout = await create_checkout(hosted_checkout=None)

    assert "hosted_checkout_url" not in checkout


@pytest.mark.parametrize("literal", ["15.0", "15.5", "0.01", "15", "10.10", "1234567.89"])
async def test_the_amount_is_answered_exactly_as_it_was_sent(api, literal):
    raw = (
        f'{{"checkout_reference": "order-{uuid.uuid4()}", "amount": {literal},'
        ' "currency": "EUR", "merchant_code": "MSTANDIN"}'
    )

    response = await api.post(
        "/v0.1/checkouts", content=raw, headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 201
    assert f'"amount":{literal},' in response.text


async def test_a_missing_merchant_code_is_refused_as_missing_with_its_param(api, checkout_body):
    response = await api.post("/v0.1/checkouts", json=checkout_body(merchant_code=None))

    assert response.status_code == 400
    assert response.json() == {
        "error_code": "MISSING",
        "message": "Validation error",
        "param": "merchant_code",
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("checkout_reference", "x" * 65),
        ("amount", "15.00"),
        ("amount", -1),
        ("amount", 0),
        ("amount", 15.001),
        ("amount", True),
        ("currency", "XYZ"),
        ("return_url", "not a url"),
        ("valid_until", "tomorrow"),
        ("valid_until", "2026-11-28T08:00:00+00:00"),
        ("hosted_checkout", {"enabled": "yes"}),
    ],
)
async def test_an_invalid_field_is_refused_as_invalid_with_its_param(
    api, checkout_body, field, value
):
    response = await api.post("/v0.1/checkouts", json=checkout_body(**{field: value}))

    assert response.status_code == 400
    error = response.json()
    assert error["error_code"] == "INVALID"
    assert error["param"].split(".")[0] == field


async def test_a_reference_of_64_characters_is_accepted(create_checkout):
    checkout = await create_checkout(checkout_reference="x" * 63 + str(uuid.uuid4())[0])

    assert len(checkout["checkout_reference"]) == 64


async def test_several_refused_fields_are_listed_together_as_sumup_does(api):
    response = await api.post("/v0.1/checkouts", json={"amount": "15"})

    assert response.status_code == 400
    assert {(e["error_code"], e["param"]) for e in response.json()} == {
        ("MISSING", "checkout_reference"),
        ("INVALID", "amount"),
        ("MISSING", "currency"),
        ("MISSING", "merchant_code"),
    }


async def test_a_body_that_is_not_json_is_refused(api):
    response = await api.post(
        "/v0.1/checkouts", content=b"amount=15", headers={"Content-Type": "text/plain"}
    )

    assert response.status_code == 400
    assert response.json()["param"] == "body"


async def test_a_second_checkout_with_the_same_reference_is_refused_as_duplicated(
    api, checkout_body, create_checkout
):
    first = await create_checkout()

    response = await api.post(
        "/v0.1/checkouts", json=checkout_body(checkout_reference=first["checkout_reference"])
    )

    assert response.status_code == 409
    assert response.json()["error_code"] == "DUPLICATED_CHECKOUT"


async def test_the_same_reference_is_free_for_another_merchant(api, checkout_body, create_checkout):
    first = await create_checkout()

    response = await api.post(
        "/v0.1/checkouts",
        json=checkout_body(checkout_reference=first["checkout_reference"], merchant_code="MOTHER"),
        headers={"Authorization": "Bearer sk_test_other_merchant"},
    )

    assert response.status_code == 201


async def test_a_key_belongs_to_the_merchant_of_its_first_checkout_and_sees_only_its_own(
        api, checkout_body, create_checkout):
    first = await create_checkout()
    other_key = {"Authorization": "Bearer sk_test_other_merchant"}
    other = await api.post("/v0.1/checkouts", headers=other_key,
                           json=checkout_body(merchant_code="MOTHER"))
    assert other.status_code == 201
    refused = await api.post("/v0.1/checkouts", headers=other_key,
                             json=checkout_body(merchant_code=first["merchant_code"]))
    assert refused.status_code == 403 and refused.json()["error_code"] == "FORBIDDEN"
    assert (await api.get(f"/v0.1/checkouts/{first['id']}", headers=other_key)).status_code == 404
    assert (await api.delete(f"/v0.1/checkouts/{first['id']}",
                             headers=other_key)).status_code == 404
    listed = await api.get("/v0.1/checkouts", headers=other_key,
                           params={"checkout_reference": first["checkout_reference"]})
    assert listed.json() == []
    # a key that never created a checkout (a developer's) sees every merchant's
    anyone = {"Authorization": "Bearer sk_test_developer"}
    assert (await api.get(f"/v0.1/checkouts/{first['id']}", headers=anyone)).status_code == 200


@pytest.mark.parametrize("authorization", [None, "", "Bearer ", "Basic abc", "sk_test_standin"])
async def test_a_call_without_a_bearer_token_is_refused_with_a_problem(
    api, checkout_body, authorization
):
    api.headers.pop("Authorization")
    headers = {} if authorization is None else {"Authorization": authorization}

    response = await api.post("/v0.1/checkouts", json=checkout_body(), headers=headers)

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 401


async def test_no_request_of_the_checkouts_api_is_handed_to_a_worker_thread(
        create_checkout, api, monkeypatch):
    """FastAPI runs a dependency written as a plain `def` in anyio's thread pool: a thread
    hand-off on each call the payments worker makes for each order."""
    import anyio.to_thread

    handed_off = []
    run_sync = anyio.to_thread.run_sync

    async def recorded(func, *args, **kwargs):
        handed_off.append(func)
        return await run_sync(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", recorded)
    checkout = await create_checkout()
    read = await api.get(f"/v0.1/checkouts/{checkout['id']}")
    listed = await api.get("/v0.1/checkouts", params={"checkout_reference":
                                                      checkout["checkout_reference"]})
    assert read.status_code == listed.status_code == 200
    assert handed_off == []
