"""Accounts throughput and the customers page, on the local PostgreSQL and broker.

    ARDOISE_TEST_INSTANCE=bench .venv/bin/python bench/bench_accounts.py [--events 50000]
        [--customers 100000] [--durability both|fast|durable]

For each durability (`both`: durable first, then fast), the instance's PostgreSQL is restarted
with those settings: `durable`, PostgreSQL's defaults (fsync, synchronous_commit and
full_page_writes on: every commit waits for its WAL flush, as producers run it); `fast`, the
tests' (all three off). Then, on that server:
1. pgbench -b tpcb-like, for a reference figure;
2. N SettlementChanged events published to the broker; time until the accounts worker has
   applied all of them, then every balance checked against what the settlements say;
   the ratio of the worker's movements/s to pgbench's tps, both measured in this run.
3. Last, on the last server: p50/p99 of the customers page sorted by balance with M customers.
"""

import argparse
import asyncio
import os
import re
import shlex
import statistics
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

import asyncpg
import httpx

from accounts.domain.search import searchable
from ardoise.auth import Principal, issue_token
from ardoise.db import plain_dsn
from ardoise.events import SettlementChanged, encode_event
from ardoise.kafka import make_broker
from ardoise_tools.devservers.postgres import (
    SERVER_OPTIONS_DURABLE,
    SERVER_OPTIONS_FOR_TESTS,
    LocalPostgres,
    find_bindir,
)
from ardoise_tools.devservers.process import free_port, stop_pid, wait_for_port
from ardoise_tools.devservers.stack import Stack

MODES = ["cash", "cheque", "card", "transfer", "account", "not_delivered"]


def pgbench_tps(stack: Stack, seconds: int) -> tuple[float, str]:
    """tpcb-like tps, and the settings pgbench's connections see."""
    postgres = stack.postgres()
    bindir = find_bindir()
    env = {**os.environ, "PGPASSWORD": postgres.superuser_password}
    base = ["-h", "127.0.0.1", "-p", str(postgres.port), "-U", "postgres"]
    subprocess.run([str(bindir / "dropdb"), *base, "--if-exists", "bench_pgbench"], env=env,
                   check=True)
    subprocess.run([str(bindir / "createdb"), *base, "bench_pgbench"], env=env, check=True)
    seen = asyncio.run(server_settings(postgres.admin_url("bench_pgbench")))
    subprocess.run([str(bindir / "pgbench"), *base, "-i", "-q", "-s", "10", "bench_pgbench"],
                   env=env, check=True, capture_output=True)
    out = subprocess.run([str(bindir / "pgbench"), *base, "-b", "tpcb-like", "-c", "4", "-j", "2",
                          "-T", str(seconds), "bench_pgbench"], env=env, check=True,
                         capture_output=True, text=True).stdout
    return float(re.search(r"tps = ([\d.]+)", out).group(1)), seen


def start(command: str, env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen([str(Path(sys.executable).parent / command)], env=env,
                            stdout=open(log, "ab"), stderr=subprocess.STDOUT)


async def publish_settlements(bootstrap: str, producer_id: str, events: int, customers: int):
    """Orders of 20,00 € settled, then changed: the final settlement of each order is known."""
    orders = [(uuid.uuid4(), f"c{i % customers}") for i in range(events // 2)]
    final: dict[str, int] = {}
    broker = make_broker(bootstrap, client_id="bench")
    await broker.start()
    futures = []
    for version in (1, 2):
        for n, (order_id, customer_id) in enumerate(orders):
            mode = MODES[(n + version) % len(MODES)]
            paid = 2000 + (n % 7) * 100 if mode not in ("account", "not_delivered") else 0
            event = SettlementChanged(producer_id=producer_id, order_id=order_id,
                                      customer_id=customer_id, version=version, total_cents=2000,
                                      delivery_date=date(2026, 11, 27), mode=mode,
                                      amount_paid_cents=paid)
            futures.append(await broker.publish(encode_event(event), event.topic,
                                                key=event.key.encode(), no_confirm=True))
            if version == 2:
                effect = paid - (0 if mode == "not_delivered" else 2000)
                final[customer_id] = final.get(customer_id, 0) + effect
    await asyncio.gather(*futures)
    await broker.stop()
    return final, len(orders)


async def wait_until_applied(dsn: str, producer_id: str, orders: int) -> tuple[float, int, float]:
    """When the first movements appeared (and how many settlement versions were in by then),
    and when the last version was applied."""
    connection = await asyncpg.connect(dsn)
    count = ("SELECT coalesce(sum(version), 0) FROM accounts.order_positions"
             " WHERE producer_id=$1")
    first_at, applied_at_first = 0.0, 0
    try:
        while (applied := await connection.fetchval(count, producer_id)) < 2 * orders:
            if applied and not first_at:
                first_at, applied_at_first = time.perf_counter(), applied
            await asyncio.sleep(0.05)
    finally:
        await connection.close()
    return first_at or time.perf_counter(), applied_at_first, time.perf_counter()


async def check_exact(dsn: str, producer_id: str, final: dict[str, int]) -> tuple[int, int]:
    connection = await asyncpg.connect(dsn)
    try:
        # (untimed) fresh statistics, or a plan for an empty table scans movements per account
        await connection.execute("ANALYZE accounts.movements")
        rows = await connection.fetch(
            "SELECT a.customer_id, a.balance_cents, coalesce(sum(m.amount_cents), 0) AS summed"
            " FROM accounts.accounts a"
            " LEFT JOIN accounts.movements m USING (producer_id, customer_id)"
            " WHERE a.producer_id=$1 GROUP BY 1, 2", producer_id)
        movements = await connection.fetchval(
            "SELECT count(*) FROM accounts.movements WHERE producer_id=$1", producer_id)
    finally:
        await connection.close()
    wrong = sum(1 for r in rows
                if not (r["balance_cents"] == r["summed"] == final[r["customer_id"]]))
    return wrong, movements


async def seed_customers(dsn: str, producer_id: str, count: int) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        await connection.copy_records_to_table(
            "accounts", schema_name="accounts",
            columns=["producer_id", "customer_id", "name", "search_name", "balance_cents"],
            records=[(producer_id, f"c{i:06d}", name, searchable(name),
                      (i * 7919) % 200_001 - 100_000)
                     for i in range(count) for name in [customer_name(i)]])
        await connection.execute("VACUUM ANALYZE accounts.accounts")  # as autovacuum leaves it
    finally:
        await connection.close()


FIRST_NAMES = ("Élise", "Bruno", "Zoë", "Amélie", "Jérôme", "Claire", "Noé", "Hélène", "Loïc",
               "Margaux", "Théo", "Inès", "Gaëlle", "Rémi", "Agnès", "Benoît", "Cécile")
LAST_NAMES = ("Martin", "Dupont", "Lefèvre", "Moreau", "Girard", "Fournier", "Rousseau", "Bonnet",
              "Lambert", "Fontaine", "Chevalier", "Robin", "Masson", "Sánchez", "Noël", "Perrin")


def customer_name(i: int) -> str:
    """Names as a farm has them: first names and surnames with accents, a number to tell apart."""
    return f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[(i // 7) % len(LAST_NAMES)]} {i}"


def customers_page_latency(url: str, token: str, requests: int, search: bool = False,
                           count: bool = False) -> tuple[float, float]:
    """p50 and p99 of the page sorted by balance; with `search`, of a name searched (`q`: a
    first name and the beginning of a surname, accents and case aside; about 1 in 270 match)."""
    timings = []
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}) as client:
        for n in range(requests):
            params = {"sort": "balance", "limit": 100, "offset": (n % 10) * 100,
                      "count": str(count).lower()}
            if search:
                params = {"sort": "balance", "limit": 100,
                          "q": f"{FIRST_NAMES[n % len(FIRST_NAMES)].upper()} "
                               f"{LAST_NAMES[n % len(LAST_NAMES)][:3]}"}
            started = time.perf_counter()
            answer = client.get(url, params=params)
            timings.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 200 and answer.json()["customers"], answer.text
    quantiles = statistics.quantiles(timings, n=100)
    return quantiles[49], quantiles[98]


SETTINGS = ("fsync", "synchronous_commit", "full_page_writes", "wal_sync_method")


async def server_settings(dsn: str) -> str:
    """The settings a connection of this role to this database sees (role and database
    settings included)."""
    connection = await asyncpg.connect(dsn)
    try:
        row = await connection.fetchrow(
            "SELECT current_user, " + ", ".join(f"current_setting('{s}') AS {s}" for s in SETTINGS))
    finally:
        await connection.close()
    return f"{row['current_user']}: " + ", ".join(f"{s}={row[s]}" for s in SETTINGS)


def where_data_is(postgres: LocalPostgres) -> str:
    disk = subprocess.run(["df", "-h", "--output=source,fstype,size,avail",
                           str(postgres.data_dir)], capture_output=True, text=True).stdout
    fields = disk.splitlines()[-1].split() if disk.strip() else ["?"]
    return f"{postgres.data_dir} on " + " ".join(fields)


def settlements(env: dict[str, str], dsn: str, events: int, logs: Path) -> tuple[float, str]:
    """Movements/s of the accounts worker started on a topic holding `events` new settlement
    changes, and the line that tells it."""
    producer_id = f"bench-{uuid.uuid4().hex[:8]}"
    started = time.perf_counter()
    final, orders = asyncio.run(publish_settlements(env["KAFKA_BOOTSTRAP"], producer_id,
                                                    events, 1000))
    print(f"  published {events} events in {time.perf_counter() - started:.1f}s;"
          " now the accounts worker starts and drains the topic", flush=True)
    started = time.perf_counter()
    worker = start("accounts-worker", env, logs / "accounts-worker.log")
    try:
        first_at, applied_at_first, done_at = asyncio.run(wait_until_applied(dsn, producer_id,
                                                                             orders))
    finally:
        stop_pid(worker.pid)  # its offsets committed as it stops: the next worker goes on
    wrong, movements = asyncio.run(check_exact(dsn, producer_id, final))
    share = (events - applied_at_first) / events
    rate = movements * share / (done_at - first_at)
    return rate, (f"{events} events -> {movements} movements; from worker start "
                  f"{done_at - started:.1f}s (process start and group join included); from its "
                  f"first to its last movement {rate:.0f} movements/s, "
                  f"{rate * events / movements:.0f} events/s; accounts not exact: {wrong}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--pgbench-seconds", type=int, default=20)
    parser.add_argument("--durability", choices=["both", "fast", "durable"], default="both",
                        help="PostgreSQL's durable defaults, the tests' fast settings, or both "
                             "(durable first) on the same server in this run")
    parser.add_argument("--rounds", type=int, default=1,
                        help="the phases this many times in turn (durable, fast, durable...): "
                             "on a shared machine, each setting then sees the load of the other")
    args = parser.parse_args()
    instance = os.environ.get("ARDOISE_TEST_INSTANCE", "bench")
    print(f"$ {shlex.join(sys.argv)}  (ARDOISE_TEST_INSTANCE={instance})")
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the start")
    stack = Stack(instance)
    # one consumer group for every phase: each worker goes on where the previous one stopped
    env = {**os.environ, **stack.up(), "KAFKA_GROUP_PREFIX": f"bench{uuid.uuid4().hex[:6]}."}
    dsn = plain_dsn(env["ACCOUNTS_DATABASE_URL"])
    postgres = stack.postgres()
    logs = stack.home / "logs"
    logs.mkdir(exist_ok=True)
    phases = {"both": [True, False], "durable": [True], "fast": [False]}[args.durability]
    phases = phases * args.rounds
    figures: list[tuple[str, float, float, float]] = []
    gateway = None
    try:
        print(f"PostgreSQL data directory: {where_data_is(postgres)} (source, type, size, free)")
        for durable in phases:
            name = "durable" if durable else "fast"
            postgres.restart(durable)
            print(f"\n[{name}] PostgreSQL restarted with "
                  f"{'its durable defaults' if durable else 'the tests settings'}; "
                  f"load average {os.getloadavg()[0]:.2f}")
            print(f"  seen by the accounts worker's role: {asyncio.run(server_settings(dsn))}")
            tps, seen = pgbench_tps(stack, args.pgbench_seconds)
            print(f"  seen by pgbench's role: {seen}")
            print(f"  pgbench tpcb-like (scale 10, 4 clients, 2 threads, {args.pgbench_seconds}s, "
                  f"same server): {tps:.0f} tps", flush=True)
            rate, line = settlements(env, dsn, args.events, logs)
            print(f"  settlements: {line}; ratio to pgbench tps: {rate / tps:.2f}")
            figures.append((name, tps, rate, os.getloadavg()[0]))
        print(f"\n{'settings':<10} {'pgbench tps':>12} {'movements/s':>12} {'ratio':>6}  load")
        for name, tps, rate, load in figures:
            print(f"{name:<10} {tps:>12.0f} {rate:>12.0f} {rate / tps:>6.2f}  {load:.2f}")
        print(f"(fast: {', '.join(SERVER_OPTIONS_FOR_TESTS)}; durable: "
              f"{', '.join(SERVER_OPTIONS_DURABLE)}; --events {args.events})\n")
        if not args.customers:
            return
        port = free_port()
        gateway = start("accounts-gateway", {**env, "ACCOUNTS_HTTP_PORT": str(port)},
                        logs / "accounts-gateway.log")
        page_producer = f"bench-{uuid.uuid4().hex[:8]}"
        asyncio.run(seed_customers(dsn, page_producer, args.customers))
        token = issue_token(env["ARDOISE_JWT_SECRET"], Principal("operator", page_producer))
        url = f"http://127.0.0.1:{port}/v1/producers/{page_producer}/customers"
        wait_for_port("127.0.0.1", port)
        p50, p99 = customers_page_latency(url, token, 300)
        print(f"customers page ({figures[-1][0]} settings), {args.customers} customers, "
              f"sort=balance, 100 per page: p50 {p50:.1f} ms, p99 {p99:.1f} ms")
        p50, p99 = customers_page_latency(url, token, 300, count=True)
        print(f"customers page, the same with the total count: p50 {p50:.1f} ms, "
              f"p99 {p99:.1f} ms")
        p50, p99 = customers_page_latency(url, token, 300, True)
        print(f"customers page, {args.customers} customers, searched by name (q=, accents and "
              f"case aside), with the total count: p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    finally:
        if gateway:
            stop_pid(gateway.pid)
        stack.down()


if __name__ == "__main__":
    main()
