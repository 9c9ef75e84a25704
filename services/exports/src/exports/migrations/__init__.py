"""Alembic migrations of the exports schema."""
