"""The journal: entries chained per second against the accounts' movements, and `verify` over a
million entries, on the local PostgreSQL.

    .venv/bin/python bench/bench_journal.py [--events 20000] [--producers 10] [--batch 150]
                                            [--verify-entries 1000000] [--seed 7]

1. One stream of `--events` events over `--producers` producers: two settlement versions per
   order (SettlementChanged), its invoice (InvoiceIssued), a movement by hand every third order
   (MovementRecorded). It is cut as the workers get it, `--batch` events of one topic at a time
   (`--mixed-batches`: of every topic). Each batch goes through the journal's recording path
   (`recording.record_events`), and each batch of settlements also through the accounts' own
   batch handler (`messagebus.handle_batch`, as bench_accounts.py's worker applies them), the
   two one batch after the other, so that both see the same load on a shared machine. Printed:
   movements/s of the accounts, entries/s of the journal, and their ratio (the goal: the
   journal is never the bottleneck, i.e. a ratio of at least 1).
2. `--verify-entries` entries of one producer chained here (`chain.record_hash`) and copied
   into `journal.entries` with its head row, then `verification.verify_producer` over them:
   seconds, entries/s, and the process's peak RSS during it (Linux's VmHWM, reset before).

Servers: the stack named by ARDOISE_TEST_INSTANCE (`bench` if unset), under `.run/NAME/`,
stopped at the end. `--events 0` or `--verify-entries 0` skips a part.
"""

import argparse
import asyncio
import gc
import json
import os
import random
import resource
import shlex
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import asyncpg
from sqlalchemy import event as sqlalchemy_event

from accounts.service_layer import messagebus as accounts_bus
from accounts.service_layer.unit_of_work import SqlAccountsUnitOfWork
from ardoise.db import make_engine, make_sessionmaker, plain_dsn
from ardoise.events import (
    Event,
    InvoiceIssued,
    InvoiceLine,
    MovementRecorded,
    SettlementChanged,
    VatAmounts,
)
from ardoise_tools.devservers.stack import Stack
from journal.domain.chain import GENESIS, record_hash
from journal.service_layer.recording import record_events
from journal.service_layer.verification import verify_producer

MODES = ["cash", "cheque", "card", "transfer", "account", "not_delivered"]
ACCOUNTS_CONSUMER = "accounts.payments-events"
START = datetime(2026, 3, 2, 8, tzinfo=UTC)
VERSION_LAG = 100
"""An order's second settlement version comes this many orders after its first (weighed,
changed at the market): as on the topic, not next to it."""


# -- part 1: the stream --------------------------------------------------------------------


def invoice(rng: random.Random, producer_id: str, order_id: uuid.UUID, customer_id: str,
            number: int, total_cents: int, at: datetime) -> InvoiceIssued:
    """A basket at 5,5 %, split into 1 to 8 lines, each line's base rounded on its own."""
    count = rng.randint(1, 8)
    cuts = sorted(rng.sample(range(1, total_cents), count - 1)) if count > 1 else []
    amounts = [b - a for a, b in zip([0, *cuts], [*cuts, total_cents])]
    lines = [InvoiceLine(label=f"Légumes de saison {i}", quantity=f"{rng.randint(1, 30) / 10}",
                         unit_price_cents=amount, amount_cents=amount,
                         base_cents=round(amount * 1000 / 1055), vat_rate="5.5")
             for i, amount in enumerate(amounts)]
    base_cents = sum(line.base_cents for line in lines)
    return InvoiceIssued(
        producer_id=producer_id, order_id=order_id, customer_id=customer_id,
        customer_name=f"Client {customer_id}", number=f"F{number:06d}", kind="invoice",
        issued_at=at, issue_date=at.date(), total_ht_cents=base_cents,
        total_vat_cents=total_cents - base_cents, total_cents=total_cents, occurred_at=at,
        vat=[VatAmounts(rate="5.5", base_cents=base_cents, vat_cents=total_cents - base_cents,
                        total_cents=total_cents)],
        lines=lines)


def settlement(producer_id: str, order_id: uuid.UUID, customer_id: str, version: int,
               total_cents: int, mode: str, n: int, at: datetime) -> SettlementChanged:
    """Paid in full, a little more (the difference left on the account), or nothing yet."""
    paid = 0 if mode in ("account", "not_delivered") else total_cents + (n % 7) * 100
    credit_note = paid - total_cents if paid > total_cents and n % 3 == 0 else 0
    return SettlementChanged(
        producer_id=producer_id, order_id=order_id, customer_id=customer_id, version=version,
        total_cents=total_cents, delivery_date=at.date(), mode=mode, amount_paid_cents=paid,
        credit_note_cents=credit_note, credit_note_number=n if credit_note else None,
        occurred_at=at)


def make_stream(events: int, producers: list[str], customers: int, seed: int) -> list[Event]:
    """Orders one after another, a minute apart, the producers taking turns."""
    rng = random.Random(seed)
    stream: list[Event] = []
    pending: list = []
    numbers: Counter = Counter()
    n = 0
    while len(stream) < events:
        producer_id = producers[n % len(producers)]
        customer_id = f"c{(n // len(producers)) % customers}"
        order_id, at = uuid.uuid4(), START + timedelta(minutes=n)
        total_cents = rng.randint(500, 8000)
        numbers[producer_id] += 1
        stream.append(settlement(producer_id, order_id, customer_id, 1, total_cents,
                                 MODES[n % len(MODES)], n, at))
        stream.append(invoice(rng, producer_id, order_id, customer_id, numbers[producer_id],
                              total_cents, at))
        if n % 3 == 0:
            stream.append(MovementRecorded(
                producer_id=producer_id, customer_id=customer_id, movement_id=uuid.uuid4(),
                at=at, amount_cents=rng.choice([1000, 2000, 5000, -500]),
                mode=rng.choice(["cash", "cheque", None]), label="Recharge", occurred_at=at))
        pending.append((producer_id, order_id, customer_id, total_cents, n))
        if len(pending) > VERSION_LAG:
            stream.append(second_version(*pending.pop(0), at))
        n += 1
    return stream[:events]


def second_version(producer_id, order_id, customer_id, total_cents, n, at) -> SettlementChanged:
    return settlement(producer_id, order_id, customer_id, 2, total_cents + 150,
                      MODES[(n + 1) % len(MODES)], n, at)


def batches(stream: list[Event], size: int, mixed: bool) -> list[list[Event]]:
    """As the workers poll them: `size` events of one topic, the topics' batches in the order
    their first event came (or, mixed, the stream cut as it is)."""
    if mixed:
        return [stream[i:i + size] for i in range(0, len(stream), size)]
    cut: list[tuple[int, list[Event]]] = []
    current: dict[str, tuple[int, list[Event]]] = {}
    for position, event in enumerate(stream):
        _, batch = current.setdefault(event.topic, (position, []))
        batch.append(event)
        if len(batch) == size:
            cut.append(current.pop(event.topic))
    cut.extend(current.values())
    return [batch for _, batch in sorted(cut, key=lambda item: item[0])]


# -- part 1: the two paths -----------------------------------------------------------------


class StatementCounter:
    """SQL statements the journal's engine sends (the accounts send most of theirs through
    asyncpg itself, which SQLAlchemy does not see)."""

    def __init__(self, engine) -> None:
        self.count = 0
        sqlalchemy_event.listen(engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, *args) -> None:
        self.count += 1


async def fetch_value(dsn: str, query: str, *params):
    connection = await asyncpg.connect(dsn)
    try:
        return await connection.fetchval(query, *params)
    finally:
        await connection.close()


async def recording(env: dict[str, str], args: argparse.Namespace) -> None:
    run = uuid.uuid4().hex[:6]
    producers = [f"bench-{run}-{i}" for i in range(args.producers)]
    stream = make_stream(args.events, producers, args.customers, args.seed)
    cut = batches(stream, args.batch, args.mixed_batches)
    kinds = Counter(type(event).__name__ for event in stream)
    mix = ", ".join(f"{count} {kind}" for kind, count in kinds.items())
    print(f"\n1. recording: {len(stream)} events ({mix}), {args.producers} producers, "
          f"{args.customers} customers each; {len(cut)} batches "
          f"of up to {args.batch} events, "
          f"{'every topic mixed' if args.mixed_batches else 'one topic each, as the workers poll'}")

    journal_engine = make_engine(env["JOURNAL_DATABASE_URL"], "journal")
    accounts_engine = make_engine(env["ACCOUNTS_DATABASE_URL"], "accounts")
    journal_sessions = make_sessionmaker(journal_engine)
    new_uow = partial(SqlAccountsUnitOfWork, make_sessionmaker(accounts_engine))
    statements = StatementCounter(journal_engine)
    try:
        # pools filled, statements prepared: a batch of a producer of their own, not counted
        warm = make_stream(args.batch, [f"bench-{run}-warm-up"], 10, args.seed + 1)
        for batch in batches(warm, args.batch, args.mixed_batches):
            await accounts_bus.handle_batch(batch, new_uow, ACCOUNTS_CONSUMER)
            await record_events(journal_sessions, journal_consumer(batch), batch)
        statements.count = 0
        accounts_s = journal_s = 0.0
        settlements = 0
        for batch in cut:
            if any(isinstance(event, SettlementChanged) for event in batch):
                settlements += sum(isinstance(event, SettlementChanged) for event in batch)
                started = time.perf_counter()
                await accounts_bus.handle_batch(batch, new_uow, ACCOUNTS_CONSUMER)
                accounts_s += time.perf_counter() - started
            started = time.perf_counter()
            await record_events(journal_sessions, journal_consumer(batch), batch)
            journal_s += time.perf_counter() - started
        sent = statements.count
        report = await verify_producer(journal_sessions, producers[0], log=False)
    finally:
        await journal_engine.dispose()
        await accounts_engine.dispose()

    movements = await fetch_value(plain_dsn(env["ACCOUNTS_DATABASE_URL"]),
                                  "SELECT count(*) FROM accounts.movements"
                                  " WHERE producer_id = any($1)", producers)
    recorded = await fetch_value(plain_dsn(env["JOURNAL_DATABASE_URL"]),
                                 "SELECT count(*) FROM journal.entries"
                                 " WHERE producer_id = any($1)", producers)
    movements_rate, entries_rate = movements / accounts_s, recorded / journal_s
    print(f"accounts, messagebus.handle_batch (settlements only): {settlements} events -> "
          f"{movements} movements in {accounts_s:.2f} s: {movements_rate:.0f} movements/s, "
          f"{settlements / accounts_s:.0f} events/s")
    print(f"journal, recording.record_events (every event): {len(stream)} events -> {recorded} "
          f"entries in {journal_s:.2f} s: {entries_rate:.0f} entries/s, "
          f"{len(stream) / journal_s:.0f} events/s, {sent / len(cut):.1f} SQL statements "
          f"per batch (the entries in one COPY); {producers[0]}'s chain verified: "
          f"{report['chains']['entries']['count']} entries, valid {report['valid']}")
    print(f"ratio journal entries/s / accounts movements/s: {entries_rate / movements_rate:.2f} "
          f"(goal: at least 1); the journal's time for the whole stream / the accounts' for its "
          f"settlements: {journal_s / accounts_s:.2f}")


def journal_consumer(batch: list[Event]) -> str:
    """The inbox's consumer of the journal's subscriber for the batch's (first) topic."""
    return f"journal.{batch[0].topic.split('.')[1]}-events"


# -- part 2: verify ------------------------------------------------------------------------

KINDS = ("settlement", "payment", "invoice", "settlement", "payment", "invoice", "movement")


def content_of(kind: str, seq: int) -> dict:
    """What an entry of that kind says, as `journal.domain.entries` words it, its figures
    varying with `seq`."""
    order_id = str(uuid.UUID(int=seq))
    cents = 500 + seq % 7500
    customer_id = f"c{seq % 400}"
    if kind == "settlement":
        return {"order_id": order_id, "customer_id": customer_id, "version": 1,
                "total_cents": cents, "delivery_date": "2026-03-02", "mode": "cash",
                "amount_paid_cents": cents, "received": {"cash": cents},
                "credit_note_cents": 0, "credit_note_number": None}
    if kind == "payment":
        return {"order_id": order_id, "customer_id": customer_id, "mode": "card",
                "amount_cents": cents, "settlement_version": 1}
    if kind == "movement":
        return {"movement_id": order_id, "customer_id": customer_id,
                "at": "2026-03-02T09:00:00+00:00", "amount_cents": cents, "mode": "cash",
                "label": "Recharge"}
    base = round(cents * 1000 / 1055)
    return {"number": f"F{seq:07d}", "order_id": order_id, "customer_id": customer_id,
            "customer_name": f"Client {customer_id}", "issued_at": "2026-03-02T09:00:00+00:00",
            "issue_date": "2026-03-02", "channel": "order", "corrects": None,
            "corrects_seq": None, "total_ht_cents": base, "total_vat_cents": cents - base,
            "total_cents": cents, "payment_modes": ["cash"],
            "vat": [{"rate": "5.5", "base_cents": base, "vat_cents": cents - base,
                     "total_cents": cents}],
            "lines": [{"label": "Panier de légumes", "quantity": "1", "unit_price_cents": cents,
                       "amount_cents": cents, "base_cents": base, "vat_rate": "5.5"}]}


ENTRY_COLUMNS = ["producer_id", "seq", "kind", "occurred_at", "recorded_at", "day", "source",
                 "content", "previous_hash", "hash"]


def chained_records(producer_id: str, first_seq: int, count: int, previous_hash: str):
    """`count` entries from `first_seq`, chained as `JournalRepository.append` does, ten
    minutes apart (a thousand a week or so); the last hash returned after them."""
    records = []
    for seq in range(first_seq, first_seq + count):
        kind = KINDS[seq % len(KINDS)]
        occurred_at = START + timedelta(minutes=10 * seq)
        fields = {"producer_id": producer_id, "seq": seq, "kind": kind,
                  "occurred_at": occurred_at, "recorded_at": occurred_at + timedelta(seconds=2),
                  "day": occurred_at.date(), "source": f"{kind}:{seq}",
                  "content": content_of(kind, seq)}
        previous_hash, record_previous = record_hash(previous_hash, fields), previous_hash
        records.append((producer_id, seq, kind, fields["occurred_at"], fields["recorded_at"],
                        fields["day"], fields["source"], json.dumps(fields["content"]),
                        record_previous, previous_hash))
    return records, previous_hash


async def insert_chain(dsn: str, producer_id: str, count: int, chunk: int = 20_000) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        last_hash = GENESIS
        for first_seq in range(1, count + 1, chunk):
            records, last_hash = chained_records(producer_id, first_seq,
                                                 min(chunk, count + 1 - first_seq), last_hash)
            await connection.copy_records_to_table("entries", schema_name="journal",
                                                   columns=ENTRY_COLUMNS, records=records)
        await connection.execute(
            "INSERT INTO journal.chains (producer_id, chain, last_seq, last_hash)"
            " VALUES ($1, 'entries', $2, $3)", producer_id, count, last_hash)
        await connection.execute("VACUUM ANALYZE journal.entries")  # as autovacuum leaves it
    finally:
        await connection.close()


def reset_peak_rss() -> bool:
    """Linux's peak RSS of this process (VmHWM) brought down to its present RSS."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def memory_mib(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def verification(env: dict[str, str], args: argparse.Namespace) -> None:
    count = args.verify_entries
    producer_id = f"bench-{uuid.uuid4().hex[:6]}-verify"
    print(f"\n2. verify: {count} entries of one producer")
    started = time.perf_counter()
    await insert_chain(plain_dsn(env["JOURNAL_DATABASE_URL"]), producer_id, count)
    inserted_s = time.perf_counter() - started
    size = await fetch_value(plain_dsn(env["JOURNAL_DATABASE_URL"]),
                             "SELECT pg_total_relation_size('journal.entries')")
    print(f"chained here and copied in {inserted_s:.1f} s ({count / inserted_s:.0f} entries/s, "
          f"VACUUM ANALYZE included); journal.entries with its indexes: {size / 2**20:.0f} MiB")

    engine = make_engine(env["JOURNAL_DATABASE_URL"], "journal")
    sessions = make_sessionmaker(engine)
    try:
        gc.collect()
        peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        reset = reset_peak_rss()
        before = memory_mib("VmRSS")
        started = time.perf_counter()
        report = await verify_producer(sessions, producer_id, log=False)
        verify_s = time.perf_counter() - started
        peak = memory_mib("VmHWM")
    finally:
        await engine.dispose()
    entries = report["chains"]["entries"]
    assert report["valid"] and entries["count"] == count, report
    print(f"verify_producer (log=False): {entries['count']} entries valid in {verify_s:.1f} s, "
          f"{count / verify_s:.0f} entries/s; RSS {before:.0f} MiB when it started, peak "
          + (f"during it {peak:.0f} MiB ({max(peak - before, 0):+.0f} MiB)" if reset else
             "during it unknown (/proc/self/clear_refs not writable)")
          + f"; the process's peak before it (the insert, part 1): {peak_before:.0f} MiB")


# -- the run -------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000, help="part 1 (0: skipped)")
    parser.add_argument("--producers", type=int, default=10)
    parser.add_argument("--customers", type=int, default=200, help="per producer")
    parser.add_argument("--batch", type=int, default=150, help="events per batch")
    parser.add_argument("--mixed-batches", action="store_true",
                        help="batches of every topic at once, instead of one topic each")
    parser.add_argument("--verify-entries", type=int, default=1_000_000,
                        help="part 2 (0: skipped)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    instance = os.environ.get("ARDOISE_TEST_INSTANCE", "bench")
    print(f"command: {shlex.join([sys.executable, *sys.argv])}")
    print(f"instance {instance}, python {sys.version.split()[0]}, asyncpg {asyncpg.__version__}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the start")
    stack = Stack(instance)
    env = stack.up()
    try:
        server = asyncio.run(fetch_value(
            plain_dsn(env["JOURNAL_DATABASE_URL"]),
            "SELECT format('PostgreSQL %s, fsync %s, synchronous_commit %s',"
            " current_setting('server_version'), current_setting('fsync'),"
            " current_setting('synchronous_commit'))"))
        print(server)
        if args.events:
            asyncio.run(recording(env, args))
        if args.verify_entries:
            asyncio.run(verification(env, args))
        print(f"\nload average {os.getloadavg()[0]:.2f} at the end")
    finally:
        stack.down()


if __name__ == "__main__":
    main()
