"""Order request → checkout_url readable, for orders paid online with SumUp (the stand-in).

    .venv/bin/python bench/bench_checkout.py [--orders 500] [--poll-ms MS [--first-read-ms 20]]
                                             [--read-first] [--breakdown] [--cpu]
    .venv/bin/python bench/bench_checkout.py --shoppers N [--orders K | --duration S]
    .venv/bin/python bench/bench_checkout.py --rate R [--orders K | --duration S] [--in-flight 200]
    .venv/bin/python bench/bench_checkout.py --sweep [--duration 20] [--levels 1,10,50,200]

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

Concurrent shoppers (threads here, one http.client connection and one customer each, c1..cN, so
that orders do not queue on one account), each order waited on as above:
- `--shoppers N`, a closed loop: each shopper places an order, waits for its checkout_url, places
  the next. The steady part starts once every shopper has had its first order answered, and
  lasts --duration seconds (or, with --orders K, ends when the K-th order is started); orders/s
  counts the orders answered within it, the latencies are those of the orders started within it.
- `--rate R`, an open loop: orders started R per second on a fixed schedule whatever the answers
  (--duration S, or --orders K), by a pool of --in-flight shoppers; each latency runs from its
  scheduled start, so an order that waited for a free shopper counts the wait (no coordinated
  omission); the orders started over 10 ms late are counted. orders/s: the orders answered over
  the time from the first scheduled start to the last answer.
- `--sweep`: closed loops at N = --levels (1, 10, 50, 200) one after another on one stack, then
  a table, the knee (the last N before orders/s stops growing by more than 10 % while p99
  grows), and an open loop at 80 % of the best closed-loop orders/s.
Each run prints the CPU time per order of each program, counted over this stack's processes
only (the bench, its gateways and workers, the SumUp stand-in, the broker, PostgreSQL and its
backends), from the first order to the last answer, and the load average before and after.
Servers: the stack named by --instance (ARDOISE_TEST_INSTANCE, else `bench`), under `.run/NAME/`.
"""

import argparse
import asyncio
import http.client
import itertools
import json
import os
import queue
import re
import shutil
import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
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

    def __init__(self, base_url: str, headers: dict[str, str], timeout: float = 10,
                 idle_s: float | None = None) -> None:
        url = urlsplit(base_url)
        self._http = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
        self._headers = {**headers, "Content-Type": "application/json"}
        self._idle_s, self._used = idle_s, time.monotonic()

    def call(self, method: str, path: str, body: dict | None = None,
             headers: dict[str, str] | None = None) -> tuple[dict | None, str | None]:
        """The answer's JSON (None for a 304) and its ETag. A connection left idle over
        `idle_s` is opened anew first: the gateway closes its idle ones (uvicorn: after 5 s)."""
        if self._idle_s is not None and time.monotonic() - self._used > self._idle_s:
            self._http.close()
        self._http.request(method, path, json.dumps(body) if body is not None else None,
                           {**self._headers, **(headers or {})})
        answer = self._http.getresponse()
        content = answer.read()
        self._used = time.monotonic()
        if answer.status == 304:
            return None, answer.getheader("ETag")
        if answer.status >= 300:
            raise RuntimeError(f"{method} {path}: {answer.status} {content[:200]!r}")
        return json.loads(content), answer.getheader("ETag")


def has_checkout_url(order: dict | None) -> bool:
    return bool(order and (order.get("payment") or {}).get("checkout_url"))


def read_when_there(api: Connection, path: str, etag: str | None,
                    give_up_at: float | None = None) -> None:
    """Wait on the order with its ETag (the placing answer's, else a first read's) until its
    checkout_url shows (or raise TimeoutError past `give_up_at`, a perf_counter time)."""
    order = None
    if etag is None:
        order, etag = api.call("GET", path)
    while not has_checkout_url(order):
        if give_up_at is not None and time.perf_counter() > give_up_at:
            raise TimeoutError(f"{path}: no checkout_url yet")
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


def cpu_seconds_by_program(under: set[int] | None = None) -> dict[str, float]:
    """CPU time used so far by every process on the machine, summed by program (Linux /proc);
    with `under`, by those pids and their descendants only."""
    tick, used, seen = os.sysconf("SC_CLK_TCK"), {}, []
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
        seen.append((int(pid), int(fields[1]), name, (int(fields[11]) + int(fields[12])) / tick))
    if under is not None:
        children: dict[int, list[int]] = {}
        for pid, parent, *_ in seen:
            children.setdefault(parent, []).append(pid)
        kept, todo = set(), list(under)
        while todo:
            pid = todo.pop()
            if pid not in kept:
                kept.add(pid)
                todo.extend(children.get(pid, ()))
        seen = [process for process in seen if process[0] in kept]
    for _, _, name, seconds in seen:
        used[name] = used.get(name, 0.0) + seconds
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


LATE_MS = 10.0
"""An open loop's order started later than this after its scheduled time is counted late."""
GIVE_UP_S = 120.0
"""A shopper gives up on an order whose checkout_url has not shown after this long (an error)."""
ERRORS_SHOWN = 3


@dataclass
class Shop:
    """What the shoppers need: the orders gateway, the producer, the secret to sign tokens."""

    orders_url: str
    producer: str
    secret: str

    def connection(self, customer: int) -> Connection:
        token = issue_token(self.secret, Principal("customer", self.producer, f"c{customer}"))
        return Connection(self.orders_url, {"Authorization": "Bearer " + token}, timeout=60,
                          idle_s=4.0)

    def order(self, api: Connection, customer: int) -> None:
        """Place an order as customer c{customer} and wait until its checkout_url shows."""
        placed, etag = api.call("POST", f"/v1/producers/{self.producer}/orders", {
            "customer_id": f"c{customer}",
            "lines": [{"label": "Panier", "quantity": 1, "unit_price_cents": 2000}]})
        read_when_there(api, f"/v1/producers/{self.producer}/orders/{placed['order_id']}", etag,
                        time.perf_counter() + GIVE_UP_S)


@dataclass
class Run:
    """One concurrent run: every order's (start, answered) perf_counter times, the steady part."""

    label: str
    done: list[tuple[float, float]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    steady: tuple[float, float] = (0.0, 0.0)
    cpu: dict[str, float] = field(default_factory=dict)
    late: list[float] = field(default_factory=list)
    """Open loop: how late each order was started after its scheduled time (ms)."""
    load: tuple[tuple[float, ...], tuple[float, ...]] = ((), ())
    wall: float = 1.0
    """Seconds from the first order to the last answer (what `cpu` was counted over)."""

    @property
    def cores(self) -> float:
        """The cores this stack's processes kept busy on average over the run."""
        return sum(self.cpu.values()) / self.wall

    @property
    def per_second(self) -> float:
        begin, end = self.steady
        return sum(begin <= answered <= end for _, answered in self.done) / (end - begin)

    @property
    def latencies(self) -> list[float]:
        begin, end = self.steady
        return sorted((answered - start) * 1000 for start, answered in self.done
                      if begin <= start <= end)

    def quantile(self, q: float) -> float:
        values = self.latencies
        if len(values) < 2:
            return (values or [float("nan")])[0]
        return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]

    def cpu_per_order(self) -> dict[str, float]:
        """CPU ms per order answered, by program, over the whole run."""
        return {name: seconds * 1000 / max(1, len(self.done)) for name, seconds in self.cpu.items()}


def guarded(run: Run, shop: Shop, customer: int, api: Connection) -> tuple[Connection, bool]:
    """One order, and whether it was answered; an error is recorded (the connection then
    replaced, its state unknown)."""
    try:
        shop.order(api, customer)
        return api, True
    except Exception as error:  # noqa: BLE001 - counted and shown, the run goes on
        run.errors.append(f"{type(error).__name__}: {error}"[:200])
        time.sleep(0.05)
        return shop.connection(customer), False


def closed_loop(shop: Shop, shoppers: int, orders: int | None, duration: float | None,
                roots: set[int], shown: bool = True) -> Run:
    """`shoppers` threads each placing an order, waiting for its checkout_url, and so on; the
    steady part begins when every shopper has had an answer and lasts `duration` seconds, or
    (`orders`) ends when the last order is started."""
    run, lock = Run(f"closed loop, {shoppers} shopper{'s' * (shoppers > 1)}"), threading.Lock()
    started, first_answers, warm = 0, [], threading.Event()
    stop_at = [float("inf")]
    last_start = [0.0]

    def shopper(customer: int) -> None:
        nonlocal started
        api = shop.connection(customer)
        first = True
        while True:
            with lock:
                now = time.perf_counter()
                if (orders is not None and started >= orders) or now >= stop_at[0]:
                    return
                started += 1
                last_start[0] = now
            api, answered = guarded(run, shop, customer, api)
            if answered:
                run.done.append((now, time.perf_counter()))
            if first:
                first = False
                with lock:
                    first_answers.append(time.perf_counter())
                    if len(first_answers) == shoppers:
                        warm.set()

    run.load = (os.getloadavg(), ())
    cpu_before = cpu_seconds_by_program(roots)
    run.wall = time.perf_counter()
    threads = [threading.Thread(target=shopper, args=(i + 1,), daemon=True)
               for i in range(shoppers)]
    for thread in threads:
        thread.start()
    if duration is not None:
        warm.wait()
        with lock:
            begin = max(first_answers)
            stop_at[0] = begin + duration
    for thread in threads:
        thread.join()
    run.wall = time.perf_counter() - run.wall
    run.cpu = {name: seconds - cpu_before.get(name, 0.0)
               for name, seconds in cpu_seconds_by_program(roots).items()}
    run.load = (run.load[0], os.getloadavg())
    begin = max(first_answers, default=0.0)
    end = stop_at[0] if duration is not None else last_start[0]
    if end - begin < 1.0:  # too few orders for a steady part: all of them
        if shown:
            print(f"  ({run.label}: no steady part with so few orders; all orders counted)")
        begin = min(start for start, _ in run.done) if run.done else 0.0
        end = max(answered for _, answered in run.done) if run.done else 1.0
    run.steady = (begin, end)
    return run


def open_loop(shop: Shop, rate: float, orders: int | None, duration: float | None,
              in_flight: int, roots: set[int]) -> Run:
    """Orders started `rate` per second on a schedule, by a pool of `in_flight` shoppers (one
    customer each); each one's latency runs from its scheduled start."""
    count = orders if orders is not None else max(1, round(rate * duration))
    run = Run(f"open loop, {rate:g} orders/s scheduled")
    schedule: queue.SimpleQueue[float | None] = queue.SimpleQueue()

    def shopper(customer: int) -> None:
        api = shop.connection(customer)
        while (scheduled := schedule.get()) is not None:
            run.late.append((time.perf_counter() - scheduled) * 1000)
            api, answered = guarded(run, shop, customer, api)
            if answered:
                run.done.append((scheduled, time.perf_counter()))

    threads = [threading.Thread(target=shopper, args=(i + 1,), daemon=True)
               for i in range(min(in_flight, count))]
    for thread in threads:
        thread.start()
    run.load = (os.getloadavg(), ())
    cpu_before = cpu_seconds_by_program(roots)
    first = time.perf_counter() + 0.05
    for i in range(count):
        scheduled = first + i / rate
        time.sleep(max(0.0, scheduled - time.perf_counter()))
        schedule.put(scheduled)
    for _ in threads:
        schedule.put(None)
    for thread in threads:
        thread.join()
    run.wall = time.perf_counter() - first
    run.cpu = {name: seconds - cpu_before.get(name, 0.0)
               for name, seconds in cpu_seconds_by_program(roots).items()}
    run.load = (run.load[0], os.getloadavg())
    run.steady = (first, max((answered for _, answered in run.done), default=first + 1))
    return run


def loads(values: tuple[float, ...]) -> str:
    return " ".join(f"{value:.2f}" for value in values)


def print_run(run: Run) -> None:
    begin, end = run.steady
    latencies = run.latencies
    print(f"{run.label}: {len(run.done)} orders answered, {run.per_second:.1f} orders/s over "
          f"{end - begin:.1f} s; order request -> checkout_url readable ({len(latencies)} "
          f"orders): p50 {run.quantile(0.5):.1f} ms, p99 {run.quantile(0.99):.1f} ms, max "
          f"{max(latencies, default=float('nan')):.1f} ms; errors {len(run.errors)}")
    kinds = Counter(re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "…", error) for error in run.errors)
    for error, count in kinds.most_common(ERRORS_SHOWN):
        print(f"  error ({count}x): {error}")
    if run.late:
        print(f"  started over {LATE_MS:g} ms late: {sum(ms > LATE_MS for ms in run.late)} of "
              f"{len(run.late)}, at most {max(run.late):.1f} ms late")
    print_cpu(dict.fromkeys(run.cpu, 0.0), run.cpu, max(1, len(run.done)))
    print(f"  this stack kept {run.cores:.2f} of the {os.cpu_count()} cores busy over the run "
          f"({run.wall:.1f} s); load average before {loads(run.load[0])}, after "
          f"{loads(run.load[1])}")


def knee(runs: list[tuple[int, Run]]) -> int | None:
    """The last N before orders/s stops growing by more than 10 % while p99 grows (None: not
    reached within the levels run)."""
    for (n, run), (_, after) in pairwise(runs):
        if after.per_second < 1.10 * run.per_second and after.quantile(0.99) > run.quantile(0.99):
            return n
    return None


def print_table(runs: list[tuple[int, Run]]) -> None:
    print("closed loop, one run per N (orders/s: answered within the steady part; latency: "
          "order request -> checkout_url readable, orders started within it; cores: this "
          "stack's CPU over the run's wall time):")
    print(f"  {'N':>4} {'orders':>7} {'orders/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} "
          f"{'errors':>6} {'CPU ms/order':>12} {'cores':>5}  load avg after")
    for n, run in runs:
        latencies = run.latencies
        print(f"  {n:>4} {len(run.done):>7} {run.per_second:>9.1f} {run.quantile(0.5):>8.1f} "
              f"{run.quantile(0.99):>8.1f} {max(latencies, default=float('nan')):>8.1f} "
              f"{len(run.errors):>6} {sum(run.cpu_per_order().values()):>12.1f} "
              f"{run.cores:>5.2f}  "
              f"{loads(run.load[1])}")
    per_order = [run.cpu_per_order() for _, run in runs]
    programs = sorted({name for cpu in per_order for name, ms in cpu.items() if ms >= 0.5},
                      key=lambda name: -sum(cpu.get(name, 0.0) for cpu in per_order))
    print("CPU time per order, by program (ms):")
    print(f"  {'program':<22}" + "".join(f" {'N=' + str(n):>7}" for n, _ in runs))
    for name in programs:
        print(f"  {name:<22}" + "".join(f" {cpu.get(name, 0.0):>7.1f}" for cpu in per_order))


def stack_pids(stack: Stack, system: RunningSystem) -> set[int]:
    """This run's processes: the bench, the system's, the broker and PostgreSQL's postmaster."""
    pids = {os.getpid(), *(process.pid for process in system.processes.values())}
    for pid_file in (stack.home / "broker.pid", stack.postgres().data_dir / "postmaster.pid"):
        try:
            pids.add(int(pid_file.read_text().split()[0]))
        except (OSError, ValueError, IndexError):
            print(f"({pid_file} unreadable: that server's CPU is not counted)")
    return pids


def concurrent(args: argparse.Namespace, stack: Stack, system: RunningSystem,
               shop: Shop, operator: dict[str, str]) -> None:
    levels = [int(n) for n in args.levels.split(",")] if args.sweep else [args.shoppers or 1]
    customers = max(*levels, args.in_flight if args.rate or args.sweep else 1)
    with httpx.Client(timeout=10, headers=operator) as client:
        for i in range(2, customers + 1):  # c1 is there
            client.put(f"{system.urls['accounts']}/v1/producers/{shop.producer}/customers/c{i}",
                       json={"name": f"Client {i}"}).raise_for_status()
    roots = stack_pids(stack, system)
    orders, duration = args.orders_given, args.duration
    if orders is None and duration is None:
        orders = args.orders
    print(f"{os.cpu_count()} cores; load average {loads(os.getloadavg())}; "
          + (f"{orders} orders a run" if orders is not None else f"{duration:g} s a run"))
    # warm-up (connection pools, caches), not shown
    closed_loop(shop, min(10, customers), 30, None, roots, shown=False)
    time.sleep(2)
    if args.rate:
        print_run(open_loop(shop, args.rate, orders, duration, args.in_flight, roots))
        return
    runs = []
    for n in levels:
        runs.append((n, closed_loop(shop, n, orders, duration, roots)))
        print_run(runs[-1][1])
        time.sleep(3)  # the saga's tail (journal, exports...) out of the next run's CPU
    if not args.sweep:
        return
    print()
    print_table(runs)
    found = knee(runs)
    print(f"knee: N = {found}" if found is not None else
          f"knee: not reached up to N = {levels[-1]} (orders/s still growing by over 10 %)")
    best = max(run.per_second for _, run in runs)
    rate = round(0.8 * best, 1)
    print(f"open loop at 80 % of the best closed-loop orders/s ({best:.1f}): {rate:g} orders/s")
    print_run(open_loop(shop, rate, orders, duration, args.in_flight, roots))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, dest="orders_given",
                        help="how many orders (500 one after another; a concurrent run: "
                             "in all, instead of --duration)")
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
    parser.add_argument("--shoppers", type=int,
                        help="closed loop: N shoppers at once, each placing an order, waiting "
                             "for its checkout_url, then placing the next")
    parser.add_argument("--rate", type=float,
                        help="open loop: orders started R per second on a schedule")
    parser.add_argument("--sweep", action="store_true",
                        help="closed loops at N = --levels one after another, a table and the "
                             "knee, then an open loop at 80 %% of the best orders/s")
    parser.add_argument("--levels", default="1,10,50,200",
                        help="with --sweep: the numbers of shoppers, in order")
    parser.add_argument("--duration", type=float,
                        help="a concurrent run's steady part, in seconds (instead of --orders)")
    parser.add_argument("--in-flight", type=int, default=200,
                        help="open loop: at most this many orders at once (shoppers, each with "
                             "its connection: the gateway's waits hold one each)")
    parser.add_argument("--instance", default=os.environ.get("ARDOISE_TEST_INSTANCE", "bench"),
                        help="the stack's name, under .run/ (ARDOISE_TEST_INSTANCE, else bench)")
    args = parser.parse_args()
    args.orders = 500 if args.orders_given is None else args.orders_given
    modes = bool(args.shoppers) + bool(args.rate) + args.sweep
    if modes > 1:
        parser.error("one of --shoppers, --rate and --sweep")
    if modes and (args.poll_ms is not None or args.read_first or args.breakdown):
        parser.error("--poll-ms, --read-first and --breakdown are for orders one after another")
    if args.orders_given is not None and args.duration is not None:
        parser.error("--orders or --duration")
    if not modes and args.duration is not None:
        parser.error("--duration is for --shoppers, --rate or --sweep")
    if args.sweep and args.orders_given is None and args.duration is None:
        args.duration = 20.0
    print(f"$ {' '.join(sys.argv)}")
    stack = Stack(args.instance)
    # a fresh database: holds left pending by an earlier run expire 35 min later, and their
    # release would be measured along with this run's orders
    stack.down()
    shutil.rmtree(stack.home, ignore_errors=True)
    system = RunningSystem(stack.up(), stack.home / "logs").start()
    try:
        producer = f"bench-{uuid.uuid4().hex[:8]}"
        secret = system.env["ARDOISE_JWT_SECRET"]
        operator = {"Authorization": "Bearer " + issue_token(
            secret, Principal("operator", producer))}
        customer = {"Authorization": "Bearer " + issue_token(
            secret, Principal("customer", producer, "c1"))}
        http = httpx.Client(timeout=10)
        u = system.urls
        http.put(f"{u['accounts']}/v1/producers/{producer}/customers/c1", headers=operator,
                 json={"name": "Claire"}).raise_for_status()
        http.put(f"{u['payments']}/v1/producers/{producer}/settings", headers=operator,
                 json={"payment_tracking": True, "online_payment_required": True,
                       "accepted_modes": ["account", "cash", "online"],
                       "sumup_merchant_code": "MBENCH01",
                       "sumup_api_key": "sk_test_bench_standin"}).raise_for_status()
        asyncio.run(wait_for_setting(system.env["ORDERS_DATABASE_URL"], producer))
        if modes:
            concurrent(args, stack, system, Shop(u["orders"], producer, secret), operator)
            return
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
