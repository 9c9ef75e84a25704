"""The security headers: on every answer, the app's own choices kept, the refusals of the other
middlewares included, and a streamed download passed on chunk by chunk, never buffered."""

import asyncio

import httpx
from fastapi import FastAPI
from fastapi.responses import JSONResponse, StreamingResponse

from ardoise.body_limits import BodyLimits
from ardoise.security_headers import PAGES_CSP, SecurityHeaders, install_security_headers

EXPECTED = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "strict-transport-security": "max-age=31536000; includeSubDomains",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "cache-control": "no-store",
}


def gateway_like(**options) -> FastAPI:
    app = FastAPI()

    @app.get("/v1/things")
    async def things() -> dict:
        return {"things": []}

    @app.get("/v1/cached")
    async def cached() -> JSONResponse:
        return JSONResponse({}, headers={"Cache-Control": "max-age=60",
                                         "Content-Security-Policy": "sandbox"})

    @app.post("/v1/things")
    async def add(body: dict) -> dict:
        return body

    app.add_middleware(BodyLimits, max_bytes=100)
    install_security_headers(app, **options)  # outermost, as gateway_app installs it
    return app


async def get(app: FastAPI, method: str, path: str, **kwargs) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://gateway") as client:
        return await client.request(method, path, **kwargs)


async def test_a_json_answer_carries_every_header():
    answer = await get(gateway_like(), "GET", "/v1/things")
    assert answer.status_code == 200
    assert {name: answer.headers.get(name) for name in EXPECTED} == EXPECTED
    assert "camera=()" in answer.headers["permissions-policy"]


async def test_what_the_app_set_itself_is_kept():
    answer = await get(gateway_like(), "GET", "/v1/cached")
    assert answer.headers["cache-control"] == "max-age=60"
    assert answer.headers["content-security-policy"] == "sandbox"
    assert answer.headers.get_list("cache-control") == ["max-age=60"]


async def test_refusals_before_the_app_and_unknown_paths_carry_them_too():
    refused = await get(gateway_like(), "POST", "/v1/things", content=b'{"a": "' + b"x" * 200
                        + b'"}', headers={"Content-Type": "application/json"})
    assert refused.status_code == 413
    assert refused.headers["x-frame-options"] == "DENY"
    missing = await get(gateway_like(), "GET", "/nowhere")
    assert missing.status_code == 404 and missing.headers["cache-control"] == "no-store"


async def test_the_documentation_pages_keep_working_without_the_strict_csp():
    docs = await get(gateway_like(), "GET", "/docs")
    assert docs.status_code == 200 and "content-security-policy" not in docs.headers
    assert docs.headers["x-content-type-options"] == "nosniff"


async def test_pages_get_their_own_csp_and_static_files_may_be_cached():
    app = FastAPI()

    @app.get("/static/app.css")
    async def css() -> JSONResponse:
        return JSONResponse({})

    install_security_headers(app, csp=PAGES_CSP, cacheable=("/static/",))
    answer = await get(app, "GET", "/static/app.css")
    assert answer.headers["content-security-policy"] == PAGES_CSP
    assert "cache-control" not in answer.headers


async def test_a_streamed_download_is_passed_on_before_it_ends():
    """The second chunk is made only once the first has left the middleware: a middleware that
    buffered the body would wait for the end forever."""
    first_sent = asyncio.Event()

    async def workbook():
        yield b"PK first chunk"
        await first_sent.wait()
        yield b"second chunk"

    app = FastAPI()

    @app.get("/v1/report.xlsx")
    async def report() -> StreamingResponse:
        return StreamingResponse(workbook(), media_type="application/vnd.ms-excel")

    install_security_headers(app)
    messages = []

    async def send(message) -> None:
        messages.append(message)
        if message["type"] == "http.response.body" and message.get("body"):
            first_sent.set()

    async def receive():
        await asyncio.Event().wait()  # the client never leaves

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "GET", "scheme": "http", "path": "/v1/report.xlsx", "raw_path": b"",
             "query_string": b"", "root_path": "", "headers": [],
             "client": ("127.0.0.1", 5000), "server": ("gateway", 80)}
    async with asyncio.timeout(5):
        await app(scope, receive, send)
    start = messages[0]
    headers = {name.decode(): value.decode() for name, value in start["headers"]}
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "no-store"
    bodies = [m["body"] for m in messages[1:] if m.get("body")]
    assert bodies == [b"PK first chunk", b"second chunk"]


async def test_lifespan_and_other_scopes_pass_untouched():
    seen = []

    async def inner(scope, receive, send):
        seen.append(scope["type"])

    await SecurityHeaders(inner)({"type": "lifespan"}, None, None)
    assert seen == ["lifespan"]
