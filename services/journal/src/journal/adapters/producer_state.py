"""What the journal keeps of each producer beside its chains: its settings, what it knows of its
orders (their settlements and credit notes) and its customers' names."""

import uuid
from dataclasses import dataclass, field

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ardoise.changes import Change
from journal.adapters.orm import customers, orders, settings
from journal.domain.entries import OrderState


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


class ProducerStateRepository:
    """The settings, orders and customers: a part of `JournalRepository`, on its session."""

    session: AsyncSession

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
