"""Alembic migrations of the payments schema."""
