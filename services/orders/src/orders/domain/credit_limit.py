"""The credit limit an order is checked against when it is placed. No I/O.

The producer sets a limit (accounts service): the customer's available balance (balance − held)
may go down to −limit. An order whose total would take it below that is refused, or accepted to
be paid online at once (its checkout collects the debt with it), as the producer chose.

What is and is not counted: the balance and the holds as the accounts service has them when the
order is placed. Orders placed but not settled yet are not in the balance, and an online
payment's hold is taken after its order is placed (the checkout saga): two orders placed at the
same moment are each checked against the same available balance, and may both pass. Only a
reservation taken at placement would close that window; orders are not refused on a guess."""

from dataclasses import dataclass

from ardoise.errors import Conflict
from ardoise.money import format_cents

REFUSE, ONLINE_PAYMENT = "refuse", "online_payment"
OVER_LIMIT_CHOICES = (REFUSE, ONLINE_PAYMENT)


class CreditLimitReached(Conflict):
    pass


@dataclass(frozen=True)
class CreditStanding:
    """A customer's figures against its limit, as the accounts service tells them."""

    available_cents: int
    limit_cents: int | None
    """The limit in force (the customer's own, else the producer's default); None: none."""
    over_limit: str = REFUSE
    payment_tracking: bool = True
    """Off: balances are not counted, so neither is a limit."""

    def available_after_cents(self, total_cents: int) -> int:
        return self.available_cents - total_cents

    def is_crossed_by(self, total_cents: int) -> bool:
        """Whether an order of this total would take the available balance below the limit
        (reaching the limit exactly is within it)."""
        if not self.payment_tracking or self.limit_cents is None:
            return False
        return self.available_after_cents(total_cents) < -self.limit_cents


def paid_online_for_limit(standing: CreditStanding | None, total_cents: int,
                          online_payment_required: bool) -> bool:
    """Whether the order is to be paid online because of the limit. Raises CreditLimitReached
    when the producer refuses orders over it.

    Not checked when the accounts service could not say (`standing` None: an order is not
    refused for an outage), nor when the producer requires online payment of every order (its
    checkout collects the debt and the order at once: the balance does not go below anything).
    """
    if standing is None or online_payment_required or not standing.is_crossed_by(total_cents):
        return False
    if standing.over_limit == ONLINE_PAYMENT:
        return True
    raise CreditLimitReached(refusal(standing, total_cents))


def refusal(standing: CreditStanding, total_cents: int) -> str:
    """The 409's detail: the balance the order would leave and the limit, in euros."""
    assert standing.limit_cents is not None
    return (f"this order would take the available balance to "
            f"{format_cents(standing.available_after_cents(total_cents))}, below the limit of "
            f"{format_cents(-standing.limit_cents)} set by the producer (available now: "
            f"{format_cents(standing.available_cents)}); pay what is owed, or order less")
