"""Each customer's short payment reference: what a customer writes on a transfer so that the
producer's bank statement names them. Derived, never stored: every service (invoices, the account
page, reminders, the bank import) computes the same one from the producer and the customer."""

import hashlib
import re

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford's base 32: no I, L, O or U, so a reference read aloud or retyped stays one."""
PREFIX = "ARD"
LENGTH = 6
FOUND = re.compile(r"(?<![0-9A-Z])ARD[\s\-_./]*([0-9A-Z](?:[\s\-]?[0-9A-Z]){5})(?![0-9A-Z])")
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def payment_reference(producer_id: str, customer_id: str) -> str:
    """`ARD-` and six characters, e.g. `ARD-7K2Q9P`; two customers of a producer share one with
    a chance of about one in a billion per pair."""
    digest = int.from_bytes(hashlib.sha256(f"{producer_id}\x1f{customer_id}".encode()).digest()[:8])
    code = "".join(ALPHABET[(digest >> (5 * i)) & 31] for i in range(LENGTH))
    return f"{PREFIX}-{code}"


def references_in(text: str) -> list[str]:
    """The payment references a transfer's text holds, however the bank or the payer spaced or
    cased them (`ard 7k2q9p`, `ARD7K2Q9P`, `ARD-7K2-Q9P`), in the canonical form."""
    found = []
    for match in FOUND.finditer(text.upper()):
        code = re.sub(r"[\s\-]", "", match.group(1)).translate(_READ_AS)
        if all(c in ALPHABET for c in code):
            found.append(f"{PREFIX}-{code}")
    return found
