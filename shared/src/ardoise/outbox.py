"""Transactional outbox: events are rows written with the change that caused them."""

import json
from collections.abc import Iterable

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    MetaData,
    String,
    Table,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.ext.asyncio import AsyncSession
from structlog.contextvars import get_contextvars

from ardoise.db import driver_connection
from ardoise.events import Event, encode_event


def outbox_table(metadata: MetaData) -> Table:
    return Table(
        "outbox",
        metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
        Column("topic", String(200), nullable=False),
        Column("key", String(200), nullable=False),
        Column("event_type", String(100), nullable=False),
        Column("payload", JSONB, nullable=False),
        # the request that caused the event, passed on with it (a Kafka header) to its consumers
        Column("request_id", String(128)),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )


def notify_channel(schema: str) -> str:
    return f"{schema}_outbox"


def outbox_trigger_sql(schema: str) -> list[str]:
    """A statement-level trigger that wakes the relay as soon as the transaction commits."""
    channel = notify_channel(schema)
    return [
        f"""CREATE OR REPLACE FUNCTION {schema}.notify_outbox() RETURNS trigger
            LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('{channel}', ''); RETURN NULL; END $$""",
        f"""CREATE TRIGGER outbox_notify AFTER INSERT ON {schema}.outbox
            FOR EACH STATEMENT EXECUTE FUNCTION {schema}.notify_outbox()""",
    ]


async def write_events(session: AsyncSession, table: Table, events: Iterable[Event]) -> None:
    """Queue events in the caller's transaction: published only if that transaction commits.
    Rows keep the order given (the relay publishes in id order): a few in one INSERT (one
    round trip), many in one COPY (faster per row, but a round trip more). Each carries the
    request id being handled (an HTTP request's, or the one the consumed event came with)."""
    request_id = get_contextvars().get("request_id")
    records = [(event.event_id, event.topic, event.key, type(event).__name__,
                json.dumps(encode_event(event)), request_id) for event in events]
    if not records:
        return
    connection = await driver_connection(session)
    if len(records) > COPY_FROM:
        await connection.copy_records_to_table(table.name, schema_name=table.schema,
                                               columns=_COLUMNS, records=records)
        return
    await connection.execute(
        f"INSERT INTO {table.fullname} ({', '.join(_COLUMNS)})"
        " SELECT e, t, k, y, p::jsonb, r FROM unnest($1::uuid[], $2::text[], $3::text[],"
        " $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS u(e, t, k, y, p, r, n) ORDER BY n",
        *map(list, zip(*records, strict=True)))


COPY_FROM = 50
"""From how many events a batch is written with COPY rather than INSERT."""
_COLUMNS = ["event_id", "topic", "key", "event_type", "payload", "request_id"]


def payload_bytes(payload: dict | str) -> bytes:
    """asyncpg hands JSONB back as text; the relay publishes it as it was stored."""
    return (payload if isinstance(payload, str) else json.dumps(payload)).encode()
