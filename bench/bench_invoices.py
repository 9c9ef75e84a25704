"""Invoice PDFs: milliseconds per document, plain PDF/A-3b and Factur-X, and peak memory.

    .venv/bin/python bench/bench_invoices.py [--count 1000] [--professional-share 0.1]
                                             [--seed 7] [--tracemalloc 20]

Renders `--count` invoices one after another in this process with `invoice_pdf`, as the orders
service would: 1 to 30 lines each, rates and units drawn at random, a tenth for professional
buyers (Factur-X: the CII XML built, checked against its schema and embedded). One invoice of
each kind is rendered first and not counted (fonts, templates and schemas load once).

Peak memory: `ru_maxrss` of this process after the run (the whole process: interpreter,
WeasyPrint, Pango and their caches). `--tracemalloc N` then renders N more invoices under
tracemalloc and prints its peak: Python's own allocations only (Pango's and Cairo's C memory
is not seen), and slower, which is why it is a separate pass after the timed one.
"""

import argparse
import random
import resource
import shlex
import statistics
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services" / "orders" / "src"))

from orders.documents import invoice_pdf
from orders.domain.order import line_amount_cents
from orders.domain.vat import breakdown, line_bases

UNITS = ["piece", "piece", "piece", "kg", "g", "l", "bunch", "dozen"]
RATES = ["5.5", "5.5", "5.5", "10", "20", "0", "2.1"]
SELLER = {"legal_name": "EARL Ferme des Saules", "address": "12 chemin des Saules\n49000 Angers",
          "siren": "732829320", "siret": "73282932000074", "vat_number": "FR44732829320",
          "vat_regime": "vat", "vat_mention": None, "legal_form": "EARL",
          "share_capital_cents": 750000, "registration": "RCS Angers",
          "email": "contact@saules.example", "phone": "02 41 00 00 00", "logo_data_url": None}
PRINTED = {"printed_text": "05/12/2026 à 11:15", "balance_status": "shown", "balance_cents": 500}


def make_document(rng: random.Random, index: int, professional: bool) -> dict:
    lines = []
    for position in range(rng.randint(1, 30)):
        unit = rng.choice(UNITS)
        quantity = (Decimal(rng.randint(1, 6)) if unit in ("piece", "bunch", "dozen")
                    else Decimal(rng.randint(100, 5000)) / 1000)
        unit_price_cents = rng.randint(50, 3000)
        lines.append({"label": f"Article {position} de la ferme", "quantity": str(quantity),
                      "unit": unit, "unit_price_cents": unit_price_cents,
                      "vat_rate": rng.choice(RATES),
                      "amount_cents": line_amount_cents(quantity, unit_price_cents)})
    amounts = [(line["vat_rate"], line["amount_cents"]) for line in lines]
    for line, base_cents in zip(lines, line_bases(amounts)):
        line["base_cents"] = base_cents
    rows = breakdown(amounts)
    buyer = {"customer_id": f"c-{index:04d}", "name": f"Client {index}",
             "address": "3 quai Nord\n44000 Nantes", "professional": professional,
             "siren": "552100554" if professional else None,
             "vat_number": "FR12552100554" if professional else None}
    return {
        "kind": "invoice", "number": f"F{index:06d}", "issued_at": "2026-12-05T10:15:00+00:00",
        "issue_date": "2026-12-05", "order_id": f"{index:08d}-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
        "order_reference": f"{index:08d}", "delivery_date": "2026-12-04", "corrects": None,
        "currency": "EUR", "seller": SELLER, "buyer": buyer, "lines": lines,
        "vat": [{"rate": r.rate, "base_cents": r.base_cents, "vat_cents": r.vat_cents,
                 "total_cents": r.total_cents} for r in rows],
        "total_ht_cents": sum(r.base_cents for r in rows),
        "total_vat_cents": sum(r.vat_cents for r in rows),
        "total_cents": sum(r.total_cents for r in rows),
        "payment": {"mode": "cash", "amount_paid_cents": 5000, "credit_note_number": 1,
                    "credit_note_cents": 500},
        "payment_terms": "Paiement à réception",
        "late_payment_text": "Pénalités de retard : trois fois le taux d'intérêt légal",
        "recovery_fee_text": ("Indemnité forfaitaire pour frais de recouvrement : 40 €"
                              if professional else None),
    }


def summary(label: str, times_ms: list[float], sizes: list[int]) -> str:
    if not times_ms:
        return f"{label}: none"
    return (f"{label}: {len(times_ms)} documents, p50 {statistics.median(times_ms):.1f} ms, "
            f"mean {statistics.fmean(times_ms):.1f} ms, max {max(times_ms):.1f} ms, "
            f"mean size {statistics.fmean(sizes) / 1024:.0f} KiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--professional-share", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--tracemalloc", type=int, default=20, metavar="N",
                        help="invoices rendered under tracemalloc after the timed run (0: none)")
    args = parser.parse_args()

    import facturx
    import weasyprint

    print(f"command: {shlex.join([sys.executable, *sys.argv])}")
    print(f"python {sys.version.split()[0]}, weasyprint {weasyprint.__version__}, "
          f"factur-x {facturx.__version__}, count={args.count}, "
          f"professional share={args.professional_share}, seed={args.seed}")
    rng = random.Random(args.seed)
    documents = [make_document(rng, index, rng.random() < args.professional_share)
                 for index in range(args.count)]
    for professional in (False, True):  # warm-up, not counted
        invoice_pdf(make_document(random.Random(0), 0, professional), PRINTED)

    times = {False: [], True: []}
    sizes = {False: [], True: []}
    lines = {False: [], True: []}
    started = time.perf_counter()
    for document in documents:
        professional = document["buyer"]["professional"]
        before = time.perf_counter()
        pdf = invoice_pdf(document, PRINTED)
        times[professional].append((time.perf_counter() - before) * 1000)
        sizes[professional].append(len(pdf))
        lines[professional].append(len(document["lines"]))
    wall = time.perf_counter() - started
    for professional, label in ((False, "plain PDF/A-3b"), (True, "Factur-X")):
        print(summary(label, times[professional], sizes[professional])
              + (f", mean {statistics.fmean(lines[professional]):.1f} lines"
                 if lines[professional] else ""))
    every = times[False] + times[True]
    print(summary("all", every, sizes[False] + sizes[True])
          + f"; {wall:.1f} s in all, {len(every) / wall:.1f} documents/s")
    print(f"peak RSS (ru_maxrss, whole process): "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")

    if args.tracemalloc:
        traced = [make_document(rng, args.count + i, i % 2 == 1) for i in range(args.tracemalloc)]
        tracemalloc.start()
        for document in traced:
            invoice_pdf(document, PRINTED)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"tracemalloc peak over {args.tracemalloc} more invoices (half Factur-X; Python "
              f"allocations only): {peak / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
