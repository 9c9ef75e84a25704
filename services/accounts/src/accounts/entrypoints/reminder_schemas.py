"""A reminder as the gateway shows it: on the account page and in answers about reminders."""

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel


class ReminderOut(BaseModel):
    reminder_id: uuid.UUID
    sent_at: datetime | None
    """When the mail server took it, refused it or could not be reached (null while it is
    being sent, or when it was cancelled)."""
    balance_cents: int
    """The balance the e-mail told."""
    status: Literal["sending", "sent", "refused", "failed", "cancelled"]
    """`refused`: the server refused the address for good (not tried again until the customer's
    e-mail changes); `failed`: it could not be reached (tried again, then given up until the
    next period); `cancelled`: the debt was paid while it was written (not sent)."""
    manual: bool
    """Sent by hand by the producer (else by the rule)."""
    email: str
    error: str | None
    """The mail server's answer to a refused or failed one, or why it was cancelled."""
