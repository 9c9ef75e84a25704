"""Loading and saving accounts, order positions and holds; rows in, domain objects out."""

import uuid
from datetime import datetime

from sqlalchemy import select, update
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
        if row is None:
            return None
        return Account(
            producer_id=row.producer_id, customer_id=row.customer_id, name=row.name,
            email=row.email, balance_cents=row.balance_cents, held_cents=row.held_cents,
        )

    async def get_or_open_for_update(self, producer_id: str, customer_id: str) -> Account:
        """An account for money that arrives before its customer was registered: nothing is lost."""
        await self.session.execute(
            insert(accounts)
            .values(producer_id=producer_id, customer_id=customer_id, name=customer_id)
            .on_conflict_do_nothing()
        )
        account = await self.get_for_update(producer_id, customer_id)
        assert account is not None
        return account

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
        if account.new_movements:
            await self.session.execute(insert(movements), [
                {
                    "movement_id": m.movement_id, "producer_id": account.producer_id,
                    "customer_id": account.customer_id, "at": m.at, "kind": m.kind,
                    "amount_cents": m.amount_cents, "balance_after_cents": m.balance_after_cents,
                    "label": m.label, "order_id": m.order_id, "mode": m.mode,
                }
                for m in account.new_movements
            ])
        await self.session.execute(
            update(accounts)
            .where(accounts.c.producer_id == account.producer_id,
                   accounts.c.customer_id == account.customer_id)
            .values(balance_cents=account.balance_cents, held_cents=account.held_cents)
        )

    async def position(self, producer_id: str, order_id: uuid.UUID) -> OrderPosition | None:
        row = (await self.session.execute(
            select(order_positions).where(order_positions.c.producer_id == producer_id,
                                          order_positions.c.order_id == order_id)
        )).first()
        if row is None:
            return None
        return OrderPosition(order_id=row.order_id, version=row.version,
                             debited_cents=row.debited_cents, credited_cents=row.credited_cents,
                             credit_mode=row.credit_mode)

    async def save_position(self, producer_id: str, customer_id: str, position: OrderPosition) -> None:
        values = {
            "producer_id": producer_id, "order_id": position.order_id, "customer_id": customer_id,
            "version": position.version, "debited_cents": position.debited_cents,
            "credited_cents": position.credited_cents, "credit_mode": position.credit_mode,
        }
        statement = insert(order_positions).values(**values)
        await self.session.execute(statement.on_conflict_do_update(
            index_elements=[order_positions.c.producer_id, order_positions.c.order_id],
            set_={k: statement.excluded[k] for k in values if k not in ("producer_id", "order_id")},
        ))

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


def _hold(row) -> Hold:
    return Hold(hold_id=row.hold_id, order_id=row.order_id, attempt=row.attempt,
                amount_cents=row.amount_cents, status=row.status, expires_at=row.expires_at,
                closed_at=row.closed_at, reason=row.reason)
