"""Reading and writing the producer's invoicing settings, number series and issued documents."""

import uuid
from datetime import date, datetime

from sqlalchemy import and_, exists, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from ardoise.changes import Change
from ardoise.db import last_change
from orders.adapters.orm import invoice_series, invoices, invoicing
from orders.domain.invoices import INVOICE, Invoicing

_correction = aliased(invoices)
LIVE = ~exists().where(_correction.c.producer_id == invoices.c.producer_id,
                       _correction.c.corrects == invoices.c.number)
"""An invoice no facture d'avoir has cancelled."""


class InvoicesRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def invoicing(self, producer_id: str) -> Invoicing:
        row = (await self.session.execute(select(invoicing).where(
            invoicing.c.producer_id == producer_id))).first()
        return Invoicing.of(row)

    async def invoicing_change(self, producer_id: str) -> Change:
        """Who last changed the producer's invoicing settings, and when."""
        return await last_change(self.session, invoicing, producer_id)

    async def save_invoicing(self, producer_id: str, value: Invoicing,
                             change: Change | None = None) -> None:
        values = {**value.as_dict(), **(change.columns() if change else {})}
        await self.session.execute(insert(invoicing).values(producer_id=producer_id, **values)
                                   .on_conflict_do_update(index_elements=[invoicing.c.producer_id],
                                                          set_=values))

    async def next_number(self, producer_id: str, kind: str, now: datetime
                          ) -> tuple[int, datetime]:
        """The series' next sequence and the moment of issue, never before the last one's: the
        series row stays locked until the transaction ends, so a number is given once, and is
        given back (no gap) if the transaction does not commit."""
        await self.session.execute(insert(invoice_series).values(
            producer_id=producer_id, kind=kind, last_sequence=0).on_conflict_do_nothing())
        row = (await self.session.execute(
            select(invoice_series.c.last_sequence, invoice_series.c.last_issued_at)
            .where(invoice_series.c.producer_id == producer_id, invoice_series.c.kind == kind)
            .with_for_update())).one()
        sequence = row.last_sequence + 1
        issued_at = now if row.last_issued_at is None else max(now, row.last_issued_at)
        await self.session.execute(update(invoice_series).where(
            invoice_series.c.producer_id == producer_id, invoice_series.c.kind == kind,
        ).values(last_sequence=sequence, last_issued_at=issued_at))
        return sequence, issued_at

    async def add(self, producer_id: str, document: dict, sequence: int, customer_id: str,
                  issued_at: datetime, issued_by: str | None = None) -> None:
        corrects = document["corrects"]["number"] if document["corrects"] else None
        await self.session.execute(invoices.insert().values(
            producer_id=producer_id, number=document["number"], kind=document["kind"],
            sequence=sequence, order_id=uuid.UUID(document["order_id"]), customer_id=customer_id,
            corrects=corrects, issued_at=issued_at, document=document, issued_by=issued_by))

    async def get(self, producer_id: str, number: str):
        return (await self.session.execute(select(invoices).where(
            invoices.c.producer_id == producer_id, invoices.c.number == number))).first()

    async def is_cancelled(self, producer_id: str, number: str) -> bool:
        return (await self.session.execute(select(exists().where(
            invoices.c.producer_id == producer_id, invoices.c.corrects == number)))).scalar()

    async def live_invoice(self, producer_id: str, order_id: uuid.UUID):
        """The order's invoice in force: its last, unless a facture d'avoir cancelled it."""
        return (await self.session.execute(
            select(invoices).where(invoices.c.producer_id == producer_id,
                                   invoices.c.order_id == order_id,
                                   invoices.c.kind == INVOICE, LIVE)
            .order_by(invoices.c.sequence.desc()).limit(1))).first()

    async def listed(self, producer_id: str, customer_id: str | None, from_date: date | None,
                     to_date: date | None, limit: int, offset: int) -> list:
        """Issued documents by number order (invoices and factures d'avoir by issue date)."""
        query = (select(invoices.c.number, invoices.c.kind, invoices.c.order_id,
                        invoices.c.customer_id, invoices.c.corrects, invoices.c.issued_at,
                        invoices.c.issued_by,
                        invoices.c.document["issue_date"].astext.label("issue_date"),
                        invoices.c.document["total_cents"].as_integer().label("total_cents"),
                        invoices.c.document["buyer"]["name"].astext.label("customer_name"),
                        LIVE.label("in_force"))
                 .where(invoices.c.producer_id == producer_id)
                 .order_by(invoices.c.issued_at, invoices.c.kind, invoices.c.sequence)
                 .limit(limit).offset(offset))
        if customer_id is not None:
            query = query.where(invoices.c.customer_id == customer_id)
        issue_date = invoices.c.document["issue_date"].astext
        if from_date is not None:
            query = query.where(issue_date >= from_date.isoformat())
        if to_date is not None:
            query = query.where(issue_date <= to_date.isoformat())
        return list(await self.session.execute(query))

    async def of_orders(self, producer_id: str, order_ids: list[uuid.UUID]) -> dict:
        """The documents issued for each of these orders, in the order of their issue."""
        rows = await self.session.execute(
            select(invoices.c.order_id, invoices.c.number, invoices.c.kind)
            .where(and_(invoices.c.producer_id == producer_id,
                        invoices.c.order_id.in_(order_ids)))
            .order_by(invoices.c.issued_at, invoices.c.sequence))
        found: dict = {}
        for row in rows:
            found.setdefault(row.order_id, []).append({"number": row.number, "kind": row.kind})
        return found
