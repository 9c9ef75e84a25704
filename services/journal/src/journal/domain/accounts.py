"""The chart of accounts the FEC is written with: a farm's defaults, per role, merged with the
producer's own accounts (or its accountant's). No I/O.

A role names what an account holds (the customers, the sales, the VAT collected, each mode money
comes in by...). Sales and VAT may take another account for one VAT rate: role `sales:5.5`
overrides `sales` for the 5.5 % rate, `vat:20` overrides `vat` for 20 %.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from ardoise.errors import Invalid

DEFAULT_CHART = {
    "customers": {"number": "411000", "label": "Clients"},
    "sales": {"number": "701000", "label": "Ventes de produits finis"},
    "vat": {"number": "445710", "label": "TVA collectée"},
    "cash": {"number": "530000", "label": "Caisse"},
    "cheque": {"number": "511200", "label": "Chèques à encaisser"},
    "card": {"number": "511500", "label": "Cartes bancaires à encaisser"},
    "transfer": {"number": "512000", "label": "Banque"},
    "online": {"number": "511000", "label": "SumUp"},
    "credit_notes": {"number": "709000", "label": "Rabais, remises et ristournes accordés"},
    "adjustments_credit": {"number": "709000",
                           "label": "Rabais, remises et ristournes accordés"},
    "adjustments_debit": {"number": "708000", "label": "Produits des activités annexes"},
}
ROLES = tuple(DEFAULT_CHART)
PER_RATE_ROLES = ("sales", "vat")
RATES = ("0", "2.1", "5.5", "10", "20")
"""The French VAT rates a document can carry (per cent)."""

# The first digit of a plan comptable général account is its class (1 to 8); each role belongs
# to the accounts its entries go to: customers 41 (411 clients, 419 clients créditeurs...),
# sales and the reductions on them class 7, VAT collected 4457 (445), money class 5, an
# adjustment of a balance a product (7) or, given away, a charge (6).
PREFIXES = {
    "customers": ("41",), "sales": ("7",), "vat": ("445",),
    "cash": ("5",), "cheque": ("5",), "card": ("5",), "transfer": ("5",), "online": ("5",),
    "credit_notes": ("7",), "adjustments_credit": ("6", "7"), "adjustments_debit": ("7",),
}
_NUMBER = re.compile(r"[1-8][0-9]{2,19}")
MAX_LABEL = 100


class Account(NamedTuple):
    number: str
    label: str


def rate_key(rate) -> str:
    """A rate as the chart names it: `5.5`, `20` (`"5.50"`, `Decimal("20.0")` alike)."""
    try:
        return format(Decimal(str(rate)).normalize(), "f")
    except InvalidOperation:
        return str(rate)


def _role_parts(role: str) -> tuple[str, str | None]:
    base, _, rate = role.partition(":")
    return base, (rate_key(rate) if rate else None)


@dataclass(frozen=True)
class Chart:
    """Every role's account: the defaults, then the producer's overrides."""

    accounts: Mapping[str, Account] = field(default_factory=dict)

    @classmethod
    def of(cls, overrides: Mapping[str, Mapping[str, str]] | None = None) -> "Chart":
        merged = {role: Account(**account) for role, account in DEFAULT_CHART.items()}
        for role, account in (overrides or {}).items():
            base, rate = _role_parts(role)
            merged[f"{base}:{rate}" if rate else base] = Account(str(account["number"]),
                                                                 str(account["label"]))
        return cls(merged)

    def account(self, role: str, rate=None) -> Account:
        """The account of `role`, the one of its VAT rate first when the producer gave one."""
        if rate is not None and role in PER_RATE_ROLES:
            specific = self.accounts.get(f"{role}:{rate_key(rate)}")
            if specific is not None:
                return specific
        return self.accounts[role]

    def as_dict(self) -> dict:
        return {role: {"number": account.number, "label": account.label}
                for role, account in self.accounts.items()}


def check_chart(overrides: Mapping) -> None:
    """A producer's accounts: known roles, numbers of the plan comptable général (3 to 20
    digits, the class and the role's accounts first), a label; one label per number."""
    if not isinstance(overrides, Mapping):
        raise Invalid("the chart maps roles to accounts", "chart")
    for role, account in overrides.items():
        loc = f"chart.{role}"
        base, rate = _role_parts(str(role))
        if base not in ROLES or (rate is not None and (base not in PER_RATE_ROLES
                                                       or rate not in RATES)):
            raise Invalid(f"unknown role {role!r}: one of {', '.join(ROLES)}, or sales:<rate> "
                          f"or vat:<rate> for a VAT rate among {', '.join(RATES)}", loc)
        if not isinstance(account, Mapping) or set(account) != {"number", "label"}:
            raise Invalid("an account is given by its number and its label, "
                          "e.g. {\"number\": \"530000\", \"label\": \"Caisse\"}", loc)
        number, label = account["number"], account["label"]
        if not isinstance(number, str) or not _NUMBER.fullmatch(number):
            raise Invalid(f"an account number is 3 to 20 digits, the first its class (1 to 8) "
                          f"in the plan comptable général, not {number!r}", loc)
        if not number.startswith(PREFIXES[base]):
            raise Invalid(f"the {base} account is a {' or '.join(PREFIXES[base])}… account of "
                          f"the plan comptable général, not {number}", loc)
        if not isinstance(label, str) or not label.strip() or len(label) > MAX_LABEL:
            raise Invalid(f"an account has a label of 1 to {MAX_LABEL} characters", loc)
    _check_one_label_per_number(Chart.of(overrides), overrides)


def _check_one_label_per_number(chart: Chart, overrides: Mapping) -> None:
    # the FEC gives each line its account's label (CompteLib): one account, one label
    seen: dict[str, tuple[str, str]] = {}
    for role, (number, label) in chart.accounts.items():
        first_role, first_label = seen.setdefault(number, (role, label.strip()))
        if first_label != label.strip():
            given = role if role in overrides else first_role
            raise Invalid(f"account {number} is labelled {first_label!r} for {first_role} and "
                          f"{label!r} for {role}: one account has one label", f"chart.{given}")
