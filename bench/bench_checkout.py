"""Order request → checkout_url readable, for orders paid online with SumUp (the stand-in).

    .venv/bin/python bench/bench_checkout.py [--orders 500] [--poll-ms 10]

Starts its own stack (PostgreSQL, broker, every gateway and worker, the SumUp stand-in),
places the orders one after another as a customer with 5,00 € of credit, and for each one
measures from the order request to the first GET of the order that shows its checkout_url
(the order is read every --poll-ms: reading it every 2 ms kept a core of this 2-core machine
busy in the orders gateway, which then slowed the very workers being measured).
"""

import argparse
import asyncio
import statistics
import sys
import time
import uuid

import asyncpg
import httpx

from ardoise.auth import Principal, issue_token
from ardoise.devservers.stack import Stack
from ardoise.testing.system import RunningSystem


async def wait_for_setting(url: str, producer: str) -> None:
    """The orders service hears of the setting through an event: wait until it has."""
    connection = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        while not await connection.fetchval(
                "SELECT online_payment_required FROM orders.producers WHERE producer_id = $1",
                producer):
            await asyncio.sleep(0.1)
    finally:
        await connection.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--poll-ms", type=float, default=10.0,
                        help="how often the order is read until its checkout_url shows")
    args = parser.parse_args()
    print(f"$ {' '.join(sys.argv)}")
    stack = Stack("bench")
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
                 json={"online_payment_required": True}).raise_for_status()
        asyncio.run(wait_for_setting(system.env["ORDERS_DATABASE_URL"], producer))
        timings = []
        for _ in range(args.orders):
            started = time.perf_counter()
            placed = http.post(f"{u['orders']}/v1/producers/{producer}/orders", headers=customer,
                               json={"customer_id": "c1", "lines": [
                                   {"label": "Panier", "quantity": 1, "unit_price_cents": 2000}]})
            placed.raise_for_status()
            path = f"{u['orders']}/v1/producers/{producer}/orders/{placed.json()['order_id']}"
            while not ((http.get(path, headers=customer).json().get("payment") or {})
                       .get("checkout_url")):
                time.sleep(args.poll_ms / 1000)
            timings.append((time.perf_counter() - started) * 1000)
        q = statistics.quantiles(timings, n=100)
        print(f"{args.orders} orders one after another, the order read every {args.poll_ms:g} ms, "
              f"order request -> checkout_url readable: "
              f"p50 {q[49]:.1f} ms, p99 {q[98]:.1f} ms, max {max(timings):.1f} ms")
    finally:
        system.stop()
        stack.down()


if __name__ == "__main__":
    main()
