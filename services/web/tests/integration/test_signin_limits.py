"""Asking for sign-in links, limited: five a minute per client address, three a quarter of an hour
per e-mail address; beyond, a 429 with Retry-After and the sign-in page saying so in French, and
no e-mail. The pages carry their security headers. The web in process on the real PostgreSQL,
its mail going to a sink that keeps every message."""

import uuid
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from aiosmtpd.controller import Controller

from ardoise.auth import Principal
from ardoise.security_headers import PAGES_CSP
from ardoise_tools.devservers.process import free_port
from web.app import create_app
from web.config import Settings
from web.pages import signin


class Mailbox:
    """aiosmtpd handler: the recipients of every message received."""

    def __init__(self) -> None:
        self.received: list[str] = []
        self.port = free_port()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's
        self.received.extend(envelope.rcpt_tos)
        return "250 Message kept"


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    kept = Mailbox()
    sink = Controller(kept, hostname="127.0.0.1", port=kept.port)
    sink.start()
    yield kept
    sink.stop()


@pytest.fixture
async def web(servers, mailbox, monkeypatch) -> AsyncIterator:
    """`web(address)`: a browser at that address (10.0.0.0/8 are trusted proxies). Everyone
    asking is a known customer here (who is known is the gateways' business, not this test's),
    so each request let through sends a link."""

    async def anyone(request, role, producer, email):
        return Principal("customer", producer, "c1")

    monkeypatch.setattr(signin, "_whom", anyone)
    settings = Settings(database_url=servers["WEB_DATABASE_URL"],
                        jwt_secret=servers["ARDOISE_JWT_SECRET"], auth_dev_hs256=True,
                        smtp_host="127.0.0.1", smtp_port=mailbox.port,
                        trusted_proxies="10.0.0.0/8")
    app = create_app(settings)
    clients: list[httpx.AsyncClient] = []

    def browser(address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=(address, 51000))
        clients.append(httpx.AsyncClient(transport=transport, base_url="http://web"))
        return clients[-1]

    async with app.router.lifespan_context(app):
        yield browser
        for opened in clients:
            await opened.aclose()


def asking(email: str) -> dict[str, str]:
    return {"producer": "ferme-des-saules", "email": email, "role": "customer"}


def someone() -> str:
    return f"claire-{uuid.uuid4().hex[:8]}@example.org"


async def test_a_sixth_request_from_one_address_within_a_minute_is_refused_and_sends_nothing(
        web, mailbox):
    browser = web("203.0.113.7")
    for _ in range(5):
        answer = await browser.post("/connexion", data=asking(someone()))
        assert answer.status_code == 200 and "un lien de connexion vient" in answer.text
    assert len(mailbox.received) == 5

    refused = await browser.post("/connexion", data=asking(someone()))
    assert refused.status_code == 429
    assert 0 < int(refused.headers["retry-after"]) <= 60
    assert "Trop de demandes de lien depuis cette connexion" in refused.text
    assert "Réessayez dans 1 minute." in refused.text
    assert 'value="ferme-des-saules"' in refused.text  # the form as it was sent
    # naming another address is not believed from a client that is no trusted proxy
    forged = await browser.post("/connexion", data=asking(someone()),
                                headers={"X-Forwarded-For": "198.51.100.1"})
    assert forged.status_code == 429
    assert len(mailbox.received) == 5

    # another address still gets its link, and so does each client behind a trusted proxy
    assert (await web("198.51.100.1").post("/connexion", data=asking(someone()))).status_code \
        == 200
    proxy = web("10.0.0.2")
    for client in ("192.0.2.1", "192.0.2.2"):
        answer = await proxy.post("/connexion", data=asking(someone()),
                                  headers={"X-Forwarded-For": client})
        assert answer.status_code == 200
    assert len(mailbox.received) == 8


async def test_a_fourth_link_for_one_e_mail_address_within_a_quarter_of_an_hour_is_refused(
        web, mailbox):
    claire = someone()
    for n in range(3):  # from three addresses: the e-mail address is what is counted
        answer = await web(f"203.0.113.{n + 1}").post("/connexion", data=asking(claire))
        assert answer.status_code == 200
    assert mailbox.received == [claire] * 3

    refused = await web("203.0.113.9").post("/connexion", data=asking(claire.upper()))
    assert refused.status_code == 429
    assert 840 < int(refused.headers["retry-after"]) <= 900
    assert "Trop de liens demandés pour cette adresse e-mail" in refused.text
    assert "Réessayez dans 15 minutes." in refused.text
    assert mailbox.received == [claire] * 3
    # another e-mail address from that same browser is still served
    assert (await web("203.0.113.9").post("/connexion", data=asking(someone()))).status_code \
        == 200


async def test_the_pages_carry_their_security_headers_and_static_files_may_be_cached(web):
    browser = web("203.0.113.7")
    shown = await browser.get("/connexion")
    assert shown.status_code == 200
    assert shown.headers["content-security-policy"] == PAGES_CSP
    assert shown.headers["cache-control"] == "no-store"
    assert shown.headers["x-frame-options"] == "DENY"
    assert shown.headers["referrer-policy"] == "no-referrer"
    assert shown.headers["strict-transport-security"].startswith("max-age=31536000")
    stylesheet = await browser.get("/static/ardoise.css")
    assert stylesheet.status_code == 200 and "cache-control" not in stylesheet.headers
    assert stylesheet.headers["x-content-type-options"] == "nosniff"
