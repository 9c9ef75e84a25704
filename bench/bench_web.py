"""The web pages' server time against the gateway call each one makes, on the local servers.

    .venv/bin/python bench/bench_web.py [--customers 10000] [--orders 2000] [--requests 200]

Seeds one producer with N customers (accounts) and M orders in one week, half of them settled
(payments), then times, p50/p99, in the same run:
- `GET /clients` (the web page, signed in) and the accounts gateway's customers page it calls;
- `GET /paiements?semaine=` (the web page) and the payments gateway's week page it calls.
The figure to read is the ratio: what rendering the page adds to the gateway's answer.
"""

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta

import asyncpg
import httpx
from bench_accounts import customer_name, seed_customers, start

from ardoise.auth import Principal, issue_token
from ardoise.db import make_engine, make_sessionmaker, plain_dsn
from ardoise_tools.devservers.process import free_port, stop_pid
from ardoise_tools.devservers.stack import Stack
from web import signin
from web.adapters.orm import SCHEMA as WEB_SCHEMA

MONDAY = date(2026, 11, 16)
"""The seeded week (any week does; the pages are asked for it by name)."""
MODES = ("cash", "cheque", "card", "transfer")


async def seed_week(dsn: str, producer_id: str, customers: int, count: int) -> None:
    """M orders delivered in the week, customers' names known, every other one settled."""
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(
            "INSERT INTO payments.settings (producer_id, payment_tracking, accepted_modes,"
            " online_payment_required, time_zone) VALUES ($1, true, $2, false, 'Europe/Paris')",
            producer_id, ["not_delivered", "account", *MODES])
        await connection.copy_records_to_table(
            "customers", schema_name="payments", columns=["producer_id", "customer_id", "name"],
            records=[(producer_id, f"c{i:06d}", customer_name(i)) for i in range(customers)])
        orders = [(producer_id, uuid.uuid4(), f"c{(i * 37) % customers:06d}", 1000 + i % 4000,
                   MONDAY + timedelta(days=i % 7)) for i in range(count)]
        await connection.copy_records_to_table(
            "orders", schema_name="payments",
            columns=["producer_id", "order_id", "customer_id", "total_cents", "delivery_date"],
            records=orders)
        await connection.copy_records_to_table(
            "settlements", schema_name="payments",
            columns=["producer_id", "order_id", "mode", "amount_paid_cents", "received",
                     "version"],
            records=[(producer_id, order_id, MODES[i % 4], total,
                      json.dumps({MODES[i % 4]: total}), 1)
                     for i, (_, order_id, _, total, _) in enumerate(orders) if i % 2 == 0])
        await connection.execute("ANALYZE payments.orders; ANALYZE payments.settlements")
    finally:
        await connection.close()


async def session_cookie(database_url: str, producer_id: str) -> str:
    """A signed-in operator's cookie, through a link used as the page would."""
    engine = make_engine(database_url, WEB_SCHEMA)
    sessions = make_sessionmaker(engine)
    try:
        now = datetime.now(UTC)
        token = await signin.create_link(sessions, Principal("operator", producer_id),
                                         "bench@example.org", now, 900)
        cookie, _ = await signin.use_link(sessions, token, now, 3600)
        return cookie
    finally:
        await engine.dispose()


def timed(client: httpx.Client, url: str, params: dict, requests: int,
          wanted: str) -> tuple[float, float]:
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        answer = client.get(url, params=params)
        timings.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200 and wanted in answer.text, answer.text[:500]
    quantiles = statistics.quantiles(timings, n=100)
    return quantiles[49], quantiles[98]


def wait_healthy(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(url)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--orders", type=int, default=2_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    print(f"$ {' '.join(sys.argv)}")
    stack = Stack("bench")
    env = {**os.environ, **stack.up()}
    logs = stack.home / "logs"
    logs.mkdir(exist_ok=True)
    ports = {name: free_port() for name in ("accounts", "payments", "web")}
    env.update({f"{name.upper()}_HTTP_PORT": str(port) for name, port in ports.items()})
    env.update({f"{name.upper()}_URL": f"http://127.0.0.1:{port}"
                for name, port in ports.items() if name != "web"})
    processes = [start(f"{name}-gateway", env, logs / f"{name}-gateway.log") for name in ports]
    try:
        for port in ports.values():
            wait_healthy(f"http://127.0.0.1:{port}")
        producer_id = f"bench-{uuid.uuid4().hex[:8]}"
        asyncio.run(seed_customers(plain_dsn(env["ACCOUNTS_DATABASE_URL"]), producer_id,
                                   args.customers))
        asyncio.run(seed_week(plain_dsn(env["PAYMENTS_DATABASE_URL"]), producer_id,
                              args.customers, args.orders))
        cookie = asyncio.run(session_cookie(env["WEB_DATABASE_URL"], producer_id))
        token = issue_token(env["ARDOISE_JWT_SECRET"], Principal("operator", producer_id))
        year, week, _ = MONDAY.isocalendar()
        iso_week = f"{year}-W{week:02d}"
        web = httpx.Client(base_url=f"http://127.0.0.1:{ports['web']}",
                           cookies={"ardoise_session": cookie}, timeout=30)
        api = httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=30)
        accounts = f"http://127.0.0.1:{ports['accounts']}/v1/producers/{producer_id}/customers"
        payments = f"http://127.0.0.1:{ports['payments']}/v1/producers/{producer_id}/payments"
        for label, page, call in (
                (f"customers page ({args.customers} customers)",
                 timed(web, "/clients", {}, args.requests, customer_name(0).split()[0]),
                 timed(api, accounts, {"sort": "balance", "limit": 50}, args.requests,
                       "customers")),
                (f"week page ({args.orders} orders in the week)",
                 timed(web, "/paiements", {"semaine": iso_week}, args.requests, "Espèces"),
                 timed(api, payments, {"week": iso_week}, args.requests, "rows"))):
            print(f"{label}: web p50 {page[0]:.1f} ms, p99 {page[1]:.1f} ms; gateway call "
                  f"p50 {call[0]:.1f} ms, p99 {call[1]:.1f} ms; ratio web/gateway p50 "
                  f"{page[0] / call[0]:.2f}, p99 {page[1] / call[1]:.2f}")
    finally:
        for process in processes:
            stop_pid(process.pid)
        stack.down()


if __name__ == "__main__":
    main()
