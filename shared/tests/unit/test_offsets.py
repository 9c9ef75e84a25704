"""Offsets noted by a subscriber: committed together, kept when a commit fails, dropped when
their partition was handed over meanwhile."""

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from ardoise.offsets import OffsetCommits

P0, P1 = TopicPartition("t", 0), TopicPartition("t", 1)


def record(partition: int, offset: int) -> ConsumerRecord:
    return ConsumerRecord("t", partition, offset, 0, 0, None, b"{}", None, 0, 2, [])


class Consumer(AIOKafkaConsumer):
    """An unstarted consumer whose commits are recorded, or refused while `refuse` is set."""

    def __init__(self) -> None:
        super().__init__(bootstrap_servers="127.0.0.1:1")
        self._closed = True  # never started: nothing to close
        self.commits, self.refuse, self.assigned = [], False, {P0, P1}

    def assignment(self):
        return set(self.assigned)

    async def commit(self, offsets=None):
        if self.refuse:
            raise RuntimeError("the group is rebalancing")
        self.commits.append(dict(offsets))


async def test_the_offsets_noted_are_committed_together_past_the_last_record_handled():
    consumer, commits = Consumer(), OffsetCommits(every_s=60)
    commits.handled(consumer, [record(0, 4), record(1, 9)])
    commits.handled(consumer, [record(0, 5)])
    await commits.commit()
    assert consumer.commits == [{P0: 6, P1: 10}]
    await commits.commit()
    assert len(consumer.commits) == 1, "nothing new to commit"


async def test_offsets_a_failed_commit_could_not_send_go_with_the_next_one():
    consumer, commits = Consumer(), OffsetCommits(every_s=60)
    commits.handled(consumer, [record(0, 4)])
    consumer.refuse = True
    await commits.commit()
    consumer.refuse = False
    commits.handled(consumer, [record(1, 2)])
    await commits.commit()
    assert consumer.commits == [{P0: 5, P1: 3}]


async def test_offsets_of_partitions_handed_over_meanwhile_are_not_committed():
    consumer, commits = Consumer(), OffsetCommits(every_s=60)
    commits.handled(consumer, [record(0, 4), record(1, 7)])
    consumer.assigned = {P1}
    await commits.commit()
    assert consumer.commits == [{P1: 8}]
    commits.handled(consumer, [record(0, 9)])
    await commits.on_partitions_assigned({P0})  # P0 came back: its start is the group's
    await commits.commit()
    assert consumer.commits == [{P1: 8}]
