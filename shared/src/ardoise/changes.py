"""Who did it (issue #23): the caller's `actor` as the history, the settings and the workbooks
keep and show it, and who last changed a setting, and when."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import BaseModel, Field

from ardoise.text import CONTROL_CHARACTERS

ACTOR_LENGTH = 254
"""The widest actor kept (an e-mail address's length); a longer name is cut."""
_NOT_SHOWN = re.compile(f"[{CONTROL_CHARACTERS}]")


def kept_actor(actor: str | None) -> str | None:
    """The actor as a column keeps it: on one line, without the control characters a worksheet
    or a receipt cannot hold (a token's name is not checked like a typed one), at most
    `ACTOR_LENGTH` characters; None for none, or nothing left."""
    if actor is None:
        return None
    return _NOT_SHOWN.sub("", actor).strip()[:ACTOR_LENGTH] or None


def actor_of(principal) -> str | None:
    """Who the caller is, as kept (`Principal.actor`: the operator's name, `client <id>`...)."""
    return kept_actor(principal.actor)


@dataclass(frozen=True)
class Change:
    """Who last changed a setting, and when; both None when no one did since it was recorded
    (the defaults, or a setting set before issue #23)."""

    by: str | None = None
    at: datetime | None = None

    @classmethod
    def now_by(cls, actor: str | None) -> "Change":
        return cls(kept_actor(actor), datetime.now(UTC))

    def columns(self) -> dict:
        """The values of a settings row's `changed_by` and `changed_at`."""
        return {"changed_by": self.by, "changed_at": self.at}

    def view(self) -> dict:
        """How the setting's GET (and PUT) answer shows it."""
        return {"changed_by": self.by, "changed_at": self.at.isoformat() if self.at else None}


class ChangeOut(BaseModel):
    """The fields a setting's answer adds for its last change (`Change.view`)."""

    changed_by: str | None = Field(None, description=(
        "Who made the last change (PUT): the operator's name, else its e-mail address or id; "
        "null when no one changed it since issue #23 (the defaults, or set before)."))
    changed_at: datetime | None = Field(None, description="When (UTC); null as `changed_by`.")
