"""Loading and saving accounts, order positions and holds; rows in, domain objects out."""

import uuid
from datetime import datetime

from sqlalchemy import bindparam, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.adapters.orm import accounts, holds, movements, order_positions
from accounts.domain import Account, Hold, OrderPosition


class AccountRepository:
    """Every read that precedes a write locks the account row: one writer per account at a time."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get_for_update(self, producer_id: str, customer_id: str) -> Account | None:
        row = (await self.session.execute(
            select(accounts).where(accounts.c.producer_id == producer_id,
                                   accounts.c.customer_id == customer_id).with_for_update()
        )).first()
        return None if row is None else _account(row)

    async def get_or_open_for_update(self, producer_id: str, customer_id: str) -> Account:
        """An account for money that arrives before its customer was registered: nothing is lost."""
        key = (producer_id, customer_id)
        return (await self.get_or_open_many_for_update([key]))[key]

    async def get_or_open_many_for_update(
        self, keys: list[tuple[str, str]]
    ) -> dict[tuple[str, str], Account]:
        """Accounts locked in key order (so concurrent batches cannot deadlock), opened if new."""
        keys = sorted(set(keys))
        if not keys:
            return {}
        await self.session.execute(
            insert(accounts).on_conflict_do_nothing(),
            [{"producer_id": p, "customer_id": c, "name": c} for p, c in keys],
        )
        rows = await self.session.execute(
            select(accounts)
            .where(tuple_(accounts.c.producer_id, accounts.c.customer_id).in_(keys))
            .order_by(accounts.c.producer_id, accounts.c.customer_id)
            .with_for_update()
        )
        return {(r.producer_id, r.customer_id): _account(r) for r in rows}

    async def register(self, account: Account) -> None:
        statement = insert(accounts).values(
            producer_id=account.producer_id, customer_id=account.customer_id,
            name=account.name, email=account.email,
        )
        await self.session.execute(statement.on_conflict_do_update(
            index_elements=[accounts.c.producer_id, accounts.c.customer_id],
            set_={"name": statement.excluded.name, "email": statement.excluded.email},
        ))

    async def save(self, account: Account) -> None:
        """The new movements and the stored balance, in the caller's transaction."""
        await self.save_many([account])

    async def save_many(self, changed: list[Account]) -> None:
        new_movements = [
            {
                "movement_id": m.movement_id, "producer_id": account.producer_id,
                "customer_id": account.customer_id, "at": m.at, "kind": m.kind,
                "amount_cents": m.amount_cents, "balance_after_cents": m.balance_after_cents,
                "label": m.label, "order_id": m.order_id, "mode": m.mode,
            }
            for account in changed for m in account.new_movements
        ]
        if new_movements:
            await self.session.execute(insert(movements), new_movements)
        if changed:
            await self.session.execute(_UPDATE_BALANCE, [
                {"p": a.producer_id, "c": a.customer_id, "balance": a.balance_cents,
                 "held": a.held_cents} for a in changed
            ])

    async def positions_many(
        self, keys: list[tuple[str, uuid.UUID]]
    ) -> dict[tuple[str, uuid.UUID], OrderPosition]:
        if not keys:
            return {}
        rows = await self.session.execute(
            select(order_positions).where(
                tuple_(order_positions.c.producer_id, order_positions.c.order_id).in_(set(keys)))
        )
        return {(r.producer_id, r.order_id): _position(r) for r in rows}

    async def save_positions(self, changed: list[tuple[str, str, OrderPosition]]) -> None:
        """Upsert (producer, customer, position) rows, one statement for the lot."""
        if not changed:
            return
        await self.session.execute(_UPSERT_POSITION, [
            {"producer_id": p, "order_id": pos.order_id, "customer_id": c, "version": pos.version,
             "debited_cents": pos.debited_cents, "credited_cents": pos.credited_cents,
             "credit_mode": pos.credit_mode}
            for p, c, pos in changed
        ])

    async def pending_holds_of_orders(
        self, keys: list[tuple[str, uuid.UUID]]
    ) -> dict[tuple[str, uuid.UUID], list[Hold]]:
        found: dict[tuple[str, uuid.UUID], list[Hold]] = {}
        if keys:
            rows = await self.session.execute(
                select(holds).where(tuple_(holds.c.producer_id, holds.c.order_id).in_(set(keys)),
                                    holds.c.status == "pending"))
            for row in rows:
                found.setdefault((row.producer_id, row.order_id), []).append(_hold(row))
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


_POSITION_INSERT = insert(order_positions)
_UPSERT_POSITION = _POSITION_INSERT.on_conflict_do_update(
    index_elements=[order_positions.c.producer_id, order_positions.c.order_id],
    set_={k: _POSITION_INSERT.excluded[k]
          for k in ("customer_id", "version", "debited_cents", "credited_cents", "credit_mode")},
)
_UPDATE_BALANCE = (
    update(accounts)
    .where(accounts.c.producer_id == bindparam("p"), accounts.c.customer_id == bindparam("c"))
    .values(balance_cents=bindparam("balance"), held_cents=bindparam("held"))
)


def _account(row) -> Account:
    return Account(producer_id=row.producer_id, customer_id=row.customer_id, name=row.name,
                   email=row.email, balance_cents=row.balance_cents, held_cents=row.held_cents)


def _position(row) -> OrderPosition:
    return OrderPosition(order_id=row.order_id, version=row.version,
                         debited_cents=row.debited_cents, credited_cents=row.credited_cents,
                         credit_mode=row.credit_mode)


def _hold(row) -> Hold:
    return Hold(hold_id=row.hold_id, order_id=row.order_id, attempt=row.attempt,
                amount_cents=row.amount_cents, status=row.status, expires_at=row.expires_at,
                closed_at=row.closed_at, reason=row.reason)
