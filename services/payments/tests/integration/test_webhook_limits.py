"""SumUp's webhook on the payments gateway, limited per client address: beyond the limit a 429
with Retry-After (SumUp notifies again later; the worker reads pending checkouts back anyway),
nothing read back; the 429 is in the gateway's OpenAPI document."""

from collections.abc import AsyncIterator

import httpx
import pytest

from payments.bootstrap import create_app
from payments.config import Settings
from payments.entrypoints import webhook

NOTIFICATION = {"event_type": "CHECKOUT_STATUS_CHANGED", "id": "chk_limited"}


@pytest.fixture
async def payments(servers, monkeypatch) -> AsyncIterator:
    """`payments(address)`: a client of the gateway (three notifications a minute per address,
    10.0.0.0/8 a trusted proxy) connecting from that address; `.read_back` lists what the
    notifications asked to read back."""
    read_back = []

    async def sync_notified_checkout(checkout_id, *_):
        read_back.append(checkout_id)

    monkeypatch.setattr(webhook, "sync_notified_checkout", sync_notified_checkout)
    settings = Settings(database_url=servers["PAYMENTS_DATABASE_URL"],
                        jwt_secret=servers["ARDOISE_JWT_SECRET"], auth_dev_hs256=True,
                        secrets_keys=servers["ARDOISE_SECRETS_KEYS"],
                        kafka_bootstrap=servers["KAFKA_BOOTSTRAP"],
                        sumup_webhook_limit=3, sumup_webhook_window_s=60,
                        trusted_proxies="10.0.0.0/8")
    app = create_app(settings)
    clients: list[httpx.AsyncClient] = []

    def client(address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=(address, 43210))
        clients.append(httpx.AsyncClient(transport=transport, base_url="http://payments"))
        return clients[-1]

    async with app.router.lifespan_context(app):
        client.read_back, client.app = read_back, app
        yield client
        for opened in clients:
            await opened.aclose()


async def test_a_fourth_notification_within_a_minute_from_one_address_gets_a_429(payments):
    sumup = payments("203.0.113.7")
    statuses = [(await sumup.post("/v1/sumup/webhook", json=NOTIFICATION)).status_code
                for _ in range(3)]
    assert statuses == [204, 204, 204]
    refused = await sumup.post("/v1/sumup/webhook", json=NOTIFICATION)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["retry-after"]) <= 60
    assert "too many notifications" in refused.json()["detail"]
    assert payments.read_back == ["chk_limited"] * 3  # the refused one read nothing back

    # another address has its own count; naming one in X-Forwarded-For is not believed...
    assert (await sumup.post("/v1/sumup/webhook", json=NOTIFICATION,
                             headers={"X-Forwarded-For": "198.51.100.1"})).status_code == 429
    assert (await payments("198.51.100.1").post("/v1/sumup/webhook",
                                                json=NOTIFICATION)).status_code == 204
    # ...but through a trusted proxy, each client it forwards is counted apart
    proxy = payments("10.0.0.2")
    for client in ("192.0.2.1", "192.0.2.2"):
        for _ in range(3):
            answer = await proxy.post("/v1/sumup/webhook", json=NOTIFICATION,
                                      headers={"X-Forwarded-For": client})
            assert answer.status_code == 204
    assert (await proxy.post("/v1/sumup/webhook", json=NOTIFICATION,
                             headers={"X-Forwarded-For": "192.0.2.1"})).status_code == 429


async def test_the_429_of_the_webhook_is_in_the_openapi_document(payments):
    document = (await payments("127.0.0.1").get("/openapi.json")).json()
    answers = document["paths"]["/v1/sumup/webhook"]["post"]["responses"]
    assert set(answers) == {"204", "429"}
    assert "Retry-After" in answers["429"]["headers"]
    assert "application/json" in answers["429"]["content"]
