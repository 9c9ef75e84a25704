"""Two replicas of every worker and every gateway against one broker and one database, under a
steady load of orders placed through both replicas of each gateway; one replica of each worker
is killed (SIGKILL) mid-run, the one holding its schema's relay. By the end: nothing lost,
nothing doubled, every partition of every consumer group consumed to its end by the survivor,
and never two relays active on one schema.

The system runs on servers of its own (`.run/<test instance>-replicas/`): a fresh PostgreSQL,
whose advisory locks are this system's relays' alone, and a fresh local broker, whose groups
start from topics holding only this test's events. `KAFKA_BOOTSTRAP` in the environment points
it at another broker instead, e.g. the compose file's Apache Kafka (docs/replicas.md).
"""

import asyncio
import os
import random
import re
import shutil
import time
import uuid
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import cycle
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from ardoise import topics
from ardoise.auth import Principal
from ardoise.db import make_engine, make_sessionmaker, plain_dsn
from ardoise_tools.devservers.process import free_port
from ardoise_tools.devservers.stack import SERVICES, Stack
from ardoise_tools.testing import servers as test_servers
from ardoise_tools.testing.polling import eventually
from ardoise_tools.testing.system import RunningSystem
from ardoise_tools.testing.tracking import turn_tracking_on
from journal.adapters.orm import SCHEMA as JOURNAL_SCHEMA

from ..e2e.conftest import Caller
from ..e2e.test_online_payment import pay_at_sumup, require_online_payment
from .conftest import JournalReader
from .test_outage import Shop

REPLICAS = 2
WORKERS = tuple(f"{service}-worker" for service in SERVICES)
GATEWAYS = (*SERVICES, "web")
SALES = int(os.environ.get("ARDOISE_REPLICAS_SALES", "200"))
"""Orders placed and settled in cash (each with a top-up: three writes), through both replicas."""
ONLINE = int(os.environ.get("ARDOISE_REPLICAS_ONLINE", "24"))
"""Orders paid online through the SumUp stand-in: the checkout saga across the workers."""
CONCURRENCY = 6
KILL_AFTER = 1 / 3
"""The kills come once this share of the sales is written."""
PUBLISHING = ("orders", "accounts", "payments")
RELAY_KEYS = {zlib.crc32(f"ardoise-outbox-{service}".encode()): service for service in SERVICES}
"""`ardoise.relay.OutboxRelay`'s advisory lock of each schema."""
LAG = re.compile(r'^ardoise_consumer_lag_records\{group="([^"]+)",partition="(\d+)",'
                 r'topic="([^"]+)"\}', re.M)
JOINED = re.compile(r"Joined group '([^']+)'")
PUBLISHED = re.compile(r"^ardoise_outbox_published_total (\S+)$", re.M)


def replica_names(process: str) -> list[str]:
    return [process] + [f"{process}-{n}" for n in range(2, REPLICAS + 1)]


@pytest.fixture(scope="module")
def replicated():
    """The whole system, two of each gateway and worker, on servers of its own."""
    stack = Stack(f"{test_servers.test_stack().name}-replicas")
    ours = not (os.environ.get("KAFKA_BOOTSTRAP") and os.environ.get("DATABASE_URL"))
    env = stack.up()
    replicas = {f"{service}-{kind}": REPLICAS for service in SERVICES
                for kind in ("gateway", "worker")} | {"web-gateway": REPLICAS}
    shutil.rmtree(stack.home / "logs", ignore_errors=True)  # this run's lines only
    system = RunningSystem(env, stack.home / "logs", issuer_environment=stack.issuer_environment,
                           replicas=replicas)
    try:
        system.start(timeout_s=120)
        own_metrics_ports(system)
        yield system
    finally:
        system.stop()
        if ours:
            stack.down()


def own_metrics_ports(system: RunningSystem, timeout_s: float = 60.0) -> None:
    """Every worker replica serving /metrics on its own port: one that lost its port to another
    process between the test choosing it and the worker binding it (other systems run from this
    checkout draw from the same ports) is started again on another."""
    deadline = time.monotonic() + timeout_s
    pending = [name for worker in WORKERS for name in replica_names(worker)]
    while pending:
        for name in list(pending):
            port = int(system.metrics_urls[name].rsplit(":", 1)[1])
            if socket_owner(system, port, listening=True) == name:
                pending.remove(name)
            elif "metrics port unavailable" in (system.log_dir / f"{name}.log").read_text():
                service = name.split("-")[0]
                system.process_env[name] = {**system.process_env[name],
                                            f"{service.upper()}_METRICS_PORT": str(free_port())}
                system.metrics_urls[name] = (
                    f"http://127.0.0.1:{system.process_env[name][f'{service.upper()}_METRICS_PORT']}")
                (system.log_dir / f"{name}.log").unlink()
                system.restart(name)
        if time.monotonic() > deadline:
            raise TimeoutError(f"no /metrics of their own: {pending}")
        time.sleep(0.2)


class Rotating(dict):
    """Each gateway's URL, a different replica at each look-up (the sumup stand-in: one)."""

    def __init__(self, replica_urls: dict[str, list[str]], others: dict[str, str]) -> None:
        super().__init__(others)
        self._cycles = {service: cycle(urls) for service, urls in replica_urls.items()}

    def __getitem__(self, service: str) -> str:
        if service in self._cycles:
            return next(self._cycles[service])
        return super().__getitem__(service)


class SharedCaller(Caller):
    """A `Caller` whose requests share one client (one a request costs a TLS context: CPU this
    test's load would rather leave to the system)."""

    def __init__(self, system, principal: Principal, client: httpx.AsyncClient) -> None:
        super().__init__(system, principal)
        self.client = client

    async def arequest(self, method: str, service: str, path: str, **kwargs) -> httpx.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return await self.client.request(method, f"{self.system.urls[service]}{path}",
                                         headers=headers, **kwargs)


@dataclass
class RoundRobin:
    """The system as the e2e helpers see it (`urls`, `env`), its gateways called in turn."""

    env: dict[str, str]
    urls: Rotating


def round_robin(system: RunningSystem) -> RoundRobin:
    return RoundRobin(system.env, Rotating(system.replica_urls, system.urls))


# --- what each worker replica consumes, and what each relay does ------------------------------

async def scrape(url: str) -> str | None:
    try:
        async with httpx.AsyncClient(timeout=3) as client:
            return (await client.get(f"{url}/metrics")).text
    except httpx.HTTPError:
        return None


def held(metrics: str | None) -> dict[tuple[str, str], set[int]]:
    """(group, topic) → the partitions this replica's consumers hold (their lag gauges)."""
    found: dict[tuple[str, str], set[int]] = defaultdict(set)
    for group, partition, topic in LAG.findall(metrics or ""):
        found[(group, topic)].add(int(partition))
    return found


async def assignments(system: RunningSystem, worker: str) -> dict[str, dict]:
    """Each live replica of a worker: (group, topic) → its partitions."""
    names = [n for n in replica_names(worker) if system.processes[n].poll() is None]
    texts = await asyncio.gather(*(scrape(system.metrics_urls[n]) for n in names))
    return {name: held(text) for name, text in zip(names, texts, strict=True)}


def spread(found: dict[str, dict], groups: set[tuple[str, str]]) -> bool:
    """Every group's partitions all held, each replica holding some of every group's."""
    return bool(groups) and all(
        set().union(*(replica.get(g, set()) for replica in found.values()))
        == set(range(topics.PARTITIONS)) and all(replica.get(g) for replica in found.values())
        for g in groups)


def whole(found: dict[str, dict], groups: set[tuple[str, str]]) -> bool:
    """One replica left, holding every partition of every group."""
    (replica,) = found.values()
    return all(replica.get(g) == set(range(topics.PARTITIONS)) for g in groups)


def groups_joined(system: RunningSystem, prefix: str) -> set[str]:
    """The consumer groups the workers' replicas joined, from their logs (this broker's
    ListGroups names only some of them: 4 of 11 in trials)."""
    return {group for worker in WORKERS for name in replica_names(worker)
            for group in JOINED.findall((system.log_dir / f"{name}.log").read_text())
            if group.startswith(prefix)}


def socket_owner(system: RunningSystem, port: int, listening: bool = False,
                 remote_port: int | None = None) -> str | None:
    """The process (of this system) with a TCP socket on this local port: a relay's connection
    to PostgreSQL (`remote_port`: the server's; Linux gives one local port to connections to
    different servers), or (`listening`) a server's socket."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if (int(fields[1].rsplit(":", 1)[1], 16) == port
                    and (not listening or fields[3] == "0A")
                    and (remote_port is None
                         or int(fields[2].rsplit(":", 1)[1], 16) == remote_port)):
                inodes.add(fields[9])
    for name, process in system.processes.items():
        try:
            links = {os.readlink(f"/proc/{process.pid}/fd/{fd}")
                     for fd in os.listdir(f"/proc/{process.pid}/fd")}
        except OSError:
            continue
        if any(f"socket:[{inode}]" in links for inode in inodes):
            return name
    return None


@dataclass
class RelayWatch:
    """pg_locks sampled every 50 ms: who holds each schema's relay lock, never two at once."""

    system: RunningSystem
    samples: int = 0
    most_at_once: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SERVICES, 0))
    holders: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    """schema → the processes that held its lock, in turn (each listed once per hold)."""
    free_since: dict[str, float] = field(default_factory=dict)
    longest_free_s: dict[str, float] = field(default_factory=lambda: dict.fromkeys(SERVICES, 0.0))

    async def run(self) -> None:
        dsn = plain_dsn(self.system.env["ARDOISE_ADMIN_DATABASE_URL"])
        server_port = urlsplit(dsn).port or 5432
        connection = await asyncpg.connect(dsn)
        owners: dict[int, str | None] = {}
        try:
            while True:
                rows = await connection.fetch(
                    "SELECT l.objid::bigint AS key, a.client_port FROM pg_locks l"
                    " JOIN pg_stat_activity a USING (pid)"
                    " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0")
                now = time.monotonic()
                by_schema: dict[str, list[int]] = defaultdict(list)
                for row in rows:
                    if row["key"] in RELAY_KEYS:
                        by_schema[RELAY_KEYS[row["key"]]].append(row["client_port"])
                for schema in SERVICES:
                    ports = by_schema.get(schema, [])
                    self.most_at_once[schema] = max(self.most_at_once[schema], len(ports))
                    if not ports:
                        self.free_since.setdefault(schema, now)
                        continue
                    if schema in self.free_since:
                        self.longest_free_s[schema] = max(self.longest_free_s[schema],
                                                          now - self.free_since.pop(schema))
                    if ports[0] not in owners:
                        owners[ports[0]] = socket_owner(self.system, ports[0],
                                                        remote_port=server_port)
                    owner = owners[ports[0]] or f"port {ports[0]}"
                    if not self.holders[schema] or self.holders[schema][-1] != owner:
                        self.holders[schema].append(owner)
                self.samples += 1
                await asyncio.sleep(0.05)
        finally:
            await connection.close()

    def holder(self, schema: str) -> str | None:
        return self.holders[schema][-1] if self.holders[schema] else None


# --- the online orders ---------------------------------------------------------------------------

@dataclass
class OnlineShop:
    """A producer whose customers pay online: one 20,00 € order per customer, each paid."""

    view: RoundRobin
    producer_id: str
    client: httpx.AsyncClient
    orders: dict[str, str] = field(default_factory=dict)
    """order id → its customer."""

    def __post_init__(self) -> None:
        self.operator = SharedCaller(self.view, Principal("operator", self.producer_id),
                                     self.client)

    async def open(self) -> None:
        for n in range(ONLINE):
            answer = await self.operator.arequest(
                "PUT", "accounts", f"/v1/producers/{self.producer_id}/customers/o{n}",
                json={"name": f"Client en ligne {n}"})
            assert answer.status_code in (200, 201), answer.text
        await require_online_payment(self.view, self.operator, self.producer_id)

    async def buy(self, n: int) -> None:
        customer = SharedCaller(self.view, Principal("customer", self.producer_id, f"o{n}"),
                                self.client)
        base = f"/v1/producers/{self.producer_id}/orders"
        placed = await customer.arequest("POST", "orders", base, json={
            "customer_id": f"o{n}",
            "lines": [{"label": "Panier", "quantity": 1, "unit_price_cents": 2000}]})
        assert placed.status_code == 201, placed.text
        order_id = placed.json()["order_id"]
        self.orders[order_id] = f"o{n}"

        async def payment() -> dict | None:
            return (await customer.arequest("GET", "orders", f"{base}/{order_id}")).json()[
                "payment"]

        # through a kill the saga waits for the partitions' hand-over: a generous deadline
        asked = await eventually(payment, lambda p: p is not None and p["checkout_id"],
                                 timeout_s=90, interval_s=0.2)
        assert asked["amount_due_cents"] == 2000, asked
        await pay_at_sumup(self.view, asked["checkout_id"])

    async def applied(self) -> tuple[int, int]:
        """Orders accepted and paid online 20,00 €; accounts back at 0 with nothing held."""
        orders = await fetch(self.view.env, "ORDERS", """
            SELECT o.order_id::text, o.status, s.mode, s.amount_paid_cents
            FROM orders.orders o JOIN orders.settlements s USING (order_id)
            WHERE o.producer_id = $1""", self.producer_id)
        paid = sum(1 for r in orders if r["order_id"] in self.orders and r["status"] == "accepted"
                   and (r["mode"], r["amount_paid_cents"]) == ("online", 2000))
        accounts = await fetch(self.view.env, "ACCOUNTS", """
            SELECT a.customer_id, a.balance_cents, coalesce(sum(m.amount_cents), 0) AS summed,
                   count(m.*) AS movements
            FROM accounts.accounts a LEFT JOIN accounts.movements m USING (producer_id, customer_id)
            WHERE a.producer_id = $1 GROUP BY a.customer_id, a.balance_cents""", self.producer_id)
        square = sum(1 for r in accounts if r["balance_cents"] == r["summed"] == 0
                     and r["movements"] == 2)
        return paid, square

    async def held_cents(self) -> int:
        rows = await fetch(self.view.env, "ACCOUNTS", """
            SELECT coalesce(sum(amount_cents), 0) AS held FROM accounts.holds
            WHERE producer_id = $1 AND status = 'pending'""", self.producer_id)
        return rows[0]["held"]


async def fetch(env: dict, service: str, query: str, *args) -> list:
    connection = await asyncpg.connect(plain_dsn(env[f"{service}_DATABASE_URL"]))
    try:
        return await connection.fetch(query, *args)
    finally:
        await connection.close()


# --- every partition consumed ------------------------------------------------------------------

async def unconsumed(bootstrap: str, followed: set[tuple[str, str]]) -> dict[str, int]:
    """Each (group, topic): how many records its committed offsets leave behind the partitions'
    ends (0 everywhere: every partition consumed to its end). The committed offsets are read
    as a member of the group reads them, the ends from a fetch's high watermark: this broker's
    ListOffsets answers a wrong end after a batch was produced (1 for 7 records in one batch,
    Tansu 0.6.0), and the admin client's OffsetFetch fails against it."""
    behind = {}
    for group, topic in sorted(followed):
        reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group,
                                  enable_auto_commit=False, fetch_max_wait_ms=50)
        await reader.start()
        try:
            partitions = [TopicPartition(topic, p) for p in range(topics.PARTITIONS)]
            committed = {tp: await reader.committed(tp) or 0 for tp in partitions}
            reader.assign(partitions)
            for tp, offset in committed.items():
                reader.seek(tp, offset)
            async with asyncio.timeout(10):
                while any(reader.highwater(tp) is None for tp in partitions):
                    await reader.getmany(timeout_ms=100, max_records=1)
            behind[group] = sum(reader.highwater(tp) - committed[tp] for tp in partitions)
        finally:
            await reader.stop()
    return behind


# --- the test --------------------------------------------------------------------------------

async def test_two_replicas_of_everything_one_of_each_worker_killed_lose_and_double_nothing(
    replicated,
):
    system = replicated
    started = time.monotonic()
    prefix = system.env["KAFKA_GROUP_PREFIX"]
    view = round_robin(system)
    secret = system.env["ARDOISE_JWT_SECRET"]
    producer_id, online_id = (f"p-{uuid.uuid4().hex[:12]}" for _ in range(2))
    turn_tracking_on(system.urls, secret, producer_id)
    turn_tracking_on(system.urls, secret, online_id)

    # the web's replicas publish the same keys (one issuer, one key in the stack)
    async with httpx.AsyncClient(timeout=5) as client:
        keys = [(await client.get(f"{url}/.well-known/jwks.json")).json()
                for url in system.replica_urls["web"]]
    assert all(k == keys[0] and k["keys"] for k in keys), keys

    # both replicas of every worker hold partitions of every group before anything is killed
    groups_by_worker: dict[str, set[tuple[str, str]]] = {}

    all_groups: set[str] = set()

    async def settled_groups() -> dict[str, dict]:
        all_groups.update(groups_joined(system, prefix))
        found = {w: await assignments(system, w) for w in WORKERS}
        for worker, replicas in found.items():
            groups_by_worker[worker] = set().union(*(set(r) for r in replicas.values()))
        return found

    await eventually(settled_groups, lambda found: all(
        spread(found[w], groups_by_worker[w]) for w in WORKERS)
        and {g for groups in groups_by_worker.values() for g, _ in groups} == all_groups,
        timeout_s=90, interval_s=0.5)
    spread_s = time.monotonic() - started
    print(f"replicas: groups spread after {spread_s:.1f}s", flush=True)
    group_count = sum(len(g) for g in groups_by_worker.values())

    watch = RelayWatch(system)
    watching = asyncio.create_task(watch.run())
    client = httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=CONCURRENCY + 4))
    shop = Shop(view, producer_id, rng=random.Random(20261205))
    shop.operator = SharedCaller(view, Principal("operator", producer_id), client)
    online = OnlineShop(view, online_id, client)
    await shop.open()
    await online.open()

    sold = 0
    kill_at = int(SALES * KILL_AFTER)
    killed: dict[str, str] = {}
    kill_time = 0.0
    whole_after_s: dict[str, float] = {}

    async def sell() -> None:
        nonlocal sold
        while sold < SALES:
            sold += 1
            await shop.sell_and_settle()

    async def buy_online() -> None:
        for n in range(ONLINE):
            await online.buy(n)
            await asyncio.sleep(0.3)

    async def kill_one_of_each() -> None:
        nonlocal kill_time
        while sold < kill_at:
            await asyncio.sleep(0.05)
        for worker in WORKERS:  # the replica whose relay is active, when known
            holder = watch.holder(worker.removesuffix("-worker"))
            killed[worker] = holder if holder in replica_names(worker) else worker
        kill_time = time.monotonic()
        for name in killed.values():
            system.kill(name)
        waiting = set(WORKERS)
        while waiting and time.monotonic() - kill_time < 120:
            for worker in list(waiting):
                if whole(await assignments(system, worker), groups_by_worker[worker]):
                    whole_after_s[worker] = time.monotonic() - kill_time
                    waiting.discard(worker)
            await asyncio.sleep(0.2)

    load_started = time.monotonic()
    try:
        await asyncio.gather(*(sell() for _ in range(CONCURRENCY)), buy_online(),
                             kill_one_of_each())
    finally:
        await client.aclose()
    load_s = time.monotonic() - load_started
    print(f"replicas: load done in {load_s:.1f}s, kills {killed}, whole after {whole_after_s}",
          flush=True)

    found = await shop.caught_up(timeout_s=120)
    caught_up_s = time.monotonic() - load_started - load_s
    doubled = await shop.doubled()
    print(f"replicas: caught up after {caught_up_s:.1f}s", flush=True)
    engine = make_engine(system.env["JOURNAL_DATABASE_URL"], JOURNAL_SCHEMA, pool_size=2)
    try:
        journal_line = await shop.journal_checked(JournalReader(make_sessionmaker(engine)))
    finally:
        await engine.dispose()
    online_found = await eventually(online.applied, lambda f: f == (ONLINE, ONLINE),
                                    timeout_s=60, interval_s=0.5)
    held_cents = await online.held_cents()
    followed = set().union(*groups_by_worker.values())
    behind = await eventually(lambda: unconsumed(system.env["KAFKA_BOOTSTRAP"], followed),
                              lambda b: b and not any(b.values()), timeout_s=60, interval_s=0.5)
    outboxes = {s: (await fetch(system.env, s.upper(), f"SELECT count(*) AS n FROM {s}.outbox"))[
        0]["n"] for s in SERVICES}
    await asyncio.sleep(0.3)  # a last few samples, the system at rest
    watching.cancel()
    await asyncio.gather(watching, return_exceptions=True)

    published = {}
    for worker in WORKERS:
        survivor = next(n for n in replica_names(worker) if n != killed[worker])
        text = await scrape(system.metrics_urls[survivor])
        published[survivor] = float(PUBLISHED.findall(text or "")[0]) if text else None
    handed_over = {s: watch.holders[s] for s in SERVICES}
    print(f"\nreplicas: {REPLICAS} of each of {len(WORKERS)} workers and {len(GATEWAYS)} gateways;"
          f" {group_count} consumer groups spread over both replicas {spread_s:.1f}s after start;"
          f" {shop.writes} writes ({SALES} orders settled, {SALES} top-ups) and {ONLINE} online"
          f" orders in {load_s:.1f}s through both replicas of each gateway")
    print(f"replicas: killed (SIGKILL) {', '.join(killed.values())}; survivors held every"
          f" partition after " + ", ".join(f"{w.removesuffix('-worker')} {s:.1f}s"
                                           for w, s in sorted(whole_after_s.items()))
          + f"; caught up {caught_up_s:.1f}s after the load")
    print(f"replicas: {found[0]}/{len(shop.balances)} balances, {found[1]} orders,"
          f" {found[2]} sales right, {doubled} doubled movements; online {online_found[0]}/"
          f"{ONLINE} accepted, {online_found[1]} accounts square, {held_cents} held;"
          f" {journal_line}")
    print(f"replicas: {len(behind)} groups, {sum(behind.values())} records unconsumed;"
          f" relay locks in {watch.samples} samples: at most "
          f"{max(watch.most_at_once.values())} holder per schema; holders "
          + "; ".join(f"{s} {' -> '.join(h)}" for s, h in handed_over.items())
          + "; lock free at most " + ", ".join(f"{s} {t:.1f}s"
                                               for s, t in watch.longest_free_s.items()))

    assert set(whole_after_s) == set(WORKERS), f"partitions never all reassigned: {whole_after_s}"
    assert found == shop.expected() and doubled == 0
    assert online_found == (ONLINE, ONLINE) and held_cents == 0
    assert not any(behind.values()) and len(behind) == len(all_groups) == group_count, (
        behind, all_groups)
    assert outboxes == dict.fromkeys(SERVICES, 0)
    assert all(n <= 1 for n in watch.most_at_once.values()), watch.most_at_once
    for worker in WORKERS:  # the lock held at the end by the survivor, which published
        schema = worker.removesuffix("-worker")
        survivor = next(n for n in replica_names(worker) if n != killed[worker])
        assert watch.holder(schema) == survivor, (schema, handed_over[schema])
    # the services whose outbox this load fills; the read models' (exports, journal) stay empty
    assert all(published[n] for n in published if n.split("-")[0] in PUBLISHING), published
