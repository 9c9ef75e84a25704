"""Loading and saving accounts, order positions and holds; rows in, domain objects out."""

import json
import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.adapters.orm import accounts, holds, producers
from accounts.domain import Account, CustomerIdentity, Hold, OrderPosition
from accounts.domain.search import searchable
from ardoise.db import driver_connection


class AccountRepository:
    """Every read that precedes a write locks the account row: one writer per account at a time."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._seen_by_id: dict[int, Account] = {}

    @property
    def seen(self) -> list[Account]:
        """Every account loaded or registered in the transaction, in that order: the unit of
        work publishes their events when it commits."""
        return list(self._seen_by_id.values())

    def _seen(self, account: Account) -> Account:
        self._seen_by_id.setdefault(id(account), account)
        return account

    async def get_for_update(self, producer_id: str, customer_id: str) -> Account | None:
        row = (await self.session.execute(
            select(accounts).where(accounts.c.producer_id == producer_id,
                                   accounts.c.customer_id == customer_id).with_for_update()
        )).first()
        return None if row is None else self._seen(_account(row))

    async def get_or_open_for_update(self, producer_id: str, customer_id: str) -> Account:
        """An account for money that arrives before its customer was registered: nothing is lost."""
        key = (producer_id, customer_id)
        return (await self.get_or_open_many_for_update([key]))[key]

    async def get_or_open_many_for_update(
        self, keys: list[tuple[str, str]]
    ) -> dict[tuple[str, str], Account]:
        """Accounts locked in key order (so concurrent batches cannot deadlock), opened if new.

        One account (a hold, a top-up) is locked at once when it exists, as it nearly always
        does, and opened first otherwise. Several are all opened first, then locked: locking
        some before opening the others could deadlock with a batch that opened one of those
        and then waits for one of ours."""
        keys = sorted(set(keys))
        if not keys:
            return {}
        producers, customers = [k[0] for k in keys], [k[1] for k in keys]
        connection = await self._driver()
        rows = await connection.fetch(_LOCK_MANY, producers, customers) if len(keys) == 1 else []
        if not rows:
            await connection.execute(_OPEN_MANY, producers, customers)
            rows = await connection.fetch(_LOCK_MANY, producers, customers)
        return {(r["producer_id"], r["customer_id"]): self._seen(_account(_Row(r))) for r in rows}

    async def tracking_is_on(self, producer_id: str) -> bool:
        """Whether the producer tracks payments, as last heard: off until heard on."""
        return (await self.session.execute(select(producers.c.payment_tracking).where(
            producers.c.producer_id == producer_id))).scalar() is True

    async def keep_tracking(self, producer_id: str, on: bool,
                            time_zone: str | None = None) -> None:
        statement = insert(producers).values(producer_id=producer_id, payment_tracking=on,
                                             time_zone=time_zone)
        kept = {"payment_tracking": on}
        if time_zone is not None:
            kept["time_zone"] = time_zone
        await self.session.execute(statement.on_conflict_do_update(
            index_elements=[producers.c.producer_id], set_=kept))

    async def register(self, account: Account) -> None:
        self._seen(account)
        details = {"name": account.name, "search_name": searchable(account.name),
                   "email": account.email, "address": account.identity.address,
                   "professional": account.identity.professional,
                   "siren": account.identity.siren, "vat_number": account.identity.vat_number}
        statement = insert(accounts).values(
            producer_id=account.producer_id, customer_id=account.customer_id, **details)
        await self.session.execute(statement.on_conflict_do_update(
            index_elements=[accounts.c.producer_id, accounts.c.customer_id],
            set_={column: statement.excluded[column] for column in details},
        ))

    async def save(self, account: Account) -> None:
        """The new movements and the stored balance, in the caller's transaction."""
        await self.save_many([account])

    async def save_many(self, changed: list[Account]) -> None:
        """The batch's new movements (one COPY, ids in the order they were made) and balances."""
        if not changed:
            return
        connection = await self._driver()
        records = [
            (m.movement_id, account.producer_id, account.customer_id, m.at, m.kind,
             m.amount_cents, m.balance_after_cents, m.label, m.order_id, m.mode, m.recorded_by)
            for account in changed for m in account.new_movements
        ]
        if records:
            await connection.copy_records_to_table(
                "movements", schema_name=accounts.schema, columns=_MOVEMENT_COLUMNS,
                records=records)
        await connection.execute(
            _SAVE_BALANCES, [a.producer_id for a in changed], [a.customer_id for a in changed],
            [a.balance_cents for a in changed], [a.held_cents for a in changed])

    async def positions_many(
        self, keys: list[tuple[str, uuid.UUID]]
    ) -> dict[tuple[str, uuid.UUID], OrderPosition]:
        keys = sorted(set(keys))
        if not keys:
            return {}
        rows = await (await self._driver()).fetch(
            _POSITIONS_MANY, [k[0] for k in keys], [k[1] for k in keys])
        return {(r["producer_id"], r["order_id"]): _position(_Row(r)) for r in rows}

    async def save_positions(self, changed: list[tuple[str, str, OrderPosition]]) -> None:
        """Upsert (producer, customer, position) rows, one statement for the lot."""
        if not changed:
            return
        await (await self._driver()).execute(
            _SAVE_POSITIONS, [p for p, _, _ in changed], [pos.order_id for _, _, pos in changed],
            [c for _, c, _ in changed], [pos.version for _, _, pos in changed],
            [pos.debited_cents for _, _, pos in changed],
            [pos.credited_cents for _, _, pos in changed],
            [json.dumps(dict(pos.credits)) for _, _, pos in changed])

    async def _driver(self):
        return await driver_connection(self.session)

    async def pending_holds_of_orders(
        self, keys: list[tuple[str, uuid.UUID]]
    ) -> dict[tuple[str, uuid.UUID], list[Hold]]:
        found: dict[tuple[str, uuid.UUID], list[Hold]] = {}
        keys = sorted(set(keys))
        if keys:
            rows = await (await self._driver()).fetch(
                _PENDING_HOLDS_MANY, [k[0] for k in keys], [k[1] for k in keys])
            for row in rows:
                found.setdefault((row["producer_id"], row["order_id"]), []).append(_hold(_Row(row)))
        return found

    async def holds_of_order(self, producer_id: str, order_id: uuid.UUID) -> list[Hold]:
        rows = await self.session.execute(
            select(holds).where(holds.c.producer_id == producer_id, holds.c.order_id == order_id)
            .order_by(holds.c.attempt)
        )
        return [_hold(row) for row in rows]

    async def save_hold(self, producer_id: str, customer_id: str, hold: Hold) -> None:
        values = {
            "hold_id": hold.hold_id, "producer_id": producer_id, "customer_id": customer_id,
            "order_id": hold.order_id, "attempt": hold.attempt, "amount_cents": hold.amount_cents,
            "status": hold.status, "expires_at": hold.expires_at, "closed_at": hold.closed_at,
            "reason": hold.reason,
        }
        statement = insert(holds).values(**values)
        await self.session.execute(statement.on_conflict_do_update(
            index_elements=[holds.c.hold_id],
            set_={"status": hold.status, "closed_at": hold.closed_at, "reason": hold.reason},
        ))

    async def expired_hold_owners(self, now: datetime, limit: int) -> list[tuple[str, str]]:
        """Accounts with a pending hold past its expiry (the partial index serves this)."""
        rows = await self.session.execute(
            select(holds.c.producer_id, holds.c.customer_id)
            .where(holds.c.status == "pending", holds.c.expires_at <= now)
            .distinct().limit(limit)
        )
        return [(row.producer_id, row.customer_id) for row in rows]

    async def pending_holds(self, producer_id: str, customer_id: str) -> list[Hold]:
        rows = await self.session.execute(
            select(holds).where(holds.c.producer_id == producer_id,
                                holds.c.customer_id == customer_id, holds.c.status == "pending")
        )
        return [_hold(row) for row in rows]


def _credits(value) -> dict[str, int]:
    """The jsonb of a position's credits, as asyncpg (text) or SQLAlchemy (dict) returns it."""
    return json.loads(value) if isinstance(value, str) else dict(value or {})


class _Row:
    """An asyncpg record read like a SQLAlchemy row (attribute access)."""

    def __init__(self, record) -> None:
        self._record = record

    def __getattr__(self, name: str):
        return self._record[name]


_S = accounts.schema
_OPEN_MANY = f"""
    INSERT INTO {_S}.accounts (producer_id, customer_id, name, search_name)
    SELECT p, c, c, lower(c) FROM unnest($1::text[], $2::text[]) AS k(p, c)
    ON CONFLICT DO NOTHING"""
_LOCK_MANY = f"""
    SELECT a.* FROM {_S}.accounts a JOIN unnest($1::text[], $2::text[]) AS k(p, c)
      ON a.producer_id = k.p AND a.customer_id = k.c
    ORDER BY a.producer_id, a.customer_id FOR UPDATE OF a"""
_POSITIONS_MANY = f"""
    SELECT o.* FROM {_S}.order_positions o JOIN unnest($1::text[], $2::uuid[]) AS k(p, id)
      ON o.producer_id = k.p AND o.order_id = k.id"""
_PENDING_HOLDS_MANY = f"""
    SELECT h.* FROM {_S}.holds h JOIN unnest($1::text[], $2::uuid[]) AS k(p, id)
      ON h.producer_id = k.p AND h.order_id = k.id
    WHERE h.status = 'pending'"""
_SAVE_POSITIONS = f"""
    INSERT INTO {_S}.order_positions
      (producer_id, order_id, customer_id, version, debited_cents, credited_cents, credits)
    SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::int[], $5::bigint[],
                         $6::bigint[], $7::jsonb[])
    ON CONFLICT (producer_id, order_id) DO UPDATE SET customer_id = excluded.customer_id,
      version = excluded.version, debited_cents = excluded.debited_cents,
      credited_cents = excluded.credited_cents, credits = excluded.credits,
      credit_mode = NULL"""
_SAVE_BALANCES = f"""
    UPDATE {_S}.accounts a SET balance_cents = k.balance, held_cents = k.held
    FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) AS k(p, c, balance, held)
    WHERE a.producer_id = k.p AND a.customer_id = k.c"""
_MOVEMENT_COLUMNS = ["movement_id", "producer_id", "customer_id", "at", "kind", "amount_cents",
                     "balance_after_cents", "label", "order_id", "mode", "recorded_by"]


def _account(row) -> Account:
    identity = CustomerIdentity(address=row.address, professional=row.professional,
                                siren=row.siren, vat_number=row.vat_number)
    return Account(producer_id=row.producer_id, customer_id=row.customer_id, name=row.name,
                   email=row.email, balance_cents=row.balance_cents, held_cents=row.held_cents,
                   identity=identity)


def _position(row) -> OrderPosition:
    return OrderPosition(order_id=row.order_id, version=row.version,
                         debited_cents=row.debited_cents, credits=_credits(row.credits))


def _hold(row) -> Hold:
    return Hold(hold_id=row.hold_id, order_id=row.order_id, attempt=row.attempt,
                amount_cents=row.amount_cents, status=row.status, expires_at=row.expires_at,
                closed_at=row.closed_at, reason=row.reason)
