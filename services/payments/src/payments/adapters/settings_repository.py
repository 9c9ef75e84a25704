"""Each producer's payment settings and its SumUp account (the API key sealed), as the handlers
read and change them inside their transaction."""

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ardoise.changes import Change
from ardoise.db import last_change
from payments.adapters.orm import settings
from payments.adapters.sumup_accounts import SumUpAccount
from payments.domain.settlement import PaymentSettings


def _columns(value: PaymentSettings) -> dict:
    return {"payment_tracking": value.payment_tracking,
            "accepted_modes": list(value.accepted_modes),
            "online_payment_required": value.online_payment_required,
            "sumup_merchant_code": value.sumup_merchant_code,
            "time_zone": value.time_zone}
"""The settings' own columns; the sealed SumUp key is written by `save_sumup_key` only."""


class SettingsRepository:
    """The settings and the SumUp key: a part of `PaymentsRepository`, on its session."""

    session: AsyncSession

    async def settings(self, producer_id: str) -> PaymentSettings:
        row = (await self.session.execute(
            select(settings).where(settings.c.producer_id == producer_id))).first()
        if row is None:
            return PaymentSettings()
        return PaymentSettings(row.payment_tracking, tuple(row.accepted_modes),
                               row.online_payment_required, row.sumup_merchant_code,
                               row.sumup_api_key_sealed is not None, row.time_zone)

    async def settings_for_update(self, producer_id: str) -> PaymentSettings:
        """The settings, with the producer's row locked so that two changes do not interleave."""
        await self.session.execute(insert(settings).values(
            producer_id=producer_id, **_columns(PaymentSettings())).on_conflict_do_nothing())
        await self.session.execute(select(settings.c.producer_id).where(
            settings.c.producer_id == producer_id).with_for_update())
        return await self.settings(producer_id)

    async def settings_change(self, producer_id: str) -> Change:
        """Who last changed the producer's settings, and when."""
        return await last_change(self.session, settings, producer_id)

    async def save_settings(self, producer_id: str, value: PaymentSettings,
                            change: Change | None = None) -> None:
        """The settings, and who changed them when `change` says."""
        values = {**_columns(value), **(change.columns() if change else {})}
        statement = insert(settings).values(producer_id=producer_id, **values)
        await self.session.execute(statement.on_conflict_do_update(
            index_elements=[settings.c.producer_id], set_=values))

    async def save_sumup_key(self, producer_id: str, sealed_api_key: str) -> None:
        """The producer's SumUp API key, sealed; its settings row exists (locked for update)."""
        await self.session.execute(update(settings).where(
            settings.c.producer_id == producer_id).values(sumup_api_key_sealed=sealed_api_key))

    async def sumup_account(self, producer_id: str) -> SumUpAccount | None:
        row = (await self.session.execute(
            select(settings.c.sumup_merchant_code, settings.c.sumup_api_key_sealed)
            .where(settings.c.producer_id == producer_id))).first()
        if row is None or not (row.sumup_merchant_code and row.sumup_api_key_sealed):
            return None
        return SumUpAccount(row.sumup_merchant_code, row.sumup_api_key_sealed)

    async def sealed_sumup_keys(self, producer_id: str | None = None) -> list[tuple[str, str]]:
        """Every producer's sealed key (or one producer's), locked, for key rotation."""
        query = (select(settings.c.producer_id, settings.c.sumup_api_key_sealed)
                 .where(settings.c.sumup_api_key_sealed.is_not(None)).with_for_update())
        if producer_id is not None:
            query = query.where(settings.c.producer_id == producer_id)
        rows = await self.session.execute(query)
        return [(row.producer_id, row.sumup_api_key_sealed) for row in rows]
