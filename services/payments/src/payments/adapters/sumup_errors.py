"""What SumUp answered when it refused a call, or that it could not be reached: its HTTP status
and its own error fields, a checkout it does not have, SumUp unavailable after every retry."""

from __future__ import annotations

import httpx

from payments.adapters.sumup_money import _loads


class SumUpError(Exception):
    """SumUp refused a call or could not be reached: HTTP status and SumUp's own error fields."""

    def __init__(
        self, status: int | None, error_code: str | None, message: str, param: str | None = None
    ) -> None:
        self.status = status
        self.error_code = error_code
        self.message = message
        self.param = param
        parts = ("SumUp", status or "unreachable", error_code, param)
        heading = " ".join(str(part) for part in parts if part)
        super().__init__(f"{heading}: {message}")

    @classmethod
    def from_response(cls, response: httpx.Response) -> SumUpError:
        """Read SumUp's `{error_code, message, param}` (or a list of them) or its problem+json."""
        try:
            body = _loads(response)
        except ValueError:
            body = {}
        if isinstance(body, list):
            body = body[0] if body and isinstance(body[0], dict) else {}
        if not isinstance(body, dict):
            body = {}
        message = next(
            (body[key] for key in ("message", "error_message", "detail", "title") if body.get(key)),
            response.reason_phrase,
        )
        error_class = CheckoutNotFound if response.status_code == 404 else cls
        return error_class(
            response.status_code,
            body.get("error_code"),
            str(message),
            body.get("param"),
        )


class CheckoutNotFound(SumUpError):
    """SumUp has no checkout with this id for this merchant."""


class SumUpUnavailable(SumUpError):
    """SumUp kept timing out, refusing connections or answering 5xx after every retry."""
