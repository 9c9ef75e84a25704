"""Sign-in by one-time link, and sign-out.

`GET /connexion` asks for the farm and an address; the link is e-mailed to an operator at the
address the producer gave in its exports settings, and to a customer at the address its
producer recorded for it. The answer is the same whether or not the address is known, so the
page tells no one who is a customer where. Opening a link shows a button: the link is used by
that POST, not by the GET, so a mail scanner that fetches links does not spend it. Links are
asked for a few times a minute per client address and a few times a quarter of an hour per
e-mail address at most (docs/security.md); beyond, a 429 and no e-mail."""

import logging
import math
import re
from email.message import EmailMessage
from typing import Annotated

import aiosmtplib
from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse

from ardoise.auth import Principal
from ardoise.ids import PRODUCER_ID_PATTERN
from ardoise.rate_limit import client_address
from web import operators, signin
from web.gateways import Refused, Unavailable
from web.pages.common import COOKIE, CheckedSession, page

router = APIRouter(tags=["sign-in"])
log = logging.getLogger(__name__)
SENT = ("Si cette adresse est connue de la ferme, un lien de connexion vient d'y être envoyé. "
        "Il fonctionne une seule fois.")
TOO_MANY_FROM_HERE = "Trop de demandes de lien depuis cette connexion."
TOO_MANY_FOR_ADDRESS = "Trop de liens demandés pour cette adresse e-mail."


def link_url(request: Request, token: str) -> str:
    return f"{request.app.state.settings.public_url.rstrip('/')}/connexion/lien?jeton={token}"


@router.get("/")
async def home(request: Request):
    cookie = request.cookies.get(COOKIE)
    found = cookie and await signin.find_session(request.app.state.sessionmaker, cookie,
                                                 request.app.state.clock())
    if not found:
        return RedirectResponse("/connexion", status_code=303)
    return RedirectResponse("/clients" if found.principal.role == "operator" else "/mon-compte",
                            status_code=303)


@router.get("/connexion")
async def signin_page(request: Request):
    return page(request, "signin.html",
                link_minutes=request.app.state.settings.link_lifetime_s // 60)


async def _whom(request: Request, role: str, producer: str, email: str) -> Principal | None:
    """Who this address is at this farm; None when no one. An operator is one of the farm's
    people; a farm with none yet takes in its own address (the weekly e-mail's) as the first.
    A customer is the one customer with that address, as the accounts service knows it."""
    gateways, db = request.app.state.gateways, request.app.state.sessionmaker
    wanted = email.strip().lower()
    if role == "operator":
        person = await operators.active(db, producer, wanted)
        if person is None and not await operators.has_any(db, producer):
            settings = await gateways.json(gateways.itself, "exports", "GET",
                                           f"/v1/producers/{producer}/exports/weekly-email")
            known = (settings.get("email") or "").strip().lower()
            if known and known == wanted:
                try:
                    person = await operators.add(db, producer, wanted, None,
                                                 "adresse de la ferme", request.app.state.clock())
                except operators.AlreadyAnOperator:
                    person = await operators.active(db, producer, wanted)
        return None if person is None else Principal("operator", producer,
                                                     person=person.person_id, name=person.shown)
    found = await gateways.json(gateways.itself, "accounts", "GET",
                                f"/v1/producers/{producer}/customers",
                                params={"email": wanted, "limit": 2})
    matches = [c for c in found.get("customers", [])
               if (c.get("email") or "").strip().lower() == wanted]
    return Principal("customer", producer, matches[0]["customer_id"]) if len(matches) == 1 \
        else None


async def send_link(request: Request, to: str, url: str) -> None:
    settings = request.app.state.settings
    message = EmailMessage()
    message["From"], message["To"] = settings.mail_from, to
    message["Subject"] = "Votre lien de connexion à Ardoise"
    message.set_content(f"Bonjour,\n\nPour vous connecter à Ardoise, ouvrez ce lien :\n{url}\n\n"
                        f"Il fonctionne une seule fois, pendant "
                        f"{settings.link_lifetime_s // 60} minutes.\n")
    # no login unless a user name is set (compose passes an empty one for none)
    username = settings.smtp_username or None
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    await aiosmtplib.send(message, hostname=settings.smtp_host, port=settings.smtp_port,
                          username=username, password=password if username else None,
                          use_tls=settings.smtp_tls, start_tls=settings.smtp_starttls or None,
                          timeout=10)


@router.post("/connexion")
async def ask_for_link(request: Request, producer: Annotated[str, Form()],
                       email: Annotated[str, Form(max_length=320)],
                       role: Annotated[str, Form(pattern="^(operator|customer)$")] = "customer"):
    state = request.app.state
    if wait_s := state.signin_per_address.hit(client_address(request.scope,
                                                             state.trusted_proxies)):
        return _too_many(request, wait_s, TOO_MANY_FROM_HERE, producer, email, role)
    if not re.fullmatch(PRODUCER_ID_PATTERN, producer) or "@" not in email:
        return page(request, "signin.html", status_code=422, producer=producer, email=email,
                    role=role, problem="Indiquez l'identifiant de la ferme et une adresse e-mail.",
                    link_minutes=request.app.state.settings.link_lifetime_s // 60)
    # counted whether or not the address is known: a 429 tells no one who is a customer
    if wait_s := state.signin_per_email.hit(email.strip().lower()):
        return _too_many(request, wait_s, TOO_MANY_FOR_ADDRESS, producer, email, role)
    try:
        whom = await _whom(request, role, producer, email)
    except Refused:
        whom = None
    except Unavailable as down:
        return page(request, "signin.html", status_code=503, problem=down.message,
                    producer=producer, email=email, role=role,
                    link_minutes=request.app.state.settings.link_lifetime_s // 60)
    if whom is not None:
        settings = request.app.state.settings
        token = await signin.create_link(request.app.state.sessionmaker, whom, email,
                                         request.app.state.clock(), settings.link_lifetime_s)
        try:
            await send_link(request, email, link_url(request, token))
        except (aiosmtplib.SMTPException, OSError) as error:
            log.error("sign-in link not sent: %s", error)
            return page(request, "signin.html", status_code=503, producer=producer,
                        email=email, role=role, link_minutes=settings.link_lifetime_s // 60,
                        problem="L'e-mail n'a pas pu partir ; réessayez dans un instant.")
    return page(request, "signin.html", message=SENT, producer=producer, role=role,
                link_minutes=request.app.state.settings.link_lifetime_s // 60)


def _too_many(request: Request, wait_s: int, problem: str, producer: str, email: str,
              role: str):
    """429 with Retry-After, the form as it was sent, and no e-mail."""
    minutes = math.ceil(wait_s / 60)
    later = f"Réessayez dans {minutes} minute{'s' if minutes > 1 else ''}."
    log.warning("sign-in link refused: %s (%s s to wait)", problem, wait_s)
    answer = page(request, "signin.html", status_code=429, producer=producer, email=email,
                  role=role, link_minutes=request.app.state.settings.link_lifetime_s // 60,
                  problem=f"{problem} {later}")
    answer.headers["Retry-After"] = str(wait_s)
    return answer


@router.get("/connexion/lien")
async def link_page(request: Request, jeton: Annotated[str, Query(max_length=100)] = ""):
    return page(request, "link.html", token=jeton, valid=bool(jeton))


@router.post("/connexion/lien")
async def use_link(request: Request, jeton: Annotated[str, Form(max_length=100)]):
    settings = request.app.state.settings
    opened = await signin.use_link(request.app.state.sessionmaker, jeton,
                                   request.app.state.clock(), settings.session_lifetime_s)
    if opened is None:
        return page(request, "link.html", status_code=400, valid=False)
    cookie, session = opened
    answer = RedirectResponse(
        "/clients" if session.principal.role == "operator" else "/mon-compte", status_code=303)
    answer.set_cookie(COOKIE, cookie, max_age=settings.session_lifetime_s, httponly=True,
                      samesite="lax", secure=settings.secure_cookies, path="/")
    return answer


@router.post("/deconnexion")
async def sign_out(request: Request, session: CheckedSession):
    await signin.end_session(request.app.state.sessionmaker, request.cookies[COOKIE])
    answer = RedirectResponse("/connexion", status_code=303)
    answer.delete_cookie(COOKIE, path="/")
    return answer

