"""Tables of the web schema: one-time sign-in links, sessions and the producers' operators.
No business data."""

from sqlalchemy import Column, DateTime, Index, MetaData, String, Table, func

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
    Column("person_id", String(64)),
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
    Column("person_id", String(64)),
)

operators = Table(
    "operators", metadata,
    Column("producer_id", String(64), primary_key=True),
    Column("person_id", String(64), primary_key=True),
    Column("email", String(320), nullable=False),
    Column("name", String(200)),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("added_by", String(200), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Column("revoked_by", String(200)),
)
"""The producer's people who may sign in to the back office; a revoked one stays, dated."""

Index("login_links_expiry", login_links.c.expires_at)
Index("sessions_expiry", sessions.c.expires_at)
Index("operators_one_active_per_address", operators.c.producer_id, func.lower(operators.c.email),
      unique=True, postgresql_where=operators.c.revoked_at.is_(None))
Index("operators_revoked", operators.c.revoked_at,
      postgresql_where=operators.c.revoked_at.is_not(None))
