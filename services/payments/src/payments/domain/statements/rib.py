"""French bank account numbers (RIB) and IBANs, as the statements name accounts. No I/O."""

import re

_LETTERS = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "12345678912345678923456789")
"""How a RIB's key reads the letters of an account number: A and J are 1, B and K 2, … S 2."""


def rib_key(bank: str, branch: str, account: str) -> int:
    """A RIB's key: 97 - (89 bank + 15 branch + 3 account) mod 97, the account's letters read
    as digits."""
    return 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account.translate(_LETTERS))) % 97


def iban_of_rib(bank: str, branch: str, account: str) -> str:
    """The IBAN of a French RIB (bank 5 digits, branch 5, account 11): its key, then the IBAN's
    own check digits."""
    bban = f"{bank}{branch}{account}{rib_key(bank, branch, account):02d}"
    return f"FR{98 - mod97(bban + 'FR00'):02d}{bban}"


def is_iban(text: str) -> bool:
    """An IBAN written compact and upper case, its check digits right."""
    return bool(re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}", text)) \
        and mod97(text[4:] + text[:4]) == 1


def mod97(text: str) -> int:
    """ISO 7064 MOD 97-10 over digits and letters (A = 10 … Z = 35)."""
    return int("".join(str(int(c, 36)) for c in text)) % 97
