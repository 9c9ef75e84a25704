"""The outbox relay: publishes committed outbox rows to Kafka, in order, then deletes them."""

import asyncio
import logging
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import asyncpg

from ardoise.outbox import notify_channel, payload_bytes

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class OutgoingMessage:
    topic: str
    key: bytes
    value: bytes
    headers: dict[str, str]


PublishMany = Callable[[list[OutgoingMessage]], Awaitable[None]]
"""Sends the messages in order; returns once the broker has acknowledged every one."""
Prepare = Callable[[], Awaitable[object]]
"""Makes the broker ready to take what the relay publishes (e.g. its topics exist)."""


@dataclass
class RelayStats:
    published: int = 0
    failures: int = 0


class OutboxRelay:
    """One active relay per schema (an advisory lock), woken by NOTIFY, polling as a fallback.

    Rows are deleted only after the broker acknowledged them, in the same order they were
    written; a crash in between republishes them, which the consumers' inboxes absorb.
    """

    def __init__(
        self,
        dsn: str,
        schema: str,
        publish: PublishMany,
        *,
        batch_size: int = 500,
        idle_poll_s: float = 1.0,
        retry_s: float = 1.0,
        prepare: Prepare | None = None,
    ) -> None:
        self._dsn, self._schema, self._publish, self._prepare = dsn, schema, publish, prepare
        self._batch_size, self._idle_poll_s, self._retry_s = batch_size, idle_poll_s, retry_s
        self._wake = asyncio.Event()
        self._lock_key = zlib.crc32(f"ardoise-outbox-{schema}".encode())
        self.stats = RelayStats()

    async def run(self) -> None:
        """Relay until cancelled; reconnects after any database or broker failure."""
        while True:
            try:
                await self._run_connected()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - the relay must outlive any outage
                self.stats.failures += 1
                log.warning("outbox relay %s: %s; retrying", self._schema, error)
                await asyncio.sleep(self._retry_s)

    async def _run_connected(self) -> None:
        connection = await asyncpg.connect(self._dsn)
        try:
            await connection.add_listener(notify_channel(self._schema), self._on_notify)
            while not await connection.fetchval("SELECT pg_try_advisory_lock($1)", self._lock_key):
                await asyncio.sleep(self._idle_poll_s)
            if self._prepare is not None:  # after any failure too: the broker may be a new one
                await self._prepare()
            while True:
                # cleared before the batch is read: a row committed after that read notifies
                # while the batch goes out, and the wait below returns at once
                self._wake.clear()
                if await self.relay_batch(connection) < self._batch_size:
                    await self._wait_for_work()  # not a read more that would find nothing
        finally:
            await connection.close(timeout=2)

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    async def _wait_for_work(self) -> None:
        try:
            await asyncio.wait_for(self._wake.wait(), self._idle_poll_s)
        except TimeoutError:
            pass

    async def relay_batch(self, connection: asyncpg.Connection) -> int:
        """Publish one batch, oldest first; returns how many rows went out."""
        rows = await connection.fetch(
            f"SELECT id, topic, key, event_type, payload, request_id FROM {self._schema}.outbox"
            " ORDER BY id LIMIT $1",
            self._batch_size,
        )
        if rows:
            await self._publish(
                [
                    OutgoingMessage(
                        row["topic"],
                        row["key"].encode(),
                        payload_bytes(row["payload"]),
                        _headers(row),
                    )
                    for row in rows
                ]
            )
            await connection.execute(
                f"DELETE FROM {self._schema}.outbox WHERE id = ANY($1::bigint[])",
                [row["id"] for row in rows],
            )
            self.stats.published += len(rows)
        return len(rows)


def _headers(row: asyncpg.Record) -> dict[str, str]:
    """The event's type, and the request that caused it when there was one."""
    headers = {"event_type": row["event_type"]}
    if row["request_id"] is not None:
        headers["request_id"] = row["request_id"]
    return headers
