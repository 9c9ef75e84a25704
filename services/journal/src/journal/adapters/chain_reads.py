"""Reading the journal's chains back: records in order, streamed; the entries of a period, a page
of them or their sales total; the closings; what is already recorded."""

from collections.abc import AsyncIterator
from datetime import date

from sqlalchemy import func, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from journal.adapters.chains import ENTRIES, TABLES
from journal.adapters.orm import chains, closings, entries
from journal.domain.entries import SALE_KINDS


class ChainReadsRepository:
    """The chains read back: a part of `JournalRepository`, on its session."""

    session: AsyncSession

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
