"""Tables of the web schema: one-time sign-in links and sessions. No business data."""

from sqlalchemy import Column, DateTime, Index, MetaData, String, Table

SCHEMA = "web"
metadata = MetaData(schema=SCHEMA)

login_links = Table(
    "login_links", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("producer_id", String(64), nullable=False),
    Column("customer_id", String(64)),
    Column("email", String(320), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
)
"""Only the SHA-256 of a link's token is kept: a copy of the table signs no one in."""

sessions = Table(
    "sessions", metadata,
    Column("session_hash", String(64), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("producer_id", String(64), nullable=False),
    Column("customer_id", String(64)),
    Column("email", String(320), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

Index("login_links_expiry", login_links.c.expires_at)
Index("sessions_expiry", sessions.c.expires_at)
