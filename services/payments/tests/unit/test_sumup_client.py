"""The SumUp client against the stand-in: exact money, safe retries, SumUp's errors, read-backs."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from hypothesis import given
from hypothesis import strategies as st

from payments.adapters.sumup_checkouts import DUPLICATED_CHECKOUT, EXPIRED, PAID, PENDING, Checkout
from payments.adapters.sumup_client import PaymentGateway, SumUpClient
from payments.adapters.sumup_errors import CheckoutNotFound, SumUpError, SumUpUnavailable
from payments.adapters.sumup_money import cents_to_sumup_amount, sumup_amount_to_cents
from sumup_standin import Settings, create_app
from sumup_standin.testing import serving

from .fakes import FakePaymentGateway

MERCHANT_CODE = "MARDOISE"
API_KEY = "sk_test_ardoise"
WEBHOOK_URL = "http://payments.test/v1/sumup/webhook"


class RecordingTransport(httpx.AsyncBaseTransport):
    """Passes requests to another transport and keeps them, so a test can count what was sent."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []
        self.exchanges: list[tuple[str, int]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        response = await self.inner.handle_async_request(request)
        self.exchanges.append((request.method, response.status_code))
        return response

    def creates(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == "POST" and r.url.path == "/v0.1/checkouts"]


def new_reference() -> str:
    return f"order-{uuid.uuid4()}"


@pytest_asyncio.fixture
async def standin() -> AsyncIterator[FastAPI]:
    app = create_app(Settings(retry_delays_s=(0.01,)))
    async with app.router.lifespan_context(app):
        yield app


@pytest_asyncio.fixture
async def transport(standin: FastAPI) -> RecordingTransport:
    return RecordingTransport(httpx.ASGITransport(app=standin))


@pytest_asyncio.fixture
async def control(standin: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Direct access to the stand-in, to arm faults and simulate payments."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=standin),
        base_url="http://sumup.test",
        headers={"Authorization": f"Bearer {API_KEY}"},
    ) as client:
        yield client


@pytest_asyncio.fixture
async def sumup(transport: RecordingTransport) -> AsyncIterator[SumUpClient]:
    async with SumUpClient(
        "http://sumup.test", API_KEY, MERCHANT_CODE, retries=3, backoff_s=0.01, transport=transport
    ) as client:
        yield client


async def checkouts_with(control: httpx.AsyncClient, reference: str) -> list[dict]:
    response = await control.get("/v0.1/checkouts", params={"checkout_reference": reference})
    return response.json()


# Money at the edge


@pytest.mark.parametrize(
    ("cents", "literal"),
    [
        (1500, "15.0"),
        (1550, "15.5"),
        (1, "0.01"),
        (1505, "15.05"),
        (100000, "1000.0"),
        (2500, "25.0"),
    ],
)
def test_cents_become_sumups_major_units_exactly(cents, literal):
    assert str(cents_to_sumup_amount(cents)) == literal


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_cents_survive_the_round_trip_through_sumups_decimal_amounts(cents):
    amount = cents_to_sumup_amount(cents)

    assert sumup_amount_to_cents(amount) == cents
    assert sumup_amount_to_cents(json.loads(str(amount), parse_float=Decimal)) == cents
    assert sumup_amount_to_cents(float(str(amount))) == cents


@pytest.mark.parametrize("value", ["15.001", Decimal("0.005"), 0.1 + 0.2, 15.0001])
def test_an_amount_finer_than_a_cent_is_refused(value):
    with pytest.raises(ValueError, match="sub-cent"):
        sumup_amount_to_cents(value)


@pytest.mark.parametrize("value", ["NaN", "Infinity", "fifteen", float("nan")])
def test_something_that_is_not_an_amount_is_refused(value):
    with pytest.raises(ValueError):
        sumup_amount_to_cents(value)


@pytest.mark.parametrize("value", [15.5, True, "1500"])
def test_only_integer_cents_can_be_sent(value):
    with pytest.raises(TypeError):
        cents_to_sumup_amount(value)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("cents", "literal"), [(1500, "15.0"), (1550, "15.5"), (1, "0.01"), (2010, "20.1")]
)
async def test_the_request_body_carries_the_amount_as_an_exact_json_number(
    sumup, transport, cents, literal
):
    checkout = await sumup.create_checkout(new_reference(), cents, "EUR", "Order", WEBHOOK_URL)

    [create] = transport.creates()
    assert f'"amount":{literal},' in create.content.decode()
    assert checkout.amount_cents == cents


# Creating checkouts


@pytest.mark.asyncio
async def test_a_created_checkout_is_pending_with_a_hosted_payment_page(sumup, control):
    reference = new_reference()
    valid_until = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=30)

    checkout = await sumup.create_checkout(
        reference,
        1500,
        "EUR",
        "Order 42",
        WEBHOOK_URL,
        "https://shop.test/orders/42",
        valid_until=valid_until,
    )

    assert checkout.reference == reference
    assert (checkout.amount_cents, checkout.currency, checkout.status) == (1500, "EUR", PENDING)
    assert checkout.hosted_checkout_url == f"http://sumup.test/pay/{checkout.id}"
    assert checkout.valid_until == valid_until
    assert checkout.transaction_id is None
    [stored] = await checkouts_with(control, reference)
    assert stored["return_url"] == WEBHOOK_URL
    assert stored["redirect_url"] == "https://shop.test/orders/42"
    assert stored["merchant_code"] == MERCHANT_CODE


@pytest.mark.asyncio
async def test_injected_503s_are_retried_and_exactly_one_checkout_is_created(
    sumup, control, transport
):
    reference = new_reference()
    await control.post("/_standin/faults", json={"fail_next": 2, "status": 503})

    checkout = await sumup.create_checkout(reference, 2500, "EUR", "Order", WEBHOOK_URL)

    assert transport.exchanges == [("POST", 503), ("GET", 503), ("GET", 200), ("POST", 201)]
    assert [c["id"] for c in await checkouts_with(control, reference)] == [checkout.id]


@pytest.mark.asyncio
async def test_a_create_that_took_effect_but_answered_5xx_is_found_by_reference_not_repeated(
    sumup, control, transport
):
    reference = new_reference()
    await control.post(
        "/_standin/faults", json={"fail_next": 1, "status": 502, "after_processing": True}
    )

    checkout = await sumup.create_checkout(reference, 2500, "EUR", "Order", WEBHOOK_URL)

    assert len(transport.creates()) == 1
    assert [c["id"] for c in await checkouts_with(control, reference)] == [checkout.id]


@pytest.mark.asyncio
async def test_a_duplicated_checkout_answer_returns_the_existing_checkout(sumup, control):
    reference = new_reference()
    first = await control.post(
        "/v0.1/checkouts",
        json={
            "checkout_reference": reference,
            "amount": 15.0,
            "currency": "EUR",
            "merchant_code": MERCHANT_CODE,
        },
    )

    checkout = await sumup.create_checkout(reference, 1500, "EUR", "Order", WEBHOOK_URL)

    assert checkout.id == first.json()["id"]
    assert len(await checkouts_with(control, reference)) == 1


@pytest.mark.asyncio
async def test_creating_the_same_reference_twice_gives_the_same_checkout(sumup):
    reference = new_reference()

    first = await sumup.create_checkout(reference, 1500, "EUR", "Order", WEBHOOK_URL)
    second = await sumup.create_checkout(reference, 1500, "EUR", "Order", WEBHOOK_URL)

    assert second == first


@pytest.mark.asyncio
async def test_a_reference_already_used_for_another_amount_is_refused(sumup):
    reference = new_reference()
    await sumup.create_checkout(reference, 1500, "EUR", "Order", WEBHOOK_URL)

    with pytest.raises(SumUpError) as refused:
        await sumup.create_checkout(reference, 2500, "EUR", "Order", WEBHOOK_URL)

    assert (refused.value.status, refused.value.error_code) == (409, DUPLICATED_CHECKOUT)


@pytest.mark.asyncio
async def test_a_refused_field_raises_sumup_error_with_sumups_code_and_param(sumup, transport):
    with pytest.raises(SumUpError) as refused:
        await sumup.create_checkout(new_reference(), 1500, "XYZ", "Order", WEBHOOK_URL)

    assert (refused.value.status, refused.value.error_code, refused.value.param) == (
        400,
        "INVALID",
        "currency",
    )
    assert refused.value.message == "Validation error"
    assert "400 INVALID currency" in str(refused.value)
    assert len(transport.creates()) == 1


@pytest.mark.asyncio
async def test_a_rejected_api_key_raises_sumup_error_without_retrying(transport):
    async with SumUpClient("http://sumup.test", "", MERCHANT_CODE, transport=transport) as client:
        with pytest.raises(SumUpError) as refused:
            await client.get_checkout(str(uuid.uuid4()))

    assert (refused.value.status, refused.value.error_code) == (401, "NOT_AUTHORIZED")
    assert len(transport.requests) == 1


@pytest.mark.asyncio
@pytest.mark.parametrize("amount_cents", [0, -100, 15.0, True])
async def test_a_checkout_needs_a_positive_amount_in_integer_cents(sumup, amount_cents):
    with pytest.raises(ValueError):
        await sumup.create_checkout(new_reference(), amount_cents, "EUR", "Order", WEBHOOK_URL)


@pytest.mark.asyncio
async def test_a_valid_until_without_time_zone_is_refused_before_calling_sumup(sumup, transport):
    with pytest.raises(ValueError, match="timezone"):
        await sumup.create_checkout(
            new_reference(), 1500, "EUR", "Order", WEBHOOK_URL, valid_until=datetime(2030, 1, 1)
        )

    assert transport.requests == []


@pytest.mark.asyncio
async def test_sumup_failing_beyond_the_retries_raises_sumup_unavailable(sumup, control, transport):
    reference = new_reference()
    await control.post("/_standin/faults", json={"fail_next": 20, "status": 503})

    with pytest.raises(SumUpUnavailable) as unavailable:
        await sumup.create_checkout(reference, 1500, "EUR", "Order", WEBHOOK_URL)

    assert unavailable.value.status == 503
    assert transport.exchanges == [("POST", 503)] + [("GET", 503)] * 3
    await control.delete("/_standin/faults")
    assert await checkouts_with(control, reference) == []


@pytest.mark.asyncio
async def test_an_unreachable_sumup_raises_sumup_unavailable_after_the_retries():
    async with SumUpClient(
        "http://127.0.0.1:9", API_KEY, MERCHANT_CODE, retries=2, backoff_s=0.01
    ) as client:
        with pytest.raises(SumUpUnavailable) as unavailable:
            await client.create_checkout(new_reference(), 1500, "EUR", "Order", WEBHOOK_URL)

    assert unavailable.value.status is None
    assert "ConnectError" in unavailable.value.message


# Reading checkouts back


@pytest.mark.asyncio
async def test_a_paid_checkout_reads_back_with_its_transaction(sumup, control):
    created = await sumup.create_checkout(new_reference(), 2500, "EUR", "Order", WEBHOOK_URL)
    paid = (
        await control.post(f"/v0.1/checkouts/{created.id}/simulate", json={"status": "PAID"})
    ).json()

    checkout = await sumup.get_checkout(created.id)

    assert checkout.status == PAID
    assert checkout.transaction_id == paid["transactions"][0]["id"]
    assert checkout.transaction_code == paid["transactions"][0]["transaction_code"]
    assert checkout.paid_amount_cents == 2500


@pytest.mark.asyncio
async def test_the_paid_amount_is_what_sumup_reports_not_what_was_asked(sumup, control):
    created = await sumup.create_checkout(new_reference(), 2500, "EUR", "Order", WEBHOOK_URL)
    await control.post(
        f"/v0.1/checkouts/{created.id}/simulate", json={"status": "PAID", "amount": 20.0}
    )

    checkout = await sumup.get_checkout(created.id)

    assert (checkout.amount_cents, checkout.paid_amount_cents) == (2500, 2000)


@pytest.mark.asyncio
async def test_a_paid_amount_finer_than_a_cent_is_refused_as_an_unexpected_response(sumup, control):
    created = await sumup.create_checkout(new_reference(), 2500, "EUR", "Order", WEBHOOK_URL)
    await control.post(
        f"/v0.1/checkouts/{created.id}/simulate",
        content=b'{"status": "PAID", "amount": 24.999}',
        headers={"Content-Type": "application/json"},
    )

    with pytest.raises(SumUpError, match="sub-cent") as refused:
        await sumup.get_checkout(created.id)

    assert refused.value.error_code == "UNEXPECTED_RESPONSE"


@pytest.mark.asyncio
async def test_reading_an_unknown_checkout_raises_checkout_not_found(sumup):
    with pytest.raises(CheckoutNotFound) as missing:
        await sumup.get_checkout(str(uuid.uuid4()))

    assert missing.value.status == 404


@pytest.mark.asyncio
async def test_a_read_answered_503_is_retried(sumup, control):
    created = await sumup.create_checkout(new_reference(), 1500, "EUR", "Order", WEBHOOK_URL)
    await control.post("/_standin/faults", json={"fail_next": 2, "status": 503})

    assert await sumup.get_checkout(created.id) == created


@pytest.mark.asyncio
async def test_a_reference_without_checkout_is_not_found(sumup):
    assert await sumup.find_by_reference(new_reference()) is None


@pytest.mark.asyncio
async def test_another_merchants_checkout_with_the_same_reference_is_ignored(sumup, control):
    reference = new_reference()
    await control.post(
        "/v0.1/checkouts",
        json={
            "checkout_reference": reference,
            "amount": 9.0,
            "currency": "EUR",
            "merchant_code": "MOTHER",
        },
        headers={"Authorization": "Bearer sk_test_other_merchant"},
    )

    assert await sumup.find_by_reference(reference) is None
    assert (
        await sumup.create_checkout(reference, 1500, "EUR", "Order", WEBHOOK_URL)
    ).amount_cents == 1500


# Deactivating checkouts


@pytest.mark.asyncio
async def test_a_deactivated_checkout_reads_expired(sumup):
    created = await sumup.create_checkout(new_reference(), 1500, "EUR", "Order", WEBHOOK_URL)

    deactivated = await sumup.deactivate(created.id)

    assert deactivated.status == EXPIRED
    assert (await sumup.get_checkout(created.id)).status == EXPIRED


@pytest.mark.asyncio
async def test_deactivating_a_checkout_paid_meanwhile_returns_it_paid(sumup, control):
    created = await sumup.create_checkout(new_reference(), 1500, "EUR", "Order", WEBHOOK_URL)
    await control.post(f"/v0.1/checkouts/{created.id}/simulate", json={"status": "PAID"})

    checkout = await sumup.deactivate(created.id)

    assert checkout.status == PAID
    assert checkout.paid_amount_cents == 1500


# Refunds


@pytest.mark.asyncio
async def test_a_paid_checkout_is_refunded_in_part_then_in_full_and_read_back(sumup, control):
    created = await sumup.create_checkout(new_reference(), 2550, "EUR", "Order", WEBHOOK_URL)
    await control.post(f"/v0.1/checkouts/{created.id}/simulate", json={"status": "PAID"})
    paid = await sumup.get_checkout(created.id)

    await sumup.refund(paid.transaction_id, 1005)
    part = await sumup.get_transaction(paid.transaction_id)
    await sumup.refund(paid.transaction_id, None)
    full = await sumup.get_transaction(paid.transaction_id)

    assert (part.amount_cents, part.refunded_cents, part.status) == (2550, 1005, "SUCCESSFUL")
    assert (full.refunded_cents, full.status) == (2550, "REFUNDED")
    with pytest.raises(SumUpError) as refused:
        await sumup.refund(paid.transaction_id, 1)
    assert (refused.value.status, refused.value.error_code) == (409, "TRANSACTION_NOT_REFUNDABLE")


@pytest.mark.asyncio
async def test_a_refund_sumup_cannot_take_now_is_not_sent_again(sumup, control):
    created = await sumup.create_checkout(new_reference(), 1500, "EUR", "Order", WEBHOOK_URL)
    await control.post(f"/v0.1/checkouts/{created.id}/simulate", json={"status": "PAID"})
    paid = await sumup.get_checkout(created.id)
    await control.post("/_standin/faults", json={"fail_next": 1, "status": 503,
                                                  "after_processing": True})

    with pytest.raises(SumUpUnavailable):
        await sumup.refund(paid.transaction_id, 500)

    # the refund went through before the 503: read back, it is there, once
    assert (await sumup.get_transaction(paid.transaction_id)).refunded_cents == 500


# Against a real server


@pytest.mark.asyncio
async def test_a_create_that_timed_out_is_retried_without_a_second_checkout():
    standin = create_app(Settings(retry_delays_s=(0.01,)))
    reference = new_reference()
    async with serving(standin) as base_url, httpx.AsyncClient(base_url=base_url) as control:
        await control.post("/_standin/faults", json={"delay_next": 1, "seconds": 0.5})
        async with SumUpClient(
            base_url, API_KEY, MERCHANT_CODE, timeout_s=0.2, backoff_s=0.05
        ) as sumup:
            checkout = await sumup.create_checkout(reference, 1500, "EUR", "Order", WEBHOOK_URL)
        await asyncio.sleep(0.5)
        listed = await control.get(
            "/v0.1/checkouts",
            params={"checkout_reference": reference},
            headers={"Authorization": f"Bearer {API_KEY}"},
        )

    assert [c["id"] for c in listed.json()] == [checkout.id]


@pytest.mark.asyncio
async def test_a_payment_on_the_hosted_page_of_a_real_server_reads_back_paid():
    standin = create_app(Settings(retry_delays_s=(0.01,)))
    async with (
        serving(standin) as base_url,
        httpx.AsyncClient() as browser,
        SumUpClient(base_url, API_KEY, MERCHANT_CODE) as sumup,
    ):
        created = await sumup.create_checkout(new_reference(), 1550, "EUR", "Order", None)
        page = await browser.get(created.hosted_checkout_url)
        await browser.post(created.hosted_checkout_url, data={"outcome": "PAID"})
        checkout = await sumup.get_checkout(created.id)

    assert "15,50 EUR" in page.text
    assert (checkout.status, checkout.paid_amount_cents) == (PAID, 1550)


# The fake for the service's unit tests


@pytest.mark.asyncio
async def test_the_fake_gateway_keeps_one_checkout_per_reference_and_lets_a_test_pay_it():
    gateway: PaymentGateway = FakePaymentGateway()
    reference = new_reference()

    created = await gateway.create_checkout(reference, 2500, "EUR", "Order", WEBHOOK_URL)
    again = await gateway.create_checkout(reference, 2500, "EUR", "Order", WEBHOOK_URL)
    gateway.set_status(created.id, PAID, paid_amount_cents=2000)
    paid = await gateway.get_checkout(created.id)

    assert again == created
    assert created.status == PENDING
    assert (paid.status, paid.paid_amount_cents) == (PAID, 2000)
    assert paid.transaction_id is not None
    assert await gateway.find_by_reference(reference) == paid
    assert await gateway.deactivate(created.id) == paid


@pytest.mark.asyncio
async def test_the_fake_gateway_refuses_a_reference_reused_for_other_money():
    gateway = FakePaymentGateway()
    reference = new_reference()
    await gateway.create_checkout(reference, 1500, "EUR", "Order", None)

    with pytest.raises(SumUpError) as refused:
        await gateway.create_checkout(reference, 1600, "EUR", "Order", None)

    assert refused.value.error_code == DUPLICATED_CHECKOUT


@pytest.mark.asyncio
async def test_the_fake_gateway_deactivates_pending_checkouts_and_knows_no_others():
    gateway = FakePaymentGateway()
    created = await gateway.create_checkout(new_reference(), 1500, "EUR", "Order", None)

    assert (await gateway.deactivate(created.id)).status == EXPIRED
    with pytest.raises(CheckoutNotFound):
        await gateway.get_checkout("nope")
    await gateway.aclose()


def test_a_checkout_is_read_from_sumups_json_exactly():
    checkout = Checkout.from_sumup(
        {
            "id": "c1",
            "checkout_reference": "order-1",
            "amount": Decimal("10.1"),
            "currency": "EUR",
            "status": "PENDING",
            "valid_until": "2026-11-28T09:30:00.000+00:00",
        }
    )

    assert checkout.amount_cents == 1010
    assert checkout.valid_until == datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
    assert checkout.paid_amount_cents is None


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (
            401,
            {"error_message": "invalid access token", "error_code": "NOT_AUTHORIZED"},
            ("NOT_AUTHORIZED", "invalid access token", None),
        ),
        (
            400,
            [{"error_code": "INVALID", "message": "Validation error", "param": "amount"}],
            ("INVALID", "Validation error", "amount"),
        ),
        (
            409,
            {
                "type": "https://developer.sumup.com/problem/session-already-processed",
                "title": "Conflict",
                "status": 409,
                "detail": "already processed",
            },
            (None, "already processed", None),
        ),
        (502, "<html>Bad gateway</html>", (None, "Bad Gateway", None)),
    ],
)
def test_each_of_sumups_error_shapes_is_read_into_a_sumup_error(status, body, expected):
    content = body if isinstance(body, str) else json.dumps(body)
    response = httpx.Response(status, content=content.encode())

    error = SumUpError.from_response(response)

    assert (error.status, (error.error_code, error.message, error.param)) == (status, expected)
