"""The tests that place orders "today" run again with the whole system's clock moved (libfaketime).

A test that compares a hard-coded calendar date with the wall clock passes on the day it was
written and fails weeks later; run at another date, it fails at once. Every process of the run
(pytest, PostgreSQL, the gateways, the workers, the SumUp stand-in) inherits the moved clock,
and `tests/e2e/test_system_runs.py` checks that each really reads it.

    .venv/bin/python tests/timeshift.py             # a Sunday night three weeks ahead (make test)
    .venv/bin/python tests/timeshift.py --all       # also over New Year and a change to summer time
    .venv/bin/python tests/timeshift.py --at 2027-01-03T23:58:30+01:00 tests/e2e

Each run starts 90 s before midnight in Paris, so the producer's day and ISO week turn over while
the tests run: a test that reads "today" twice instead of deriving its dates from the order's
delivery date is caught too.
"""

import argparse
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
PARIS = ZoneInfo("Europe/Paris")
SELECTION = ["tests/e2e", "tests/reliability/test_access_matrix.py"]
"""The tiers whose tests place orders on the running system without a delivery date, read weeks
and export periods; the fault-injection tests are indifferent to the date and take minutes."""
INSTANCE = "shifted"
"""Servers of their own (`.run/shifted/`): a PostgreSQL started at the real time would not move."""
NEW_YEAR = datetime(2027, 1, 3, 23, 58, 30, tzinfo=PARIS)
"""Sunday of 2026-W53, whose Monday is in 2027-W01."""
SUMMER_TIME = datetime(2027, 3, 28, 1, 58, 30, tzinfo=PARIS)
"""Two minutes before the clocks in Paris go from 02:00 to 03:00 (Sunday of 2027-W12)."""


def sunday_night(now: datetime, weeks_ahead: int) -> datetime:
    """90 s before the end of the Sunday `weeks_ahead` weeks after `now`, in Paris."""
    day = (now + timedelta(weeks=weeks_ahead)).astimezone(PARIS).date()
    sunday = day + timedelta(days=6 - day.weekday())
    return datetime.combine(sunday, time(23, 58, 30), PARIS)


def faketime_command() -> str:
    """Debian's `faketime`, installed with apt-get when missing (as root), as PostgreSQL is."""
    found = shutil.which("faketime")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing libfaketime with apt-get (once)...", flush=True)
        quiet = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        if subprocess.run(["apt-get", "install", "-y", "-qq", "faketime"], env=quiet).returncode:
            subprocess.run(["apt-get", "update", "-qq"], check=True, env=quiet)
            subprocess.run(["apt-get", "install", "-y", "-qq", "faketime"], check=True, env=quiet)
        return shutil.which("faketime") or sys.exit("faketime did not install")
    sys.exit("libfaketime is missing: install Debian's `faketime` package")


def distinct(targets: list[datetime]) -> list[datetime]:
    """Each instant once, in order: three weeks ahead can be New Year's own Sunday night."""
    return list(dict.fromkeys(targets))  # aware instants: equal, and hashed alike, across zones


def run_at(target: datetime, tests: list[str]) -> int:
    """pytest over `tests` with every process's clock at `target` when it starts; its exit code
    (5, no test collected, is a failure too)."""
    offset_s = round((target - datetime.now(UTC)).total_seconds())
    print(f"\n=== the whole system at {target.isoformat()} "
          f"({target.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC, {offset_s:+d} s) ===", flush=True)
    env = {**os.environ, "ARDOISE_TEST_INSTANCE": INSTANCE}
    python = sys.executable
    stop = [python, "-m", "ardoise.cli", "servers", "down", "--instance", INSTANCE]
    subprocess.run(stop, cwd=ROOT, env=env, check=True)  # no server left at another time
    pytest = [faketime_command(), "-f", f"{offset_s:+d}", python, "-m", "pytest",
              "-p", "no:cacheprovider", *tests]
    return subprocess.run(pytest, cwd=ROOT, env=env).returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--at", type=datetime.fromisoformat, action="append",
                        help="an instant with its UTC offset (repeatable)")
    parser.add_argument("--all", action="store_true",
                        help="three weeks ahead, over New Year and into summer time")
    parser.add_argument("tests", nargs="*", default=SELECTION)
    args = parser.parse_args()
    targets = args.at or [sunday_night(datetime.now(UTC), 3)]
    if args.all:
        targets += [NEW_YEAR, SUMMER_TIME]
    failed = [target for target in distinct(targets) if run_at(target, args.tests) != 0]
    if failed:
        sys.exit(f"failed with the clock at: {', '.join(t.isoformat() for t in failed)}")


if __name__ == "__main__":
    main()
