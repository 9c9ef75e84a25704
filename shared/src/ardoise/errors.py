"""Domain exception families; each service's gateway maps them to HTTP statuses."""


class DomainError(Exception):
    """A request the domain refuses; nothing was written."""

    status = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message, self.field = message, field

    def detail(self) -> list[dict] | str:
        """A 422 says what is wrong in the list form FastAPI documents for it; others a sentence."""
        if self.field is None and self.status != 422:
            return self.message
        loc = ["body"] if self.field is None else ["body", self.field]
        return [{"loc": loc, "msg": self.message, "type": "value_error"}]


class NotFound(DomainError):
    status = 404


class Invalid(DomainError):
    status = 422


class Conflict(DomainError):
    status = 409


class Forbidden(DomainError):
    status = 403


class Unavailable(DomainError):
    """Another service needed to answer could not: nothing was written, try again."""

    status = 503
