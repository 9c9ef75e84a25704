"""Wakes the readers waiting on an order's page when a transaction that changed it commits.

The orders tables' triggers send `NOTIFY orders_order_changed, '<order id>'`; PostgreSQL delivers
it once the transaction has committed, so a reader woken by it reads the change.
"""

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator

import asyncpg

log = logging.getLogger(__name__)
CHANNEL = "orders_order_changed"
WATCHED_TABLES = {"orders": "UPDATE", "settlements": "INSERT OR UPDATE",
                  "payments": "INSERT OR UPDATE"}
"""What the order page shows comes from these (a new order has no reader waiting on it yet)."""
RECONNECT_S = 1.0


def trigger_sql(schema: str) -> list[str]:
    """A row trigger on each table the order page reads, naming the order that changed."""
    return [
        f"""CREATE OR REPLACE FUNCTION {schema}.notify_order_changed() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_notify('{CHANNEL}', NEW.order_id::text); RETURN NULL; END $$""",
        *(f"""CREATE TRIGGER order_changed AFTER {events} ON {schema}.{table}
              FOR EACH ROW EXECUTE FUNCTION {schema}.notify_order_changed()"""
          for table, events in WATCHED_TABLES.items()),
    ]


def drop_trigger_sql(schema: str) -> list[str]:
    return [*(f"DROP TRIGGER order_changed ON {schema}.{table}" for table in WATCHED_TABLES),
            f"DROP FUNCTION {schema}.notify_order_changed()"]


class OrderChanges:
    """One LISTEN connection per gateway process, opened when a reader first waits.

    A reader is registered before it reads the order, so a change committed between its read
    and its wait still wakes it. Notifications sent while the connection is being made again are
    lost: every reader is woken then, to read again.
    """

    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self._waiting: dict[str, set[asyncio.Event]] = {}
        self._listening = asyncio.Event()
        self._task: asyncio.Task | None = None

    @contextlib.asynccontextmanager
    async def watching(self, order_id: uuid.UUID, ready_within_s: float) -> AsyncIterator[asyncio.Event]:
        """An event set whenever a change of this order commits (clear it before each read)."""
        if self._task is None:
            self._task = asyncio.create_task(self._listen_forever())
        key, changed = str(order_id), asyncio.Event()
        self._waiting.setdefault(key, set()).add(changed)
        try:
            with contextlib.suppress(TimeoutError):  # the reader reads again after its timeout
                await asyncio.wait_for(self._listening.wait(), ready_within_s)
            yield changed
        finally:
            waiters = self._waiting[key]
            waiters.discard(changed)
            if not waiters:
                del self._waiting[key]

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _listen_forever(self) -> None:
        while True:
            try:
                await self._listen()
            except Exception as error:  # noqa: BLE001 - readers fall back to their timeouts
                log.warning("listening for order changes: %s; retrying", error)
            self._listening.clear()
            self._wake_everyone()
            await asyncio.sleep(RECONNECT_S)

    async def _listen(self) -> None:
        connection = await asyncpg.connect(self._dsn)
        try:
            lost = asyncio.Event()
            connection.add_termination_listener(lambda _: lost.set())
            await connection.add_listener(CHANNEL, self._on_notify)
            self._listening.set()
            self._wake_everyone()  # what changed before this LISTEN was not heard
            await lost.wait()
        finally:
            await connection.close(timeout=2)

    def _on_notify(self, _connection: object, _pid: int, _channel: str, order_id: str) -> None:
        for changed in self._waiting.get(order_id, ()):
            changed.set()

    def _wake_everyone(self) -> None:
        for waiters in self._waiting.values():
            for changed in waiters:
                changed.set()
