"""Fetch waits that follow the traffic: short while events come, long once they have stopped.

The local broker (Tansu 0.6.0) does not answer a waiting fetch as soon as a record arrives: a
record published meanwhile reached its consumer after 0.1 to 0.25 of the wait at the median, and
after up to 0.45 of it (bench/bench_fetch_wait.py, waits of 10 ms to 1 s), so the subscribers a
customer waits on (the online-payment saga) need short waits. Every empty fetch costs CPU, in the
worker and in the broker, all day long: the saga's three subscribers at 5 ms took half a core of
an idle system. A paced subscriber therefore fetches with its busy wait from the moment an event
comes until `BUSY_FOR_S` pass without one, then with its idle wait again. The first event after
a quiet spell waits up to the idle wait at that hop.

On Apache Kafka, which answers a fetch as soon as records arrive, both waits can be long and
the same (compose, Kubernetes): pacing then changes nothing.
"""

import asyncio
from weakref import WeakKeyDictionary

BUSY_FOR_S = 10.0
_BY_BROKER: WeakKeyDictionary[object, dict[str, "FetchPace"]] = WeakKeyDictionary()


class FetchPace:
    """The fetch wait of one subscriber's consumer, set by the events it receives."""

    def __init__(self, idle_ms: int, busy_ms: int, busy_for_s: float | None = None) -> None:
        self.idle_ms, self.busy_ms = idle_ms, busy_ms
        self._busy_for_s = BUSY_FOR_S if busy_for_s is None else busy_for_s
        self._fetcher: object | None = None
        self._busy_until = 0.0
        self._timer: asyncio.Task | None = None

    def event_came(self, consumer: object) -> None:
        """Fetch with the busy wait until `busy_for_s` pass without another event."""
        # aiokafka (0.14) reads the wait from its fetcher each time it builds a fetch request;
        # FastStream's in-memory test broker has none, and nothing to pace
        fetcher = getattr(consumer, "_fetcher", None)
        if fetcher is None or not hasattr(fetcher, "_fetch_max_wait_ms"):
            return
        self._fetcher = fetcher
        self._busy_until = asyncio.get_running_loop().time() + self._busy_for_s
        fetcher._fetch_max_wait_ms = self.busy_ms  # no public setter
        if self._timer is None or self._timer.done():
            self._timer = asyncio.create_task(self._idle_when_quiet())

    async def _idle_when_quiet(self) -> None:
        loop = asyncio.get_running_loop()
        while (left := self._busy_until - loop.time()) > 0:
            await asyncio.sleep(left)
        self._fetcher._fetch_max_wait_ms = self.idle_ms  # type: ignore[union-attr]

    @property
    def busy(self) -> bool:
        return self._timer is not None and not self._timer.done()


def pace_for(broker: object, group_id: str, idle_ms: int, busy_ms: int | None) -> FetchPace | None:
    """The pace of the subscriber `group_id` when its busy wait is the shorter, else None."""
    if busy_ms is None or busy_ms >= idle_ms:
        return None
    pace = FetchPace(idle_ms, busy_ms)
    _BY_BROKER.setdefault(broker, {})[group_id] = pace
    return pace


def paces(broker: object) -> dict[str, FetchPace]:
    """The paced subscribers of this broker, by group id."""
    return dict(_BY_BROKER.get(broker, {}))
