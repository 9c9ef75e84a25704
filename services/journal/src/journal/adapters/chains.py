"""The journal's hash chains (the entries, the closings, the technical events): their names and
tables, a chain's head, and appending to a chain under its head's lock."""

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from journal.adapters.orm import SCHEMA, chains, closings, entries, technical_events
from journal.domain.chain import GENESIS, record_hash
from journal.domain.entries import NewEntry

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


class ChainsRepository:
    """The chains' heads, and the records appended to them: a part of `JournalRepository`, on
    its session."""

    session: AsyncSession

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
