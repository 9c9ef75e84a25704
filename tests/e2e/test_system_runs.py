"""The whole system answers: every gateway healthy, documented, and closed to unknown callers."""

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import asyncpg
import httpx
import pytest

from ardoise.auth import Principal, issue_token
from ardoise.db import plain_dsn
from ardoise_tools.devservers.stack import SERVICES


@pytest.mark.parametrize("service", SERVICES)
def test_every_gateway_is_healthy_and_documented(system, service):
    url = system.urls[service]
    health = httpx.get(f"{url}/health")
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    openapi = httpx.get(f"{url}/openapi.json")
    assert openapi.status_code == 200 and openapi.json()["info"]["title"].lower().endswith(service)
    assert httpx.get(f"{url}/docs").status_code == 200


@pytest.mark.parametrize("service", SERVICES)
def test_a_gateway_refuses_missing_and_unknown_tokens_and_knows_a_valid_one(system, service):
    url = f"{system.urls[service]}/v1/whoami"
    secret = system.env["ARDOISE_JWT_SECRET"]
    forged = issue_token("not-the-real-secret-at-all-123456", Principal("operator", "ferme-a"))
    expired = issue_token(secret, Principal("operator", "ferme-a"), lifetime_s=-5)
    assert httpx.get(url).status_code == 401
    for token in ("garbage", forged, expired):
        assert httpx.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 401
    valid = issue_token(secret, Principal("customer", "ferme-a", "c1"))
    answer = httpx.get(url, headers={"Authorization": f"Bearer {valid}"})
    assert answer.json() == {"role": "customer", "producer_id": "ferme-a", "customer_id": "c1",
                             "person": None, "name": None}


async def test_every_process_keeps_the_same_clock_as_the_tests(system):
    """The gateways' and the stand-in's `Date` and PostgreSQL's now() agree with the tests' own
    clock. Under `tests/timeshift.py` (libfaketime) this proves that the whole system runs at
    the moved date, not pytest alone: a run that moved only the tests would prove nothing."""
    tests_now = datetime.now(UTC)
    async with httpx.AsyncClient(timeout=10) as client:
        for name in (*SERVICES, "sumup"):
            answer = await client.get(f"{system.urls[name]}/health")
            said = parsedate_to_datetime(answer.headers["date"])
            assert abs(said - tests_now) < timedelta(minutes=1), (name, said, tests_now)
    connection = await asyncpg.connect(plain_dsn(system.env["ORDERS_DATABASE_URL"]))
    try:
        database_now = await connection.fetchval("SELECT now()")
    finally:
        await connection.close()
    assert abs(database_now - tests_now) < timedelta(minutes=1), (database_now, tests_now)
