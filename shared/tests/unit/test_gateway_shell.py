"""What every gateway shares, on a small app: the answers its OpenAPI document states, and
bodies refused before any handler runs (or dropped with a 204 where the contract is a 2xx)."""

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Response

from ardoise.body_limits import MAX_BODY_BYTES, BodyLimits
from ardoise.gateway import CurrentPrincipal, document_error_answers, install_health

router = APIRouter()
handled: list[str] = []


@router.post("/v1/things")
async def make_thing(principal: CurrentPrincipal, body: dict) -> dict:
    handled.append("thing")
    return body


@router.get("/v1/things")
async def list_things(principal: CurrentPrincipal) -> list:
    return []


@router.post("/hook", status_code=204, response_class=Response)
async def hook() -> Response:
    handled.append("hook")
    return Response(status_code=204)


def small_gateway() -> FastAPI:
    app = FastAPI()
    install_health(app, [])
    app.include_router(router)
    document_error_answers(app, frozenset({"/hook"}))
    app.add_middleware(BodyLimits, always_2xx=frozenset({"/hook"}))
    return app


def answers(document: dict, method: str, path: str) -> list[str]:
    return sorted(document["paths"][path][method]["responses"])


def test_the_document_states_the_answers_every_route_may_give():
    document = small_gateway().openapi()
    assert answers(document, "post", "/v1/things") == [
        "200", "401", "403", "404", "413", "422", "503"]
    assert answers(document, "get", "/v1/things") == ["200", "401", "403", "404", "503"]
    assert answers(document, "get", "/health") == ["200", "503"]
    assert answers(document, "post", "/hook") == ["204"]
    error = document["paths"]["/v1/things"]["get"]["responses"]["401"]
    assert error["content"]["application/json"]["schema"]["required"] == ["detail"]


@pytest.mark.parametrize("body", [b"x" * (MAX_BODY_BYTES + 1), b"[" * 10_000 + b"]" * 10_000,
                                  b'{"name": "\\u0000"}', b'{"name": "\xe9"}'])
async def test_a_refused_body_reaches_no_handler_and_a_2xx_route_drops_it_with_a_204(body):
    handled.clear()
    transport = httpx.ASGITransport(app=small_gateway())
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        headers = {"Content-Type": "application/json", "Authorization": "Bearer x"}
        refused = await client.post("/v1/things", content=body, headers=headers)
        dropped = await client.post("/hook", content=body, headers=headers)
    assert refused.status_code in (413, 422) and "detail" in refused.json()
    assert dropped.status_code == 204 and dropped.content == b""
    assert handled == []


async def test_a_request_finding_every_database_connection_busy_is_answered_503_to_retry():
    from fastapi import FastAPI
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    from ardoise.gateway import install_error_handlers

    app = FastAPI()
    install_error_handlers(app)

    @app.get("/busy")
    async def busy():
        raise PoolTimeout("QueuePool limit of size 10 overflow 10 reached")

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as c:
        answer = await c.get("/busy")
    assert (answer.status_code, answer.headers["Retry-After"]) == (503, "1")
    assert "try again" in answer.json()["detail"]
