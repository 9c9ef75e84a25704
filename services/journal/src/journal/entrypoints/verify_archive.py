"""`verify-archive FILE [--public-key B64]`: checks a journal archive offline and prints what it
found; exits 0 when the archive is valid, 1 when it is not, 2 when the file cannot be read."""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from journal.domain.archive_check import ArchiveReport, verify_archive


def report_lines(report: ArchiveReport) -> list[str]:
    """The report as text, for a terminal."""
    period = report.period or {}
    lines = [(f"Archive of producer {report.producer_id or '?'}: {period.get('kind', '?')} "
              f"from {period.get('start', '?')} to {period.get('end', '?')}, created "
              f"{report.created_at or '?'}"),
             f"Signature checked against {report.key}",
             f"Entries: {report.entries}" + (
                 f", seq {report.first_seq} to {report.last_seq}, last hash {report.last_hash}"
                 if report.entries else ""),
             f"Closing hash: {report.closing_hash or '?'}"]
    if report.valid:
        lines.append("VALID: the archive is intact, signed, and its chain holds.")
    else:
        lines.append(f"INVALID: {len(report.problems)} problem(s):")
        lines += [f"  - {problem}" for problem in report.problems]
    return lines


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="the archive (ZIP) to check")
    parser.add_argument("--public-key", metavar="B64", default=None,
                        help="the producer's public key (base64, as its journal page shows it); "
                             "without it the signature is checked only against the key the "
                             "archive names")


def run(file: Path, public_key: str | None, out: TextIO) -> int:
    try:
        data = file.read_bytes()
    except OSError as exc:
        print(f"cannot read {file}: {exc.strerror or exc}", file=out)
        return 2
    report = verify_archive(data, public_key)
    print("\n".join(report_lines(report)), file=out)
    return 0 if report.valid else 1


def main_verify_archive(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="ardoise journal verify-archive",
                                     description="Check a signed journal archive offline.")
    add_arguments(parser)
    args = parser.parse_args(argv)
    raise SystemExit(run(args.file, args.public_key, sys.stdout))
