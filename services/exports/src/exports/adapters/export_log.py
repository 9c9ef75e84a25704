"""The log of the exports asked for (`export_requests`): which, when, by whom, what it covered."""

import uuid

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ardoise.changes import kept_actor
from exports.adapters.orm import export_requests


class ExportLog:
    """The exports asked for, inside the caller's session (and transaction, when it opened one)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, producer_id: str, kind: str, asked_by: str | None, detail: dict) -> None:
        await self.session.execute(insert(export_requests).values(
            request_id=uuid.uuid4(), producer_id=producer_id, kind=kind,
            asked_by=kept_actor(asked_by), asked_at=func.now(), detail=detail))

    async def recent(self, producer_id: str, limit: int) -> list:
        """The exports asked for, newest first."""
        return list(await self.session.execute(
            select(export_requests).where(export_requests.c.producer_id == producer_id)
            .order_by(export_requests.c.asked_at.desc(), export_requests.c.request_id)
            .limit(limit)))
