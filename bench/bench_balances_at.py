"""The customers page on a past date (`?at=`) against the current-balance page, in one run.

    .venv/bin/python bench/bench_balances_at.py [--customers 100000] [--movements 2000000]
                                                [--requests 300] [--keep]

On a private instance (`.run/bench-balances/`: its own PostgreSQL and broker, migrated):
1. one producer's customers and their ledgers written with COPY: movements spread over two
   years (2025-2026), in time order as they are recorded (so each account's `at` and `id` grow
   together), signed amounts, `balance_after_cents` running; each account's stored balance is
   its last; the movements' secondary indexes built after the COPY (timed: what migration
   0008 costs on such a ledger); then VACUUM ANALYZE, as autovacuum leaves an append-only
   table;
2. the balances the page gives at a date checked against the sums of the movements up to it
   (every customer, SQL), so the figures below are of a right answer;
3. EXPLAIN ANALYZE of the first page at the date, by name, walked by balance, and every
   balance computed (what deep pages and early dates cost);
4. p50/p99 over HTTP (the accounts gateway) of the first page (100 rows): the current page sorted
   by name and by balance, then `?at=2025-12-31T23:59` sorted by name and by balance, and the
   ratios; `?at=` also with `-balance`, a deeper page, `in_debt`, `q`, the count, and a date
   early in the history; then the XLSX of every balance at the date, timed and read back.
`--keep` leaves the instance running (for EXPLAIN ANALYZE); otherwise it is stopped.
"""

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

import asyncpg
import httpx
from openpyxl import load_workbook
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex

from accounts.adapters.orm import movements
from accounts.balances_at import computed_query, walk_query
from accounts.domain.search import searchable
from ardoise.auth import Principal, issue_token
from ardoise.db import plain_dsn
from ardoise_tools.devservers.process import free_port, stop_pid, wait_for_port
from ardoise_tools.devservers.stack import Stack

INSTANCE = "bench-balances"
START = datetime(2025, 1, 1, tzinfo=UTC)
SPAN_S = 2 * 365 * 86400
AT = "2025-12-31T23:59"
"""The accountant's question: every balance at the end of the year, in Paris time."""
AT_UTC = datetime(2025, 12, 31, 22, 59, 59, 999999, tzinfo=UTC)
"""`AT` as the gateway reads it: to the end of that minute, Europe/Paris (UTC+1 in winter)."""
FIRST_NAMES = ("Élise", "Bruno", "Zoë", "Amélie", "Jérôme", "Claire", "Noé", "Hélène", "Loïc",
               "Margaux", "Théo", "Inès", "Gaëlle", "Rémi", "Agnès", "Benoît", "Cécile")
LAST_NAMES = ("Martin", "Dupont", "Lefèvre", "Moreau", "Girard", "Fournier", "Rousseau", "Bonnet",
              "Lambert", "Fontaine", "Chevalier", "Robin", "Masson", "Sánchez", "Noël", "Perrin")


def customer_name(i: int) -> str:
    return f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[(i // 7) % len(LAST_NAMES)]} {i}"


def ledgers(customers: int, count: int, seed: int = 25):
    """Movement records in the order they were recorded, and each account's final balance."""
    rng = random.Random(seed)
    owners = [rng.randrange(customers) for _ in range(count)]
    seconds = sorted(rng.randrange(SPAN_S) for _ in range(count))
    balances = [0] * customers
    records = []
    for owner, second in zip(owners, seconds, strict=True):
        # orders debited (most), payments and top-ups credited: balances wander both ways
        amount_cents = -rng.randrange(300, 6000) if rng.random() < 0.55 else rng.randrange(
            300, 7000)
        balances[owner] += amount_cents
        kind = "credit" if amount_cents > 0 else "debit"
        records.append((uuid.uuid4(), owner,
                        START + timedelta(seconds=second), kind, amount_cents, balances[owner]))
    return records, balances


async def seed(dsn: str, producer_id: str, customers: int, count: int) -> float:
    started = time.perf_counter()
    records, balances = ledgers(customers, count)
    made = time.perf_counter() - started
    connection = await asyncpg.connect(dsn)
    try:
        # the instance is the bench's own: an earlier run's ledgers go
        await connection.execute("TRUNCATE accounts.movements, accounts.accounts")
        started = time.perf_counter()
        await connection.copy_records_to_table(
            "accounts", schema_name="accounts",
            columns=["producer_id", "customer_id", "name", "search_name", "balance_cents"],
            records=[(producer_id, f"c{i:06d}", name, searchable(name), balances[i])
                     for i in range(customers) for name in [customer_name(i)]])
        # the movements' secondary indexes are built after the COPY, as a restore does (and
        # as migration 0008 builds its two on an existing ledger): their build times print
        for index in movements.indexes:
            await connection.execute(f"DROP INDEX IF EXISTS accounts.{index.name}")
        await connection.copy_records_to_table(
            "movements", schema_name="accounts",
            columns=["movement_id", "producer_id", "customer_id", "at", "kind", "amount_cents",
                     "balance_after_cents", "label"],
            records=[(movement_id, producer_id, f"c{owner:06d}", at, kind, amount_cents,
                      balance_after_cents, "Commande" if amount_cents < 0 else "Paiement")
                     for movement_id, owner, at, kind, amount_cents, balance_after_cents
                     in records])
        copied = time.perf_counter() - started
        built = []
        for index in sorted(movements.indexes, key=lambda index: index.name):
            started = time.perf_counter()
            await connection.execute(str(CreateIndex(index).compile(dialect=postgresql.dialect())))
            built.append(f"{index.name} {time.perf_counter() - started:.1f}s")
        await connection.execute("VACUUM ANALYZE accounts.accounts")
        await connection.execute("VACUUM ANALYZE accounts.movements")
    finally:
        await connection.close()
    print(f"seeded {customers} customers and {count} movements: generated in {made:.1f}s, "
          f"COPY {copied:.1f}s ({count / copied:.0f} movements/s); indexes built: "
          f"{', '.join(built)}; then VACUUM ANALYZE")
    return copied


async def wrong_balances(dsn: str, producer_id: str, answered: dict[str, int]) -> int:
    """Customers whose balance on the page differs from the sum of their movements up to AT."""
    connection = await asyncpg.connect(dsn)
    try:
        rows = await connection.fetch(
            "SELECT a.customer_id, coalesce(sum(m.amount_cents), 0) AS summed"
            " FROM accounts.accounts a LEFT JOIN accounts.movements m"
            " ON m.producer_id = a.producer_id AND m.customer_id = a.customer_id AND m.at <= $2"
            " WHERE a.producer_id = $1 GROUP BY 1", producer_id, AT_UTC)
    finally:
        await connection.close()
    return sum(1 for r in rows if answered.get(r["customer_id"]) != r["summed"])


def every_balance_at(client: httpx.Client, url: str) -> dict[str, int]:
    """Walk every page of `?at=AT` sorted by name (1000 a page)."""
    answered, offset = {}, 0
    while True:
        page = client.get(url, params={"at": AT, "sort": "name", "limit": 1000,
                                       "offset": offset, "count": "false"}).json()
        answered.update({row["customer_id"]: row["balance_cents"] for row in page["customers"]})
        if len(page["customers"]) < 1000:
            return answered
        offset += 1000


async def plans(dsn: str, producer_id: str) -> None:
    """EXPLAIN ANALYZE of the first page at AT: by name (one probe per row), walked by balance,
    and every balance computed (what the walk spares, and what deep pages cost)."""
    queries = {
        "by name": computed_query(producer_id, AT_UTC, "name").limit(100),
        "by balance, walked": walk_query(producer_id, AT_UTC, "balance", 100, False)[0],
        "by balance, every balance computed": computed_query(producer_id, AT_UTC,
                                                             "balance").limit(100),
    }
    connection = await asyncpg.connect(dsn)
    try:
        for label, query in queries.items():
            sql = str(query.compile(dialect=postgresql.dialect(),
                                    compile_kwargs={"literal_binds": True}))
            for _ in range(2):  # the second, warm
                plan = await connection.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            lines = [row[0] for row in plan]
            nodes = [line.strip() for line in lines if "->" in line or "Index" in line]
            print(f"EXPLAIN ANALYZE, {label}: {lines[-1].strip()}")
            for node in nodes[:8]:
                print(f"    {node[:150]}")
    finally:
        await connection.close()


def latency(client: httpx.Client, url: str, params: dict, requests: int) -> tuple[float, float]:
    """p50 and p99 (ms) of one page, asked `requests` times after 10 unmeasured ones."""
    timings = []
    for n in range(requests + 10):
        started = time.perf_counter()
        answer = client.get(url, params=params)
        if n >= 10:
            timings.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200 and answer.json()["customers"], answer.text
    quantiles = statistics.quantiles(timings, n=100)
    return quantiles[49], quantiles[98]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--movements", type=int, default=2_000_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--keep", action="store_true", help="leave the instance running")
    args = parser.parse_args()
    print(f"$ {' '.join(sys.argv)}")
    stack = Stack(INSTANCE)
    env = {**os.environ, **stack.up()}
    dsn = plain_dsn(env["ACCOUNTS_DATABASE_URL"])
    producer_id = f"bench-{uuid.uuid4().hex[:8]}"
    asyncio.run(seed(dsn, producer_id, args.customers, args.movements))
    asyncio.run(plans(dsn, producer_id))
    logs = stack.home / "logs"
    logs.mkdir(exist_ok=True)
    port = free_port()
    gateway = subprocess.Popen(
        [str(Path(sys.executable).parent / "accounts-gateway")],
        env={**env, "ACCOUNTS_HTTP_PORT": str(port)},
        stdout=open(logs / "accounts-gateway.log", "ab"), stderr=subprocess.STDOUT)
    try:
        wait_for_port("127.0.0.1", port)
        token = issue_token(env["ARDOISE_JWT_SECRET"], Principal("operator", producer_id))
        url = f"http://127.0.0.1:{port}/v1/producers/{producer_id}/customers"
        with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
            wrong = asyncio.run(wrong_balances(dsn, producer_id, every_balance_at(client, url)))
            print(f"balances at {AT} (Europe/Paris) checked against the sums of the movements "
                  f"up to it, all {args.customers} customers: {wrong} wrong")
            figures = {}
            at, no_count = {"at": AT}, {"count": "false"}
            for label, params in (
                ("current, sort=name", {"sort": "name", **no_count}),
                ("current, sort=balance", {"sort": "balance", **no_count}),
                (f"at={AT}, sort=name", {"sort": "name", **at, **no_count}),
                (f"at={AT}, sort=balance", {"sort": "balance", **at, **no_count}),
                (f"at={AT}, sort=-balance", {"sort": "-balance", **at, **no_count}),
                (f"at={AT}, sort=balance, offset=900", {"sort": "balance", "offset": 900, **at,
                                                        **no_count}),
                (f"at={AT}, sort=name, in_debt", {"sort": "name", "in_debt": "true", **at,
                                                  **no_count}),
                (f"at={AT}, sort=balance, q=zoe mas", {"sort": "balance", "q": "zoe mas",
                                                       **at, **no_count}),
                ("current, sort=balance, count", {"sort": "balance"}),
                (f"at={AT}, sort=balance, count", {"sort": "balance", **at}),
                ("at=2025-01-02 (1 day in), sort=balance", {"sort": "balance",
                                                            "at": "2025-01-02", **no_count}),
            ):
                p50, p99 = latency(client, url, {"limit": 100, **params}, args.requests)
                figures[label] = (p50, p99)
                print(f"  {label:<44} p50 {p50:7.1f} ms  p99 {p99:7.1f} ms")
            started = time.perf_counter()
            workbook = client.get(f"{url}/balances.xlsx", params={"at": AT})
            took = time.perf_counter() - started
            sheet = load_workbook(BytesIO(workbook.content), read_only=True)["Soldes"]
            listed = sum(1 for row in sheet.iter_rows(min_row=5, values_only=True)
                         if row and row[1])
            print(f"balances.xlsx?at={AT}: {listed} customers, {len(workbook.content)} bytes "
                  f"in {took:.1f}s")
            for sort in ("name", "balance"):
                now, then = figures[f"current, sort={sort}"], figures[f"at={AT}, sort={sort}"]
                print(f"ratio at=/current, sort={sort}: p50 {then[0] / now[0]:.2f}, "
                      f"p99 {then[1] / now[1]:.2f}")
    finally:
        stop_pid(gateway.pid)
        if args.keep:
            print(f"instance kept: {dsn} (producer {producer_id}); stop it with "
                  f".venv/bin/ardoise servers down --instance {INSTANCE}")
        else:
            stack.down()


if __name__ == "__main__":
    main()
