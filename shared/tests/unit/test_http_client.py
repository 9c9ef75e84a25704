"""The HTTP client's async plumbing finds what it looks for once, not on every request."""

import sys

import httpcore._synchronization as synchronization


async def test_httpcore_finds_sniffio_instead_of_searching_for_it_on_every_request():
    # without sniffio, each of the several calls per request is a failed import that searches
    # every sys.path entry again: measured a third of an httpx request's time
    assert synchronization.current_async_library() == "asyncio"
    assert "sniffio" in sys.modules
