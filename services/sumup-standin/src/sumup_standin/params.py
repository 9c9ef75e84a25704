"""Reading a SumUp request's query or body values, each refusal kept as SumUp lists it (a
`ParamError` naming the parameter), so that a request is refused once with all of them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from starlette.datastructures import QueryParams

from sumup_standin.validation import ParamError


def date_param(values: Any, name: str, errors: list, default: date | None = None) -> date | None:
    value = values.get(name)
    if value is None:
        if default is None:
            errors.append(ParamError("MISSING", name, "Validation error: required"))
        return default
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        errors.append(ParamError("INVALID", name))
        return None


def integer_param(query: QueryParams, name: str, low: int, high: int | None, errors: list) -> int:
    value = query.get(name)
    if value is None:
        return high or 0
    if not value.isdigit() or not low <= int(value) <= (high or int(value)):
        errors.append(ParamError("INVALID", name))
        return 0
    return int(value)


def choice_param(query: QueryParams, name: str, allowed: tuple, default: str, errors: list) -> str:
    value = query.get(name, default)
    if value not in allowed:
        errors.append(ParamError("INVALID", name))
    return value


def moment_param(query: QueryParams, name: str, errors: list) -> datetime | None:
    if query.get(name) is None:
        return None
    try:
        moment = datetime.fromisoformat(query[name])
    except ValueError:
        errors.append(ParamError("INVALID", name))
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def rate_param(values: dict, name: str, below: Decimal | None, errors: list) -> Decimal:
    value = values.get(name, 0)
    if (isinstance(value, bool) or not isinstance(value, int | Decimal) or value < 0
            or (below is not None and value >= below)):
        errors.append(ParamError("INVALID", name))
        return Decimal(0)
    return Decimal(value)
