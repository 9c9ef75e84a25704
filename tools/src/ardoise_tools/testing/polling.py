"""Waiting for eventually consistent reads: poll with a deadline, never sleep a fixed time."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(
    probe: Callable[[], Awaitable[T]],
    accept: Callable[[T], bool],
    timeout_s: float = 60.0,
    interval_s: float = 0.05,
) -> T:
    """Call `probe` until `accept` holds for its answer; fail with the last answer at the deadline."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = await probe()
        if accept(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still not as expected after {timeout_s}s: {value!r}")
        await asyncio.sleep(interval_s)
