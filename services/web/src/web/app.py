"""The web process: pages over the gateways, sessions in its own schema."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from ardoise.auth import Principal, issue_token
from ardoise.db import make_engine, make_sessionmaker
from ardoise.gateway import database_answers, install_health
from ardoise.issuer import SERVICE_TOKEN_S, SigningKeys
from ardoise.observability import instrument_gateway
from ardoise.rate_limit import SlidingWindow, parse_networks
from ardoise.security_headers import PAGES_CSP, install_security_headers
from web import issuer
from web.adapters.orm import SCHEMA
from web.config import Settings
from web.gateways import TOKEN_LIFETIME_S, Gateways, Refused, Unavailable
from web.pages import signin
from web.pages.common import BadCsrf, NotForYou, SignInRequired, page

PAGE_ROUTERS = [signin.router]
"""Each group of pages is a router of its own module under web/pages/."""

def page_routers() -> list:
    """The routers of every page module present (sign-in first)."""
    import importlib
    routers = list(PAGE_ROUTERS)
    for name in ("customers", "customer_forms", "payments", "payment_settings", "exports",
                 "documents", "account", "account_orders", "invoices", "invoice_pdfs",
                 "invoicing", "journal", "bank", "bank_transfers", "team", "debts", "refunds",
                 "card_money"):
        try:
            module = importlib.import_module(f"web.pages.{name}")
        except ModuleNotFoundError as missing:
            if missing.name != f"web.pages.{name}":
                raise
            continue
        routers.append(module.router)
    return routers


def install_issuer(app: FastAPI, settings: Settings) -> None:
    """The tokens the web signs: with the issuer's keys, or HS256 in development only."""
    keys = (SigningKeys(settings.signing_keys.get_secret_value()) if settings.signing_keys
            else None)
    app.state.signing_keys = keys
    app.state.client_secrets = issuer.client_secrets(
        settings.client_secrets.get_secret_value() if settings.client_secrets else None)
    if keys is not None:
        app.state.sign = partial(_signed, keys, settings.issuer, TOKEN_LIFETIME_S)
        app.state.sign_service = partial(_signed, keys, settings.issuer, SERVICE_TOKEN_S)
    elif settings.auth_dev_hs256 and settings.jwt_secret is not None:
        secret = settings.jwt_secret.get_secret_value()
        app.state.sign = app.state.sign_service = partial(_dev_signed, secret)
    else:
        raise ValueError("the web signs tokens: set ARDOISE_SIGNING_KEYS (or, in development "
                         "only, ARDOISE_AUTH_DEV_HS256=true with ARDOISE_JWT_SECRET)")
    app.include_router(issuer.router)


def _signed(keys: SigningKeys, issuer_url: str, lifetime_s: int, principal: Principal) -> str:
    return keys.token(issuer_url, principal, lifetime_s)


def _dev_signed(secret: str, principal: Principal) -> str:
    return issue_token(secret, principal, TOKEN_LIFETIME_S)


def install_signin_limits(app: FastAPI, settings: Settings) -> None:
    """How many sign-in links may be asked for, per client address and per e-mail address."""
    app.state.trusted_proxies = parse_networks(settings.trusted_proxies)
    app.state.signin_per_address = SlidingWindow(settings.signin_per_address,
                                                 settings.signin_address_window_s)
    app.state.signin_per_email = SlidingWindow(settings.signin_per_email,
                                               settings.signin_email_window_s)


def create_app(settings: Settings | None = None, clock=partial(datetime.now, UTC)) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url, SCHEMA)
        app.state.engine = engine
        app.state.sessionmaker = make_sessionmaker(engine)
        async with httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=3.0)) as client:
            app.state.gateways = Gateways(settings.gateway_urls(), app.state.sign, client)
            try:
                yield
            finally:
                await engine.dispose()

    app = FastAPI(title="Ardoise web", version="1.0.0", lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.clock = clock
    install_issuer(app, settings)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    instrument_gateway(app)
    install_health(app, [lambda: database_answers(app.state.engine)])
    for router in page_routers():
        app.include_router(router)

    install_security_headers(app, csp=PAGES_CSP, cacheable=("/static/",))
    install_signin_limits(app, settings)

    @app.exception_handler(SignInRequired)
    async def sign_in_first(request: Request, _: SignInRequired):
        if request.headers.get("HX-Request"):
            return page(request, "problem.html", status_code=401, heading="Session terminée",
                        problem="Votre session a pris fin : reconnectez-vous.")
        return RedirectResponse("/connexion", status_code=303)

    @app.exception_handler(NotForYou)
    async def not_for_you(request: Request, _: NotForYou):
        return page(request, "problem.html", status_code=403, heading="Page réservée",
                    problem="Cette page n'est pas pour votre compte.")

    @app.exception_handler(BadCsrf)
    async def bad_csrf(request: Request, _: BadCsrf):
        return page(request, "problem.html", status_code=403, heading="Formulaire refusé",
                    problem="Ce formulaire a expiré : rechargez la page et recommencez.")

    @app.exception_handler(Unavailable)
    async def unavailable(request: Request, down: Unavailable):
        return page(request, "problem.html", status_code=503, heading="Service indisponible",
                    problem=down.message)

    @app.exception_handler(Refused)
    async def refused(request: Request, error: Refused):
        status = error.status if error.status in (404, 409, 422) else 400
        return page(request, "problem.html", status_code=status, heading="Demande refusée",
                    problem=error.message)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError):
        fields = ", ".join(".".join(str(p) for p in e["loc"][1:]) for e in error.errors())
        return page(request, "problem.html", status_code=422, heading="Saisie incomplète",
                    problem=f"Vérifiez : {fields or 'le formulaire'}.")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException):
        heading = "Page introuvable" if error.status_code == 404 else "Demande refusée"
        return page(request, "problem.html", status_code=error.status_code, heading=heading)

    @app.exception_handler(Exception)
    async def crashed(request: Request, _: Exception):
        return page(request, "problem.html", status_code=500, heading="Erreur",
                    problem="Une erreur est survenue ; elle a été notée. Réessayez.")

    return app

