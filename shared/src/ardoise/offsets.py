"""Consumer offsets committed a moment after the transactions that handled their records.

Committing after every record cost a broker round trip per event in every consumer (about seven
per order placed online, in the workers and in the broker). Here the offsets handled are noted
and committed together every `COMMIT_EVERY_S`, when partitions are handed over, and when the
worker stops (a record still being handled then is delivered again). Only records whose
transaction committed are noted, in the order each partition is consumed, so a commit never
goes past a record that was not handled; a crash redelivers at most the records of the last
interval, which the inboxes absorb.
"""

import asyncio
import logging
from collections.abc import Iterable
from weakref import WeakKeyDictionary

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, ConsumerRecord, TopicPartition

log = logging.getLogger(__name__)
COMMIT_EVERY_S = 1.0
"""At 0.2 s, each of a worker's busy subscribers committed five times a second: with eleven of
them, more offset commits than orders at thirty orders a second. A crash now redelivers up to a
second of events, which the inboxes absorb."""
_BY_BROKER: WeakKeyDictionary[object, list["OffsetCommits"]] = WeakKeyDictionary()


class OffsetCommits(ConsumerRebalanceListener):
    """The handled offsets of one subscriber's consumer, waiting to be committed."""

    def __init__(self, every_s: float) -> None:
        self._every_s = every_s
        self._next: dict[TopicPartition, int] = {}
        self._consumer: AIOKafkaConsumer | None = None
        self._timer: asyncio.Task | None = None

    def handled(self, consumer: object, records: Iterable[ConsumerRecord]) -> None:
        """Note records whose effects committed; their offsets go out within `every_s`."""
        if not isinstance(consumer, AIOKafkaConsumer):
            return  # FastStream's in-memory test broker: no offsets to keep
        self._consumer = consumer
        for record in records:
            self._note(TopicPartition(record.topic, record.partition), record.offset + 1)
        if self._timer is None or self._timer.done():
            self._timer = asyncio.create_task(self._commit_soon())

    async def _commit_soon(self) -> None:
        await asyncio.sleep(self._every_s)
        self._timer = None  # what is handled during the commit starts the next wait
        await self.commit()

    async def commit(self, partitions: Iterable[TopicPartition] | None = None) -> None:
        """Commit what was noted (of these partitions only, when given)."""
        if self._consumer is None:
            return
        wanted = set(self._next) if partitions is None else set(partitions) & set(self._next)
        offsets = {partition: self._next.pop(partition) for partition in wanted}
        # a partition handed over meanwhile is no longer ours: its new owner redelivers
        assigned = self._consumer.assignment()
        offsets = {p: o for p, o in offsets.items() if p in assigned}
        if not offsets:
            return
        try:
            await self._consumer.commit(offsets)
        except Exception as error:  # noqa: BLE001 - the next commit takes them again
            log.warning("offsets %s not committed: %s", offsets, error)
            for partition, offset in offsets.items():
                self._note(partition, offset)

    def _note(self, partition: TopicPartition, next_offset: int) -> None:
        self._next[partition] = max(self._next.get(partition, 0), next_offset)

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        await self.commit(revoked)

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        # noted while the partitions were being handed over: their new start is the group's
        for partition in assigned:
            self._next.pop(partition, None)


def offset_commits(broker: object) -> OffsetCommits:
    """A new subscriber's offsets, committed at the latest when `commit_all(broker)` runs."""
    commits = OffsetCommits(COMMIT_EVERY_S)
    _BY_BROKER.setdefault(broker, []).append(commits)
    return commits


async def commit_all(broker: object) -> None:
    """Before the consumers stop: what their subscribers handled is not delivered again."""
    for commits in _BY_BROKER.get(broker, []):
        await commits.commit()
