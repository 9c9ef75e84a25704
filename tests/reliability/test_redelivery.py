"""Every topic replayed from its first offset into fresh consumer groups changes nothing."""

import os
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition

from ardoise import topics
from ardoise.auth import Principal
from ardoise.db import plain_dsn
from ardoise.events import OrderPlaced, SettlementChanged
from ardoise_tools.devservers.process import stop_pid
from ardoise_tools.testing.polling import eventually

from ..e2e.conftest import Caller
from ..e2e.test_accounts_events import publish

REPLAYED_GROUPS = {
    "accounts-worker": ["accounts.payments-events", "accounts.orders-events"],
    "exports-worker": ["exports.orders-events", "exports.payments-events",
                       "exports.accounts-events"],
    "journal-worker": ["journal.orders-events", "journal.payments-events",
                       "journal.accounts-events"],
}
GROUP_TOPICS = {"payments-events": topics.PAYMENTS, "orders-events": topics.ORDERS,
                "accounts-events": topics.ACCOUNTS}

JOURNAL_HEADS = ("SELECT producer_id, last_seq, last_hash FROM journal.chains"
                 " WHERE chain = 'entries' AND producer_id <> ALL($1::text[])")
SNAPSHOTS = {
    "ACCOUNTS_DATABASE_URL": [
        "SELECT producer_id, customer_id, balance_cents, held_cents FROM accounts.accounts"
        " WHERE producer_id <> ALL($1::text[])",
        "SELECT count(*), coalesce(sum(amount_cents), 0) FROM accounts.movements",
        "SELECT producer_id, order_id, status, amount_cents FROM accounts.holds"
        " WHERE producer_id <> ALL($1::text[])",
    ],
    "EXPORTS_DATABASE_URL": [
        "SELECT producer_id, order_id, mode, amount_paid_cents, settlement_version"
        " FROM exports.sales",
        "SELECT producer_id, customer_id, name FROM exports.customers",
    ],
    "JOURNAL_DATABASE_URL": [  # each producer's entries: how many, and the head of their chain
        "SELECT producer_id, count(*) FROM journal.entries"
        " WHERE producer_id <> ALL($1::text[]) GROUP BY producer_id",
        JOURNAL_HEADS,
    ],
}


async def expiring_soon(env: dict) -> list[str]:
    """Producers with a hold that expires within 15 minutes: holds an earlier run left pending
    in a test database kept between runs expire on their own (35 min after they were taken),
    and their rows change then for that reason alone. This run's expire well after it ends."""
    connection = await asyncpg.connect(plain_dsn(env["ACCOUNTS_DATABASE_URL"]))
    try:
        return [row["producer_id"] for row in await connection.fetch(
            "SELECT DISTINCT producer_id FROM accounts.holds WHERE status = 'pending'"
            " AND expires_at < now() + interval '15 minutes'")]
    finally:
        await connection.close()


async def snapshot(env: dict, skipped: list[str]) -> dict:
    taken = {}
    for key, queries in SNAPSHOTS.items():
        connection = await asyncpg.connect(plain_dsn(env[key]))
        try:
            for query in queries:
                rows = await connection.fetch(query, *([skipped] if "$1" in query else []))
                taken[query] = sorted(tuple(map(str, row)) for row in rows)
        finally:
            await connection.close()
    return taken


async def lag(bootstrap: str, group: str, topic: str) -> int:
    """Records of the topic the group has not committed yet."""
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    await reader.start()
    try:
        partitions = [TopicPartition(topic, p) for p in reader.partitions_for_topic(topic) or ()]
        ends = await reader.end_offsets(partitions)
        remaining = 0
        for tp in partitions:
            remaining += max(0, ends[tp] - ((await reader.committed(tp)) or 0))
        return remaining
    finally:
        await reader.stop()


async def some_traffic(system, producer_id: str, journal) -> None:
    """Customers, settlements (changed twice) and an online order's hold, all applied, and
    chained in the journal."""
    operator = Caller(system, Principal("operator", producer_id))
    operator.request("PUT", "accounts", f"/v1/producers/{producer_id}/customers/c1",
                     json={"name": "Claire Martin"})
    operator.request("POST", "accounts", f"/v1/producers/{producer_id}/customers/c1/movements",
                     json={"direction": "credit", "amount_cents": 5000})
    events = []
    for n in range(20):
        order_id = uuid.uuid4()
        events.append(OrderPlaced(producer_id=producer_id, order_id=order_id, customer_id="c1",
                                  total_cents=2000, delivery_date=date(2026, 11, 27),
                                  online_payment=n == 0))
        for version, (mode, paid) in enumerate([("cash", 2500), ("cheque", 2000)], start=1):
            events.append(SettlementChanged(
                producer_id=producer_id, order_id=order_id, customer_id="c1", version=version,
                total_cents=2000, delivery_date=date(2026, 11, 27), mode=mode,
                amount_paid_cents=paid))
    await publish(system, *events)

    async def account() -> dict:
        return (await operator.arequest(
            "GET", "accounts", f"/v1/producers/{producer_id}/customers/c1/account",
            params={"limit": 500})).json()

    await eventually(account, lambda a: a["balance_cents"] == 5000 and a["held_cents"] == 0
                     and len(a["movements"]) == 1 + 20 * 4)
    exports = await asyncpg.connect(plain_dsn(system.env["EXPORTS_DATABASE_URL"]))
    try:
        await eventually(lambda: exports.fetchval(
            "SELECT count(*) FROM exports.sales s JOIN exports.customers c USING (producer_id,"
            " customer_id) WHERE s.producer_id = $1 AND s.settlement_version = 2", producer_id),
            lambda settled: settled == 20)
    finally:
        await exports.close()
    # 40 settlements; per order cash received, then cheque (and the cash given back); a top-up
    await eventually(lambda: journal.found(producer_id), lambda found: found.kinds() == {
        "settlement": 40, "payment": 60, "movement": 1}, timeout_s=60, interval_s=0.5)


async def test_replaying_every_topic_into_every_consumer_changes_nothing(system, tmp_path,
                                                                         producer_id, journal):
    await some_traffic(system, producer_id, journal)
    skipped = await expiring_soon(system.env)
    assert producer_id not in skipped
    before = await snapshot(system.env, skipped)
    records = 0
    prefix = f"replay{uuid.uuid4().hex[:6]}."
    env = {**os.environ, **system.env, "KAFKA_GROUP_PREFIX": prefix}
    replayers = [
        subprocess.Popen([str(Path(sys.executable).parent / worker)], env=env,
                         stdout=open(tmp_path / f"{worker}.log", "ab"), stderr=subprocess.STDOUT)
        for worker in REPLAYED_GROUPS
    ]
    try:
        for groups in REPLAYED_GROUPS.values():
            for group in groups:
                topic = GROUP_TOPICS[group.split(".", 1)[1]]
                records += await lag(system.env["KAFKA_BOOTSTRAP"], prefix + "never-joined", topic)
                await eventually(lambda g=prefix + group, t=topic: lag(system.env["KAFKA_BOOTSTRAP"], g, t),
                                 lambda remaining: remaining == 0, timeout_s=180, interval_s=1)
    finally:
        for process in replayers:
            stop_pid(process.pid)
    after = await snapshot(system.env, skipped)
    changed = [query for query in before if before[query] != after[query]]
    found = await journal.found(producer_id)
    print(f"\nredelivery: {records} records replayed into "
          f"{sum(map(len, REPLAYED_GROUPS.values()))} consumer groups, {len(changed)} tables "
          f"changed; journal: {len(before[JOURNAL_HEADS])} producers' chains of entries as "
          f"they were, this producer's {len(found.entries)} entries "
          f"{'valid' if found.valid and found.gapless() else 'BROKEN'}")
    assert records > 0, "the replay must have had something to replay"
    for query in changed:
        print("changed:", query, "\n  before-only:", sorted(set(before[query]) - set(after[query]))[:5],
              "\n  after-only:", sorted(set(after[query]) - set(before[query]))[:5])
    assert changed == []
    assert found.gapless() and found.valid, found.report
