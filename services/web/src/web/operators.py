"""The producer's operators: the people who may sign in to its back office, by e-mail address.

The first is the farm's own address (the weekly e-mail's), taken in at its first sign-in; any
operator adds others and revokes them. A revoked operator's sessions end at once and every
gateway refuses its tokens within a minute (`/auth/revocations`); it stays listed, dated."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from web.adapters.orm import operators, sessions


@dataclass(frozen=True)
class Operator:
    person_id: str
    email: str
    name: str | None
    added_at: datetime
    added_by: str
    revoked_at: datetime | None
    revoked_by: str | None

    @property
    def shown(self) -> str:
        return self.name or self.email


class AlreadyAnOperator(Exception):
    pass


def _operator(row) -> Operator:
    return Operator(row.person_id, row.email, row.name, row.added_at, row.added_by,
                    row.revoked_at, row.revoked_by)


async def listed(db: async_sessionmaker, producer_id: str) -> list[Operator]:
    """Active first (by address), then the revoked (latest first)."""
    async with db() as session:
        rows = (await session.execute(select(operators).where(
            operators.c.producer_id == producer_id).order_by(
            operators.c.revoked_at.is_not(None), operators.c.revoked_at.desc(),
            func.lower(operators.c.email)))).all()
    return [_operator(row) for row in rows]


async def active(db: async_sessionmaker, producer_id: str, email: str) -> Operator | None:
    async with db() as session:
        row = (await session.execute(select(operators).where(
            operators.c.producer_id == producer_id, operators.c.revoked_at.is_(None),
            func.lower(operators.c.email) == email.strip().lower()))).first()
    return None if row is None else _operator(row)


async def has_any(db: async_sessionmaker, producer_id: str) -> bool:
    async with db() as session:
        return (await session.execute(select(func.count()).select_from(operators).where(
            operators.c.producer_id == producer_id))).scalar() > 0


async def add(db: async_sessionmaker, producer_id: str, email: str, name: str | None,
              by: str, now: datetime) -> Operator:
    """A new operator (a new person id, even for an address revoked before)."""
    person_id = f"op-{uuid.uuid4().hex[:16]}"
    values = dict(producer_id=producer_id, person_id=person_id, email=email.strip(),
                  name=(name or "").strip() or None, added_at=now, added_by=by)
    try:
        async with db.begin() as session:
            await session.execute(insert(operators).values(**values))
    except IntegrityError as error:
        raise AlreadyAnOperator(email) from error
    return Operator(person_id, values["email"], values["name"], now, by, None, None)


async def revoke(db: async_sessionmaker, producer_id: str, person_id: str, by: str,
                 now: datetime) -> bool:
    """Revoked now, its sessions ended; False when no such active operator."""
    async with db.begin() as session:
        done = (await session.execute(update(operators).where(
            operators.c.producer_id == producer_id, operators.c.person_id == person_id,
            operators.c.revoked_at.is_(None)).values(revoked_at=now, revoked_by=by)
            .returning(operators.c.person_id))).first()
        if done is None:
            return False
        await session.execute(delete(sessions).where(sessions.c.producer_id == producer_id,
                                                     sessions.c.person_id == person_id))
    return True
