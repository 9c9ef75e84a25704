"""Asking the orders gateway for an order not heard of yet: the order, None, or unavailable."""

import uuid
from datetime import date

import httpx
import pytest

from payments.adapters.orders_client import OrdersClient, OrdersUnavailable
from payments.domain.settlement import KnownOrder

ORDER = uuid.UUID(int=42)


def client(handler) -> OrdersClient:
    return OrdersClient("http://orders", "a-unit-test-secret-of-32-bytes-at-least",
                        transport=httpx.MockTransport(handler))


async def test_an_order_of_the_orders_service_is_known_by_its_customer_total_and_date():
    def answer(request):
        assert request.url.path == f"/v1/producers/ferme-a/orders/{ORDER}"
        return httpx.Response(200, json={"order_id": str(ORDER), "customer_id": "c1",
                                         "total_cents": 2000, "delivery_date": "2026-11-25"})

    assert await client(answer).fetch("ferme-a", ORDER) == KnownOrder(
        ORDER, "c1", 2000, date(2026, 11, 25))


async def test_an_order_the_orders_service_does_not_have_is_none():
    assert await client(lambda r: httpx.Response(404)).fetch("ferme-a", ORDER) is None


def refuse(request):
    raise httpx.ConnectError("connection refused")


@pytest.mark.parametrize("handler", [refuse, lambda r: httpx.Response(500)])
async def test_an_orders_service_that_cannot_answer_is_unavailable_not_a_missing_order(handler):
    with pytest.raises(OrdersUnavailable):
        await client(handler).fetch("ferme-a", ORDER)
