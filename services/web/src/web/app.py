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

from ardoise.db import make_engine, make_sessionmaker
from ardoise.gateway import database_answers, install_health
from ardoise.observability import instrument_gateway
from web.adapters.orm import SCHEMA
from web.config import Settings
from web.gateways import Gateways, Refused, Unavailable
from web.pages import signin
from web.pages.common import BadCsrf, NotForYou, SignInRequired, page

PAGE_ROUTERS = [signin.router]
"""Each group of pages is a router of its own module under web/pages/."""

SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; img-src 'self' data:; style-src 'self'; "
                                "script-src 'self'; frame-ancestors 'none'; form-action 'self'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def page_routers() -> list:
    """The routers of every page module present (sign-in first)."""
    import importlib
    routers = list(PAGE_ROUTERS)
    for name in ("customers", "payments", "exports", "account", "invoices", "journal",
                 "bank"):
        try:
            module = importlib.import_module(f"web.pages.{name}")
        except ModuleNotFoundError as missing:
            if missing.name != f"web.pages.{name}":
                raise
            continue
        routers.append(module.router)
    return routers


def create_app(settings: Settings | None = None, clock=partial(datetime.now, UTC)) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.database_url, SCHEMA)
        app.state.engine = engine
        app.state.sessionmaker = make_sessionmaker(engine)
        async with httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=3.0)) as client:
            app.state.gateways = Gateways(settings.gateway_urls(),
                                          settings.jwt_secret.get_secret_value(), client)
            try:
                yield
            finally:
                await engine.dispose()

    app = FastAPI(title="Ardoise web", version="1.0.0", lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.clock = clock
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    instrument_gateway(app)
    install_health(app, [lambda: database_answers(app.state.engine)])
    for router in page_routers():
        app.include_router(router)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        answer = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            answer.headers.setdefault(name, value)
        if request.url.path != "/health" and not request.url.path.startswith("/static"):
            answer.headers.setdefault("Cache-Control", "no-store")
        return answer

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

