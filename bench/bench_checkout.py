"""Order request → checkout_url readable, for orders paid online with SumUp (the stand-in).

    .venv/bin/python bench/bench_checkout.py [--orders 500] [--poll-ms MS [--first-read-ms 20]]
                                             [--read-first] [--breakdown] [--cpu]

Starts its own stack (PostgreSQL, broker, every gateway and worker, the SumUp stand-in),
places the orders one after another as a customer with 5,00 € of credit, and for each one
measures from the order request to the answer of the GET of the order that shows its
checkout_url.

By default the bench waits on the order the way the shop's page does: with `If-None-Match` (the
ETag the placing answer gave) and `wait`, so that the gateway answers as soon as the order
changes; `--read-first` reads the order once first, for a page that did not keep that tag. With
`--poll-ms` it reads instead on a fixed schedule, --first-read-ms after the request, then every
--poll-ms: each read costs the orders gateway CPU on the two cores the measured workers run on,
and a read finds the checkout_url up to --poll-ms after it was there. An order readable at its
first scheduled read is counted and reported: its figure is then that read's time, an
overestimate.

`--breakdown` then prints the median of each hop of the saga, from the times the events were
built (`occurred_at`), handed to the broker (the records' timestamps) and taken by their
consumers (the inbox rows: when the consuming transaction began), and the time SumUp (the
stand-in) created each checkout. `--cpu` prints the CPU time each program (gateway, worker,
broker, database...) used per order while the orders were placed, the bench's own included. It
reads every process of the machine by program name, so run it with nothing else of the kind
running; a process that exits during the run loses its share.
"""

import argparse
import asyncio
import http.client
import itertools
import json
import os
import shutil
import statistics
import sys
import time
import uuid
from datetime import datetime
from itertools import pairwise
from urllib.parse import urlsplit

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition

from ardoise import topics
from ardoise.auth import Principal, issue_token
from ardoise.db import plain_dsn
from ardoise_tools.devservers.stack import Stack
from ardoise_tools.testing.system import RunningSystem


class Connection:
    """One keep-alive connection to a gateway (http.client): about a fifth of httpx's CPU per
    request, and the bench's own CPU comes out of the two cores the system it measures runs on."""

    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        url = urlsplit(base_url)
        self._http = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        self._headers = {**headers, "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: dict | None = None,
             headers: dict[str, str] | None = None) -> tuple[dict | None, str | None]:
        """The answer's JSON (None for a 304) and its ETag."""
        self._http.request(method, path, json.dumps(body) if body is not None else None,
                           {**self._headers, **(headers or {})})
        answer = self._http.getresponse()
        content = answer.read()
        if answer.status == 304:
            return None, answer.getheader("ETag")
        if answer.status >= 300:
            raise RuntimeError(f"{method} {path}: {answer.status} {content[:200]!r}")
        return json.loads(content), answer.getheader("ETag")


def has_checkout_url(order: dict | None) -> bool:
    return bool(order and (order.get("payment") or {}).get("checkout_url"))


def read_when_there(api: Connection, path: str, etag: str | None) -> None:
    """Wait on the order with its ETag (the placing answer's, else a first read's) until its
    checkout_url shows."""
    order = None
    if etag is None:
        order, etag = api.call("GET", path)
    while not has_checkout_url(order):
        order, etag = api.call("GET", f"{path}?wait=5", headers={"If-None-Match": etag})


def read_on_schedule(api: Connection, path: str, started: float, first_read_ms: float,
                     poll_ms: float) -> tuple[float, bool]:
    """Read the order at first_read_ms after `started`, then every poll_ms (a fixed schedule,
    not poll_ms after each answer) until its checkout_url shows; returns when that read was
    sent and whether it was the first."""
    next_read = started + first_read_ms / 1000
    for reads in itertools.count(1):
        time.sleep(max(0.0, next_read - time.perf_counter()))
        read_sent = time.time()
        if has_checkout_url(api.call("GET", path)[0]):
            return read_sent, reads == 1
        next_read += poll_ms / 1000


async def wait_for_setting(url: str, producer: str) -> None:
    """The orders service hears of the setting through an event: wait until it has."""
    connection = await asyncpg.connect(plain_dsn(url))
    try:
        while not await connection.fetchval(
                "SELECT online_payment_required FROM orders.producers WHERE producer_id = $1",
                producer):
            await asyncio.sleep(0.1)
    finally:
        await connection.close()


async def published(bootstrap: str, producer: str) -> dict[tuple[str, str], tuple[dict, float]]:
    """Every event of the saga for this producer, by (order id, type): its body and the time
    the relay handed it to the broker (the record's timestamp)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(t, p) for t in topics.ALL for p in range(topics.PARTITIONS)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        found = {}
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    body = json.loads(record.value)
                    if body.get("producer_id") == producer and "order_id" in body:
                        found.setdefault((body["order_id"], body["event_type"]),
                                         (body, record.timestamp / 1000))
        return found
    finally:
        await consumer.stop()


async def processed(env: dict[str, str]) -> dict[tuple[str, str], float]:
    """When each event's consuming transaction began, by service and event id (the inbox rows)."""
    started = {}
    for service in ("accounts", "payments", "orders"):
        connection = await asyncpg.connect(plain_dsn(env[f"{service.upper()}_DATABASE_URL"]))
        try:
            for row in await connection.fetch(
                    f"SELECT event_id::text, min(processed_at) AS at FROM {service}.inbox"
                    " GROUP BY event_id"):
                started[(service, row["event_id"])] = row["at"].timestamp()
        finally:
            await connection.close()
    return started


def cpu_seconds_by_program() -> dict[str, float]:
    """CPU time used so far by every process on the machine, summed by program (Linux /proc)."""
    tick, used = os.sysconf("SC_CLK_TCK"), {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as stat, open(f"/proc/{pid}/cmdline", "rb") as cmd:
                fields, argv = stat.read().rsplit(")", 1)[1].split(), cmd.read().split(b"\0")
        except OSError:  # gone meanwhile
            continue
        name = os.path.basename(argv[0].decode(errors="replace")) or "?"
        if name.startswith("python") and len(argv) > 1 and argv[1]:
            name = os.path.basename(argv[1].decode(errors="replace"))
        name = name.split(":")[0] if name.startswith("postgres") else name
        used[name] = used.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return used


def print_cpu(before: dict[str, float], after: dict[str, float], orders: int) -> None:
    spent = {name: after[name] - before.get(name, 0.0) for name in after}
    print(f"CPU time per order, by program (ms; {sum(spent.values()) * 1000 / orders:.1f} in all):")
    for name, seconds in sorted(spent.items(), key=lambda item: -item[1]):
        if seconds * 1000 / orders >= 0.5:
            print(f"  {seconds * 1000 / orders:7.1f}  {name}")


def at(body: dict) -> float:
    return datetime.fromisoformat(body["occurred_at"]).timestamp()


def sumup_created(sumup_url: str, order_ids: list[str]) -> dict[str, float]:
    """When SumUp (the stand-in) created each order's checkout, by order id (to the ms)."""
    with httpx.Client(base_url=sumup_url, headers={"Authorization": "Bearer bench"}) as sumup:
        return {order_id: datetime.fromisoformat(sumup.get(
                    "/v0.1/checkouts", params={"checkout_reference": f"{order_id}.1"}
                ).json()[0]["date"]).timestamp() for order_id in order_ids}


def print_breakdown(env: dict[str, str], urls: dict[str, str], producer: str,
                    orders: list[tuple[str, float, float | None, float]]) -> None:
    """Median of each hop, from the event times, the broker's timestamps and the inbox rows."""
    events = asyncio.run(published(env["KAFKA_BOOTSTRAP"], producer))
    began = asyncio.run(processed(env))
    created = sumup_created(urls["sumup"], [order_id for order_id, *_ in orders])
    hops: dict[str, list[float]] = {}
    saga = (("OrderPlaced", "accounts"), ("BalanceHeld", "payments"), ("CheckoutOpened", "orders"))
    for order_id, sent, read_sent, seen in orders:
        points = [("order request sent", sent)]
        for name, consumer in saga:
            body, stamp = events[(order_id, name)]
            points += [(f"{name} built", at(body)), (f"{name} sent to the broker", stamp)]
            if consumer == "payments":  # the checkout is created before the transaction
                points.append(("SumUp checkout created", created[order_id]))
            points.append((f"{name} {consumer} transaction began",
                           began[(consumer, body["event_id"])]))
        if read_sent is not None:  # read on a schedule
            points.append(("the read that found the checkout_url sent", read_sent))
        points.append(("the answer with the checkout_url received", seen))
        for (a, start), (b, end) in pairwise(points):
            hops.setdefault(f"{a} -> {b}", []).append((end - start) * 1000)
    print("median of each hop (ms):")
    for hop, values in hops.items():
        print(f"  {statistics.median(values):7.1f}  {hop}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--poll-ms", type=float,
                        help="read the order on a schedule, every MS, instead of waiting on it")
    parser.add_argument("--first-read-ms", type=float, default=20.0,
                        help="with --poll-ms: when the order is first read, after its request")
    parser.add_argument("--read-first", action="store_true",
                        help="read the order once before waiting on it, instead of waiting at "
                             "once with the ETag the placing answer gave")
    parser.add_argument("--breakdown", action="store_true",
                        help="also print the median time of each hop of the saga")
    parser.add_argument("--cpu", action="store_true",
                        help="also print the CPU time each program used per order")
    args = parser.parse_args()
    print(f"$ {' '.join(sys.argv)}")
    stack = Stack("bench")
    # a fresh database: holds left pending by an earlier run expire 35 min later, and their
    # release would be measured along with this run's orders
    stack.down()
    shutil.rmtree(stack.home, ignore_errors=True)
    system = RunningSystem(stack.up(), stack.home / "logs").start()
    try:
        producer = f"bench-{uuid.uuid4().hex[:8]}"
        secret = system.env["ARDOISE_JWT_SECRET"]
        operator = {"Authorization": "Bearer " + issue_token(secret, Principal("operator", producer))}
        customer = {"Authorization": "Bearer " + issue_token(
            secret, Principal("customer", producer, "c1"))}
        http = httpx.Client(timeout=10)
        u = system.urls
        http.put(f"{u['accounts']}/v1/producers/{producer}/customers/c1", headers=operator,
                 json={"name": "Claire"}).raise_for_status()
        http.put(f"{u['payments']}/v1/producers/{producer}/settings", headers=operator,
                 json={"online_payment_required": True,
                       "accepted_modes": ["account", "cash", "online"],
                       "sumup_merchant_code": "MBENCH01",
                       "sumup_api_key": "sk_test_bench_standin"}).raise_for_status()
        asyncio.run(wait_for_setting(system.env["ORDERS_DATABASE_URL"], producer))
        timings, orders, early = [], [], 0
        cpu_before = cpu_seconds_by_program()
        orders_api = Connection(u["orders"], customer)
        for _ in range(args.orders):
            sent = time.time()
            started = time.perf_counter()
            placed, placed_etag = orders_api.call("POST", f"/v1/producers/{producer}/orders", {
                "customer_id": "c1",
                "lines": [{"label": "Panier", "quantity": 1, "unit_price_cents": 2000}]})
            path = f"/v1/producers/{producer}/orders/{placed['order_id']}"
            read_sent = None
            if args.poll_ms is None:
                read_when_there(orders_api, path, None if args.read_first else placed_etag)
            else:
                read_sent, first = read_on_schedule(orders_api, path, started,
                                                    args.first_read_ms, args.poll_ms)
                early += first
            timings.append((time.perf_counter() - started) * 1000)
            orders.append((placed["order_id"], sent, read_sent, time.time()))
        cpu_after = cpu_seconds_by_program()
        q = statistics.quantiles(timings, n=100)
        how = (("the order read once, then" if args.read_first else "the order")
               + " waited on (If-None-Match, wait)" if args.poll_ms is None
               else f"the order read {args.first_read_ms:g} ms after its request then every "
                    f"{args.poll_ms:g} ms")
        print(f"{args.orders} orders one after another, {how}, order request -> checkout_url "
              f"readable: p50 {q[49]:.1f} ms, p99 {q[98]:.1f} ms, min {min(timings):.1f} ms, "
              f"max {max(timings):.1f} ms" + ("" if args.poll_ms is None else
              f"; readable at the first read (overestimated): {early}"))
        if args.cpu:
            print_cpu(cpu_before, cpu_after, args.orders)
        if args.breakdown:
            print_breakdown(system.env, system.urls, producer, orders)
    finally:
        system.stop()
        stack.down()


if __name__ == "__main__":
    main()
