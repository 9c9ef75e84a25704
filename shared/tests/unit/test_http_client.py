"""The HTTP client's async plumbing finds what it looks for once, not on every request."""

import sys

import httpcore._synchronization as synchronization


async def test_httpcore_finds_sniffio_instead_of_searching_for_it_on_every_request():
    # without sniffio, each of the several calls per request is a failed import that searches
    # every sys.path entry again: measured a third of an httpx request's time
    assert synchronization.current_async_library() == "asyncio"
    assert "sniffio" in sys.modules


async def test_a_kept_client_is_made_once_for_many_calls_and_again_once_closed(monkeypatch):
    import httpx

    import ardoise.http_client as http_client

    made = []

    class Counted(httpx.AsyncClient):
        def __init__(self, **kwargs):
            made.append(self)
            super().__init__(**kwargs)

    monkeypatch.setattr(http_client.httpx, "AsyncClient", Counted)
    answered = []
    transport = httpx.MockTransport(lambda request: answered.append(request) or httpx.Response(204))
    kept = http_client.KeptClient(2.0, transport)
    for _ in range(5):
        await kept.client().get("http://accounts/health")
    assert (len(made), len(answered)) == (1, 5)
    await kept.aclose()
    assert made[0].is_closed
    await kept.client().get("http://accounts/health")
    assert len(made) == 2
