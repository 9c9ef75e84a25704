"""Tables of the payments schema."""

from ardoise.db import schema_metadata
from ardoise.inbox import inbox_table
from ardoise.outbox import outbox_table

SCHEMA = "payments"
metadata = schema_metadata(SCHEMA)
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
