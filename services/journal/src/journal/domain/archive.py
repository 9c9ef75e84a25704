"""Signed archives of a closed period: a ZIP of the entries, the closing and the period's files,
with a manifest signed by the producer's Ed25519 key, checkable offline by anyone
(`journal.domain.archive_check`).

Layout: `entries.jsonl` (one canonical JSON per entry, every column, hashes included),
`closing.json`, the caller's files (e.g. the FEC and the workbook), `manifest.json` (producer,
period, each file's size and SHA-256, the chain's first and last records, the closing's hash,
the public key) and `manifest.sig` (the Ed25519 signature of the manifest's bytes, base64).
The members carry a fixed time (the period's last day) so that the same period always gives the
same bytes but for the manifest's `created_at`. No I/O.
"""

import base64
import hashlib
import io
import json
import zipfile
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from journal.domain.chain import canonical
from journal.domain.signing import public_key_text

FORMAT = "ardoise-journal-archive"
FORMAT_VERSION = 1
ENTRIES_FILE = "entries.jsonl"
CLOSING_FILE = "closing.json"
MANIFEST_FILE = "manifest.json"
SIGNATURE_FILE = "manifest.sig"
RESERVED = frozenset({ENTRIES_FILE, CLOSING_FILE, MANIFEST_FILE, SIGNATURE_FILE})


def build_archive(producer_id: str, period: Mapping, entries: Iterable[Mapping],
                  closing: Mapping, files: Mapping[str, bytes], key: Ed25519PrivateKey,
                  created_at: datetime | None = None) -> bytes:
    """The ZIP of a period (`period`: kind, start, end), its entries in `seq` order (copied as
    they are: a broken chain is archived as found, and the verification says so), its closing
    and `files` (name → bytes), signed with `key`."""
    clashes = RESERVED & set(files)
    if clashes:
        raise ValueError(f"file names reserved by the archive: {sorted(clashes)}")
    lines = [canonical(entry) for entry in entries]
    records = [json.loads(line) for line in lines]
    members = {ENTRIES_FILE: "".join(line + "\n" for line in lines).encode(),
               CLOSING_FILE: _pretty(json.loads(canonical(closing)))}
    members.update(files)
    period_plain = json.loads(canonical({"kind": period["kind"], "start": period["start"],
                                         "end": period["end"]}))
    manifest = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "producer_id": producer_id,
        "period": period_plain,
        "created_at": (created_at or datetime.now(UTC)).astimezone(UTC).isoformat(),
        "files": [{"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                  for name, data in members.items()],
        "chain": {
            "count": len(records),
            "first_seq": records[0]["seq"] if records else None,
            "previous_hash": records[0]["previous_hash"] if records else None,
            "last_seq": records[-1]["seq"] if records else None,
            "last_hash": records[-1]["hash"] if records else None,
        },
        "closing": {"seq": closing.get("seq"), "hash": closing["hash"]},
        "public_key": public_key_text(key),
        "signature": {"algorithm": "Ed25519", "file": SIGNATURE_FILE},
    }
    manifest_bytes = _pretty(manifest)
    members[MANIFEST_FILE] = manifest_bytes
    members[SIGNATURE_FILE] = base64.b64encode(key.sign(manifest_bytes)) + b"\n"
    stamp = _zip_time(period_plain["end"])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever builds it: the same bytes everywhere
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return out.getvalue()


def _pretty(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def _zip_time(end: str) -> tuple[int, int, int, int, int, int]:
    day = date.fromisoformat(end)
    return (max(day.year, 1980), day.month, day.day, 0, 0, 0)
