"""Benchmark: write_received_payments against xlsxwriter's constant_memory mode and a bare
openpyxl write-only loop, each case in its own subprocess, all measured in the same run.

Each case reports its wall time and its CPU time (the machine is shared: the ratios are given
on both, CPU time being the one other processes disturb least) and its peak RSS. The
xlsxwriter case writes the same sheet as the service (title, headings, widths, frozen panes,
one row per order with the same date and euro formats, the totals per mode below): before
timing anything, both files are written for a few hundred rows and compared cell by cell
(values, number formats, bold).

    .venv/bin/python bench/bench_xlsx_export.py --rows 100000
    .venv/bin/python bench/bench_xlsx_export.py --rows 1000000 --repeat 1
"""

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

from exports.domain.reports import MODE_LABELS, MODES, ModeTotals, PaymentRow

CASES = {
    "rows": "(c) rows only: the generator consumed, nothing written",
    "bare": "(b) bare openpyxl write-only loop, same cell values, no styles",
    "xlsxwriter": "(x) xlsxwriter constant_memory, same sheet and formats",
    "writer": "(a) write_received_payments",
}
CHECK_ROWS = 600


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


def xlsxwriter_write(rows, producer_name: str, out) -> None:
    """write_received_payments' sheet, written by xlsxwriter in constant_memory mode: the same
    cells, number formats and fonts, the totals accumulated as the rows stream."""
    import xlsxwriter

    from exports.adapters.workbooks import (
        COUNT_FORMAT,
        DATE_FORMAT,
        EURO_FORMAT,
        ORDER_HEADINGS,
        ORDER_WIDTHS,
        RECEIVED_PAYMENTS_SHEET,
    )

    workbook = xlsxwriter.Workbook(out, {"constant_memory": True})
    title = f"Paiements reçus — {producer_name}"
    workbook.set_properties({"title": title, "author": "Ardoise"})
    sheet = workbook.add_worksheet(RECEIVED_PAYMENTS_SHEET)
    bold = workbook.add_format({"bold": True})
    day = workbook.add_format({"num_format": DATE_FORMAT})
    euro = workbook.add_format({"num_format": EURO_FORMAT})
    count_format = workbook.add_format({"num_format": COUNT_FORMAT})
    bold_euro = workbook.add_format({"num_format": EURO_FORMAT, "bold": True})
    bold_count = workbook.add_format({"num_format": COUNT_FORMAT, "bold": True})
    for index, width in enumerate(ORDER_WIDTHS):
        sheet.set_column(index, index, width)
    sheet.freeze_panes(3, 0)
    sheet.write_string(0, 0, title, workbook.add_format({"bold": True, "font_size": 14}))
    for index, heading in enumerate(ORDER_HEADINGS):
        sheet.write_string(2, index, heading, bold)
    totals = ModeTotals()
    write_string, write_number = sheet.write_string, sheet.write_number
    write_datetime, add, labels = sheet.write_datetime, totals.add, MODE_LABELS
    index = 3
    for row in rows:
        received = row.received
        add(row)
        write_datetime(index, 0, row.delivery_date, day)
        write_string(index, 1, row.order_id)
        write_string(index, 2, row.customer_name)
        write_number(index, 3, row.total_cents / 100, euro)
        write_string(
            index, 4, labels[row.mode] if received.keys() <= {row.mode} else row.mode_label
        )
        write_number(index, 5, row.received_cents / 100, euro)
        write_number(index, 6, row.credit_note_cents / 100, euro)
        if row.recorded_by is not None:
            write_string(index, 7, row.recorded_by)
        if row.refunded_cents:
            write_number(index, 8, row.refunded_cents / 100, euro)
        index += 1
    index += 1
    for summary in totals.summaries():
        sheet.write_string(index, 0, "Total")
        sheet.write_number(index, 1, summary.orders, count_format)
        sheet.write_number(index, 3, summary.sales_cents / 100, euro)
        sheet.write_string(index, 4, summary.label)
        sheet.write_number(index, 5, summary.total_received_cents / 100, euro)
        sheet.write_number(index, 6, summary.credit_note_cents / 100, euro)
        index += 1
    summary = totals.total()
    sheet.write_string(index, 0, "Total général", bold)
    sheet.write_number(index, 1, summary.orders, bold_count)
    sheet.write_number(index, 3, summary.sales_cents / 100, bold_euro)
    sheet.write_blank(index, 4, None, bold)
    sheet.write_number(index, 5, summary.total_received_cents / 100, bold_euro)
    sheet.write_number(index, 6, summary.credit_note_cents / 100, bold_euro)
    workbook.close()


def write_case(case: str, rows, out) -> None:
    if case == "writer":
        from exports.adapters.workbooks import write_received_payments

        write_received_payments(rows, "Ferme des Saules", out)
    elif case == "xlsxwriter":
        xlsxwriter_write(rows, "Ferme des Saules", out)
    elif case == "bare":
        bare_write(rows, out)
    else:
        for _ in rows:
            pass


def run_case(case: str, count: int) -> dict:
    rows = payment_rows(count)
    with tempfile.TemporaryFile() as out:
        started, cpu_started = time.perf_counter(), time.process_time()
        write_case(case, rows, out)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        size = out.seek(0, os.SEEK_END)
    return {"seconds": seconds, "cpu": cpu, "bytes": size, "peak_mib": peak_rss_mib()}


def peak_rss_mib() -> float:
    """This process's peak resident set (VmHWM) since its exec, in MiB.

    Not ru_maxrss: Linux carries it over exec, so a child started by a parent that is bigger
    (this script's parent after its cell check) would report the parent's size.
    """
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    raise SystemExit("no VmHWM in /proc/self/status: the peak memory needs Linux")


def same_cells(count: int) -> str:
    """Write ``count`` rows with the service and with xlsxwriter and compare the two sheets
    cell by cell (value, number format, bold); the differences, or an empty string."""
    from io import BytesIO

    from openpyxl import load_workbook

    sheets = []
    for case in ("writer", "xlsxwriter"):
        out = BytesIO()
        write_case(case, payment_rows(count), out)
        workbook = load_workbook(BytesIO(out.getvalue()))
        sheets.append((workbook.sheetnames, workbook.worksheets[0]))
    (names, ours), (their_names, theirs) = sheets
    problems = [] if names == their_names else [f"sheets {names} != {their_names}"]
    if ours.freeze_panes != theirs.freeze_panes:
        problems.append(f"frozen at {ours.freeze_panes} != {theirs.freeze_panes}")
    for ours_row, theirs_row in zip(
        ours.iter_rows(max_row=max(ours.max_row, theirs.max_row), max_col=8),
        theirs.iter_rows(max_row=max(ours.max_row, theirs.max_row), max_col=8),
        strict=True,
    ):
        for mine, other in zip(ours_row, theirs_row, strict=True):
            if mine.value is None and other.value is None:
                continue
            seen = (mine.value, mine.number_format, bool(mine.font.b))
            expected = (other.value, other.number_format, bool(other.font.b))
            if seen != expected:
                problems.append(f"{mine.coordinate}: {seen} != {expected}")
    return "; ".join(problems[:5])


def measure_in_child(case: str, count: int) -> dict:
    command = [sys.executable, __file__, "--child", case, "--rows", str(count)]
    child = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    if child.returncode != 0:
        raise SystemExit(f"{case} child failed with {child.returncode}")
    return json.loads(child.stdout)


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
    import xlsxwriter
    from openpyxl import LXML

    print(f"command: {shlex.join([sys.executable, *sys.argv])}")
    print(
        f"python {sys.version.split()[0]}, openpyxl {openpyxl.__version__}, lxml={LXML}, "
        f"xlsxwriter {xlsxwriter.__version__}, rows={args.rows:,}, repeat={args.repeat} "
        "(best time, highest peak)"
    )
    print(
        "peak memory: VmHWM of each case's own subprocess, read by it at its end (its peak "
        "resident set since exec), whole process incl. interpreter and imports"
    )
    problems = same_cells(CHECK_ROWS)
    if problems:
        raise SystemExit(f"the service and xlsxwriter do not write the same cells: {problems}")
    print(f"same cells (values, number formats, bold) from both writers for {CHECK_ROWS} rows")
    results = {case: [] for case in CASES}
    for _ in range(args.repeat):
        for case in CASES:  # interleaved so drift hits every case alike
            results[case].append(measure_in_child(case, args.rows))
    wall, cpu = {}, {}
    for case, label in CASES.items():
        wall[case] = min(run["seconds"] for run in results[case])
        cpu[case] = min(run["cpu"] for run in results[case])
        peak = max(run["peak_mib"] for run in results[case])
        print(
            f"{label}: {wall[case]:.2f} s wall, {cpu[case]:.2f} s CPU, "
            f"{args.rows / cpu[case]:,.0f} rows/CPU s, peak RSS {peak:.1f} MiB, "
            f"file {results[case][0]['bytes'] / 2**20:.1f} MiB"
        )
    for name, times in (("CPU", cpu), ("wall", wall)):
        net = {case: times[case] - times["rows"] for case in ("bare", "xlsxwriter", "writer")}
        print(
            f"ratios on {name} time: (a)/(x) {times['writer'] / times['xlsxwriter']:.3f} "
            f"(target <= 1.2), (a)/(b) {times['writer'] / times['bare']:.3f}, "
            f"(x)/(b) {times['xlsxwriter'] / times['bare']:.3f}; net of row generation (-(c)): "
            f"(a)/(x) {net['writer'] / net['xlsxwriter']:.3f}, "
            f"(a)/(b) {net['writer'] / net['bare']:.3f}"
        )


if __name__ == "__main__":
    main()
