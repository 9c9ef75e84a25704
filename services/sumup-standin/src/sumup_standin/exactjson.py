"""JSON whose numbers stay exact: read as Decimal, written back digit for digit."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from starlette.responses import Response


class MalformedJSON(ValueError):
    """The body is not JSON, or uses NaN/Infinity, which JSON does not have."""


def loads(data: bytes | str) -> Any:
    """Parse JSON, keeping every non-integer number as the Decimal it spells."""
    try:
        return json.loads(data, parse_float=Decimal, parse_constant=_refuse_constant)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedJSON(str(exc)) from exc


def dumps(value: Any) -> str:
    """Write JSON with each Decimal as the number it holds (`Decimal("15.0")` → `15.0`)."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"JSON has no number {value}")
        return str(value)
    if isinstance(value, dict):
        members = (f"{json.dumps(str(key))}:{dumps(item)}" for key, item in value.items())
        return "{" + ",".join(members) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(dumps(item) for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


class ExactJSONResponse(Response):
    """A JSON response that writes Decimals as exact JSON numbers."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return dumps(content).encode("utf-8")


class ProblemJSONResponse(ExactJSONResponse):
    """An RFC 9457 problem details response, as SumUp's newer errors are."""

    media_type = "application/problem+json"
