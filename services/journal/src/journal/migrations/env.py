"""Alembic environment: migrates the journal schema only."""

import os

from alembic import context

from ardoise.migrations import run_env
from journal.adapters.orm import SCHEMA, metadata

if not context.config.get_main_option("sqlalchemy.url"):
    url = os.environ.get("JOURNAL_DATABASE_URL") or os.environ["DATABASE_URL"]
    context.config.set_main_option("sqlalchemy.url", url)
run_env(metadata, SCHEMA)
