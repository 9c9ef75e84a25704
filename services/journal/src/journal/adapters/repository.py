"""Reading and writing the journal schema: appending to a chain under its head's lock, the
settings, what the journal keeps of orders and customers, and reading chains back in order."""

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Table, bindparam, func, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ardoise.changes import Change
from journal.adapters.orm import (
    SCHEMA,
    chains,
    closings,
    customers,
    entries,
    orders,
    settings,
    technical_events,
)
from journal.domain.chain import GENESIS, record_hash
from journal.domain.entries import SALE_KINDS, NewEntry, OrderState

ENTRIES, CLOSINGS, EVENTS = "entries", "closings", "events"
ENTRY_COLUMNS = [column.name for column in entries.columns]
TABLES: dict[str, Table] = {ENTRIES: entries, CLOSINGS: closings, EVENTS: technical_events}
DEPLOYMENT = "*"
"""The technical log of the deployment itself (migrations applied)."""


@dataclass
class Head:
    """A chain's last record, and for the entries the last day closed."""

    producer_id: str
    chain: str
    last_seq: int
    last_hash: str
    closed_through: date | None = None


@dataclass(frozen=True)
class ProducerSettings:
    time_zone: str = "Europe/Paris"
    fiscal_year_start: str = "01-01"
    fec_variant: str = "standard"
    chart: dict | None = None
    siren: str | None = None
    legal_name: str | None = None
    vat_regime: str = "vat"
    change: Change = field(default_factory=Change)
    """Who last changed them by PUT …/journal/settings, and when."""

    @property
    def bound_by_the_law(self) -> bool:
        """Art. 286 I 3° bis CGI binds producers charging VAT; the franchise en base and the
        remboursement forfaitaire agricole are outside it (the journal runs anyway)."""
        return self.vat_regime == "vat"

    def as_dict(self) -> dict:
        return {"time_zone": self.time_zone, "fiscal_year_start": self.fiscal_year_start,
                "fec_variant": self.fec_variant, "chart": self.chart or {},
                "siren": self.siren, "legal_name": self.legal_name,
                "vat_regime": self.vat_regime, "bound_by_the_law": self.bound_by_the_law,
                **self.change.view()}


class JournalRepository:
    """The journal schema, inside the caller's session and transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # -- chains ------------------------------------------------------------------------------

    async def lock_head(self, producer_id: str, chain: str) -> Head:
        """The chain's head, locked until the transaction ends (made at the first record)."""
        await self.session.execute(
            insert(chains).values(producer_id=producer_id, chain=chain, last_seq=0,
                                  last_hash=GENESIS).on_conflict_do_nothing())
        row = (await self.session.execute(
            select(chains).where(chains.c.producer_id == producer_id, chains.c.chain == chain)
            .with_for_update())).one()
        return Head(producer_id, chain, row.last_seq, row.last_hash, row.closed_through)

    async def lock_heads(self, producer_ids: list[str], chain: str) -> dict[str, Head]:
        """Many producers' heads of one chain, locked in the order of their ids."""
        statement = insert(chains).on_conflict_do_nothing()
        await self.session.execute(statement, [
            {"producer_id": p, "chain": chain, "last_seq": 0, "last_hash": GENESIS}
            for p in producer_ids])
        rows = await self.session.execute(
            select(chains).where(chains.c.producer_id.in_(producer_ids), chains.c.chain == chain)
            .order_by(chains.c.producer_id).with_for_update())
        return {row.producer_id: Head(row.producer_id, chain, row.last_seq, row.last_hash,
                                      row.closed_through) for row in rows}

    async def write_entries(self, records: list[dict], heads: list[Head]) -> None:
        """Entries made by `next_record` for many producers, and their heads, at once."""
        if not records:
            return
        connection = await (await self.session.connection()).get_raw_connection()
        await connection.driver_connection.copy_records_to_table(  # the fastest way in
            "entries", schema_name=SCHEMA, columns=ENTRY_COLUMNS,
            records=[tuple(json.dumps(r[c], ensure_ascii=False) if c == "content" else r[c]
                           for c in ENTRY_COLUMNS) for r in records])
        await self.session.execute(
            update(chains).where(chains.c.producer_id == bindparam("p"),
                                 chains.c.chain == ENTRIES)
            .values(last_seq=bindparam("s"), last_hash=bindparam("h")),
            [{"p": head.producer_id, "s": head.last_seq, "h": head.last_hash}
             for head in heads])

    async def head(self, producer_id: str, chain: str) -> Head | None:
        row = (await self.session.execute(
            select(chains).where(chains.c.producer_id == producer_id,
                                 chains.c.chain == chain))).one_or_none()
        return None if row is None else Head(producer_id, chain, row.last_seq, row.last_hash,
                                             row.closed_through)

    @staticmethod
    def next_record(head: Head, fields: dict) -> dict:
        """The next record of the locked chain, numbered and chained (the head follows in
        memory); `write_records` writes it."""
        record = {"producer_id": head.producer_id, "seq": head.last_seq + 1, **fields,
                  "previous_hash": head.last_hash}
        record["hash"] = record_hash(head.last_hash, record)
        head.last_seq, head.last_hash = record["seq"], record["hash"]
        return record

    async def write_records(self, head: Head, records: list[dict]) -> None:
        """Records made by `next_record`, in one statement, and the head where they end."""
        if not records:
            return
        await self.session.execute(insert(TABLES[head.chain]), records)
        await self.session.execute(
            update(chains).where(chains.c.producer_id == head.producer_id,
                                 chains.c.chain == head.chain)
            .values(last_seq=head.last_seq, last_hash=head.last_hash))

    async def append(self, head: Head, fields: dict) -> dict:
        """The next record of the locked chain: numbered, chained, written; the head follows."""
        record = self.next_record(head, fields)
        await self.write_records(head, [record])
        return record

    async def close_through(self, head: Head, day: date) -> None:
        head.closed_through = day
        await self.session.execute(
            update(chains).where(chains.c.producer_id == head.producer_id,
                                 chains.c.chain == ENTRIES).values(closed_through=day))

    async def append_entry(self, head: Head, entry: NewEntry, day: date,
                           recorded_at: datetime) -> dict:
        return await self.append(head, {
            "kind": entry.kind, "occurred_at": entry.occurred_at, "recorded_at": recorded_at,
            "day": day, "source": entry.source, "content": entry.content})

    async def recorded_among(self, sources: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """The seq of each (producer, source) already recorded."""
        if not sources:
            return {}
        producers, names = zip(*sorted(sources), strict=True)
        rows = await self.session.execute(text(  # two arrays: one plan whatever the batch
            "SELECT e.producer_id, e.source, e.seq FROM journal.entries e"
            " JOIN unnest(CAST(:p AS text[]), CAST(:s AS text[])) AS w(p, s)"
            " ON e.producer_id = w.p AND e.source = w.s"), {"p": producers, "s": names})
        return {(p, source): seq for p, source, seq in rows}

    async def entry_days(self, last: list[tuple[str, int]]) -> dict[str, date]:
        """The day of each producer's entry `seq` (its last)."""
        if not last:
            return {}
        rows = await self.session.execute(
            select(entries.c.producer_id, entries.c.day)
            .where(tuple_(entries.c.producer_id, entries.c.seq).in_(last)))
        return dict(rows.all())

    def records(self, producer_id: str, chain: str, first_seq: int = 1,
                last_seq: int | None = None) -> AsyncIterator:
        """A chain's records in order, streamed (a server-side cursor: constant memory)."""
        table = TABLES[chain]
        query = (select(table).where(table.c.producer_id == producer_id,
                                     table.c.seq >= first_seq).order_by(table.c.seq))
        if last_seq is not None:
            query = query.where(table.c.seq <= last_seq)
        return self._stream(query)

    def entries_between(self, producer_id: str, first_day: date, last_day: date) -> AsyncIterator:
        query = (select(entries).where(entries.c.producer_id == producer_id,
                                       entries.c.day.between(first_day, last_day))
                 .order_by(entries.c.seq))
        return self._stream(query)

    async def _stream(self, query) -> AsyncIterator[dict]:
        result = await self.session.stream(query.execution_options(yield_per=2000))
        async for row in result.mappings():
            yield dict(row)

    async def sales_total(self, producer_id: str, first_day: date | None, last_day: date) -> int:
        """The sales' TTC total (factures d'avoir negative) recorded from `first_day` (or the
        start) through `last_day`."""
        query = (select(func.coalesce(func.sum(entries.c.content["total_cents"].as_integer()), 0))
                 .where(entries.c.producer_id == producer_id, entries.c.kind.in_(SALE_KINDS),
                        entries.c.day <= last_day))
        if first_day is not None:
            query = query.where(entries.c.day >= first_day)
        return int((await self.session.execute(query)).scalar_one())

    async def first_entry_day(self, producer_id: str) -> date | None:
        return (await self.session.execute(
            select(entries.c.day).where(entries.c.producer_id == producer_id, entries.c.seq == 1)
        )).scalar_one_or_none()

    async def producers_with_entries(self) -> list[str]:
        return list((await self.session.execute(
            select(chains.c.producer_id).where(chains.c.chain == ENTRIES, chains.c.last_seq > 0)
            .order_by(chains.c.producer_id))).scalars())

    async def closings_list(self, producer_id: str, period: str | None, limit: int,
                            before_seq: int | None) -> list[dict]:
        query = select(closings).where(closings.c.producer_id == producer_id)
        if period:
            query = query.where(closings.c.period == period)
        if before_seq:
            query = query.where(closings.c.seq < before_seq)
        rows = await self.session.execute(query.order_by(closings.c.seq.desc()).limit(limit))
        return [dict(row) for row in rows.mappings()]

    async def closing(self, producer_id: str, period: str, start: date) -> dict | None:
        row = (await self.session.execute(select(closings).where(
            closings.c.producer_id == producer_id, closings.c.period == period,
            closings.c.start == start))).mappings().one_or_none()
        return None if row is None else dict(row)

    async def entries_page(self, producer_id: str, after_seq: int, limit: int,
                           day_from: date | None, day_to: date | None) -> list[dict]:
        query = select(entries).where(entries.c.producer_id == producer_id,
                                      entries.c.seq > after_seq)
        if day_from:
            query = query.where(entries.c.day >= day_from)
        if day_to:
            query = query.where(entries.c.day <= day_to)
        rows = await self.session.execute(query.order_by(entries.c.seq).limit(limit))
        return [dict(row) for row in rows.mappings()]

    # -- settings, orders, customers ----------------------------------------------------------

    async def settings_many(self, producer_ids: list[str]) -> dict[str, ProducerSettings]:
        rows = await self.session.execute(
            select(settings).where(settings.c.producer_id.in_(producer_ids)))
        found = {row.producer_id: _settings_of(row) for row in rows}
        return {p: found.get(p, ProducerSettings()) for p in producer_ids}

    async def settings(self, producer_id: str) -> ProducerSettings:
        row = (await self.session.execute(
            select(settings).where(settings.c.producer_id == producer_id))).one_or_none()
        return ProducerSettings() if row is None else _settings_of(row)

    async def save_settings(self, producer_id: str, **values) -> None:
        await self.session.execute(
            insert(settings).values(producer_id=producer_id, **values)
            .on_conflict_do_update(index_elements=[settings.c.producer_id], set_=values))

    async def orders_of(self, keys: list[tuple[str, uuid.UUID]]
                        ) -> dict[tuple[str, uuid.UUID], OrderState]:
        """What the journal knows of these (producer, order)s."""
        if not keys:
            return {}
        producers, order_ids = zip(*keys, strict=True)
        wanted = text("SELECT * FROM unnest(CAST(:p AS text[]), CAST(:o AS uuid[])) AS w(p, o)"
                      ).columns(p=orders.c.producer_id.type, o=orders.c.order_id.type
                                ).subquery("wanted")
        rows = await self.session.execute(
            select(orders).join(wanted, (orders.c.producer_id == wanted.c.p)
                                & (orders.c.order_id == wanted.c.o)),
            {"p": list(producers), "o": list(order_ids)})
        return {(row.producer_id, row.order_id): OrderState(
            row.customer_id, row.online_payment, row.settlement_version, dict(row.received),
            row.credit_note_number, row.credit_note_cents) for row in rows}

    async def save_orders(self, states: dict[tuple[str, uuid.UUID], OrderState]) -> None:
        """Upserted in one statement."""
        if not states:
            return
        statement = insert(orders)
        await self.session.execute(statement.on_conflict_do_update(
            index_elements=[orders.c.producer_id, orders.c.order_id],
            set_={name: statement.excluded[name] for name in (
                "customer_id", "online_payment", "settlement_version", "received",
                "credit_note_number", "credit_note_cents")}),
            [{"producer_id": producer_id, "order_id": order_id, **_order_values(state)}
             for (producer_id, order_id), state in states.items()])

    async def save_customer(self, producer_id: str, customer_id: str, name: str) -> None:
        await self.session.execute(
            insert(customers).values(producer_id=producer_id, customer_id=customer_id, name=name)
            .on_conflict_do_update(index_elements=[customers.c.producer_id,
                                                   customers.c.customer_id],
                                   set_={"name": name}))

    async def customer_names(self, producer_id: str) -> dict[str, str]:
        rows = await self.session.execute(
            select(customers.c.customer_id, customers.c.name)
            .where(customers.c.producer_id == producer_id))
        return dict(rows.all())


def _order_values(state: OrderState) -> dict:
    return {"customer_id": state.customer_id, "online_payment": state.online_payment,
            "settlement_version": state.settlement_version, "received": state.received,
            "credit_note_number": state.credit_note_number,
            "credit_note_cents": state.credit_note_cents}


def _settings_of(row) -> ProducerSettings:
    return ProducerSettings(row.time_zone, row.fiscal_year_start, row.fec_variant, row.chart,
                            row.siren, row.legal_name, row.vat_regime,
                            Change(row.changed_by, row.changed_at))
