"""A paced subscriber's fetch wait: the busy one from an event on, the idle one once events stop."""

import asyncio
from types import SimpleNamespace

from ardoise.fetch_pace import FetchPace


def consumer(wait_ms: int) -> SimpleNamespace:
    """What the pace touches of an aiokafka consumer: its fetcher's wait."""
    return SimpleNamespace(_fetcher=SimpleNamespace(_fetch_max_wait_ms=wait_ms))


async def test_an_event_shortens_the_wait_until_none_came_for_a_while():
    pace, paced = FetchPace(idle_ms=100, busy_ms=5, busy_for_s=0.2), consumer(100)
    pace.event_came(paced)
    assert paced._fetcher._fetch_max_wait_ms == 5 and pace.busy
    await asyncio.sleep(0.3)
    assert paced._fetcher._fetch_max_wait_ms == 100 and not pace.busy


async def test_each_event_keeps_it_busy_longer():
    pace, paced = FetchPace(idle_ms=100, busy_ms=5, busy_for_s=0.2), consumer(100)
    for _ in range(4):  # 0.4 s of events, each within the busy time of the one before
        pace.event_came(paced)
        await asyncio.sleep(0.1)
    assert paced._fetcher._fetch_max_wait_ms == 5
    await asyncio.sleep(0.25)
    assert paced._fetcher._fetch_max_wait_ms == 100


async def test_a_consumer_without_a_fetcher_is_left_alone():
    pace = FetchPace(idle_ms=100, busy_ms=5, busy_for_s=0.2)
    pace.event_came(object())  # FastStream's in-memory test broker
    pace.event_came(SimpleNamespace(_fetcher=None))  # an aiokafka consumer not started
    assert not pace.busy
