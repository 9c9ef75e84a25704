"""The producer's exports (`/exports`): the workbooks (invoices too), the weekly e-mail; invoices
and receipts."""

import re
import uuid
from datetime import date, timedelta
from typing import Annotated
from urllib.parse import quote, unquote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from ardoise.weeks import week_of
from web import signin
from web.gateways import Refused
from web.pages.common import (
    AnySession,
    BadInput,
    CheckedOperator,
    OperatorSession,
    gateways,
    local_today,
    moment,
    order_uuid,
    page,
    parse_day,
    settings_zone,
)
from web.pages.common import producer_path as _base

router = APIRouter(tags=["exports"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_PERIOD_DAYS = 2 * 366
"""The exports gateway's own limit on a period, checked here first to say it in French."""
MAX_INVOICES_DAYS = 366
"""Its limit on an invoices period: a year, a leap one whole."""
MAX_SELECTED = 10_000
FLASH = "ardoise_exports"
"""What a form of the exports page did, carried across its redirect; `!` first: a problem."""
WEEK_STATUSES = {"sent": "Envoyé", "failed": "Non parti", "sending": "En cours d'envoi"}
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_FILENAME = re.compile(r'^attachment; filename="[A-Za-z0-9._-]{1,200}"$')


# ---- pure helpers -------------------------------------------------------------------------

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


def invoice_body(document: str) -> Markup:
    """The orders service's invoice (a whole HTML document it escaped itself) as a part of a
    page: what follows its `<title>`, without the closing tags of the document."""
    body = re.split(r"</title>", document, maxsplit=1, flags=re.IGNORECASE)[-1]
    body = re.sub(r"</?(html|head|body)[^>]*>", "", body, flags=re.IGNORECASE)
    return Markup(body.strip())


# ---- plumbing -----------------------------------------------------------------------------

def _redirect(request: Request, message: str, problem: bool = False) -> RedirectResponse:
    answer = RedirectResponse("/exports", status_code=303)
    answer.set_cookie(FLASH, quote(("!" if problem else "") + message[:400]), max_age=120,
                      httponly=True, samesite="lax", path="/exports",
                      secure=request.app.state.settings.secure_cookies)
    return answer


async def exports_page(request: Request, session: signin.Session, status_code: int = 200,
                       problem: str | None = None, message: str | None = None,
                       du: str | None = None, au: str | None = None,
                       typed: dict | None = None,
                       invoice_days: tuple[str | None, str | None] = (None, None),
                       balances_au: str | None = None):
    weekly = await gateways(request).json(session.principal, "exports", "GET",
                                          f"{_base(session)}/exports/weekly-email")
    zone = await settings_zone(request, session, weekly.get("time_zone") or "Europe/Paris")
    today = local_today(request.app.state.clock(), zone)
    monday, sunday = last_week(today)
    first, last = last_month(today)
    return page(request, "exports.html", session, status_code=status_code, problem=problem,
                message=message, zone=zone, weekly=weekly,
                du=du or monday.isoformat(), au=au or sunday.isoformat(),
                invoices_du=invoice_days[0] or first.isoformat(),
                invoices_au=invoice_days[1] or last.isoformat(),
                balances_au=balances_au or year_end_before(today).isoformat(),
                today=today.isoformat(),
                settings=typed or {"name": weekly.get("name") or "",
                                   "email": weekly.get("email") or ""},
                weeks=week_rows(weekly.get("weeks") or [], zone),
                week=week_of(monday), tracking=weekly.get("payment_tracking", True))


def _not_found(request: Request, session: signin.Session):
    return page(request, "documents_missing.html", session, status_code=404,
                heading="Commande introuvable",
                problem="Commande introuvable : elle n'existe pas, ou pas pour votre compte.")


async def _document(request: Request, session: signin.Session, order_id: str, kind: str):
    """The invoice or receipt of an order the signed-in person may see, else None."""
    found = order_uuid(order_id)
    if found is None:
        return None
    try:
        answer = await gateways(request).call(session.principal, "orders", "GET",
                                              f"{_base(session)}/orders/{found}/{kind}")
    except Refused as refused:
        if refused.status in (403, 404, 422):
            return None
        raise
    return found, answer.text


# ---- routes -------------------------------------------------------------------------------

@router.get("/exports")
async def exports(request: Request, session: OperatorSession):
    said = unquote(request.cookies.get(FLASH) or "")[:500]
    problem = said[1:] if said.startswith("!") else None
    answer = await exports_page(request, session, problem=problem,
                                message=None if problem else (said or None))
    if said:
        answer.delete_cookie(FLASH, path="/exports")
    return answer


@router.get("/exports/ventes-par-mode.xlsx")
async def sales_by_mode(request: Request, session: OperatorSession,
                        du: Annotated[str | None, Query(max_length=20)] = None,
                        au: Annotated[str | None, Query(max_length=20)] = None):
    zone = await settings_zone(request, session, "Europe/Paris")
    try:
        first, last = period(du, au, local_today(request.app.state.clock(), zone))
    except BadInput as bad:
        return await exports_page(request, session, status_code=422, problem=str(bad),
                                  du=du, au=au)
    answer = await gateways(request).call(
        session.principal, "exports", "GET", f"{_base(session)}/exports/sales-by-mode.xlsx",
        params={"from": first.isoformat(), "to": last.isoformat()},
        timeout=120)
    return Response(answer.content, media_type=answer.headers.get("content-type", XLSX),
                    headers=download_headers(
                        answer.headers, f"ventes-par-mode_{first}_{last}.xlsx"))


@router.get("/exports/factures.xlsx")
async def invoices_workbook(request: Request, session: OperatorSession,
                            du: Annotated[str | None, Query(max_length=20)] = None,
                            au: Annotated[str | None, Query(max_length=20)] = None):
    zone = await settings_zone(request, session, "Europe/Paris")
    try:
        first, last = invoices_period(du, au, local_today(request.app.state.clock(), zone))
    except BadInput as bad:
        return await exports_page(request, session, status_code=422, problem=str(bad),
                                  invoice_days=(du, au))
    answer = await gateways(request).call(
        session.principal, "exports", "GET", f"{_base(session)}/exports/invoices.xlsx",
        params={"from": first.isoformat(), "to": last.isoformat()}, timeout=120)
    return Response(answer.content, media_type=answer.headers.get("content-type", XLSX),
                    headers=download_headers(answer.headers, f"factures-{first}-{last}.xlsx"))


@router.get("/exports/soldes.xlsx")
async def balances_workbook(request: Request, session: OperatorSession,
                            au: Annotated[str | None, Query(max_length=20)] = None):
    """Every customer's balance at the end of a day, the producer's time (accounts
    `…/customers/balances.xlsx?at=`): what an accountant asks for at a year end."""
    zone = await settings_zone(request, session, "Europe/Paris")
    try:
        day = balances_day(au, local_today(request.app.state.clock(), zone))
        answer = await gateways(request).call(
            session.principal, "accounts", "GET", f"{_base(session)}/customers/balances.xlsx",
            params={"at": day.isoformat()}, timeout=120)
    except BadInput as bad:
        return await exports_page(request, session, status_code=422, problem=str(bad),
                                  balances_au=au)
    except Refused as refused:
        return await exports_page(request, session, status_code=refused.status,
                                  problem=f"Soldes non exportés : {refused.message}",
                                  balances_au=au)
    return Response(answer.content, media_type=answer.headers.get("content-type", XLSX),
                    headers=download_headers(answer.headers, f"soldes-clients-{day}.xlsx"))


@router.post("/exports/paiements.xlsx")
async def received_payments(request: Request, session: CheckedOperator,
                            order_ids: Annotated[list[str], Form()] = [],  # noqa: B006
                            movement_ids: Annotated[list[str], Form()] = [],  # noqa: B006
                            semaine: Annotated[str, Form(max_length=20)] = ""):
    back = f"/paiements?semaine={semaine}" if week_days(semaine) else "/paiements"
    try:
        body = selection_body(order_ids, movement_ids)
        answer = await gateways(request).call(
            session.principal, "exports", "POST", f"{_base(session)}/exports/payments.xlsx",
            json=body, timeout=120)
    except BadInput as bad:
        return page(request, "exports_nothing.html", session, status_code=422,
                    heading="Rien à exporter", problem=str(bad), back=back)
    except Refused as refused:
        if refused.status not in (404, 422):
            raise
        return page(request, "exports_nothing.html", session, status_code=refused.status,
                    heading="Export impossible", back=back,
                    problem="Une commande ou un mouvement de la sélection est inconnu : "
                            "rechargez la page des paiements et recommencez.")
    today = local_today(request.app.state.clock(), "Europe/Paris")
    return Response(answer.content, media_type=answer.headers.get("content-type", XLSX),
                    headers=download_headers(answer.headers, f"paiements-recus_{today}.xlsx"))


@router.post("/exports/reglages")
async def change_settings(request: Request, session: CheckedOperator,
                          name: Annotated[str, Form(max_length=1000)] = "",
                          email: Annotated[str, Form(max_length=1000)] = ""):
    try:
        body = settings_body(name, email)
        await gateways(request).json(session.principal, "exports", "PUT",
                                     f"{_base(session)}/exports/settings", json=body)
    except BadInput as bad:
        problem = str(bad)
    except Refused as refused:
        problem = settings_problem(refused)
    else:
        return _redirect(request, f"Le courriel hebdomadaire ira à {body['email']}.")
    return await exports_page(request, session, status_code=422,
                              problem=f"Réglages non enregistrés. {problem}",
                              typed={"name": name, "email": email})


@router.post("/exports/courriel")
async def send_now(request: Request, session: CheckedOperator,
                   semaine: Annotated[str, Form(max_length=20)] = ""):
    try:
        week = week_asked(semaine)
        answer = await gateways(request).json(
            session.principal, "exports", "POST", f"{_base(session)}/exports/weekly-email",
            params={"week": week}, timeout=60)
    except BadInput as bad:
        return await exports_page(request, session, status_code=422, problem=str(bad))
    except Refused as refused:
        if refused.status != 404:
            raise
        return _redirect(request, "Indiquez d'abord le nom et l'adresse e-mail où envoyer le "
                                  "courriel hebdomadaire.", problem=True)
    went, said = sent_message(answer)
    return _redirect(request, said, problem=not went)


@router.get("/commandes/{order_id}/facture")
async def invoice(request: Request, session: AnySession, order_id: str):
    found = await _document(request, session, order_id, "invoice")
    if found is None:
        return _not_found(request, session)
    order, document = found
    return page(request, "documents_invoice.html", session, order_id=order,
                invoice=invoice_body(document))


@router.get("/commandes/{order_id}/ticket")
async def receipt(request: Request, session: AnySession, order_id: str):
    found = await _document(request, session, order_id, "receipt")
    if found is None:
        return _not_found(request, session)
    order, text = found
    return page(request, "documents_receipt.html", session, order_id=order, receipt=text)
