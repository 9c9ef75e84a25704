"""Benchmark: write_received_payments against a bare openpyxl write-only loop."""

import argparse
import json
import os
import random
import shlex
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services" / "exports" / "src"))

from exports.domain.reports import MODE_LABELS, MODES, PaymentRow

CASES = {
    "rows": "(c) rows only: the generator consumed, nothing written",
    "bare": "(b) bare openpyxl write-only loop, same cell values, no styles",
    "writer": "(a) write_received_payments",
}


def payment_rows(count: int, seed: int = 7):
    """``count`` pseudo-random rows, built lazily as the service's query would yield them."""
    rng = random.Random(seed)
    first_date = date(2026, 1, 5)
    for index in range(count):
        mode = rng.choice(MODES)
        total_cents = rng.randrange(100, 30_000)
        paid_cents = total_cents + rng.choice(
            (0, 0, 0, -rng.randrange(1, 500), rng.randrange(1, 500))
        )
        yield PaymentRow(
            order_id=f"ord-{index:07d}",
            delivery_date=first_date + timedelta(days=index % 364),
            customer_id=f"cus-{index % 5000:05d}",
            customer_name=f"Client {index % 5000}",
            total_cents=total_cents,
            mode=mode,
            amount_paid_cents=paid_cents,
            credit_note_cents=paid_cents - total_cents
            if mode not in ("account", "not_delivered")
            else 0,
        )


def bare_write(rows, out) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Paiements reçus")
    for row in rows:
        sheet.append(
            (
                row.delivery_date,
                row.order_id,
                row.customer_name,
                row.total_cents / 100,
                MODE_LABELS[row.mode],
                row.received_cents / 100,
                row.credit_note_cents / 100,
            )
        )
    workbook.save(out)


def run_case(case: str, count: int) -> dict:
    rows = payment_rows(count)
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        if case == "writer":
            from exports.adapters.workbooks import write_received_payments

            write_received_payments(rows, "Ferme des Saules", out)
        elif case == "bare":
            bare_write(rows, out)
        else:
            for _ in rows:
                pass
        seconds = time.perf_counter() - started
        size = out.seek(0, os.SEEK_END)
    return {"seconds": seconds, "bytes": size}


def measure_in_child(case: str, count: int) -> dict:
    command = [sys.executable, __file__, "--child", case, "--rows", str(count)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    output = child.stdout.read()
    # wait4 gives this child's own rusage: RUSAGE_CHILDREN would be the max over all children
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{case} child failed with {child.returncode}")
    result = json.loads(output)
    result["max_rss_mib"] = usage.ru_maxrss / 1024  # Linux reports KiB
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per case; best time is kept")
    parser.add_argument("--child", choices=sorted(CASES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_case(args.child, args.rows)))
        return

    import openpyxl
    from openpyxl import LXML

    print(f"command: {shlex.join([sys.executable, *sys.argv])}")
    print(
        f"python {sys.version.split()[0]}, openpyxl {openpyxl.__version__}, lxml={LXML}, "
        f"rows={args.rows:,}, repeat={args.repeat} (best time, highest peak)"
    )
    print(
        "peak memory: ru_maxrss of each case's own subprocess (os.wait4 rusage, "
        "i.e. RUSAGE_CHILDREN of a single child), whole process incl. interpreter"
    )
    results = {case: [] for case in CASES}
    for _ in range(args.repeat):
        for case in ("rows", "bare", "writer"):  # interleaved so drift hits both alike
            results[case].append(measure_in_child(case, args.rows))
    best = {}
    for case, label in CASES.items():
        seconds = min(run["seconds"] for run in results[case])
        peak = max(run["max_rss_mib"] for run in results[case])
        best[case] = seconds
        print(
            f"{label}: {seconds:.2f} s, {args.rows / seconds:,.0f} rows/s, "
            f"peak RSS {peak:.1f} MiB, file {results[case][0]['bytes'] / 2**20:.1f} MiB"
        )
    print(f"ratio (a)/(b): {best['writer'] / best['bare']:.3f} (target <= 1.3)")
    print(
        f"ratio net of row generation ((a)-(c))/((b)-(c)): "
        f"{(best['writer'] - best['rows']) / (best['bare'] - best['rows']):.3f}"
    )


if __name__ == "__main__":
    main()
