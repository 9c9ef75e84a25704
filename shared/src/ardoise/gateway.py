"""What every gateway shares: auth, error mapping, /health, the idempotency-key hash."""

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import asyncpg
from aiokafka import AIOKafkaClient
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine

from ardoise.auth import Principal, Unauthenticated
from ardoise.body_limits import MAX_BODY_BYTES, MAX_JSON_DEPTH
from ardoise.errors import DomainError, Forbidden, NotFound
from ardoise.token_verifier import TokenVerifier

_bearer = HTTPBearer(auto_error=False)
HEALTH_TIMEOUT_S = 2.0


class _Unauthorized(Exception):
    pass


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None:
        raise _Unauthorized("missing bearer token")
    try:
        return await verifier_of(request.app).read(credentials.credentials)
    except Unauthenticated as error:
        raise _Unauthorized(str(error)) from error


def verifier_of(app: FastAPI) -> TokenVerifier:
    """The app's verifier (`gateway_app` sets it from the settings); an app assembled by hand in
    a test with only `state.jwt_secret` verifies development HS256 tokens with it."""
    verifier = getattr(app.state, "verifier", None)
    if verifier is None:
        verifier = app.state.verifier = TokenVerifier(dev_secret=app.state.jwt_secret)
    return verifier


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def check_operator_of(principal: Principal, producer_id: str, service_scope: str | None = None
                      ) -> None:
    """Another producer's routes do not exist for the caller; a customer may not use them. A
    service passes only where the route names a scope it was given (`service_scope`)."""
    if service_scope is not None and principal.may(service_scope):
        return
    if not principal.can_reach_producer(producer_id):
        raise NotFound("no such producer")
    if principal.role != "operator":
        raise Forbidden("this route is for the producer's operators")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(_Unauthorized)
    async def unauthorized(_: Request, error: _Unauthorized) -> JSONResponse:
        return JSONResponse(
            {"detail": str(error)}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
        )

    @app.exception_handler(DomainError)
    async def domain_error(_: Request, error: DomainError) -> JSONResponse:
        return JSONResponse({"detail": error.detail()}, status_code=error.status)

    async def database_unavailable(_: Request, error: Exception) -> JSONResponse:
        if isinstance(error, DBAPIError) and not _lost_connection(error):
            raise error  # a real bug: a 500, logged with its traceback
        return JSONResponse({"detail": "the database is unavailable; nothing was written, "
                                       "try again shortly"},
                            status_code=503, headers={"Retry-After": "2"})

    async def too_busy(_: Request, __: Exception) -> JSONResponse:
        return JSONResponse({"detail": "too many requests at once: nothing was written, try "
                                       "again shortly"},
                            status_code=503, headers={"Retry-After": "1"})

    for unavailable in DATABASE_UNAVAILABLE:
        app.add_exception_handler(unavailable, database_unavailable)
    app.add_exception_handler(PoolTimeout, too_busy)


DATABASE_UNAVAILABLE = (ConnectionError, DBAPIError, asyncpg.PostgresConnectionError,
                        asyncpg.exceptions.OperatorInterventionError)
"""Errors of a database that is down or restarting (refused, reset, shutting down, starting up):
the request is answered 503 with Retry-After instead of 500. Its transaction never committed."""


def _lost_connection(error: DBAPIError) -> bool:
    return (error.connection_invalidated or isinstance(error, OperationalError | InterfaceError)
            or isinstance(error.orig, ConnectionError | asyncpg.PostgresConnectionError
                          | asyncpg.exceptions.OperatorInterventionError)
            or isinstance(getattr(error.orig, "__cause__", None),
                          ConnectionError | asyncpg.PostgresConnectionError
                          | asyncpg.exceptions.OperatorInterventionError))


async def database_answers(engine: AsyncEngine) -> str | None:
    """None when the database answers, else the reason."""
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT_S), engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure is the reason reported
        return f"database: {type(error).__name__}: {error}"[:300]
    return None


async def broker_answers(bootstrap: str) -> str | None:
    """None when the broker gives its metadata, else the reason."""
    client = AIOKafkaClient(bootstrap_servers=bootstrap, request_timeout_ms=2000)
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT_S):
            await client.bootstrap()
    except Exception as error:  # noqa: BLE001
        return f"broker: {type(error).__name__}: {error}"[:300]
    finally:
        await client.close()
    return None


def install_health(app: FastAPI, checks: list[Callable[[], Awaitable[str | None]]]) -> None:
    @app.get("/health", tags=["health"], responses={503: {"description": "a dependency is down"}})
    async def health() -> JSONResponse:
        problems = [p for p in await asyncio.gather(*(check() for check in checks)) if p]
        if problems:
            return JSONResponse({"status": "unavailable", "problems": problems}, status_code=503)
        return JSONResponse({"status": "ok"})


def install_whoami(app: FastAPI) -> None:
    """`GET /v1/whoami`: lets a frontend check its token against any gateway."""

    @app.get("/v1/whoami", tags=["auth"])
    async def whoami(principal: CurrentPrincipal) -> dict[str, str | None]:
        return {"role": principal.role, "producer_id": principal.producer_id,
                "customer_id": principal.customer_id, "person": principal.person,
                "name": principal.name}


_ERROR_BODY = {"content": {"application/json": {"schema": {
    "type": "object", "required": ["detail"],
    "properties": {"detail": {"anyOf": [{"type": "string"},
                                        {"type": "array", "items": {"type": "object"}}]}}}}}}
_CALLER_ERRORS = {
    401: "no bearer token, or one expired, malformed or signed with another key",
    403: "the caller's role may not use this route",
    404: "nothing of that id for the caller: another producer's or customer's data is not found",
}
_BODY_ERRORS = {
    413: f"request body over {MAX_BODY_BYTES} bytes (refused before it is read)",
    422: f"invalid input, JSON nested deeper than {MAX_JSON_DEPTH} levels included",
}
_UNAVAILABLE = {503: "the database (or a service it asks) is unavailable: nothing was written, "
                     "try again after Retry-After"}


def document_error_answers(app: FastAPI, always_2xx: frozenset[str] = frozenset()) -> None:
    """State in each operation of the OpenAPI document the answers it may give besides its own
    (API.md's conventions): 401/403/404 where a token is needed, 413/422 where a body is read,
    503 when the database is away; none on the paths that always answer 2xx. An operation's own
    description of a status is kept; every 4xx and 5xx gets the `{"detail": ...}` body."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        document = generate()
        for path, item in document["paths"].items():
            for method, operation in item.items():
                if path in always_2xx:
                    continue
                errors = dict(_UNAVAILABLE) if path != "/health" else {}
                if operation.get("security"):
                    errors |= _CALLER_ERRORS
                if method in {"post", "put", "patch", "delete"}:
                    errors |= _BODY_ERRORS
                answers = operation.setdefault("responses", {})
                for status, description in errors.items():
                    answers.setdefault(str(status), {"description": description})
                for status, answer in answers.items():
                    if status[:1] in "45" and "content" not in answer:
                        answer.update(_ERROR_BODY)
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def request_fingerprint(body: Any) -> str:
    """A stable hash of a request body, to tell a replay from a different request."""
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()
