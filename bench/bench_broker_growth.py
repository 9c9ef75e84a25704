"""The local broker's CPU per record delivered, as the partition it reads holds more batches.

    .venv/bin/python bench/bench_broker_growth.py [--held 0,1000,3000,6000] [--rounds 200]

Starts a broker of its own (the local one, Tansu, memory storage, on instance `bench-growth`,
so that nothing else talks to it and its CPU is this benchmark's alone; it is stopped at the
end), and one topic of one partition. For each figure of --held, it first fills the partition
up to that many batches of one record each (each sent and acknowledged alone, as an outbox relay
sends an order's event), then, --rounds times: publishes one record and fetches it (aiokafka, as
the workers use it). It prints the broker's CPU per round, read from /proc, and per record
published alone to another topic. A broker whose costs do not depend on what it holds prints
the same figures on every line. Tansu 0.6.0 lists every batch stored in a partition to answer a
fetch that carries records from it; this shows what that costs.
"""

import argparse
import asyncio
import os
import time

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from ardoise_tools.devservers.process import pid_running
from ardoise_tools.devservers.stack import Stack


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run(bootstrap: str, pid: int, held: list[int], rounds: int) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic("growth.read", 1, 1), NewTopic("growth.other", 1, 1)])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=0)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, fetch_max_wait_ms=10,
                                enable_auto_commit=False)
    await producer.start()
    await consumer.start()
    partition = TopicPartition("growth.read", 0)
    consumer.assign([partition])
    await consumer.seek_to_end(partition)
    stored = 0
    try:
        for target in held:
            while stored < target:  # one batch per record: each acknowledged before the next
                await producer.send_and_wait("growth.read", b"x" * 300)
                stored += 1
            while await consumer.getmany(timeout_ms=200):
                pass  # what the filling sent
            cpu, started = cpu_seconds(pid), time.perf_counter()
            for _ in range(rounds):
                await producer.send_and_wait("growth.read", b"y" * 300)
                while not await consumer.getmany(timeout_ms=1000):
                    pass
            delivered, took = cpu_seconds(pid) - cpu, time.perf_counter() - started
            stored += rounds
            cpu = cpu_seconds(pid)
            for _ in range(rounds):
                await producer.send_and_wait("growth.other", b"z" * 300)
            published = cpu_seconds(pid) - cpu
            print(f"{target:6} batches held: broker CPU {1000 * delivered / rounds:5.2f} ms per "
                  f"record published and fetched ({1000 * took / rounds:4.1f} ms each), "
                  f"{1000 * published / rounds:5.2f} ms per record published alone", flush=True)
    finally:
        await consumer.stop()
        await producer.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--held", default="0,1000,3000,6000")
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    held = sorted(map(int, args.held.split(",")))
    print(f"$ bench/bench_broker_growth.py --held {args.held} --rounds {args.rounds}")
    stack = Stack("bench-growth")
    broker = stack.broker()
    broker.stop()  # a broker holding nothing yet
    broker.ensure_running()
    try:
        pid = pid_running(broker.home / "broker.pid", broker.bootstrap)
        asyncio.run(run(broker.bootstrap, pid, held, args.rounds))
    finally:
        broker.stop()


if __name__ == "__main__":
    main()
