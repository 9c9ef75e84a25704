"""What the journal page says and sends, no I/O: closings and a verification in French, the
fiscal years a FEC can be asked for, the periods and the journal settings form checked."""

import re
from datetime import date, timedelta
from typing import Any

from web.pages.common import BadInput, day, moment

PERIOD_NAMES = {"day": "Jour", "month": "Mois", "year": "Exercice"}
ARCHIVE_PERIODS = {"mois": "month", "exercice": "year"}
"""The archive's period as the page's address writes it, and as the journal gateway does."""
MODE_NAMES = {"cash": "Espèces", "cheque": "Chèque", "card": "Carte bancaire",
              "transfer": "Virement", "online": "En ligne (SumUp)"}
CHAIN_NAMES = {"entries": "Écritures", "closings": "Clôtures", "events": "Journal technique"}
VARIANTS = {"standard": "Standard : les 18 colonnes",
            "cash_basis": "Comptabilité de trésorerie : 21 colonnes (date et mode de règlement, "
                          "nature de l'opération)"}
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")
MAX_DAILY_DAYS = 366
"""The journal gateway's limit on a period of daily totals, checked here to say it in French."""
SHORT_HASH = 12
_FILENAME = re.compile(r'^attachment; filename="[A-Za-z0-9._-]{1,200}"$')
REASONS = (
    (re.compile(r"^record (\d+) expected, (\d+) found \(missing\)$"),
     "l'enregistrement n° {0} manque (le n° {1} vient à sa place)"),
    (re.compile(r"^record (\d+) expected, (\d+) found \(repeated or out of order\)$"),
     "enregistrement répété ou hors de son ordre (n° {0} attendu, n° {1} trouvé)"),
    (re.compile(r"^its previous_hash is not the hash of the record before$"),
     "il ne reprend pas l'empreinte de l'enregistrement précédent"),
    (re.compile(r"^its content does not match its hash \(altered\)$"),
     "son contenu ne correspond plus à son empreinte : il a été modifié"),
    (re.compile(r"^the chain's head says record (\d+) was the last written: records are "
                r"missing at the end$"),
     "le dernier enregistrement écrit était le n° {0} : il en manque à la fin"),
    (re.compile(r"^its hash is not the one a closing sealed \(the chain was rewritten\)$"),
     "son empreinte n'est pas celle qu'une clôture a scellée : la chaîne a été réécrite"),
    (re.compile(r"^a closing sealed entry (\d+): entries are missing$"),
     "une clôture a scellé l'écriture n° {0} : des écritures manquent"),
)
"""The journal's reasons for a broken chain, said in French (any other is shown as it is)."""


def short_hash(text: str | None) -> str:
    return f"{text[:SHORT_HASH]}…" if text else "—"


def period_title(period: str, start: str, end: str) -> str:
    """`12/03/2026`, `mars 2026`, or `du 01/01/2026 au 31/12/2026` for a fiscal year."""
    first = date.fromisoformat(start)
    if period == "day":
        return day(first)
    if period == "month":
        return f"{MONTHS[first.month - 1]} {first.year}"
    return f"du {day(start)} au {day(end)}"


def archive_link(period: str, start: str) -> str | None:
    """The page's address of a closed month's or fiscal year's signed archive."""
    names = {kind: name for name, kind in ARCHIVE_PERIODS.items()}
    return f"/journal/archives/{names[period]}/{start}.zip" if period in names else None


def closing_row(closing: dict, zone: str) -> dict:
    """A closing as the page lists it."""
    content = closing.get("content") or {}
    sales = content.get("sales") or {}
    by_mode = content.get("by_mode") or {}
    modes = [(MODE_NAMES[mode], by_mode[mode]) for mode in MODE_NAMES if mode in by_mode]
    modes += [(mode, cents) for mode, cents in by_mode.items() if mode not in MODE_NAMES]
    return {"period": closing["period"], "name": PERIOD_NAMES.get(closing["period"], ""),
            "title": period_title(closing["period"], closing["start"], closing["end"]),
            "closed_at": moment(closing.get("closed_at"), zone),
            "sales": sales.get("count", 0), "credit_invoices": sales.get("credit_invoices", 0),
            "total_cents": sales.get("total_cents", 0), "modes": modes,
            "credit_notes_cents": content.get("credit_notes_cents", 0),
            "fiscal_year_total_cents": content.get("fiscal_year_total_cents", 0),
            "grand_total_cents": content.get("grand_total_cents", 0),
            "hash": closing.get("hash") or "", "short_hash": short_hash(closing.get("hash")),
            "archive": archive_link(closing["period"], closing["start"])}


def broken_reason(reason: str | None) -> str:
    for pattern, said in REASONS:
        if match := pattern.match(reason or ""):
            return said.format(*match.groups())
    return reason or "raison inconnue"


def verification_view(report: dict, zone: str) -> dict:
    """The journal's verify report: valid or not, when, and each chain's count or first break."""
    chains = []
    for name, said in CHAIN_NAMES.items():
        chain = (report.get("chains") or {}).get(name)
        if chain is None:
            continue
        broken = chain.get("first_broken")
        chains.append({"name": said, "valid": bool(chain.get("valid")),
                       "count": chain.get("count", 0),
                       "last_hash": short_hash(chain.get("last_hash")),
                       "broken_seq": broken.get("seq") if broken else None,
                       "reason": broken_reason(broken.get("reason")) if broken else None})
    return {"valid": bool(report.get("valid")), "chains": chains,
            "verified_at": moment(report.get("verified_at"), zone)}


def fiscal_year(of: date, start: str) -> tuple[date, date]:
    """The first and last days of the fiscal year `of` falls in (it starts each `MM-DD`)."""
    month, first_day = (int(part) for part in start.split("-"))
    begins = date(of.year, month, first_day)
    if begins > of:
        begins = date(of.year - 1, month, first_day)
    return begins, date(begins.year + 1, month, first_day) - timedelta(days=1)


def fec_years(first_day: date | None, today: date, start: str) -> list[dict]:
    """The fiscal years a FEC can be asked for, newest first: from the first entry's to
    today's. Each is named by the year it closes in, as the journal gateway asks."""
    oldest = fiscal_year(min(first_day or today, today), start)[0]
    first, last = current = fiscal_year(today, start)
    years = []
    while first >= oldest:
        ongoing = ", en cours" if (first, last) == current else ""
        years.append({"year": last.year,
                      "title": f"{last.year} (du {day(first)} au {day(last)}{ongoing})"})
        first, last = fiscal_year(first - timedelta(days=1), start)
    return years


def last_month(today: date) -> tuple[date, date]:
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def daily_period(du: str | None, au: str | None, today: date) -> tuple[date, date]:
    """The period of daily totals asked, last month when both are left out."""
    if not (du or au):
        return last_month(today)
    try:
        first = date.fromisoformat((du or "").strip())
        last = date.fromisoformat((au or "").strip())
    except ValueError as error:
        raise BadInput("Date illisible : choisissez les dates dans le calendrier.") from error
    if first > last:
        raise BadInput("La date de début est après la date de fin.")
    if (last - first).days + 1 > MAX_DAILY_DAYS:
        raise BadInput(f"Les ventes par jour couvrent au plus {MAX_DAILY_DAYS} jours à la fois.")
    return first, last


def archive_asked(periode: str, debut: str) -> tuple[str, date]:
    """`mois`/`exercice` and a first day as the journal gateway asks them, else BadInput."""
    if periode not in ARCHIVE_PERIODS:
        raise BadInput("Archive introuvable : choisissez un mois ou un exercice clôturé.")
    try:
        return ARCHIVE_PERIODS[periode], date.fromisoformat(debut)
    except ValueError as error:
        raise BadInput("Archive introuvable : choisissez un mois ou un exercice clôturé.") \
            from error


def settings_form(saved: dict) -> dict:
    """The saved settings as the form shows them: the fiscal year's start as a day and a month."""
    month, first_day = (saved.get("fiscal_year_start") or "01-01").split("-")
    return {"jour": str(int(first_day)), "mois": str(int(month)),
            "fec_variant": saved.get("fec_variant") or "standard"}


def settings_body(jour: str, mois: str, fec_variant: str) -> dict[str, Any]:
    """The journal gateway's body from the form, or a French refusal."""
    try:
        first_day, month = int(jour), int(mois)
        date(2025, month, first_day)  # a day every year has: 29 February is not one
    except ValueError as error:
        raise BadInput("Début d'exercice invalide : un jour que chaque année compte, par "
                       "exemple le 1er janvier ou le 1er juillet.") from error
    if fec_variant not in VARIANTS:
        raise BadInput("Choisissez le format du FEC : standard ou comptabilité de trésorerie.")
    return {"fiscal_year_start": f"{month:02d}-{first_day:02d}", "fec_variant": fec_variant}


def settings_problem(status: int, detail: Any) -> str:
    """The journal gateway refusing the settings, in French."""
    if status == 409:
        return ("Le début de l'exercice ne change plus une fois des périodes clôturées : il "
                "reste tel qu'enregistré.")
    fields = {str((e.get("loc") or [""])[-1]) for e in detail if isinstance(e, dict)} \
        if isinstance(detail, list) else set()
    if "fiscal_year_start" in fields or "fiscal_year_start" in str(detail):
        return ("Début d'exercice invalide : un jour que chaque année compte, par exemple le "
                "1er janvier ou le 1er juillet.")
    if "fec_variant" in fields:
        return "Choisissez le format du FEC : standard ou comptabilité de trésorerie."
    return "Réglages refusés par le journal."


def fec_problem(detail: Any) -> str:
    """Why the FEC was not handed out, in French."""
    loc = detail[0].get("loc") if isinstance(detail, list) and detail and \
        isinstance(detail[0], dict) else None
    if (loc and str(loc[-1]) == "invoicing.siret") or "SIREN" in str(detail):
        return ("Le FEC porte le SIREN de la ferme : indiquez d'abord son SIRET dans "
                "Facturation.")
    return "Exercice invalide : choisissez-en un dans la liste."



def download_headers(answer_headers, fallback_name: str) -> dict[str, str]:
    """The gateway's file name when it is a plain one, else ours: never a header passed blind."""
    disposition = answer_headers.get("content-disposition", "")
    if not _FILENAME.match(disposition):
        disposition = f'attachment; filename="{fallback_name}"'
    return {"Content-Disposition": disposition}
