"""Signed SumUp webhooks: only a valid, recent signature gets its checkout read back; the unsigned
`return_url` notification keeps working; every answer is a quick 204."""

import json
import time

import httpx
import pytest
from fastapi import FastAPI

from payments.adapters.sumup_signature import BadSignature, checkout_id_of, sign, verify
from payments.entrypoints import webhook

SECRET = "whsec_test"
PAID_EVENT = json.dumps({"id": "evt_1", "type": "checkouts.paid",
                         "created_at": "2026-11-28T10:00:00Z",
                         "object": {"id": "chk_1", "type": "checkout",
                                    "url": "https://api.sumup.com/v0.1/checkouts/chk_1"}}).encode()


def test_a_signature_made_with_the_secret_over_these_bytes_is_accepted():
    verify(SECRET, PAID_EVENT, sign(SECRET, PAID_EVENT, int(time.time())))


@pytest.mark.parametrize("header", [
    None, "", "v1=00", "t=abc,v1=" + "0" * 64, "t=1,v1=zz",
    sign("another secret", PAID_EVENT, int(time.time())),
    sign(SECRET, PAID_EVENT + b" ", int(time.time())),
    sign(SECRET, PAID_EVENT, int(time.time()) - 3600),
    sign(SECRET, PAID_EVENT, int(time.time()) + 3600),
])
def test_a_missing_malformed_foreign_altered_or_stale_signature_is_refused(header):
    with pytest.raises(BadSignature):
        verify(SECRET, PAID_EVENT, header)


def test_only_a_checkout_event_names_a_checkout():
    assert checkout_id_of(PAID_EVENT) == "chk_1"
    assert checkout_id_of(json.dumps({"type": "members.updated",
                                      "object": {"id": "m1", "type": "member"}}).encode()) is None
    assert checkout_id_of(b"[1, 2]") is None and checkout_id_of(b"\xff") is None


@pytest.fixture
def gateway(monkeypatch):
    """The webhook route alone; `read_back` lists the checkouts it asked to read back."""
    read_back = []

    async def sync_notified_checkout(checkout_id, *_):
        read_back.append(checkout_id)

    monkeypatch.setattr(webhook, "sync_notified_checkout", sync_notified_checkout)
    app = FastAPI()
    app.include_router(webhook.router)
    app.state.sumup_webhook_secret = SECRET
    app.state.new_uow = app.state.sumup = None
    app.state.orders = type("Orders", (), {"fetch": None})()
    app.state.webhook_limit, app.state.trusted_proxies = webhook.webhook_limit(1000, 60), ()
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://payments")
    client.read_back, client.app = read_back, app
    return client


async def post(client, body: bytes, signature: str | None = None) -> int:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-SumUp-Webhook-Signature"] = signature
    return (await client.post("/v1/sumup/webhook", content=body, headers=headers)).status_code


async def test_a_signed_event_is_read_back_and_a_badly_signed_one_is_not(gateway):
    now = int(time.time())
    assert await post(gateway, PAID_EVENT, sign("forger", PAID_EVENT, now)) == 204
    assert await post(gateway, PAID_EVENT, sign(SECRET, PAID_EVENT, now - 3600)) == 204
    assert gateway.read_back == []
    assert await post(gateway, PAID_EVENT, sign(SECRET, PAID_EVENT, now)) == 204
    assert gateway.read_back == ["chk_1"]


async def test_without_a_secret_a_signed_event_is_ignored_and_unsigned_ones_still_work(gateway):
    gateway.app.state.sumup_webhook_secret = None
    assert await post(gateway, PAID_EVENT, sign(SECRET, PAID_EVENT, int(time.time()))) == 204
    unsigned = json.dumps({"event_type": "CHECKOUT_STATUS_CHANGED", "id": "chk_2"}).encode()
    assert await post(gateway, unsigned) == 204
    assert await post(gateway, b"not json") == 204
    assert gateway.read_back == ["chk_2"]
