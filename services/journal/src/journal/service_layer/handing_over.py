"""What the journal hands out: its settings as the producer sees them, the daily figures, the
FEC of a fiscal year, the signed archive of a closed period, the public key. Each FEC and
archive handed out is recorded in the technical log."""

import hashlib
import io
from datetime import date
from typing import TextIO

from sqlalchemy.ext.asyncio import async_sessionmaker

from ardoise.errors import Conflict, Invalid
from journal.adapters.keys import fingerprint, public_key_text, signing_key
from journal.adapters.period_workbook import write_period_workbook
from journal.adapters.producer_state import ProducerSettings
from journal.adapters.repository import JournalRepository
from journal.domain import fec
from journal.domain.accounts import Chart
from journal.domain.archive import build_archive
from journal.domain.daily import daily_totals, rate_order
from journal.domain.periods import MONTH, Period, fiscal_year, fiscal_year_ending_in, month_of
from journal.service_layer.recording import log_technical


def settings_view(settings: ProducerSettings) -> dict:
    return {**settings.as_dict(), "chart": Chart.of(settings.chart or {}).as_dict()}


async def daily(repository: JournalRepository, producer_id: str, first: date,
                last: date) -> list[dict]:
    days = daily_totals([entry async for entry in repository.entries_between(
        producer_id, first, last) if entry["kind"] in ("invoice", "credit_invoice")])
    return [{**day, "day": day["day"].isoformat()} for day in days]


def write_daily_csv(out: TextIO, days: list[dict]) -> None:
    """One row per day: counts, then base, VAT and TTC per rate (euros, a dot), and the total."""
    rates = sorted({rate for day in days for rate in day["by_vat_rate"]}, key=rate_order)
    header = ["jour", "ventes", "factures_d_avoir"]
    for rate in rates:
        header += [f"base_ht_{rate}", f"tva_{rate}", f"ttc_{rate}"]
    out.write(";".join([*header, "total_ttc"]) + "\r\n")
    for day in days:
        row = [day["day"], str(day["sales"]), str(day["credit_invoices"])]
        for rate in rates:
            sums = day["by_vat_rate"].get(rate, {})
            row += [_euros(sums.get(name, 0)) for name in ("base_cents", "vat_cents",
                                                            "total_cents")]
        out.write(";".join([*row, _euros(day["total_cents"])]) + "\r\n")


def _euros(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


async def _fec_text(repository: JournalRepository, producer_id: str, settings: ProducerSettings,
                    first: date, last: date, fiscal: Period) -> tuple[str, bytes]:
    if not settings.siren:
        raise Invalid("the FEC is named by the producer's SIREN: give its SIRET "
                      "(PUT …/invoicing) first", "invoicing.siret")
    entries = [entry async for entry in repository.entries_between(producer_id, first, last)]
    body = fec.write_fec(entries, Chart.of(settings.chart or {}),
                         await repository.customer_names(producer_id), settings.fec_variant,
                         fiscal.start, fiscal.end)
    return fec.fec_filename(settings.siren, fiscal.end), body


async def fec_file(sessions: async_sessionmaker, producer_id: str, year: int) -> tuple[str, bytes]:
    """The FEC of the fiscal year closing in `year`, its handing out recorded."""
    async with sessions() as session, session.begin():
        repository = JournalRepository(session)
        settings = await repository.settings(producer_id)
        fiscal = fiscal_year_ending_in(year, settings.fiscal_year_start)
        name, body = await _fec_text(repository, producer_id, settings, fiscal.start,
                                     fiscal.end, fiscal)
        await log_technical(session, producer_id, "export", {
            "file": name, "what": "fec", "start": fiscal.start.isoformat(),
            "end": fiscal.end.isoformat(), "sha256": hashlib.sha256(body).hexdigest()})
    return name, body


async def archive(sessions: async_sessionmaker, producer_id: str, kind: str, start: date,
                  secret: str) -> tuple[str, bytes]:
    """The signed archive of a closed month or fiscal year, its handing out recorded."""
    key = signing_key(secret, producer_id)
    async with sessions() as session, session.begin():
        repository = JournalRepository(session)
        settings = await repository.settings(producer_id)
        period = (month_of(start) if kind == MONTH
                  else fiscal_year(start, settings.fiscal_year_start))
        if period.start != start:
            raise Invalid(f"a {kind} starts on {period.start.isoformat()}, not on "
                          f"{start.isoformat()}", "start")
        closing = await repository.closing(producer_id, kind, start)
        if closing is None:
            raise Conflict(f"the {kind} from {period.start} to {period.end} is not closed yet: "
                           "it is archived once it is over and closed")
        entries = [entry async for entry in repository.entries_between(
            producer_id, period.start, period.end)]
        fiscal = fiscal_year(period.end, settings.fiscal_year_start)
        files: dict[str, bytes] = {}
        if settings.siren:
            fec_name, files[fec_name] = await _fec_text(repository, producer_id, settings,
                                                        period.start, period.end, fiscal)
        workbook = io.BytesIO()
        label = f"{kind} {period.start.isoformat()} — {period.end.isoformat()}"
        write_period_workbook(workbook, settings.legal_name or producer_id, label, entries,
                              closing, daily_totals(entries))
        files["journal.xlsx"] = workbook.getvalue()
        body = build_archive(producer_id, {"kind": kind, "start": period.start,
                                           "end": period.end}, entries, closing, files, key)
        name = f"journal-{producer_id}-{kind}-{period.start.isoformat()}.zip"
        await log_technical(session, producer_id, "archive", {
            "file": name, "period": kind, "start": period.start.isoformat(),
            "end": period.end.isoformat(), "sha256": hashlib.sha256(body).hexdigest()})
    return name, body


def public_key(secret: str, producer_id: str) -> dict:
    key = signing_key(secret, producer_id)
    return {"public_key": public_key_text(key), "fingerprint": fingerprint(key),
            "algorithm": "Ed25519"}
