"""Workers killed with SIGKILL while settlements and movements flow: nothing lost, nothing doubled,
in the balances, the orders' and the exports' settlements, and the journal (whose chain verifies
after)."""

import random
import uuid
from collections import Counter
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
WORKERS = ["accounts-worker", "exports-worker", "payments-worker", "orders-worker",
           "journal-worker"]


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


def in_kills(events: list[SettlementChanged], kills: int) -> list[list[SettlementChanged]]:
    """The events in as many runs as there are kills, version after version, as the payments
    service publishes an order's changes: in order, each order's key on one partition."""
    ordered = sorted(events, key=lambda event: event.version)
    return [ordered[len(ordered) * i // kills:len(ordered) * (i + 1) // kills]
            for i in range(kills)]


async def test_killing_each_worker_in_turn_loses_and_doubles_nothing(system, producer_id,
                                                                     journal):
    rng = random.Random(20261128)
    events, final = settlement_story(producer_id, orders=2400, versions=4, rng=rng)
    operator = Caller(system, Principal("operator", producer_id))
    for c in range(50):
        operator.request("PUT", "accounts", f"/v1/producers/{producer_id}/customers/c{c}",
                         json={"name": f"Client {c}"})
    broker = make_broker(system.env["KAFKA_BOOTSTRAP"], client_id="crash-test")
    await broker.start()
    manual: dict[str, int] = {}
    top_ups: set[str] = set()
    kills = 0
    try:
        for worker, chunk in zip(WORKERS, in_kills(events, len(WORKERS)), strict=True):
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
                top_ups.add(answer.json()["movement_id"])
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
    await orders_settlements_match(system, producer_id, final)
    await journal_matches(journal, producer_id, events, final, top_ups)


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


async def orders_settlements_match(system, producer_id: str, final: dict) -> None:
    """The orders worker was killed too: every order's settlement there is its last version."""
    dsn = plain_dsn(system.env["ORDERS_DATABASE_URL"])

    async def settled() -> dict:
        connection = await asyncpg.connect(dsn)
        try:
            rows = await connection.fetch(
                "SELECT order_id, mode, amount_paid_cents, version FROM orders.settlements"
                " WHERE producer_id = $1", producer_id)
        finally:
            await connection.close()
        return {r["order_id"]: (r["mode"], r["amount_paid_cents"], r["version"]) for r in rows}

    wanted = {order_id: (e.mode, e.amount_paid_cents, e.version) for order_id, e in final.items()}
    assert await eventually(settled, lambda got: got == wanted, timeout_s=240, interval_s=1)


async def journal_matches(journal, producer_id: str, events: list[SettlementChanged],
                          final: dict, top_ups: set[str]) -> None:
    """The journal worker was killed too: one settlement entry per version published, payments
    adding up to what each order finally received per mode, one movement per top-up, numbered
    1..n without a gap, and every chain recomputed valid."""
    await eventually(lambda: journal.count(producer_id, "settlement"),
                     lambda count: count >= len(events), timeout_s=300, interval_s=1)
    await eventually(lambda: journal.count(producer_id, "movement"),
                     lambda count: count >= len(top_ups), timeout_s=120, interval_s=1)
    found = await journal.found(producer_id)

    settlements = Counter((c["order_id"], c["version"]) for c in found.of_kind("settlement"))
    published = {(str(e.order_id), e.version) for e in events}
    paid = Counter()
    for c in found.of_kind("payment"):
        paid[(c["order_id"], c["mode"])] += c["amount_cents"]
    received = {(str(order_id), str(mode)): cents for order_id, event in final.items()
                for mode, cents in event.received.items()}
    movements = Counter(c["movement_id"] for c in found.of_kind("movement"))
    money = set(paid) | set(received)

    lost = (len(published - set(settlements)) + len(top_ups - set(movements))
            + sum(1 for key in money if paid[key] < received.get(key, 0)))
    doubled = (sum(n - 1 for n in settlements.values()) + len(set(settlements) - published)
               + sum(n - 1 for n in movements.values()) + len(set(movements) - top_ups)
               + sum(1 for key in money if paid[key] > received.get(key, 0)))
    kinds = found.kinds()
    print(f"crash(journal): {len(found.entries)} entries ({kinds['settlement']} settlements, "
          f"{kinds['payment']} payments, {kinds['movement']} movements), {lost} lost, "
          f"{doubled} doubled, seqs 1..{len(found.entries)} "
          f"{'without a gap' if found.gapless() else 'WITH GAPS'}, chain "
          f"{'valid' if found.valid else 'BROKEN'}")
    assert set(kinds) == {"settlement", "payment", "movement"}, kinds
    assert (lost, doubled) == (0, 0)
    assert found.gapless()
    assert found.valid, found.report
