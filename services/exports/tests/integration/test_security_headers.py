"""The exports gateway as every gateway answers: the usual security headers on a JSON answer and
on a streamed workbook, whose bytes still arrive whole."""

from collections.abc import AsyncIterator

import pytest

from ardoise_tools.testing.fakes import gateway_clients
from exports.bootstrap import create_app
from exports.config import Settings

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "strict-transport-security": "max-age=31536000; includeSubDomains",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "cache-control": "no-store",
}


@pytest.fixture
async def exports(servers, producer_id) -> AsyncIterator:
    settings = Settings(database_url=servers["EXPORTS_DATABASE_URL"],
                        jwt_secret=servers["ARDOISE_JWT_SECRET"], auth_dev_hs256=True,
                        kafka_bootstrap=servers["KAFKA_BOOTSTRAP"])
    async with gateway_clients(create_app(settings), servers["ARDOISE_JWT_SECRET"], producer_id,
                               "http://exports") as client:
        yield client()


def headers_of(answer) -> dict[str, str | None]:
    return {name: answer.headers.get(name) for name in SECURITY_HEADERS}


async def test_a_json_answer_of_a_gateway_carries_the_security_headers(exports, producer_id):
    answer = await exports.get(f"/v1/producers/{producer_id}/exports/settings")
    assert answer.status_code in (200, 404), answer.text
    assert headers_of(answer) == SECURITY_HEADERS
    refused = await exports.get("/v1/whoami", headers={"Authorization": "Bearer nonsense"})
    assert refused.status_code == 401 and headers_of(refused) == SECURITY_HEADERS


async def test_a_streamed_workbook_carries_them_and_arrives_whole(exports, producer_id):
    answer = await exports.get(f"/v1/producers/{producer_id}/exports/sales-by-mode.xlsx",
                               params={"from": "2026-11-23", "to": "2026-11-29"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert headers_of(answer) == SECURITY_HEADERS
    assert answer.content[:2] == b"PK" and len(answer.content) > 1000
