"""What the exports page says and checks, no I/O: the periods asked (the invoices' and the
balances' too), weeks, the weekly e-mail and its settings said in French, a selection of payments,
the file names passed on."""

import re
import uuid
from datetime import date, timedelta

from web.gateways import Refused
from web.pages.common import BadInput, moment, parse_day

MAX_PERIOD_DAYS = 2 * 366
"""The exports gateway's own limit on a period, checked here first to say it in French."""
MAX_INVOICES_DAYS = 366
"""Its limit on an invoices period: a year, a leap one whole."""
MAX_SELECTED = 10_000
WEEK_STATUSES = {"sent": "Envoyé", "failed": "Non parti", "sending": "En cours d'envoi"}
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_FILENAME = re.compile(r'^attachment; filename="[A-Za-z0-9._-]{1,200}"$')


def week_days(week: str | None) -> tuple[date, date] | None:
    """The Monday and Sunday of an ISO week written `2026-W48`; None for anything else."""
    match = _WEEK.match(week or "")
    if not match:
        return None
    try:
        monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None
    return monday, monday + timedelta(days=6)


def last_week(today: date) -> tuple[date, date]:
    """Monday to Sunday of the week before `today`'s: the weekly e-mail's week."""
    monday = today - timedelta(days=today.weekday() + 7)
    return monday, monday + timedelta(days=6)


def period(du: str | None, au: str | None, today: date) -> tuple[date, date]:
    """The period asked (`du`, `au` as `2026-11-23`), last week when both are left out."""
    if not (du or au):
        return last_week(today)
    first, last = parse_day(du, "Date de début"), parse_day(au, "Date de fin")
    if first > last:
        raise BadInput("La date de début est après la date de fin.")
    if (last - first).days > MAX_PERIOD_DAYS:
        raise BadInput("Une période couvre au plus deux ans.")
    return first, last


def last_month(today: date) -> tuple[date, date]:
    """The first and last days of the month before `today`'s: the invoices' default period."""
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def year_end_before(today: date) -> date:
    """The last 31 December before `today`: the balances an accountant asks for."""
    return date(today.year - 1, 12, 31)


def balances_day(au: str | None, today: date) -> date:
    """The day whose closing balances are asked (`au`), the last year end when left out."""
    if not au:
        return year_end_before(today)
    day = parse_day(au, "Date des soldes")
    if day > today:
        raise BadInput("Date des soldes dans le futur : choisissez aujourd'hui ou avant.")
    return day


def invoices_period(du: str | None, au: str | None, today: date) -> tuple[date, date]:
    """The invoices' period asked, last month when both are left out."""
    if not (du or au):
        return last_month(today)
    first, last = parse_day(du, "Date de début"), parse_day(au, "Date de fin")
    if first > last:
        raise BadInput("La date de début est après la date de fin.")
    if (last - first).days + 1 > MAX_INVOICES_DAYS:
        raise BadInput(f"Une période de factures couvre au plus {MAX_INVOICES_DAYS} jours.")
    return first, last


def week_asked(text: str | None) -> str:
    week = (text or "").strip()
    if not week_days(week):
        raise BadInput("Choisissez une semaine (par exemple 2026-W48 : année, puis numéro).")
    return week


def week_title(week: str) -> str:
    monday, sunday = week_days(week)
    return (f"semaine {monday.isocalendar()[1]} de {monday.isocalendar()[0]} "
            f"(du {monday:%d/%m/%Y} au {sunday:%d/%m/%Y})")


def sent_message(answer: dict) -> tuple[bool, str]:
    """The weekly e-mail sent now, `{week, sent, reason}`, said in French: (went, message)."""
    week = answer.get("week") or ""
    title = week_title(week) if week_days(week) else week
    if answer.get("sent"):
        return True, f"Le courriel de la {title} est parti."
    reason = answer.get("reason") or ""
    if reason.startswith("the mail server did not take it"):
        detail = reason.partition(":")[2].strip()
        said = (f"Le courriel de la {title} n'est pas parti : le serveur de courrier ne l'a "
                "pas accepté. Réessayez plus tard.")
        return False, said + (f" (Détail : {detail})" if detail else "")
    if reason.startswith("being sent"):
        return False, (f"Le courriel de la {title} est déjà en cours d'envoi : regardez son "
                       "état dans un instant.")
    if reason.startswith("already sent"):
        return False, f"Le courriel de la {title} est déjà parti."
    return False, f"Le courriel de la {title} n'est pas parti : {reason or 'raison inconnue'}."


def week_rows(weeks: list[dict], zone: str) -> list[dict]:
    """The last weeks' e-mails as the page lists them."""
    rows = []
    for week in weeks:
        status = week.get("status") or ""
        title = week_title(week["week"]) if week_days(week.get("week")) else week.get("week")
        note = ""
        if status == "failed":
            note = "Nouvel essai le " + moment(week["next_attempt_at"], zone) \
                if week.get("next_attempt_at") else "Pas de nouvel essai prévu"
        rows.append({"week": week.get("week"), "title": title,
                     "status": WEEK_STATUSES.get(status, status), "failed": status == "failed",
                     "attempts": week.get("attempts") or 0,
                     "sent_at": moment(week["sent_at"], zone) if week.get("sent_at") else "—",
                     "note": note, "error": week.get("last_error") or ""})
    return rows


def settings_problem(error: Refused) -> str:
    """The exports gateway refusing a name or an address, in French."""
    fields = {str(e.get("loc", [""])[-1]) for e in error.detail if isinstance(e, dict)} \
        if isinstance(error.detail, list) else set()
    if "email" in fields:
        return "Adresse e-mail invalide : écrivez par exemple ferme@example.org."
    if "name" in fields:
        return "Nom invalide : une ligne de 1 à 200 caractères."
    return f"Réglages refusés : {error.message}"


def settings_body(name: str, email: str) -> dict:
    name, email = name.strip(), email.strip()
    if not name:
        raise BadInput("Indiquez le nom de la ferme, tel que le courriel le présente.")
    if len(name) > 200:
        raise BadInput("Le nom a au plus 200 caractères.")
    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        raise BadInput("Adresse e-mail invalide : écrivez par exemple ferme@example.org.")
    return {"name": name, "email": email}


def ids_of(texts: list[str], what: str) -> list[str]:
    """Ids as the gateway takes them (each once), or a French refusal."""
    found = []
    for text in texts:
        try:
            found.append(str(uuid.UUID(text.strip())))
        except ValueError as error:
            raise BadInput(f"{what} dans la sélection.") from error
    return list(dict.fromkeys(found))


def selection_body(order_ids: list[str], movement_ids: list[str]) -> dict:
    body = {"order_ids": ids_of(order_ids, "Commande inconnue"),
            "movement_ids": ids_of(movement_ids, "Mouvement inconnu")}
    if not body["order_ids"] and not body["movement_ids"]:
        raise BadInput("Rien à exporter : cochez au moins une commande ou un mouvement sur la "
                       "page des paiements de la semaine.")
    if len(body["order_ids"]) + len(body["movement_ids"]) > MAX_SELECTED:
        raise BadInput(f"Au plus {MAX_SELECTED} lignes à la fois.")
    return body


def download_headers(answer_headers, fallback_name: str) -> dict[str, str]:
    """The gateway's file name when it is a plain one, else ours: never a header passed blind."""
    disposition = answer_headers.get("content-disposition", "")
    if not _FILENAME.match(disposition):
        disposition = f'attachment; filename="{fallback_name}"'
    return {"Content-Disposition": disposition}
