"""CFONB 120, the French banks' statement: records of 120 characters, 01 (opening balance),
04 (movement), 05 (complement of the movement before) and 07 (closing balance). No I/O."""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from payments.domain.statements.model import BankLine, NotAStatement, Statement
from payments.domain.statements.rib import iban_of_rib

WIDTH = 120
CODES = ("01", "04", "05", "07")
CREDIT_LAST, DEBIT_LAST = "{ABCDEFGHI", "}JKLMNOPQR"
"""The last character of an amount carries its last digit (the index) and its sign."""

# Fields, by the CFONB brochure "Relevé de compte sur support informatique" (1-based, inclusive):
# all records: 1-2 code, 3-7 bank, 8-11 internal operation code (04/05), 12-16 branch (guichet),
# 17-19 currency, 20 number of decimals, 22-32 account number, 33-34 interbank operation code
# (04/05), 35-40 date JJMMAA (of the balance in 01/07, of booking in 04/05).
# 01/07: 91-104 balance. 04: 41-42 reject code, 43-48 value date, 49-79 label, 82-88 entry number,
# 89 fee exemption, 90 unavailability, 91-104 amount, 105-120 reference.
# 05: 46-48 qualifier, 49-118 information.
CODE, BANK, BRANCH, CURRENCY = slice(0, 2), slice(2, 7), slice(11, 16), slice(16, 19)
DECIMALS, ACCOUNT, DATE, VALUE_DATE = slice(19, 20), slice(21, 32), slice(34, 40), slice(42, 48)
LABEL, AMOUNT, REFERENCE = slice(48, 79), slice(90, 104), slice(104, 120)
QUALIFIER, INFORMATION = slice(45, 48), slice(48, 118)

_DIGITS = re.compile(r"[0-9]+")
_ACCOUNT = re.compile(r"[0-9]{5}[0-9]{5}[0-9A-Z]{11}")
_CP1252 = {b: bytes([b]).decode("cp1252") for b in range(0x80, 0xA0)
           if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
"""Windows-1252's printable characters where ISO-8859-1 has control codes (€, œ, ’…)."""


@dataclass(frozen=True)
class Record:
    where: str
    """`line 3`, or `line 1, record 3` in a file without line ends."""
    text: str

    def fail(self, problem: str) -> NotAStatement:
        return NotAStatement(f"CFONB 120, {self.where}: {problem}")


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) when the bytes are UTF-8, else Windows-1252 / ISO-8859-1."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1").translate(_CP1252)


def records(text: str) -> list[Record]:
    """The 120-character records of a file: one a line (trailing spaces may have been cut), or
    all on one line without separators."""
    lines = [(n, line) for n, line in enumerate(re.split(r"\r\n|\r|\n", text.rstrip("\x1a")), 1)
             if line.strip()]
    found = []
    for n, line in lines:
        body = line.rstrip()
        if len(body) <= WIDTH:
            found.append(Record(f"line {n}", body.ljust(WIDTH)))
        elif len(lines) == 1 or len(line) % WIDTH == 0:
            chunks = [line[i:i + WIDTH] for i in range(0, len(body), WIDTH)]
            found += [Record(f"line {n}, record {k}", chunk.ljust(WIDTH))
                      for k, chunk in enumerate(chunks, 1) if chunk.strip()]
        else:
            raise NotAStatement(f"CFONB 120, line {n}: {len(body)} characters where a record "
                                f"has {WIDTH}")
    return found


def amount(record: Record) -> Decimal:
    """The signed amount of positions 91-104: 13 digits, then the last digit and the sign in one
    character, `{`/A-I for +0..+9 and `}`/J-R for -0..-9; divided by 10 ** the decimals."""
    digits, last = record.text[AMOUNT][:-1].lstrip(" "), record.text[AMOUNT][-1]
    if (digits and not _DIGITS.fullmatch(digits)) or last not in CREDIT_LAST + DEBIT_LAST:
        raise record.fail(f"the amount {record.text[AMOUNT]!r} is not 13 digits and a signed "
                          "last character ({ or A-I for + 0..9, } or J-R for - 0..9)")
    sign = 1 if last in CREDIT_LAST else -1
    units = int((digits or "0") + str((CREDIT_LAST + DEBIT_LAST).index(last) % 10))
    return Decimal(sign * units).scaleb(-decimals(record))


def decimals(record: Record) -> int:
    place = record.text[DECIMALS]
    if place == " ":  # left blank by some banks (LCL) on 01 and 07: euro cents
        return 2
    if not _DIGITS.fullmatch(place):
        raise record.fail(f"the number of decimals {place!r} is not a digit")
    return int(place)


def day(record: Record, where: slice, what: str, required: bool = True) -> date | None:
    """A JJMMAA date, in 1969..2068 as POSIX reads two-digit years; None when blank."""
    text = record.text[where]
    if not text.strip():
        if required:
            raise record.fail(f"the {what} is blank")
        return None
    try:
        if not _DIGITS.fullmatch(text):
            raise ValueError(text)
        year = int(text[4:6])
        return date(year + (1900 if year >= 69 else 2000), int(text[2:4]), int(text[0:2]))
    except ValueError:
        raise record.fail(f"the {what} {text!r} is not a date JJMMAA") from None


def account_of(record: Record) -> str:
    """The IBAN of the account a record is about (bank, branch and account number)."""
    rib = record.text[BANK] + record.text[BRANCH] + record.text[ACCOUNT].upper()
    if not _ACCOUNT.fullmatch(rib):
        raise record.fail(f"the account {rib!r} is not a bank code and a branch code of 5 "
                          "digits and an account number of 11 digits or letters")
    return iban_of_rib(rib[:5], rib[5:10], rib[10:])


def currency_of(record: Record, default: str = "EUR") -> str:
    """The record's ISO 4217 code; `default` when left blank (as some banks do on 01 and 07)."""
    code = record.text[CURRENCY]
    if not code.strip():
        return default
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise record.fail(f"the currency {code!r} is not an ISO 4217 code")
    return code


@dataclass
class Movement:
    """A movement (04) and the complements (05) that follow it, by qualifier."""

    record: Record
    account: str
    amount: Decimal
    complements: dict[str, list[str]] = field(default_factory=dict)

    def complete(self, record: Record) -> None:
        qualifier = record.text[QUALIFIER].strip() or "LIB"  # a blank qualifier: free text
        self.complements.setdefault(qualifier, []).append(record.text[INFORMATION])

    def texts(self, qualifier: str, width: int = 70) -> list[str]:
        return [" ".join(text[:width].split()) for text in self.complements.get(qualifier, [])]

    def remittance(self) -> str:
        """The payer's text: LCC's 70 characters, continued by LC2's (a word may straddle)."""
        return " ".join("".join(self.complements.get("LCC", []) +
                                self.complements.get("LC2", [])).split())

    def line(self, currency: str) -> BankLine:
        """The bank line: LIB and the payer's text after the 04's label, the payer (NPY) of a
        credit or payee (NBE) of a debit as counterparty, RCN (its first 35) or REF as reference."""
        cents = self.amount * 100
        if cents != cents.to_integral_value():
            raise self.record.fail(f"the amount {self.amount} has more than 2 decimals")
        payer, payee = joined(*self.texts("NPY")[:1]), joined(*self.texts("NBE")[:1])
        references = [ref for ref in self.texts("RCN", 35) + self.texts("REF")
                      if ref.upper() != "NOTPROVIDED"]  # SEPA's word for no end-to-end id
        return BankLine(
            account=self.account, booking_date=day(self.record, DATE, "booking date"),
            amount_cents=int(cents),
            label=joined(self.record.text[LABEL], *self.texts("LIB"), self.remittance()),
            value_date=day(self.record, VALUE_DATE, "value date", required=False),
            counterparty=((payer or payee) if cents > 0 else (payee or payer)) or None,
            reference=joined(*references) or joined(self.record.text[REFERENCE]) or None,
            currency=currency_of(self.record, currency))


def joined(*texts: str) -> str:
    """Each distinct text once, in order, its runs of spaces made one."""
    return " ".join(dict.fromkeys(" ".join(text.split()) for text in texts if text.strip()))


@dataclass
class Block:
    """One statement of one account: its opening balance (01), movements, closing balance (07)."""

    opening: Record
    account: str
    currency: str
    movements: list[Movement] = field(default_factory=list)

    @classmethod
    def open(cls, record: Record) -> "Block":
        amount(record)
        day(record, DATE, "date of the opening balance")
        return cls(record, account_of(record), currency_of(record))

    @property
    def name(self) -> str:
        opened = day(self.opening, DATE, "date")
        return f"the statement of {self.account} of {opened} opened {self.opening.where}"

    def check_same_account(self, record: Record, what: str) -> None:
        if account_of(record) != self.account:
            raise record.fail(f"{what} of {account_of(record)} inside {self.name}")

    def add(self, record: Record) -> None:
        self.check_same_account(record, "a movement (04)")
        day(record, DATE, "booking date")
        day(record, VALUE_DATE, "value date", required=False)
        self.movements.append(Movement(record, self.account, amount(record)))

    def complete(self, record: Record) -> None:
        if not self.movements:
            raise record.fail(f"a complement (05) before any movement (04) of {self.name}")
        self.movements[-1].complete(record)

    def close(self, record: Record) -> list[BankLine]:
        """The lines, once the closing balance is the opening one plus the movements."""
        self.check_same_account(record, "the closing balance (07)")
        day(record, DATE, "date of the closing balance")
        opening, closing = amount(self.opening), amount(record)
        moved = sum((m.amount for m in self.movements), Decimal(0))
        if opening + moved != closing:
            raise NotAStatement(
                f"CFONB 120: {self.name} does not add up: the opening balance {opening} "
                f"and the movements {moved:+} make {opening + moved}, but the closing balance "
                f"({record.where}) is {closing} {self.currency}")
        return [movement.line(self.currency) for movement in self.movements]


def parse(data: bytes) -> Statement:
    """Every booked line of every account and statement in a CFONB 120 file; NotAStatement,
    naming the record, when one is malformed or a statement's balances do not add up."""
    lines: list[BankLine] = []
    accounts: list[str] = []
    block: Block | None = None
    for record in records(decode(data)):
        code = record.text[CODE]
        if code not in CODES:
            raise record.fail(f"the record code {code!r} is none of {', '.join(CODES)}")
        if code == "01":
            if block is not None:
                raise record.fail(f"an opening balance (01) while {block.name} has no closing "
                                  "balance (07)")
            block = Block.open(record)
            if block.account not in accounts:
                accounts.append(block.account)
        elif block is None:
            raise record.fail(f"a record {code} outside a statement: an opening balance (01) "
                              "comes first")
        elif code == "04":
            block.add(record)
        elif code == "05":
            block.complete(record)
        else:
            lines += block.close(record)
            block = None
    if block is not None:
        raise NotAStatement(f"CFONB 120: {block.name} has no closing balance (07)")
    if not accounts:
        raise NotAStatement("CFONB 120: the file holds no record")
    return Statement("cfonb120", lines, accounts)
