"""Workers killed with SIGKILL while settlements and movements flow: nothing lost, nothing doubled."""

import random
import uuid
from datetime import date

import asyncpg

from ardoise.auth import Principal
from ardoise.db import plain_dsn
from ardoise.events import SettlementChanged, encode_event
from ardoise.kafka import make_broker
from ardoise_tools.testing.polling import eventually

from ..e2e.conftest import Caller

MODES = ["cash", "cheque", "card", "transfer", "account", "not_delivered", "online"]
PAYING = {"cash", "cheque", "card", "transfer", "online"}
WORKERS = ["accounts-worker", "exports-worker", "payments-worker", "orders-worker"]


def settlement_story(producer_id: str, orders: int, versions: int, rng: random.Random):
    """Every order's settlements, version by version; returns the events and each order's final one."""
    events, final = [], {}
    for n in range(orders):
        order_id, customer_id = uuid.uuid4(), f"c{n % 50}"
        for version in range(1, versions + 1):
            mode = rng.choice(MODES)
            paid = rng.randrange(0, 5000) if mode in PAYING else 0
            events.append(SettlementChanged(
                producer_id=producer_id, order_id=order_id, customer_id=customer_id,
                version=version, total_cents=2000, delivery_date=date(2026, 11, 27), mode=mode,
                amount_paid_cents=paid))
            final[order_id] = events[-1]
    return events, final


def effect(event: SettlementChanged) -> int:
    debit = 0 if event.mode == "not_delivered" else event.total_cents
    return (event.amount_paid_cents if event.mode in PAYING else 0) - debit


async def test_killing_each_worker_in_turn_loses_and_doubles_nothing(system, producer_id):
    rng = random.Random(20261128)
    events, final = settlement_story(producer_id, orders=2400, versions=4, rng=rng)
    operator = Caller(system, Principal("operator", producer_id))
    for c in range(50):
        operator.request("PUT", "accounts", f"/v1/producers/{producer_id}/customers/c{c}",
                         json={"name": f"Client {c}"})
    broker = make_broker(system.env["KAFKA_BOOTSTRAP"], client_id="crash-test")
    await broker.start()
    manual: dict[str, int] = {}
    kills = 0
    try:
        chunks = [events[i::len(WORKERS)] for i in range(len(WORKERS))]
        for worker, chunk in zip(WORKERS, chunks, strict=True):
            for event in chunk:
                await broker.publish(encode_event(event), event.topic, key=event.key.encode(),
                                     no_confirm=True)
            for _ in range(50):  # manual top-ups keep arriving through the gateway meanwhile
                customer = f"c{rng.randrange(50)}"
                amount = rng.randrange(1, 10_000)
                answer = await operator.arequest(
                    "POST", "accounts", f"/v1/producers/{producer_id}/customers/{customer}/movements",
                    json={"direction": "credit", "amount_cents": amount})
                assert answer.status_code == 201
                manual[customer] = manual.get(customer, 0) + amount
            system.restart(worker, kill=True)
            kills += 1
    finally:
        await broker.stop()

    expected = dict(manual)
    for event in final.values():
        expected[event.customer_id] = expected.get(event.customer_id, 0) + effect(event)
    dsn = plain_dsn(system.env["ACCOUNTS_DATABASE_URL"])

    async def applied_versions() -> int:
        connection = await asyncpg.connect(dsn)
        try:
            return await connection.fetchval(
                "SELECT coalesce(sum(version), 0) FROM accounts.order_positions"
                " WHERE producer_id = $1", producer_id)
        finally:
            await connection.close()

    await eventually(applied_versions, lambda v: v == 4 * len(final), timeout_s=300, interval_s=0.5)
    connection = await asyncpg.connect(dsn)
    try:
        rows = await connection.fetch(
            "SELECT a.customer_id, a.balance_cents, coalesce(sum(m.amount_cents), 0) AS summed"
            " FROM accounts.accounts a LEFT JOIN accounts.movements m USING (producer_id, customer_id)"
            " WHERE a.producer_id = $1 GROUP BY 1, 2", producer_id)
    finally:
        await connection.close()
    lost = sum(1 for r in rows if r["balance_cents"] < expected.get(r["customer_id"], 0))
    doubled = sum(1 for r in rows if r["balance_cents"] > expected.get(r["customer_id"], 0))
    unsummed = sum(1 for r in rows if r["balance_cents"] != r["summed"])
    print(f"\ncrash: {len(events)} events and {sum(1 for _ in manual)} customers topped up, "
          f"{kills} kills, {lost} lost, {doubled} doubled, {unsummed} balances off their movements")
    assert kills == len(WORKERS) and len(rows) == 50
    assert (lost, doubled, unsummed) == (0, 0, 0)
    await exports_read_model_matches(system, producer_id, final)


async def exports_read_model_matches(system, producer_id: str, final: dict) -> None:
    """The exports worker was killed too: its read model ends on every order's last settlement."""
    dsn = plain_dsn(system.env["EXPORTS_DATABASE_URL"])

    async def settled() -> dict:
        connection = await asyncpg.connect(dsn)
        try:
            rows = await connection.fetch(
                "SELECT order_id, mode, amount_paid_cents, settlement_version FROM exports.sales"
                " WHERE producer_id = $1", producer_id)
        finally:
            await connection.close()
        return {r["order_id"]: (r["mode"], r["amount_paid_cents"], r["settlement_version"])
                for r in rows}

    wanted = {order_id: (e.mode, e.amount_paid_cents, e.version) for order_id, e in final.items()}
    # a deadline, not a wait: the exports worker applies these one event at a time
    assert await eventually(settled, lambda got: got == wanted, timeout_s=300, interval_s=1)
