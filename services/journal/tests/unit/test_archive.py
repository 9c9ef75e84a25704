"""Signed period archives: built, then checked offline, intact and after each kind of tampering."""

import base64
import io
import json
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest

from journal.adapters.keys import public_key_text, signing_key
from journal.domain.archive import (
    CLOSING_FILE,
    ENTRIES_FILE,
    MANIFEST_FILE,
    SIGNATURE_FILE,
    build_archive,
)
from journal.domain.archive_check import verify_archive
from journal.domain.chain import canonical, record_hash
from journal.domain.signing import fingerprint
from journal.entrypoints.verify_archive import main_verify_archive

SECRET = "x" * 20 + "a-deployment-secret-of-enough-length"
PRODUCER = "ferme-des-saules"
PERIOD = {"kind": "month", "start": date(2026, 5, 1), "end": date(2026, 5, 31)}
FEC = b"JournalCode|JournalLib|EcritureNum\nVE|Ventes|F000012\n"
FEC_NAME = "123456789FEC20260531.txt"
CREATED_AT = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)


def chained(previous_hash: str, fields: dict) -> dict:
    return {**fields, "previous_hash": previous_hash, "hash": record_hash(previous_hash, fields)}


def month_entries(first_seq=5, count=6, producer=PRODUCER) -> list[dict]:
    """A month's entries starting mid-chain (the months before hold seq 1 to first_seq - 1)."""
    entries, previous = [], "ab" * 32
    for offset in range(count):
        seq = first_seq + offset
        at = datetime(2026, 5, 3 + offset, 9, 30, tzinfo=UTC)
        entry = chained(previous, {
            "producer_id": producer, "seq": seq, "kind": "payment", "occurred_at": at,
            "recorded_at": at + timedelta(seconds=2), "day": at.date(), "source": f"evt-{seq}",
            "content": {"order_id": f"ord-{seq}", "customer_id": "c-1", "mode": "cash",
                        "amount_cents": 1250 * seq, "settlement_version": 1}})
        entries.append(entry)
        previous = entry["hash"]
    return entries


def month_closing(entries, producer=PRODUCER) -> dict:
    return chained("cd" * 32, {
        "producer_id": producer, "seq": 3, "period": "month", "start": PERIOD["start"],
        "end": PERIOD["end"], "closed_at": datetime(2026, 6, 1, 0, 5, tzinfo=UTC),
        "content": {"entries": {"first_seq": entries[0]["seq"], "last_seq": entries[-1]["seq"],
                                "last_hash": entries[-1]["hash"], "count": len(entries)},
                    "by_mode": {"cash": sum(e["content"]["amount_cents"] for e in entries)}}})


def archive(entries=None, key=None, files=None, producer=PRODUCER, created_at=CREATED_AT):
    entries = month_entries() if entries is None else entries
    return build_archive(producer, PERIOD, entries, month_closing(entries, producer),
                         {FEC_NAME: FEC, **(files or {})}, key or signing_key(SECRET, producer),
                         created_at=created_at)


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as opened:
        return {name: opened.read(name) for name in opened.namelist()}


def rezip(data: bytes, replace=None, drop=()) -> bytes:
    """The same archive with some members replaced or dropped, signature untouched."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as written:
        for name, content in members(data).items():
            if name not in drop:
                written.writestr(name, (replace or {}).get(name, content))
    return out.getvalue()


def problems_about(report, *words) -> list[str]:
    return [problem for problem in report.problems if all(word in problem for word in words)]


def our_public_key() -> str:
    return public_key_text(signing_key(SECRET, PRODUCER))


def test_an_intact_archive_is_valid_against_the_producers_public_key():
    report = verify_archive(archive(), our_public_key())
    assert report.valid, report.problems
    assert report.key.startswith("the given public key")
    assert fingerprint(our_public_key()) in report.key
    assert (report.entries, report.first_seq, report.last_seq) == (6, 5, 10)
    assert report.producer_id == PRODUCER


def test_without_a_public_key_the_report_says_only_the_archives_own_key_was_used():
    report = verify_archive(archive())
    assert report.valid, report.problems
    assert report.key.startswith("the archive's own public key only")


def test_the_archive_holds_every_column_of_each_entry_and_a_manifest_naming_each_file():
    entries = month_entries()
    contents = members(archive(entries))
    assert list(contents) == [ENTRIES_FILE, CLOSING_FILE, FEC_NAME, MANIFEST_FILE, SIGNATURE_FILE]
    lines = contents[ENTRIES_FILE].decode().splitlines()
    assert lines == [canonical(entry) for entry in entries]
    manifest = json.loads(contents[MANIFEST_FILE])
    assert manifest["period"] == {"kind": "month", "start": "2026-05-01", "end": "2026-05-31"}
    assert manifest["chain"] == {"count": 6, "first_seq": 5, "previous_hash": "ab" * 32,
                                 "last_seq": 10, "last_hash": entries[-1]["hash"]}
    assert manifest["public_key"] == our_public_key()
    assert [item["name"] for item in manifest["files"]] == [ENTRIES_FILE, CLOSING_FILE, FEC_NAME]
    fec = manifest["files"][2]
    assert fec["size"] == len(FEC)
    assert manifest["closing"]["hash"] == json.loads(contents[CLOSING_FILE])["hash"]


def test_the_same_period_gives_the_same_bytes_with_fixed_member_times():
    assert archive() == archive()
    with zipfile.ZipFile(io.BytesIO(archive())) as opened:
        assert {info.date_time for info in opened.infolist()} == {(2026, 5, 31, 0, 0, 0)}
    later = members(archive(created_at=CREATED_AT + timedelta(days=3)))
    earlier = members(archive())
    assert {name for name in earlier if earlier[name] != later[name]} == {MANIFEST_FILE,
                                                                          SIGNATURE_FILE}


def test_altering_one_byte_of_an_entry_is_caught_at_that_entry():
    data = archive()
    text = members(data)[ENTRIES_FILE].decode()
    altered = text.replace('"amount_cents":8750', '"amount_cents":8751')  # seq 7
    assert altered != text
    report = verify_archive(rezip(data, {ENTRIES_FILE: altered.encode()}), our_public_key())
    assert not report.valid
    assert problems_about(report, ENTRIES_FILE, "SHA-256")
    assert problems_about(report, ENTRIES_FILE, "entry 7", "altered")


def test_altering_one_byte_of_the_fec_is_caught():
    data = archive()
    fec = bytearray(members(data)[FEC_NAME])
    fec[-3] ^= 1
    report = verify_archive(rezip(data, {FEC_NAME: bytes(fec)}), our_public_key())
    altered = f"{FEC_NAME}: its SHA-256 is not the manifest's (the file was altered)"
    assert report.problems == [altered]


def test_altering_the_manifest_breaks_its_signature():
    data = archive()
    manifest = members(data)[MANIFEST_FILE].replace(b'"count": 6', b'"count": 5')
    report = verify_archive(rezip(data, {MANIFEST_FILE: manifest}))
    assert problems_about(report, SIGNATURE_FILE, "does not verify")
    assert problems_about(report, ENTRIES_FILE, "6 entries, the manifest says 5")


def test_a_dropped_file_is_named():
    report = verify_archive(rezip(archive(), drop={FEC_NAME}), our_public_key())
    assert report.problems == [f"{FEC_NAME}: listed in the manifest but missing from the archive"]


def test_a_dropped_signature_or_manifest_is_named():
    assert problems_about(verify_archive(rezip(archive(), drop={SIGNATURE_FILE})),
                          SIGNATURE_FILE, "missing")
    report = verify_archive(rezip(archive(), drop={MANIFEST_FILE}))
    assert report.problems == [f"{MANIFEST_FILE} is missing: nothing can be checked"]


def test_an_added_file_is_named():
    report = verify_archive(_with_extra(archive()), our_public_key())
    assert report.problems == ["extra.csv: in the archive but not in the manifest (added)"]


def _with_extra(data: bytes) -> bytes:
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as written:
        written.writestr("extra.csv", b"1;2")
    return out.getvalue()


def test_another_public_key_than_the_signers_is_refused():
    other = public_key_text(signing_key(SECRET, "another-producer"))
    report = verify_archive(archive(), other)
    assert [problem.split(" (fingerprint")[0] for problem in report.problems] == [
        (f"{SIGNATURE_FILE}: the signature of {MANIFEST_FILE} does not verify against the "
         "given public key")]
    assert fingerprint(our_public_key()) in report.problems[0]


def test_an_archive_rebuilt_and_signed_with_another_producers_key_is_caught():
    entries = month_entries()
    forged = archive(entries, key=signing_key(SECRET, "another-producer"))
    report = verify_archive(forged, our_public_key())
    assert problems_about(report, SIGNATURE_FILE, "does not verify against the given public key")
    # on its own key alone it holds together: only the producer's published key tells
    alone = verify_archive(forged)
    assert alone.valid
    assert fingerprint(signing_key(SECRET, "another-producer")) in alone.key


def test_a_removed_middle_entry_breaks_the_chain_there():
    data = archive()
    lines = members(data)[ENTRIES_FILE].decode().splitlines(keepends=True)
    del lines[2]  # seq 7
    report = verify_archive(rezip(data, {ENTRIES_FILE: "".join(lines).encode()}))
    assert problems_about(report, ENTRIES_FILE, "entry 7", "record 7 expected, 8 found (missing)")


def test_a_removed_middle_entry_is_caught_even_in_an_archive_signed_again():
    entries = month_entries()
    kept = entries[:2] + entries[3:]
    forged = build_archive(PRODUCER, PERIOD, kept, month_closing(entries), {FEC_NAME: FEC},
                           signing_key(SECRET, "another-producer"), created_at=CREATED_AT)
    report = verify_archive(forged)
    assert problems_about(report, ENTRIES_FILE, "entry 7", "missing")
    assert problems_about(report, CLOSING_FILE, "counts 6 entries, the archive has 5")


def test_a_removed_last_entry_is_caught_by_the_manifest_and_the_closing():
    data = archive()
    lines = members(data)[ENTRIES_FILE].decode().splitlines(keepends=True)
    report = verify_archive(rezip(data, {ENTRIES_FILE: "".join(lines[:-1]).encode()}))
    assert problems_about(report, ENTRIES_FILE, "entry 10", "missing at the end")
    assert problems_about(report, CLOSING_FILE, "entry 10", "last entry is 9")


def test_an_altered_closing_is_caught():
    data = archive()
    closing = json.loads(members(data)[CLOSING_FILE])
    closing["content"]["by_mode"]["cash"] += 100
    report = verify_archive(rezip(data, {CLOSING_FILE: json.dumps(closing).encode()}))
    assert problems_about(report, CLOSING_FILE, "does not match its hash")


def test_a_closing_of_other_entries_is_caught():
    entries = month_entries()
    closing = month_closing(entries[:-1])
    data = build_archive(PRODUCER, PERIOD, entries, closing, {}, signing_key(SECRET, PRODUCER),
                         created_at=CREATED_AT)
    report = verify_archive(data, our_public_key())
    assert problems_about(report, CLOSING_FILE, "closes the chain at entry 9")


def test_a_damaged_zip_is_reported_not_raised():
    data = bytearray(archive())
    start = data.index(b"entries.jsonl") + len("entries.jsonl") + 40
    data[start] ^= 0xFF
    report = verify_archive(bytes(data), our_public_key())
    assert [problem.split(" (")[0] for problem in report.problems] == [
        f"{ENTRIES_FILE}: cannot be read, the archive is damaged"]
    assert verify_archive(b"not a zip").problems == ["the file is not a ZIP archive"]


def test_an_archive_of_a_period_without_entries_is_valid():
    closing = chained("cd" * 32, {
        "producer_id": PRODUCER, "seq": 3, "period": "month", "start": PERIOD["start"],
        "end": PERIOD["end"], "closed_at": CREATED_AT,
        "content": {"entries": {"first_seq": None, "last_seq": 4, "last_hash": "ab" * 32,
                                "count": 0}}})
    data = build_archive(PRODUCER, PERIOD, [], closing, {}, signing_key(SECRET, PRODUCER))
    assert verify_archive(data, our_public_key()).valid


def test_entries_of_another_producer_are_named():
    entries = month_entries(producer="les-jardins-de-marie")
    data = build_archive(PRODUCER, PERIOD, entries, month_closing(entries, entries[0][
        "producer_id"]), {}, signing_key(SECRET, PRODUCER), created_at=CREATED_AT)
    report = verify_archive(data, our_public_key())
    assert problems_about(report, ENTRIES_FILE, "entry 5", "les-jardins-de-marie")
    assert problems_about(report, CLOSING_FILE, "another producer's or period")
    assert len(report.problems) == 2


def test_reserved_names_cannot_be_given_as_files():
    with pytest.raises(ValueError, match="reserved"):
        archive(files={MANIFEST_FILE: b"{}"})


def test_a_public_key_that_is_not_one_is_reported():
    report = verify_archive(archive(), base64.b64encode(b"short").decode())
    assert problems_about(report, "the given public key cannot be used", "32 bytes")


def test_the_command_prints_the_report_and_exits_0_for_a_valid_archive(tmp_path, capsys):
    path = tmp_path / "journal-2026-05.zip"
    path.write_bytes(archive())
    with pytest.raises(SystemExit) as exited:
        main_verify_archive([str(path), "--public-key", our_public_key()])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "VALID" in out and "seq 5 to 10" in out and "the given public key" in out


def test_the_command_exits_1_and_lists_the_problems_of_a_tampered_archive(tmp_path, capsys):
    path = tmp_path / "journal-2026-05.zip"
    path.write_bytes(rezip(archive(), drop={FEC_NAME}))
    with pytest.raises(SystemExit) as exited:
        main_verify_archive([str(path)])
    assert exited.value.code == 1
    assert f"  - {FEC_NAME}: listed in the manifest but missing" in capsys.readouterr().out


def test_the_command_exits_2_for_a_file_it_cannot_read(tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        main_verify_archive([str(tmp_path / "absent.zip")])
    assert exited.value.code == 2
    assert "cannot read" in capsys.readouterr().out
