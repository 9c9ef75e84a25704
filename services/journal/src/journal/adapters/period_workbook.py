"""The workbook of a journal period (XLSX, openpyxl write-only): its entries, its daily totals
per VAT rate and its closing, for the producer and the accountant."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from journal.domain.daily import rate_order

EURO_FORMAT = '#,##0.00 "€"'
DATE_FORMAT = "DD/MM/YYYY"
ENTRIES_SHEET = "Écritures"
DAILY_SHEET = "Totaux par jour"
CLOSING_SHEET = "Clôture"
ENTRY_HEADINGS = ("N°", "Nature", "Journée", "Date et heure (UTC)", "Client",
                  "Pièce ou commande", "Mode", "Montant", "Empreinte (SHA-256)")
ENTRY_WIDTHS = (8, 18, 12, 27, 30, 20, 22, 14, 68)
KIND_LABELS = {"invoice": "Facture", "credit_invoice": "Facture d'avoir",
               "credit_note": "Avoir sur compte", "payment": "Paiement",
               "settlement": "Règlement de commande", "movement": "Mouvement de compte"}
MODE_LABELS = {"cash": "Espèces", "cheque": "Chèque", "card": "Carte bancaire",
               "transfer": "Virement", "online": "En ligne (SumUp)", "account": "Compte client",
               "not_delivered": "Non livré"}
PERIOD_LABELS = {"day": "Journée", "month": "Mois", "year": "Exercice"}

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)


def euros(cents: int) -> Decimal:
    """The exact euro amount of `cents` (written as its decimal text, e.g. 12.5)."""
    return Decimal(cents) / 100


def rate_label(rate: str) -> str:
    """ "5.5" → "5,5 %"."""
    return f"{rate.replace('.', ',')} %"


def write_period_workbook(file: BinaryIO | str, producer_name: str, period_label: str,
                          entries: Iterable[Mapping], closing: Mapping | None,
                          daily: Sequence[Mapping]) -> None:
    """Sheet "Écritures" (one row per entry, streamed), sheet "Totaux par jour" (`daily`, as
    `journal.domain.daily.daily_totals` gives it, and their total), sheet "Clôture" (the
    closing's figures, or a line saying the period is not closed yet)."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = f"Journal — {producer_name} — {period_label}"
    workbook.properties.creator = "Ardoise"
    sheet = workbook.create_sheet(ENTRIES_SHEET)
    _start_sheet(sheet, (f"Journal des écritures — {producer_name}", period_label),
                 ENTRY_HEADINGS, ENTRY_WIDTHS)
    for entry in entries:
        sheet.append(_entry_row(sheet, entry))
    _write_daily(workbook.create_sheet(DAILY_SHEET), producer_name, period_label, daily)
    _write_closing(workbook.create_sheet(CLOSING_SHEET), producer_name, period_label, closing)
    workbook.save(file)


def _entry_row(sheet: WriteOnlyWorksheet, entry: Mapping) -> tuple:
    kind, content = entry["kind"], entry["content"]
    if kind in ("invoice", "credit_invoice"):
        document, amount = content.get("number"), content.get("total_cents")
        mode = ", ".join(_mode(name) for name in content.get("payment_modes") or ())
    elif kind == "credit_note":
        document, amount, mode = content.get("number"), content.get("amount_cents"), None
    elif kind == "movement":
        document, amount = content.get("label"), content.get("amount_cents")
        mode = _mode(content.get("mode"))
    else:
        # a settlement carries no money of its own: its order total would be counted twice
        document, mode = content.get("order_id"), _mode(content.get("mode"))
        amount = content.get("amount_cents") if kind == "payment" else None
    return (entry["seq"], KIND_LABELS.get(kind, kind), _cell(sheet, _date(entry["day"]),
                                                             DATE_FORMAT),
            _utc_text(entry["occurred_at"]),
            content.get("customer_name") or content.get("customer_id"),
            None if document is None else str(document), mode or None,
            None if amount is None else _cell(sheet, euros(amount), EURO_FORMAT),
            entry["hash"])


def _write_daily(sheet: WriteOnlyWorksheet, producer_name: str, period_label: str,
                 daily: Sequence[Mapping]) -> None:
    rates = sorted({rate for day in daily for rate in day["by_vat_rate"]}, key=rate_order)
    headings = ["Journée", "Ventes", "Factures d'avoir"]
    for rate in rates:
        headings += [f"Base HT {rate_label(rate)}", f"TVA {rate_label(rate)}",
                     f"TTC {rate_label(rate)}"]
    headings.append("Total TTC")
    _start_sheet(sheet, (f"Totaux par jour — {producer_name}", period_label), headings,
                 (12, 10, 16, *(16,) * (3 * len(rates)), 16))
    totals = [0, 0, *[0] * (3 * len(rates)), 0]
    for day in daily:
        figures = [day["sales"], day["credit_invoices"]]
        for rate in rates:
            amounts = day["by_vat_rate"].get(rate) or {}
            figures += [amounts.get(name, 0) for name in ("base_cents", "vat_cents",
                                                          "total_cents")]
        figures.append(day["total_cents"])
        totals = [total + figure for total, figure in zip(totals, figures, strict=True)]
        sheet.append(_figures_row(sheet, _cell(sheet, _date(day["day"]), DATE_FORMAT), figures))
    sheet.append(_figures_row(sheet, _cell(sheet, "Total", font=_BOLD), totals, _BOLD))


def _figures_row(sheet, first, figures: list[int], font: Font | None = None) -> tuple:
    counts = [_cell(sheet, figure, font=font) for figure in figures[:2]]
    return (first, *counts, *(_cell(sheet, euros(figure), EURO_FORMAT, font)
                              for figure in figures[2:]))


def _write_closing(sheet: WriteOnlyWorksheet, producer_name: str, period_label: str,
                   closing: Mapping | None) -> None:
    _start_sheet(sheet, (f"Clôture — {producer_name}", period_label), (), (44, 18, 18, 18))
    if closing is None:
        sheet.append(("Cette période n'est pas encore clôturée.",))
        return
    content = closing["content"]
    entries, sales = content.get("entries") or {}, content.get("sales") or {}
    fiscal_year = content.get("fiscal_year") or {}

    def money(label: str, cents: int | None, font: Font | None = None) -> None:
        sheet.append((_cell(sheet, label, font=font),
                      None if cents is None else _cell(sheet, euros(cents), EURO_FORMAT, font)))

    start, end = _date(closing["start"]), _date(closing["end"])
    kind = PERIOD_LABELS.get(closing["period"], closing["period"])
    sheet.append(("Période", f"{kind} du {start:%d/%m/%Y} au {end:%d/%m/%Y}"))
    sheet.append(("Clôturée le (UTC)", _utc_text(closing["closed_at"])))
    sheet.append(("Clôture n°", closing.get("seq")))
    sheet.append(("Écritures", f"n° {entries.get('first_seq')} à {entries.get('last_seq')}",
                  entries.get("count")))
    sheet.append(("Ventes (factures)", sales.get("count")))
    sheet.append(("Factures d'avoir", sales.get("credit_invoices")))
    money("Ventes HT", sales.get("ht_cents"))
    money("TVA collectée", sales.get("vat_cents"))
    money("Ventes TTC", sales.get("total_cents"), _BOLD)
    sheet.append(())
    sheet.append(tuple(_cell(sheet, heading, font=_BOLD)
                       for heading in ("Taux de TVA", "Base HT", "TVA", "TTC")))
    by_rate = content.get("by_vat_rate") or {}
    for rate in sorted(by_rate, key=rate_order):
        amounts = by_rate[rate]
        sheet.append((rate_label(rate), *(_cell(sheet, euros(amounts[name]), EURO_FORMAT)
                                          for name in ("base_cents", "vat_cents",
                                                       "total_cents"))))
    sheet.append(())
    sheet.append(tuple(_cell(sheet, heading, font=_BOLD) for heading in ("Mode", "Montant")))
    for mode, cents in (content.get("by_mode") or {}).items():
        money(_mode(mode), cents)
    sheet.append(())
    money("Avoirs sur compte", content.get("credit_notes_cents"))
    year = (f" (du {_date(fiscal_year['start']):%d/%m/%Y} au {_date(fiscal_year['end']):%d/%m/%Y})"
            if fiscal_year.get("start") and fiscal_year.get("end") else "")
    money(f"Total de l'exercice{year}", content.get("fiscal_year_total_cents"), _BOLD)
    money("Total perpétuel des ventes", content.get("grand_total_cents"), _BOLD)
    sheet.append(())
    sheet.append(("Empreinte de la dernière écriture", entries.get("last_hash")))
    sheet.append(("Empreinte de la clôture", closing.get("hash")))


def _mode(mode: str | None) -> str | None:
    return None if mode is None else MODE_LABELS.get(mode, mode)


def _date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _utc_text(value: datetime | str) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value


def _cell(sheet: WriteOnlyWorksheet, value=None, number_format: str | None = None,
          font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value)
    if number_format is not None:
        cell.number_format = number_format
    if font is not None:
        cell.font = font
    return cell


def _start_sheet(sheet: WriteOnlyWorksheet, titles: Sequence[str], headings: Sequence[str],
                 widths: Sequence[int]) -> None:
    # write-only sheets emit their columns and panes with the first row: set them before it
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    if headings:
        sheet.freeze_panes = f"A{len(titles) + 3}"
    for index, title in enumerate(titles):
        sheet.append((_cell(sheet, title, font=_TITLE if index == 0 else None),))
    sheet.append(())
    if headings:
        sheet.append(tuple(_cell(sheet, heading, font=_BOLD) for heading in headings))
