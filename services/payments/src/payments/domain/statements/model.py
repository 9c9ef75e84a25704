"""A bank statement as any format gives it: accounts, and their lines in signed cents. No I/O."""

import hashlib
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class BankLine:
    """One booked line of an account's statement: a credit (> 0) or a debit (< 0)."""

    account: str
    """The account's IBAN (spaces removed, upper case), else the bank's own account number."""
    booking_date: date
    amount_cents: int
    label: str
    """The bank's text for the line (the remittance information when there is one)."""
    value_date: date | None = None
    counterparty: str | None = None
    """The payer's (of a credit) or payee's (of a debit) name, when the bank gives it."""
    reference: str | None = None
    """The structured or end-to-end reference the payer gave, when the bank gives it."""
    bank_reference: str | None = None
    """The bank's own id of the line (CAMT AcctSvcrRef/NtryRef, OFX FITID), when it has one."""
    currency: str = "EUR"
    occurrence: int = 0
    """For a line without the bank's own reference: how many identical lines (same account,
    date, amount and label) came before it in its file, so that two identical payments on one
    day are two lines, and a file imported again gives the same keys."""

    @property
    def key(self) -> str:
        """What keeps the line once however often it is imported: the bank's own reference,
        else a hash of account, date, amount and label."""
        if self.bank_reference:
            return f"{self.account}:{self.bank_reference}"
        digest = hashlib.sha256("\x1f".join(
            (self.account, self.booking_date.isoformat(), str(self.amount_cents),
             " ".join(self.label.split()))).encode()).hexdigest()
        if self.occurrence:
            digest = f"{digest[:29]}n{self.occurrence:02d}"
        return f"{self.account}:h{digest[:32]}"


@dataclass(frozen=True)
class Statement:
    """What one file held: its format and every line of every account and statement in it."""

    format: str
    """`camt.053`, `ofx` or `cfonb120`."""
    lines: list[BankLine] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)


def numbered(lines: list[BankLine]) -> list[BankLine]:
    """Identical lines without a bank reference told apart by their rank in the file."""
    from dataclasses import replace

    seen: dict[str, int] = {}
    out = []
    for line in lines:
        if line.bank_reference:
            out.append(line)
            continue
        key = line.key
        out.append(replace(line, occurrence=seen.get(key, 0)) if key in seen else line)
        seen[key] = seen.get(key, 0) + 1
    return out


class NotAStatement(ValueError):
    """The file is none of the formats read, or is broken: the message says what was expected."""
