"""Credit limits: how far below zero a customer's available balance may go, by the producer's
default or the customer's own limit, and what an order over it gets. No I/O.

A limit is a positive amount of cents: 5000 means the available balance (balance − held) may go
down to −50,00 €; None means no limit. The rule an order is checked by lives with the orders
(orders/domain/credit_limit.py); this module keeps the limits and the figures shown of them."""

from dataclasses import dataclass, field

from accounts.domain.exceptions import AmountOutOfRange
from ardoise.changes import Change
from ardoise.errors import Invalid
from ardoise.money import MAX_AMOUNT_CENTS

REFUSE, ONLINE_PAYMENT = "refuse", "online_payment"
OVER_LIMIT_CHOICES = (REFUSE, ONLINE_PAYMENT)
"""What an order over the limit gets: refused (409), or accepted to be paid online at once."""


class UnknownOverLimitChoice(Invalid):
    pass


def check_limit_is_an_amount_or_none(limit_cents: object, field: str = "credit_limit_cents"
                                     ) -> None:
    """0 (no debt at all) up to the largest amount; None: no limit."""
    if limit_cents is None:
        return
    # bool is an int subclass, and True must not pass for one cent
    if not isinstance(limit_cents, int) or isinstance(limit_cents, bool):
        raise AmountOutOfRange("a credit limit is a whole number of cents", field)
    if not 0 <= limit_cents <= MAX_AMOUNT_CENTS:
        raise AmountOutOfRange(f"a credit limit is between 0 and {MAX_AMOUNT_CENTS} cents "
                               "(5000: the available balance may go down to -50,00 €)", field)


def check_over_limit_is_a_choice(over_limit: object) -> None:
    if over_limit not in OVER_LIMIT_CHOICES:
        raise UnknownOverLimitChoice(f"over_limit is one of {', '.join(OVER_LIMIT_CHOICES)}",
                                     "over_limit")


@dataclass(frozen=True)
class CreditLimits:
    """A producer's default limit (None: none) and what an order over a limit gets."""

    default_limit_cents: int | None = None
    over_limit: str = REFUSE

    @classmethod
    def checked(cls, default_limit_cents: object, over_limit: object) -> "CreditLimits":
        check_limit_is_an_amount_or_none(default_limit_cents)
        check_over_limit_is_a_choice(over_limit)
        return cls(default_limit_cents, over_limit)  # type: ignore[arg-type]

    def limit_of(self, customer_limit_cents: int | None) -> int | None:
        """The limit in force for a customer: its own when set, else the default."""
        return effective_limit_cents(self.default_limit_cents, customer_limit_cents)


def effective_limit_cents(default_limit_cents: int | None,
                          customer_limit_cents: int | None) -> int | None:
    """A customer's own limit overrides the producer's default; None for both: no limit."""
    return customer_limit_cents if customer_limit_cents is not None else default_limit_cents


def available_until_limit_cents(available_cents: int, limit_cents: int | None) -> int | None:
    """What the customer may still spend before reaching the limit (negative: already below
    it, e.g. after a limit was lowered); None without a limit."""
    return None if limit_cents is None else available_cents + limit_cents


@dataclass(frozen=True)
class CreditStanding:
    """One customer's figures against its limit, as the orders service asks them at placement."""

    customer_id: str
    balance_cents: int
    held_cents: int
    customer_limit_cents: int | None
    limits: CreditLimits
    payment_tracking: bool
    limit_change: Change = field(default_factory=Change)
    """Who last set the customer's own limit, and when."""

    @property
    def available_cents(self) -> int:
        return self.balance_cents - self.held_cents

    @property
    def limit_cents(self) -> int | None:
        return self.limits.limit_of(self.customer_limit_cents)

    def view(self) -> dict:
        return {
            "customer_id": self.customer_id, "balance_cents": self.balance_cents,
            "held_cents": self.held_cents, "available_cents": self.available_cents,
            "credit_limit_cents": self.limit_cents,
            "customer_credit_limit_cents": self.customer_limit_cents,
            "default_credit_limit_cents": self.limits.default_limit_cents,
            "over_limit": self.limits.over_limit,
            "available_until_limit_cents": available_until_limit_cents(self.available_cents,
                                                                       self.limit_cents),
            "payment_tracking": self.payment_tracking, **self.limit_change.view(),
        }


@dataclass(frozen=True)
class SetCreditLimits:
    """The producer's default limit (None: none) and its choice for orders over a limit."""

    producer_id: str
    default_limit_cents: int | None
    over_limit: str
    changed_by: str | None = None


@dataclass(frozen=True)
class SetCustomerCreditLimit:
    """One customer's own limit; None: the producer's default again."""

    producer_id: str
    customer_id: str
    limit_cents: int | None
    changed_by: str | None = None
