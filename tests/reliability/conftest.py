"""The reliability tier's producers track payments, as the product page has them do first."""

import uuid

import pytest

from ardoise_tools.testing.tracking import turn_tracking_on


@pytest.fixture
def producer_id(system) -> str:
    producer = f"p-{uuid.uuid4().hex[:12]}"
    turn_tracking_on(system.urls, system.env["ARDOISE_JWT_SECRET"], producer)
    return producer
