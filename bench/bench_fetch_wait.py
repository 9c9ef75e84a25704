"""How long a record published while a consumer's fetch waits takes to reach it, by fetch wait.

    .venv/bin/python bench/bench_fetch_wait.py [--records 25] [--waits 1000,500,100,10]

Starts the local broker of the instance `bench-fetch` (or KAFKA_BOOTSTRAP's, when set), and for
each `fetch_max_wait_ms` a consumer (aiokafka, as the workers use it) that has nothing to read,
so that a fetch is always waiting at the broker. Then, --records times, after a random pause of
50 to 600 ms, publishes one record and measures from the broker's acknowledgement to the
consumer's `getmany` returning it. Prints min / median / max by wait. A broker answering as soon
as records arrive would show a few milliseconds whatever the wait; one answering only when the
wait ends would show a median near half of it. This tells how short the saga's subscribers'
busy wait must be (`ardoise.fetch_pace`).
"""

import argparse
import asyncio
import os
import random
import statistics
import time
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from ardoise_tools.devservers.stack import Stack


async def delays(bootstrap: str, wait_ms: int, records: int) -> list[float]:
    topic = f"bench.fetch-wait.{uuid.uuid4().hex[:8]}"
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, group_id=topic,
                                auto_offset_reset="earliest", fetch_max_wait_ms=wait_ms,
                                enable_auto_commit=False)
    try:
        await producer.send_and_wait(topic, b"first", partition=0)  # creates the topic
        await consumer.start()
        while not await consumer.getmany(timeout_ms=2000):
            pass
        found = []
        for _ in range(records):
            await asyncio.sleep(random.uniform(0.05, 0.6))
            await producer.send_and_wait(topic, b"x", partition=0)
            acknowledged = time.perf_counter()
            while not await consumer.getmany(timeout_ms=5000):
                pass
            found.append((time.perf_counter() - acknowledged) * 1000)
        return found
    finally:
        await consumer.stop()
        await producer.stop()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=25)
    parser.add_argument("--waits", default="1000,500,100,10")
    args = parser.parse_args()
    bootstrap, started = os.environ.get("KAFKA_BOOTSTRAP"), None
    if not bootstrap:
        started = Stack("bench-fetch").broker()
        started.ensure_running()
        bootstrap = started.bootstrap
    print(f"$ bench/bench_fetch_wait.py --records {args.records} --waits {args.waits}")
    print(f"broker {bootstrap}; record published during a waiting fetch -> consumer has it (ms)")
    try:
        for wait_ms in map(int, args.waits.split(",")):
            found = sorted(await delays(bootstrap, wait_ms, args.records))
            print(f"fetch_max_wait_ms {wait_ms:5}: min {found[0]:6.1f}  median "
                  f"{statistics.median(found):6.1f}  max {found[-1]:6.1f}  "
                  f"(median / wait {statistics.median(found) / wait_ms:.2f})", flush=True)
    finally:
        if started is not None:
            started.stop()


if __name__ == "__main__":
    asyncio.run(main())
