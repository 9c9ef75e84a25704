"""Alembic migrations of the orders schema."""
