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
from sqlalchemy.ext.asyncio import AsyncEngine

from ardoise.auth import Principal, Unauthenticated, read_token
from ardoise.errors import DomainError, Forbidden, NotFound

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
        return read_token(request.app.state.jwt_secret, credentials.credentials)
    except Unauthenticated as error:
        raise _Unauthorized(str(error)) from error


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def check_operator_of(principal: Principal, producer_id: str) -> None:
    """Another producer's routes do not exist for the caller; a customer may not use them."""
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

    for unavailable in DATABASE_UNAVAILABLE:
        app.add_exception_handler(unavailable, database_unavailable)


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
                "customer_id": principal.customer_id}


def request_fingerprint(body: Any) -> str:
    """A stable hash of a request body, to tell a replay from a different request."""
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()
