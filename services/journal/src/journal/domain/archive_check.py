"""Checking a signed archive offline (see `journal.domain.archive` for its layout): the
manifest's signature, every file's size and hash and that none is missing or added, the entries'
chain from its first record, and the closing. Each thing found wrong is one problem, in words a
producer or an inspector can act on. No I/O.
"""

import base64
import hashlib
import io
import json
import zipfile
import zlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature

from journal.domain.archive import (
    CLOSING_FILE,
    ENTRIES_FILE,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST_FILE,
    SIGNATURE_FILE,
)
from journal.domain.chain import ChainChecker, record_hash
from journal.domain.signing import fingerprint, load_public_key


@dataclass(frozen=True)
class ArchiveReport:
    """What checking an archive found: valid when there is no problem; `key` says which public
    key the signature was checked against (the given one, or only the archive's own)."""

    problems: list[str]
    key: str
    producer_id: str | None = None
    period: dict | None = None
    created_at: str | None = None
    entries: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    last_hash: str | None = None
    closing_hash: str | None = None

    @property
    def valid(self) -> bool:
        return not self.problems


def verify_archive(data: bytes, public_key_text: str | None = None) -> ArchiveReport:
    """Checks an archive offline: the manifest's signature (against `public_key_text` when
    given, else only against the key the manifest names), every file's size and hash and that
    none is missing or added, the entries' chain from its first record, and the closing."""
    problems: list[str] = []
    try:
        contents, damaged = _read_members(data, problems)
    except zipfile.BadZipFile:
        return ArchiveReport(["the file is not a ZIP archive"], key="nothing (not an archive)")
    try:
        manifest = json.loads(contents[MANIFEST_FILE])
        if not isinstance(manifest, dict):
            raise ValueError("not an object")  # noqa: TRY004 (reported like unreadable JSON)
    except KeyError:
        missing = "cannot be read" if MANIFEST_FILE in damaged else "is missing"
        return ArchiveReport([*problems, f"{MANIFEST_FILE} {missing}: nothing can be checked"],
                             key="nothing (no manifest)")
    except ValueError:
        return ArchiveReport([*problems, f"{MANIFEST_FILE} is not a JSON object"],
                             key="nothing (unreadable manifest)")
    if (manifest.get("format"), manifest.get("version")) != (FORMAT, FORMAT_VERSION):
        problems.append(f"{MANIFEST_FILE}: format {manifest.get('format')!r} version "
                        f"{manifest.get('version')!r} is not {FORMAT!r} version {FORMAT_VERSION}")
    key = _check_signature(contents, damaged, manifest, public_key_text, problems)
    records, closing = None, None
    try:
        _check_files(contents, damaged, manifest, problems)
        records = _check_entries(contents, manifest, problems)
        closing = _check_closing(contents, manifest, records, problems)
    except (KeyError, TypeError, AttributeError) as exc:
        problems.append(f"{MANIFEST_FILE} or a record is malformed ({exc!r})")
    chain = manifest["chain"] if isinstance(manifest.get("chain"), dict) else {}
    return ArchiveReport(problems, key, producer_id=manifest.get("producer_id"),
                         period=manifest.get("period"), created_at=manifest.get("created_at"),
                         entries=len(records or ()), first_seq=chain.get("first_seq"),
                         last_seq=chain.get("last_seq"), last_hash=chain.get("last_hash"),
                         closing_hash=(closing or {}).get("hash"))


def _read_members(data: bytes, problems: list[str]) -> tuple[dict[str, bytes], set[str]]:
    """The members read, and the names of those that could not be (each a problem)."""
    contents: dict[str, bytes] = {}
    damaged: set[str] = set()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name in contents or name in damaged:
                problems.append(f"{name}: appears twice in the archive")
                continue
            try:
                contents[name] = archive.read(name)
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                problems.append(f"{name}: cannot be read, the archive is damaged ({exc})")
                damaged.add(name)
    return contents, damaged


def _check_signature(contents: dict[str, bytes], damaged: set[str], manifest: dict,
                     given: str | None, problems: list[str]) -> str:
    """The description of the key checked against (for the report)."""
    own = manifest.get("public_key")
    text = given if given is not None else own
    try:
        public = load_public_key(text or "")
    except ValueError as exc:
        where = "the given public key" if given is not None else f"{MANIFEST_FILE}: its key"
        problems.append(f"{where} cannot be used: {exc}")
        return "no usable key"
    if given is not None:
        key = f"the given public key (fingerprint {fingerprint(public)})"
    else:
        key = (f"the archive's own public key only (fingerprint {fingerprint(public)}): compare "
               "it with the producer's published fingerprint, or pass the public key")
    if SIGNATURE_FILE not in contents:
        if SIGNATURE_FILE not in damaged:
            problems.append(f"{SIGNATURE_FILE} is missing: the manifest is not signed")
        return key
    try:
        public.verify(base64.b64decode(contents[SIGNATURE_FILE].strip(), validate=True),
                      contents[MANIFEST_FILE])
    except (InvalidSignature, ValueError):
        named = ""
        if given is not None and own != given.strip():
            named = f"; the manifest names another key (fingerprint {_safe_fingerprint(own)})"
        problems.append(f"{SIGNATURE_FILE}: the signature of {MANIFEST_FILE} does not verify "
                        f"against {key.split(':')[0]}{named}")
    return key


def _safe_fingerprint(text) -> str:
    try:
        return fingerprint(text)
    except (ValueError, TypeError):
        return "unreadable"


def _check_files(contents: dict[str, bytes], damaged: set[str], manifest: dict,
                 problems: list[str]) -> None:
    listed = manifest.get("files") or []
    names = {item.get("name") for item in listed}
    for required in (ENTRIES_FILE, CLOSING_FILE):
        if required not in names:
            problems.append(f"{required}: not listed in the manifest")
    for item in listed:
        name = item.get("name")
        if name not in contents:
            if name not in damaged:
                problems.append(f"{name}: listed in the manifest but missing from the archive")
            continue
        if len(contents[name]) != item.get("size"):
            problems.append(f"{name}: {len(contents[name])} bytes, the manifest says "
                            f"{item.get('size')}")
        if hashlib.sha256(contents[name]).hexdigest() != item.get("sha256"):
            problems.append(f"{name}: its SHA-256 is not the manifest's (the file was altered)")
    for name in sorted((contents.keys() | damaged) - names - {MANIFEST_FILE, SIGNATURE_FILE}):
        problems.append(f"{name}: in the archive but not in the manifest (added)")


def _check_entries(contents: dict[str, bytes], manifest: dict,
                   problems: list[str]) -> list | None:
    """The entries read (None without a readable entries file)."""
    if ENTRIES_FILE not in contents:
        return None
    records = []
    for number, line in enumerate(contents[ENTRIES_FILE].decode(errors="replace").splitlines(),
                                  1):
        try:
            records.append(json.loads(line))
        except ValueError:
            problems.append(f"{ENTRIES_FILE}, line {number}: not a JSON record")
            return records
    chain = manifest.get("chain") or {}
    if len(records) != chain.get("count"):
        problems.append(f"{ENTRIES_FILE}: {len(records)} entries, the manifest says "
                        f"{chain.get('count')}")
    if not records:
        return records
    try:
        first = records[0]
        if (first["seq"], first["previous_hash"]) != (chain.get("first_seq"),
                                                      chain.get("previous_hash")):
            problems.append(f"{ENTRIES_FILE}: it starts at entry {first['seq']}, the manifest "
                            f"says entry {chain.get('first_seq')} (with its previous hash)")
        checker = ChainChecker(first["seq"], first["previous_hash"])
        foreign = next((record for record in records
                        if record.get("producer_id") != manifest.get("producer_id")), None)
        if foreign is not None:
            problems.append(f"{ENTRIES_FILE}, entry {foreign.get('seq')}: it is producer "
                            f"{foreign.get('producer_id')}'s, not {manifest.get('producer_id')}'s")
        for record in records:
            if not checker.check(record):
                break
        head = (chain.get("last_seq"), chain.get("last_hash"))
        broken = checker.result(head if head[0] is not None else None).broken
    except (KeyError, TypeError, AttributeError) as exc:
        problems.append(f"{ENTRIES_FILE}: an entry lacks a column or has a wrong one ({exc})")
        return records
    if broken is not None:
        problems.append(f"{ENTRIES_FILE}, entry {broken.seq}: {broken.reason}")
    return records


def _check_closing(contents: dict[str, bytes], manifest: dict, records: list | None,
                   problems: list[str]) -> dict | None:
    if CLOSING_FILE not in contents:
        return None
    try:
        closing = json.loads(contents[CLOSING_FILE])
        if record_hash(closing["previous_hash"], closing) != closing["hash"]:
            problems.append(f"{CLOSING_FILE}: its content does not match its hash (altered)")
        if closing["hash"] != (manifest.get("closing") or {}).get("hash"):
            problems.append(f"{CLOSING_FILE}: its hash is not the one the manifest names")
        period = manifest.get("period") or {}
        if (closing.get("producer_id"), closing.get("period"), closing.get("start"),
                closing.get("end")) != (manifest.get("producer_id"), period.get("kind"),
                                        period.get("start"), period.get("end")):
            problems.append(f"{CLOSING_FILE}: it closes another producer's or period than the "
                            "manifest's")
        closed = closing["content"]["entries"]
        if records is None:
            return closing
        if closed.get("count", len(records)) != len(records):
            problems.append(f"{CLOSING_FILE}: it counts {closed['count']} entries, the archive "
                            f"has {len(records)}")
        if records and (closed.get("last_seq"), closed.get("last_hash")) != (
                records[-1].get("seq"), records[-1].get("hash")):
            problems.append(f"{CLOSING_FILE}: it closes the chain at entry "
                            f"{closed.get('last_seq')}, the archive's last entry is "
                            f"{records[-1].get('seq')} (or their hashes differ)")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        problems.append(f"{CLOSING_FILE}: not a closing record ({exc!r})")
        return None
    return closing
