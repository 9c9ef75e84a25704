"""What names a business on an invoice: SIREN, SIRET, VAT number and postal address, checked."""

import re

from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret
from stdnum.fr import tva as fr_tva

from ardoise.text import CONTROL_CHARACTERS

MAX_ADDRESS_LENGTH = 300
MAX_ADDRESS_LINES = 5
ADDRESS_CONTROL_CHARACTERS = CONTROL_CHARACTERS.replace(r"\x00-\x1f", r"\x00-\x09\x0b-\x1f")
"""Those of a one-line text but the line feed: an address is printed on several lines."""
ADDRESS_PATTERN = rf"^[^{ADDRESS_CONTROL_CHARACTERS}]*$"
EU_VAT_PREFIXES = frozenset(
    "AT BE BG CY CZ DE DK EE EL ES FI FR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK XI".split())
"""The prefixes of intra-community VAT numbers, as VIES writes them (Greece is EL, not GR;
XI is Northern Ireland, still in VIES for goods)."""

# copied and pasted numbers come with ordinary, non-breaking or narrow non-breaking spaces
_SPACES = re.compile(r"[ \t\u00a0\u202f]")
_ADDRESS_CONTROL = re.compile(f"[{ADDRESS_CONTROL_CHARACTERS}]")


def _digits(value: str, count: int, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"a {what} is text")
    number = _SPACES.sub("", value)
    if len(number) != count or not number.isascii() or not number.isdigit():
        raise ValueError(f"a {what} has {count} digits")
    return number


def siren_of(value: str) -> str:
    """The SIREN (9 digits, spaces allowed) as 9 digits; ValueError if it is not one."""
    number = _digits(value, 9, "SIREN")
    try:
        return fr_siren.validate(number)
    except ValidationError:
        raise ValueError(f"{number} is not a SIREN (its check digit is wrong)") from None


def siret_of(value: str) -> str:
    """The SIRET (14 digits: the SIREN and the establishment's 5) as 14 digits; ValueError if
    it is not one."""
    number = _digits(value, 14, "SIRET")
    try:
        return fr_siret.validate(number)
    except ValidationError:
        raise ValueError(f"{number} is not a SIRET (its check digit is wrong)") from None


def vat_number_of(value: str) -> str:
    """An intra-community VAT number, compact and upper case (`FR44732829320`): French ones
    are FR, a 2-character key and the SIREN; another member state's, checked by its own rule.
    ValueError if it is not one."""
    if not isinstance(value, str):
        raise ValueError("a VAT number is text")
    number = re.sub(r"[\s.\-\u00a0\u202f]", "", value).upper()
    prefix = number[:2]
    if prefix not in EU_VAT_PREFIXES:
        raise ValueError("a VAT number starts with its country's code (FR for France), "
                         "e.g. FR44732829320")
    try:
        if prefix == "FR":
            return "FR" + fr_tva.validate(number)
        return eu_vat.validate(number)
    except ValidationError:
        raise ValueError(f"{number} is not a valid {prefix} VAT number") from None


def siren_in_vat_number(vat_number: str) -> str | None:
    """The SIREN a French VAT number is built on (None for another country's, or for a
    Monaco business, whose French number has none)."""
    number = vat_number_of(vat_number)
    if not number.startswith("FR") or number[4:7] == "000":
        return None
    return number[4:]


def french_vat_number(siren: str) -> str:
    """The French VAT number of a SIREN: FR, its numeric key, the SIREN."""
    number = siren_of(siren)
    return f"FR{(12 + 3 * (int(number) % 97)) % 97:02d}{number}"


def address_of(value: str) -> str:
    """A postal address as printed: 1 to 5 lines (line feeds between them; a CR LF is taken as
    one), each stripped, blank ones dropped, at most 300 characters; ValueError otherwise."""
    if not isinstance(value, str):
        raise ValueError("an address is text")
    text = value.replace("\r\n", "\n")
    if _ADDRESS_CONTROL.search(text):
        raise ValueError("an address has no control character but line feeds")
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if not lines:
        raise ValueError("an address has at least one line")
    if len(lines) > MAX_ADDRESS_LINES:
        raise ValueError(f"an address has at most {MAX_ADDRESS_LINES} lines")
    address = "\n".join(lines)
    if len(address) > MAX_ADDRESS_LENGTH:
        raise ValueError(f"an address has at most {MAX_ADDRESS_LENGTH} characters")
    return address
