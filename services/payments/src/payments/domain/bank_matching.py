"""Which customer, and which order, a transfer received pays, and how sure of it we are. No I/O.

The rules, as the producer sees them beside each proposal (its score and reasons):

- Only credits are matched; debits are listed, never applied to a customer.
- **Payment reference.** When the transfer's reference, label or payer's name holds the payment
  reference (`ARD-7K2Q9P`, however spaced or cased) of exactly one customer, it pays that
  customer: score 100, applied without asking. Its order is the one whose short number (the
  first 8 characters of its id) the text holds, else the only open order whose amount due is
  the amount received; else none, and the money tops up the customer's account. References of
  several customers in one transfer: the first is proposed, score 40, never applied unasked.
- **Name.** Otherwise the payer's name (the bank's counterparty, else the line's label) is
  compared with each customer's name: accents, case, punctuation, civilities (M., MME, MR...)
  and particles (de, du, la..., unless they are the whole name) do not count, nor does the
  order of the words (`MARTIN CLAIRE` is `Claire Martin`). Every word of one customer's name
  found: score 60, 90 with the order found as above (its short number, or the only open order
  of that amount), which is sure and applied; a longer name wins over a shorter one it holds
  (`Claire Martin` over `Martin`). Only some words found (the surname alone, an initial not
  enough): score 40, or 70 with the order. Several customers found as well as each other
  (namesakes): the one with an order of that amount if only one has, else the first, without
  an order, score 40 for full names (20 for partial ones), every one named in the reasons.
- No customer found: no proposal; the transfer waits, unmatched, for the producer.
- A proposal scoring `SURE` (90) or more is applied at once; any other waits in the queue for
  the producer to confirm, reassign or ignore.
"""

import re
import unicodedata
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ardoise.payment_reference import references_in
from payments.domain.statements.model import BankLine

SURE = 90
BY_REFERENCE, FULL_NAME, PARTIAL_NAME, WITH_ORDER = 100, 60, 40, 30
FULL_NAMESAKES, PARTIAL_NAMESAKES = 40, 20
NAMED_AT_MOST = 5
"""Namesakes named in the reasons; the others are counted."""
CIVILITIES = frozenset((
    "M MR MRS MM MME MMES MLLE MLLES MS MONSIEUR MADAME MADEMOISELLE MESSIEURS MESDAMES DR "
    "DOCTEUR ME MAITRE VVE VEUVE EP EPSE EPOUSE EPOUX ET OU").split())
"""Civilities (and the `ET`, `OU` of `M OU MME`): banks and payers add or drop them at will."""
PARTICLES = frozenset("DE DU DES LA LE LES D L".split())
"""Dropped too, unless they are the whole name (`Lê`, `Du`)."""
_SPELLED = str.maketrans({"Œ": "OE", "Æ": "AE", "Ø": "O", "Đ": "D", "Ł": "L"})
_SEPARATORS = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Customer:
    customer_id: str
    name: str
    reference: str
    """The customer's payment reference, `ARD-` and six characters."""


@dataclass(frozen=True)
class OpenOrder:
    """An order awaiting its payment by transfer: `due_cents` is what is left to pay."""

    order_id: uuid.UUID
    customer_id: str
    due_cents: int
    delivery_date: date

    @property
    def short_id(self) -> str:
        """What a payer copies of the order's number: the first 8 hex characters of its id."""
        return str(self.order_id).replace("-", "")[:8].lower()


@dataclass(frozen=True)
class Proposal:
    """The customer (and order, when one is found) a credit line is thought to pay, scored 0 to
    100, with the reasons, in French, shown to the producer."""

    customer_id: str
    order_id: uuid.UUID | None
    score: int
    reasons: tuple[str, ...]

    @property
    def sure(self) -> bool:
        return self.score >= SURE


def name_words(text: str) -> tuple[str, ...]:
    """The words of a name that count, in order and once each: accents off, upper case,
    punctuation a space, civilities and particles out (`M. Jean-Noël d'Hérve` is
    `JEAN NOEL HERVE`)."""
    decomposed = unicodedata.normalize("NFKD", text.upper().translate(_SPELLED))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = [w for w in _SEPARATORS.split(plain.upper()) if w and w not in CIVILITIES]
    return tuple(dict.fromkeys([w for w in words if w not in PARTICLES] or words))


class Matcher:
    """Customers indexed once by payment reference and by name word, their open orders by
    customer: proposing for a line costs the words of its text, not the number of customers."""

    def __init__(self, customers: Iterable[Customer], open_orders: Iterable[OpenOrder]) -> None:
        self._customers: dict[str, Customer] = {}
        self._words: dict[str, frozenset[str]] = {}
        self._by_reference: dict[str, list[str]] = defaultdict(list)
        self._by_word: dict[str, list[str]] = defaultdict(list)
        for customer in customers:
            if customer.customer_id in self._customers:
                continue
            self._customers[customer.customer_id] = customer
            for reference in dict.fromkeys(references_in(customer.reference)):
                self._by_reference[reference].append(customer.customer_id)
            words = self._words[customer.customer_id] = frozenset(name_words(customer.name))
            for word in words:
                self._by_word[word].append(customer.customer_id)
        # a full name holds its rarest word: looking customers up by it alone finds every full
        # match among a handful, however many customers share a common first name
        self._by_rarest: dict[str, list[str]] = defaultdict(list)
        for customer_id, words in self._words.items():
            if words:
                rarest = min(words, key=lambda w: (len(self._by_word[w]), w))
                self._by_rarest[rarest].append(customer_id)
        self._orders: dict[str, list[OpenOrder]] = defaultdict(list)
        for order in open_orders:
            if order.due_cents > 0 and order.customer_id in self._customers:
                self._orders[order.customer_id].append(order)

    def propose(self, line: BankLine) -> Proposal | None:
        """The customer and order the line most likely pays, or None (a debit, or no one)."""
        if line.amount_cents <= 0:
            return None
        text = " ".join(t for t in (line.reference, line.label, line.counterparty) if t)
        return self._by_reference_in(text, line.amount_cents) or self._by_name(
            line.counterparty or line.label, text, line.amount_cents)

    def _by_reference_in(self, text: str, amount_cents: int) -> Proposal | None:
        found = dict.fromkeys(r for r in references_in(text) if r in self._by_reference)
        ids = list(dict.fromkeys(c for r in found for c in self._by_reference[r]))
        if not ids:
            return None
        if len(ids) > 1:
            return Proposal(ids[0], None, FULL_NAMESAKES, (
                "références de plusieurs clients : " + self._named(ids),))
        order, why = self._order_for(ids[0], amount_cents, text)
        reasons = (f"référence {next(iter(found))}", why or "sans commande : crédit au compte")
        return Proposal(ids[0], order, BY_REFERENCE, reasons)

    def _by_name(self, payer: str, text: str, amount_cents: int) -> Proposal | None:
        words = name_words(payer)
        present = frozenset(words)
        full = [c for w in words for c in self._by_rarest.get(w, ()) if self._words[c] <= present]
        if full:
            matched = {c: len(self._words[c]) for c in full}
        else:
            matched = Counter(c for w in words for c in self._by_word.get(w, ()))
            # an initial alone (`J`) is no partial match
            matched = {c: n for c, n in matched.items()
                       if any(len(w) > 1 for w in self._words[c] & present)}
        if not matched:
            return None
        most = max(matched.values())
        best = sorted((c for c, n in matched.items() if n == most),
                      key=lambda c: (self._customers[c].name, c))
        if len(best) == 1:
            customer_id = best[0]
            order, why = self._order_for(customer_id, amount_cents, text)
            found = " ".join(w for w in words if w in self._words[customer_id])
            reasons = (f"nom {found}" if full else f"nom partiel {found}",)
            score = FULL_NAME if full else PARTIAL_NAME
            if order is None:
                return Proposal(customer_id, None, score, reasons)
            return Proposal(customer_id, order, score + WITH_ORDER, (*reasons, why))
        with_order = [c for c in best if any(o.due_cents == amount_cents
                                             for o in self._orders.get(c, ()))]
        customer_id = with_order[0] if len(with_order) == 1 else best[0]
        return Proposal(customer_id, None, FULL_NAMESAKES if full else PARTIAL_NAMESAKES, (
            "plusieurs clients possibles : " + self._named(best),))

    def _order_for(self, customer_id: str, amount_cents: int,
                   text: str) -> tuple[uuid.UUID | None, str | None]:
        orders = self._orders.get(customer_id, ())
        lowered = text.lower()
        named = [o for o in orders if o.short_id in lowered]
        if len(named) == 1:
            return named[0].order_id, f"n° de commande {named[0].short_id}"
        same = [o for o in orders if o.due_cents == amount_cents]
        if len(same) == 1:
            return same[0].order_id, f"montant d'une commande du {same[0].delivery_date}"
        return None, None

    def _named(self, ids: list[str]) -> str:
        shown = [f"{self._customers[c].name} ({self._customers[c].reference})"
                 for c in ids[:NAMED_AT_MOST]]
        more = len(ids) - NAMED_AT_MOST
        return ", ".join(shown) + (f" et {more} autres" if more > 0 else "")


def propose(line: BankLine, customers: Iterable[Customer],
            open_orders: Iterable[OpenOrder]) -> Proposal | None:
    """One line's proposal; to match many lines, build one `Matcher` and ask it for each."""
    return Matcher(customers, open_orders).propose(line)
