"""One-time sign-in links and the sessions they open, in the web schema.

A link's token and a session's cookie are random; only their SHA-256 is stored, so reading the
table signs no one in. A link works once (the UPDATE that uses it is the only one that can) and
until it expires; a session ends at its expiry or when its owner signs out."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from ardoise.auth import Principal
from web.adapters.orm import login_links, operators, sessions


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Session:
    principal: Principal
    email: str
    csrf_token: str
    expires_at: datetime


async def create_link(db: async_sessionmaker, principal: Principal, email: str, now: datetime,
                      lifetime_s: int) -> str:
    """A new link's token for this person (the page URL is the caller's)."""
    token = secrets.token_urlsafe(32)
    async with db.begin() as session:
        await session.execute(insert(login_links).values(
            token_hash=_hash(token), role=principal.role, producer_id=principal.producer_id,
            customer_id=principal.customer_id, email=email, created_at=now,
            expires_at=now + timedelta(seconds=lifetime_s), person_id=principal.person))
    return token


async def use_link(db: async_sessionmaker, token: str, now: datetime,
                   lifetime_s: int) -> tuple[str, Session] | None:
    """The session a valid, unused, unexpired link opens (cookie value, session), else None.
    Two clicks racing on one link: one UPDATE finds it unused, the other nothing."""
    async with db.begin() as session:
        used = (await session.execute(
            update(login_links)
            .where(login_links.c.token_hash == _hash(token), login_links.c.used_at.is_(None),
                   login_links.c.expires_at > now)
            .values(used_at=now)
            .returning(login_links.c.role, login_links.c.producer_id,
                       login_links.c.customer_id, login_links.c.email,
                       login_links.c.person_id))).first()
        if used is None:
            return None
        cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        expires_at = now + timedelta(seconds=lifetime_s)
        await session.execute(insert(sessions).values(
            session_hash=_hash(cookie), role=used.role, producer_id=used.producer_id,
            customer_id=used.customer_id, email=used.email, csrf_token=csrf, created_at=now,
            expires_at=expires_at, person_id=used.person_id))
        # read in the same transaction: a session used after its block would take a connection
        # of its own and never give it back
        found = await _session_row(session, _hash(cookie), now)
    if found is None:  # an operator revoked between the link and its use
        return None
    return cookie, found


async def find_session(db: async_sessionmaker, cookie: str, now: datetime) -> Session | None:
    async with db() as session:
        return await _session_row(session, _hash(cookie), now)


async def _session_row(session, session_hash: str, now: datetime) -> Session | None:
    """The session, its operator named (and refused once revoked)."""
    row = (await session.execute(
        select(sessions, operators.c.name, operators.c.revoked_at)
        .outerjoin(operators, (operators.c.producer_id == sessions.c.producer_id)
                   & (operators.c.person_id == sessions.c.person_id))
        .where(sessions.c.session_hash == session_hash, sessions.c.expires_at > now))).first()
    if row is None or row.revoked_at is not None:
        return None
    if row.role == "operator":
        principal = Principal("operator", row.producer_id, person=row.person_id,
                              name=row.name or row.email)
    else:
        principal = Principal(row.role, row.producer_id, row.customer_id)
    return Session(principal, row.email, row.csrf_token, row.expires_at)


async def end_session(db: async_sessionmaker, cookie: str) -> None:
    async with db.begin() as session:
        await session.execute(delete(sessions).where(sessions.c.session_hash == _hash(cookie)))


async def forget_expired(db: async_sessionmaker, now: datetime) -> None:
    """Links and sessions past their expiry (a day late, so a late click still reads as used)."""
    async with db.begin() as session:
        await session.execute(delete(login_links).where(
            login_links.c.expires_at < now - timedelta(days=1)))
        await session.execute(delete(sessions).where(sessions.c.expires_at < now))
