"""Outages of the broker and of PostgreSQL while the gateways keep being used: once the server is
back, every write made meanwhile is delivered and applied exactly once, with no process restarted.

The local broker keeps nothing across a restart (memory storage): the system finds its topics
and its consumer groups' offsets gone, and must carry on by itself.
"""

import asyncio
import os
import random
import time
from dataclasses import dataclass, field

import asyncpg
import httpx

from ardoise.auth import Principal
from ardoise.db import plain_dsn
from ardoise_tools.testing import servers as test_servers
from ardoise_tools.testing.polling import eventually

from ..e2e.conftest import Caller

BROKER_DOWN_S = int(os.environ.get("ARDOISE_BROKER_OUTAGE_S", "60"))
POSTGRES_DOWN_S = 8
CUSTOMERS = 8
GATEWAYS = ("orders", "accounts", "payments", "exports", "journal")


@dataclass
class Shop:
    """One producer's writes through the gateways, and what they must add up to."""

    system: object
    producer_id: str
    rng: random.Random = field(default_factory=lambda: random.Random(20261128))
    balances: dict[str, int] = field(default_factory=dict)
    settled: dict[str, tuple[str, int]] = field(default_factory=dict)
    """order id → (mode, amount paid) as last written."""
    owed: dict[str, int] = field(default_factory=dict)
    """order id → what the customer is owed (or owes, negative): paid less the total."""
    writes: int = 0

    def __post_init__(self) -> None:
        self.operator = Caller(self.system, Principal("operator", self.producer_id))

    async def open(self) -> None:
        for n in range(CUSTOMERS):
            answer = await self.operator.arequest(
                "PUT", "accounts", f"/v1/producers/{self.producer_id}/customers/c{n}",
                json={"name": f"Client {n}"})
            assert answer.status_code in (200, 201), answer.text
            self.balances[f"c{n}"] = 0

    async def sell_and_settle(self) -> None:
        """One order placed, settled in cash for a random amount, and one top-up: three writes."""
        customer = f"c{self.rng.randrange(CUSTOMERS)}"
        total, paid, top_up = (self.rng.randrange(100, 5000), self.rng.randrange(0, 6000),
                               self.rng.randrange(1, 3000))
        base = f"/v1/producers/{self.producer_id}"
        placed = await self.operator.arequest("POST", "orders", f"{base}/orders", json={
            "customer_id": customer,
            "lines": [{"label": "Panier", "quantity": 1, "unit_price_cents": total}]})
        assert placed.status_code == 201, placed.text
        order_id = placed.json()["order_id"]
        settled = await self.operator.arequest(
            "PUT", "payments", f"{base}/orders/{order_id}/settlement",
            json={"mode": "cash", "amount_paid_cents": paid})
        assert settled.status_code == 200, settled.text
        moved = await self.operator.arequest(
            "POST", "accounts", f"{base}/customers/{customer}/movements",
            json={"direction": "credit", "amount_cents": top_up, "label": "Avance"})
        assert moved.status_code == 201, moved.text
        self.settled[order_id] = ("cash", paid)
        self.owed[order_id] = paid - total
        self.balances[customer] += paid - total + top_up
        self.writes += 3

    async def all_applied(self) -> tuple[int, int, int, int, int]:
        """How many balances, orders' settlements and export rows agree with what was written;
        how many orders the journal has settled and paid as written, and its top-ups."""
        env = self.system.env
        accounts = await _fetch(env, "ACCOUNTS", """
            SELECT a.customer_id, a.balance_cents, coalesce(sum(m.amount_cents), 0) AS summed
            FROM accounts.accounts a LEFT JOIN accounts.movements m USING (producer_id, customer_id)
            WHERE a.producer_id = $1 GROUP BY a.customer_id, a.balance_cents""", self.producer_id)
        balances_right = sum(1 for r in accounts if r["balance_cents"] == r["summed"]
                             == self.balances.get(r["customer_id"]))
        orders = await _fetch(env, "ORDERS", """
            SELECT order_id::text, mode, amount_paid_cents FROM orders.settlements
            WHERE producer_id = $1""", self.producer_id)
        orders_right = sum(1 for r in orders
                           if self.settled.get(r["order_id"]) == (r["mode"], r["amount_paid_cents"]))
        sales = await _fetch(env, "EXPORTS", """
            SELECT order_id::text, mode, amount_paid_cents FROM exports.sales
            WHERE producer_id = $1""", self.producer_id)
        sales_right = sum(1 for r in sales
                          if self.settled.get(r["order_id"]) == (r["mode"], r["amount_paid_cents"]))
        journal = await _fetch(env, "JOURNAL", """
            SELECT s.order_id, s.mode, s.amount_paid_cents, coalesce(p.paid, 0) AS paid
            FROM (SELECT DISTINCT ON (content->>'order_id') content->>'order_id' AS order_id,
                         content->>'mode' AS mode,
                         (content->>'amount_paid_cents')::bigint AS amount_paid_cents
                  FROM journal.entries WHERE producer_id = $1 AND kind = 'settlement'
                  ORDER BY content->>'order_id', (content->>'version')::int DESC) s
            LEFT JOIN (SELECT content->>'order_id' AS order_id,
                              sum((content->>'amount_cents')::bigint) AS paid
                       FROM journal.entries WHERE producer_id = $1 AND kind = 'payment'
                         AND content->>'mode' = 'cash'
                       GROUP BY 1) p USING (order_id)""", self.producer_id)
        journal_right = sum(1 for r in journal if self.settled.get(r["order_id"])
                            == (r["mode"], r["amount_paid_cents"]) == ("cash", r["paid"]))
        top_ups = await _fetch(env, "JOURNAL", """
            SELECT count(*) AS n FROM journal.entries WHERE producer_id = $1
            AND kind = 'movement'""", self.producer_id)
        return (balances_right, orders_right, sales_right, journal_right, top_ups[0]["n"])

    def expected(self) -> tuple[int, int, int, int, int]:
        return (len(self.balances), len(self.settled), len(self.settled), len(self.settled),
                self.writes // 3)

    async def caught_up(self, timeout_s: float = 180.0) -> tuple[int, int, int, int, int]:
        return await eventually(self.all_applied, lambda found: found == self.expected(),
                                timeout_s=timeout_s, interval_s=1.0)

    async def doubled(self) -> int:
        """Movements beyond one debit and one credit per order and one per top-up."""
        rows = await _fetch(self.system.env, "ACCOUNTS", """
            SELECT count(*) FILTER (WHERE order_id IS NULL) AS manual,
                   count(*) FILTER (WHERE order_id IS NOT NULL) AS from_orders
            FROM accounts.movements WHERE producer_id = $1""", self.producer_id)
        top_ups = self.writes // 3
        paid_orders = sum(1 for _, paid in self.settled.values() if paid)
        return (rows[0]["manual"] - top_ups) + (rows[0]["from_orders"]
                                                - len(self.settled) - paid_orders)

    async def journal_checked(self, journal) -> str:
        """The journal after the outage: one settlement entry per order, one payment per order
        paid, one credit note per order paid more or less than its total (for the difference),
        one movement per top-up, nothing more; numbered without a gap, every chain valid. Its
        figures, for the line printed."""
        found = await journal.found(self.producer_id)
        kinds = found.kinds()
        wanted = {"settlement": len(self.settled),
                  "payment": sum(1 for _, paid in self.settled.values() if paid),
                  "credit_note": sum(1 for owed in self.owed.values() if owed),
                  "movement": self.writes // 3}
        doubled = sum(max(0, kinds[kind] - n) for kind, n in wanted.items())
        lost = sum(max(0, n - kinds[kind]) for kind, n in wanted.items())
        assert (lost, doubled) == (0, 0), (kinds, wanted)
        assert set(kinds) <= set(wanted), kinds
        notes = {note["order_id"]: note["amount_cents"] for note in found.of_kind("credit_note")}
        assert notes == {order: owed for order, owed in self.owed.items() if owed}
        assert found.gapless() and found.valid, found.report
        return (f"journal: {len(found.entries)} entries, {lost} lost, {doubled} doubled, "
                f"seqs without a gap, chain valid")


async def _fetch(env: dict, service: str, query: str, *args) -> list:
    connection = await asyncpg.connect(plain_dsn(env[f"{service}_DATABASE_URL"]))
    try:
        return await connection.fetch(query, *args)
    finally:
        await connection.close()


async def health(system) -> dict[str, int]:
    async with httpx.AsyncClient(timeout=10) as client:
        return {g: (await client.get(f"{system.urls[g]}/health")).status_code for g in GATEWAYS}


async def test_the_broker_down_for_a_minute_loses_nothing_and_doubles_nothing(system,
                                                                             producer_id, journal):
    shop = Shop(system, producer_id)
    await shop.open()
    for _ in range(10):
        await shop.sell_and_settle()
    await shop.caught_up()  # the consumers have caught up: now the broker goes
    before_outage = shop.writes

    broker = test_servers.test_stack().broker()
    broker.stop()
    stopped = time.monotonic()
    try:
        assert set((await health(system)).values()) == {503}
        while time.monotonic() - stopped < BROKER_DOWN_S:
            await shop.sell_and_settle()
            await asyncio.sleep(0.2)
        nothing_yet = await shop.all_applied()
    finally:
        broker.ensure_running()
    during = shop.writes - before_outage
    assert nothing_yet != shop.expected(), "the writes made during the outage were applied already"

    applied = await shop.caught_up()
    await eventually(lambda: health(system), lambda codes: set(codes.values()) == {200})
    doubled = await shop.doubled()
    assert doubled == 0
    journal_figures = await shop.journal_checked(journal)
    print(f"outage(broker): {BROKER_DOWN_S} s down, {during} writes during it, "
          f"{applied[1]} orders and {applied[0]} balances applied after, 0 lost, "
          f"{doubled} doubled; {journal_figures}")


async def test_a_postgresql_restart_is_survived_without_restarting_any_process(system,
                                                                              producer_id,
                                                                              journal):
    shop = Shop(system, producer_id)
    await shop.open()
    for _ in range(5):
        await shop.sell_and_settle()
    await shop.caught_up()
    pids = {name: process.pid for name, process in system.processes.items()}

    postgres = test_servers.test_stack().postgres()
    postgres.stop()
    try:
        refused = 0
        started = time.monotonic()
        while time.monotonic() - started < POSTGRES_DOWN_S:
            answer = await shop.operator.arequest(
                "POST", "accounts", f"/v1/producers/{producer_id}/customers/c0/movements",
                json={"direction": "credit", "amount_cents": 100})
            assert answer.status_code == 503, (answer.status_code, answer.text)
            refused += 1
            await asyncio.sleep(0.5)
        assert set((await health(system)).values()) == {503}
    finally:
        postgres.ensure_running()

    await eventually(lambda: health(system), lambda codes: set(codes.values()) == {200},
                     timeout_s=60, interval_s=0.5)
    for _ in range(10):
        await shop.sell_and_settle()
    applied = await shop.caught_up()
    assert {name: p.pid for name, p in system.processes.items()} == pids
    assert all(p.poll() is None for p in system.processes.values())
    doubled = await shop.doubled()
    assert doubled == 0
    journal_figures = await shop.journal_checked(journal)
    print(f"outage(postgres): down {POSTGRES_DOWN_S} s, {refused} writes refused with 503 "
          f"meanwhile, then {applied[1]} orders and {applied[0]} balances applied, 0 lost, "
          f"{doubled} doubled, 0 processes restarted; {journal_figures}")
