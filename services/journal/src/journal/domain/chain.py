"""The chain: each record's SHA-256 covers its canonical content and the hash before it.

`hash = sha256(previous_hash + canonical_json(fields))`, as hex. The fields are every column of
the record but its hash and the previous one (its sequence number, producer, dates and content
included), so altering any of them, or removing or inserting a record, breaks the chain at that
record. Canonical JSON: keys sorted, no spaces, UTF-8, times in UTC ISO 8601, whole cents only
(the events carry amounts as integers; a float written in by hand would not hash as the
journal wrote it, so `verify` names it). No I/O.
"""

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

GENESIS = "0" * 64
"""The `previous_hash` of a chain's first record."""
UNHASHED = frozenset({"hash", "previous_hash"})


def _plain(value):
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("a time in the journal carries its time zone")
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} has no canonical form in the journal")


def canonical(fields: Mapping) -> str:
    """The one text of a record's fields (floats refused)."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=_plain, allow_nan=False)


def record_hash(previous_hash: str, fields: Mapping) -> str:
    """The hash of a record whose other columns are `fields` (hash and previous_hash ignored)."""
    kept = {name: value for name, value in fields.items() if name not in UNHASHED}
    return hashlib.sha256((previous_hash + canonical(kept)).encode()).hexdigest()


@dataclass(frozen=True)
class Break:
    """The first record where a chain does not hold, and why."""

    seq: int
    reason: str


@dataclass(frozen=True)
class Verification:
    """What recomputing a chain found: how many records, the last hash, the first break."""

    count: int
    last_seq: int
    last_hash: str
    broken: Break | None = None

    @property
    def valid(self) -> bool:
        return self.broken is None

    def as_dict(self) -> dict:
        return {"valid": self.valid, "count": self.count, "last_seq": self.last_seq,
                "last_hash": self.last_hash,
                "first_broken": None if self.broken is None else
                {"seq": self.broken.seq, "reason": self.broken.reason}}


class ChainChecker:
    """Recomputes a chain record by record (in `seq` order), keeping nothing but the last hash:
    a million records are checked in constant memory."""

    def __init__(self, first_seq: int = 1, previous_hash: str = GENESIS) -> None:
        self.expected_seq = first_seq
        self.last_hash = previous_hash
        self.count = 0
        self.broken: Break | None = None

    def check(self, record: Mapping) -> bool:
        """One more record; False (and `broken` set) at the first that does not hold."""
        if self.broken is not None:
            return False
        seq = record["seq"]
        if seq != self.expected_seq:
            what = "missing" if seq > self.expected_seq else "repeated or out of order"
            self.broken = Break(self.expected_seq if seq > self.expected_seq else seq,
                                f"record {self.expected_seq} expected, {seq} found ({what})")
            return False
        if record["previous_hash"] != self.last_hash:
            self.broken = Break(seq, "its previous_hash is not the hash of the record before")
            return False
        if record_hash(record["previous_hash"], record) != record["hash"]:
            self.broken = Break(seq, "its content does not match its hash (altered)")
            return False
        self.last_hash = record["hash"]
        self.expected_seq += 1
        self.count += 1
        return True

    def result(self, head: tuple[int, str] | None = None) -> Verification:
        """The verdict; `head` (the last seq and hash the chain's head row says were written)
        also catches records removed from the end."""
        if self.broken is None and head is not None and head != (self.expected_seq - 1,
                                                                 self.last_hash):
            self.broken = Break(self.expected_seq, f"the chain's head says record {head[0]} "
                                "was the last written: records are missing at the end")
        return Verification(self.count, self.expected_seq - 1, self.last_hash, self.broken)


def verify(records: Iterable[Mapping], head: tuple[int, str] | None = None) -> Verification:
    checker = ChainChecker()
    for record in records:
        if not checker.check(record):
            break
    return checker.result(head)
