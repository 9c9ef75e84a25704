"""Accounts throughput and the customers page, on the local PostgreSQL and broker.

    .venv/bin/python bench/bench_accounts.py [--events 50000] [--customers 100000]

1. pgbench -b tpcb-like on the same PostgreSQL (same settings), for a reference figure;
2. N SettlementChanged events published to the broker; time until the accounts worker has
   applied all of them, then every balance checked against what the settlements say;
3. p50/p99 of the customers page sorted by balance with M customers.
"""

import argparse
import asyncio
import os
import re
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
from ardoise_tools.devservers.postgres import find_bindir
from ardoise_tools.devservers.process import free_port, stop_pid
from ardoise_tools.devservers.stack import Stack

MODES = ["cash", "cheque", "card", "transfer", "account", "not_delivered"]


def pgbench_tps(stack: Stack, seconds: int) -> float:
    postgres = stack.postgres()
    bindir = find_bindir()
    env = {**os.environ, "PGPASSWORD": postgres.superuser_password}
    base = ["-h", "127.0.0.1", "-p", str(postgres.port), "-U", "postgres"]
    subprocess.run([str(bindir / "dropdb"), *base, "--if-exists", "bench_pgbench"], env=env, check=True)
    subprocess.run([str(bindir / "createdb"), *base, "bench_pgbench"], env=env, check=True)
    subprocess.run([str(bindir / "pgbench"), *base, "-i", "-q", "-s", "10", "bench_pgbench"],
                   env=env, check=True, capture_output=True)
    out = subprocess.run([str(bindir / "pgbench"), *base, "-b", "tpcb-like", "-c", "4", "-j", "2",
                          "-T", str(seconds), "bench_pgbench"], env=env, check=True,
                         capture_output=True, text=True).stdout
    return float(re.search(r"tps = ([\d.]+)", out).group(1))


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
        rows = await connection.fetch(
            "SELECT a.customer_id, a.balance_cents, coalesce(sum(m.amount_cents), 0) AS summed"
            " FROM accounts.accounts a LEFT JOIN accounts.movements m USING (producer_id, customer_id)"
            " WHERE a.producer_id=$1 GROUP BY 1, 2", producer_id)
        movements = await connection.fetchval(
            "SELECT count(*) FROM accounts.movements WHERE producer_id=$1", producer_id)
    finally:
        await connection.close()
    wrong = sum(1 for r in rows if not (r["balance_cents"] == r["summed"] == final[r["customer_id"]]))
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--pgbench-seconds", type=int, default=20)
    args = parser.parse_args()
    print(f"$ {' '.join(sys.argv)}")
    stack = Stack("bench")
    env = {**os.environ, **stack.up(), "KAFKA_GROUP_PREFIX": f"bench{uuid.uuid4().hex[:6]}."}
    dsn = plain_dsn(env["ACCOUNTS_DATABASE_URL"])
    tps = pgbench_tps(stack, args.pgbench_seconds)
    print(f"pgbench tpcb-like (4 clients, same server): {tps:.0f} tps")
    logs = stack.home / "logs"
    logs.mkdir(exist_ok=True)
    port = free_port()
    gateway = start("accounts-gateway", {**env, "ACCOUNTS_HTTP_PORT": str(port)},
                    logs / "accounts-gateway.log")
    worker = None
    try:
        producer_id = f"bench-{uuid.uuid4().hex[:8]}"
        started = time.perf_counter()
        final, orders = asyncio.run(publish_settlements(env["KAFKA_BOOTSTRAP"], producer_id,
                                                        args.events, 1000))
        print(f"published {args.events} events in {time.perf_counter() - started:.1f}s;"
              " now the accounts worker starts and drains the topic")
        started = time.perf_counter()
        worker = start("accounts-worker", env, logs / "accounts-worker.log")
        first_at, applied_at_first, done_at = asyncio.run(wait_until_applied(dsn, producer_id,
                                                                             orders))
        wrong, movements = asyncio.run(check_exact(dsn, producer_id, final))
        share = (args.events - applied_at_first) / args.events
        rate = movements * share / (done_at - first_at)
        print(f"settlements: {args.events} events -> {movements} movements; from worker start "
              f"{done_at - started:.1f}s (process start and group join included); from its first "
              f"to its last movement {rate:.0f} movements/s, {rate * args.events / movements:.0f} "
              f"events/s; ratio to pgbench tps: {rate / tps:.2f}; accounts not exact: {wrong}")
        page_producer = f"bench-{uuid.uuid4().hex[:8]}"
        asyncio.run(seed_customers(dsn, page_producer, args.customers))
        token = issue_token(env["ARDOISE_JWT_SECRET"], Principal("operator", page_producer))
        p50, p99 = customers_page_latency(
            f"http://127.0.0.1:{port}/v1/producers/{page_producer}/customers", token, 300)
        print(f"customers page, {args.customers} customers, sort=balance, 100 per page: "
              f"p50 {p50:.1f} ms, p99 {p99:.1f} ms")
        p50, p99 = customers_page_latency(
            f"http://127.0.0.1:{port}/v1/producers/{page_producer}/customers", token, 300,
            count=True)
        print(f"customers page, the same with the total count: p50 {p50:.1f} ms, "
              f"p99 {p99:.1f} ms")
        p50, p99 = customers_page_latency(
            f"http://127.0.0.1:{port}/v1/producers/{page_producer}/customers", token, 300, True)
        print(f"customers page, {args.customers} customers, searched by name (q=, accents and "
              f"case aside), with the total count: p50 {p50:.1f} ms, p99 {p99:.1f} ms")
    finally:
        if worker:
            stop_pid(worker.pid)
        stop_pid(gateway.pid)
        stack.down()


if __name__ == "__main__":
    main()
