"""The exports HTTP gateway: XLSX of sales by mode, of received payments and of invoices; the
weekly e-mail."""

import unicodedata
import uuid
from datetime import UTC, date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ardoise.changes import Change, ChangeOut, actor_of
from ardoise.errors import NotFound
from ardoise.gateway import CurrentPrincipal, check_operator_of
from ardoise.ids import PRODUCER_ID_PATTERN
from ardoise.text import Email, Name
from exports.adapters.export_log import ExportLog
from exports.adapters.invoices_workbook import invoices_filename, write_invoices
from exports.adapters.order_rows import orders_query, period_query
from exports.adapters.repository import ExportsRepository
from exports.adapters.workbooks.filenames import filename_for
from exports.adapters.workbooks.received_payments import write_received_payments
from exports.adapters.workbooks.sales_by_mode import write_sales_by_mode
from exports.domain.periods import check_invoices_period, check_period, parse_week
from exports.service_layer import export_log, weekly
from exports.service_layer.building import build_in_thread, build_workbook, chunks

router = APIRouter(prefix="/v1/producers/{producer}", tags=["exports"])
Producer = Annotated[str, Path(pattern=PRODUCER_ID_PATTERN)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ORDERS = 10_000
RECENT_REQUESTS = 20
"""How many of the exports asked for the weekly e-mail's page lists."""


class ExportSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    email: Email

    @field_validator("name")
    @classmethod
    def printable_name(cls, value: str) -> str:
        if any(unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp"} for c in value):
            raise ValueError("the name must be on one line, without control characters")
        return value


class ExportSettingsOut(ExportSettings, ChangeOut):
    """Where the weekly e-mail goes, and who last changed it, when."""


class PaymentSelection(BaseModel):
    """The orders selected on the week's payments page, and the top-ups and debits with them."""

    model_config = ConfigDict(extra="forbid")
    order_ids: list[uuid.UUID] = Field(max_length=MAX_ORDERS)
    movement_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=MAX_ORDERS,
        description="Top-ups and debits recorded with a mode (the payments page's `movements`), "
                    "listed on their own sheet and counted in the totals per mode")

    @model_validator(mode="after")
    def something_selected(self) -> "PaymentSelection":
        if not self.order_ids and not self.movement_ids:
            raise ValueError("select at least one order (order_ids) or movement (movement_ids)")
        return self


def _download(file, filename: str) -> StreamingResponse:
    return StreamingResponse(chunks(file), media_type=XLSX, headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


@router.put("/exports/settings", response_model=ExportSettingsOut)
async def put_settings(producer: Producer, body: ExportSettings, principal: CurrentPrincipal,
                       request: Request) -> ExportSettingsOut:
    """Where the weekly e-mail goes: the producer's name and address. It goes on Monday in the
    producer's time zone, which its payment settings name. Who changed them, and when, is
    kept (`changed_by`, `changed_at`)."""
    check_operator_of(principal, producer)
    change = Change.now_by(actor_of(principal))
    async with request.app.state.sessionmaker() as session, session.begin():
        await ExportsRepository(session).save_settings(producer, body.name, body.email, change)
    return ExportSettingsOut(**body.model_dump(), **change.view())


@router.get("/exports/sales-by-mode.xlsx", response_class=StreamingResponse,
            responses={200: {"content": {XLSX: {}}}})
async def sales_by_mode(
    producer: Producer, principal: CurrentPrincipal, request: Request,
    period_from: Annotated[date, Query(alias="from")], period_to: Annotated[date, Query(alias="to")],
) -> StreamingResponse:
    check_operator_of(principal, producer)
    check_period(period_from, period_to)
    async with request.app.state.sessionmaker() as session:
        repository = ExportsRepository(session)
        name = await repository.producer_name(producer)
        tracking = await repository.tracking_is_on(producer)
        moved = await repository.movements(producer, period_from, period_to,
                                           await repository.time_zone(producer))
        file = await build_workbook(
            session, period_query(producer, period_from, period_to),
            lambda rows, out: write_sales_by_mode(rows, period_from, period_to, name, out,
                                                  moved, tracking))
    await export_log.log_request(request.app.state.sessionmaker, producer,
                                 export_log.SALES_BY_MODE, actor_of(principal),
                                 period_from=period_from.isoformat(),
                                 period_to=period_to.isoformat())
    return _download(file, filename_for("sales-by-mode", producer, period_from, period_to))


@router.get(
    "/exports/invoices.xlsx", response_class=StreamingResponse,
    summary="Invoices workbook of a period",
    description="The invoices and factures d'avoir issued from `from` to `to` (the producer's "
                "own issue dates, both included; at most 366 days, else 422): sheet "
                "\"Factures\", one row per document (the invoices in number order, then the "
                "factures d'avoir in number order) with a base HT and a VAT column for each "
                "rate used in the period, the totals HT, VAT and TTC, who issued it (\"Émis par\": "
                "an operator's name, empty for the system's), and a total row; sheet "
                "\"TVA\", per rate, the period's base HT, VAT and TTC. A facture d'avoir's "
                "amounts are negative and it names the invoice it cancels. Amounts are numbers "
                "in euros, their totals exact to the cent. File name "
                "`factures-<from>-<to>.xlsx`.",
    responses={200: {"content": {XLSX: {}}, "description": "The workbook"}})
async def invoices_workbook(
    producer: Producer, principal: CurrentPrincipal, request: Request,
    period_from: Annotated[date, Query(alias="from")],
    period_to: Annotated[date, Query(alias="to")],
) -> StreamingResponse:
    check_operator_of(principal, producer)
    check_invoices_period(period_from, period_to)
    async with request.app.state.sessionmaker() as session:
        repository = ExportsRepository(session)
        name = await repository.producer_name(producer)
        rows = await repository.invoices(producer, period_from, period_to)
    file = await build_in_thread(
        lambda out: write_invoices(rows, period_from, period_to, name, out))
    await export_log.log_request(request.app.state.sessionmaker, producer, export_log.INVOICES,
                                 actor_of(principal), period_from=period_from.isoformat(),
                                 period_to=period_to.isoformat())
    return _download(file, invoices_filename(period_from, period_to))


@router.post("/exports/payments.xlsx", response_class=StreamingResponse,
             responses={200: {"content": {XLSX: {}}}})
async def received_payments(producer: Producer, body: PaymentSelection,
                            principal: CurrentPrincipal, request: Request) -> StreamingResponse:
    """The selected orders' payments and the selected top-ups and debits, each with who
    recorded it ("Saisi par"; with payment tracking off: the orders only, without payment
    columns). Any unknown id: 404. Who asked for it is kept (`requests` of `GET
    …/exports/weekly-email`)."""
    check_operator_of(principal, producer)
    wanted, wanted_movements = set(body.order_ids), set(body.movement_ids)
    async with request.app.state.sessionmaker() as session:
        repository = ExportsRepository(session)
        missing = wanted - await repository.known_orders(producer, wanted)
        if missing:
            raise NotFound(f"unknown orders: {', '.join(sorted(map(str, missing))[:5])}")
        time_zone = await repository.time_zone(producer)
        moved = (await repository.selected_movements(producer, wanted_movements, time_zone)
                 if wanted_movements else [])
        missing = wanted_movements - {movement.movement_id for movement in moved}
        if missing:
            raise NotFound(f"unknown movements: {', '.join(sorted(map(str, missing))[:5])}")
        name = await repository.producer_name(producer)
        tracking = await repository.tracking_is_on(producer)
        file = await build_workbook(
            session, orders_query(producer, list(wanted)),
            lambda rows, out: write_received_payments(rows, name, out, tracking, moved))
        zone = ZoneInfo(time_zone)
    today = datetime.now(UTC).astimezone(zone).date()
    await export_log.log_request(request.app.state.sessionmaker, producer, export_log.PAYMENTS,
                                 actor_of(principal), orders=len(wanted),
                                 movements=len(wanted_movements))
    return _download(file, filename_for("payments", producer, today, today))


@router.post("/exports/weekly-email")
async def weekly_email_now(producer: Producer, principal: CurrentPrincipal, request: Request,
                           week: Annotated[str, Query()]) -> dict:
    """Send that week's sales-by-mode workbook now (again, if it went already); `sent` says
    whether it went, `reason` why not. Who asked is kept: the week's `asked_by` and the
    `requests` of `GET …/exports/weekly-email`."""
    check_operator_of(principal, producer)
    parse_week(week)
    sessions, actor = request.app.state.sessionmaker, actor_of(principal)
    outcome = await weekly.send_week(sessions, request.app.state.mailer, producer, week,
                                     again=True, asked_by=actor)
    await export_log.log_request(sessions, producer, export_log.WEEKLY_EMAIL, actor, week=week,
                                 sent=outcome.sent)
    return {"week": week, "sent": outcome.sent, "reason": outcome.reason}


@router.get("/exports/weekly-email")
async def weekly_email_settings(producer: Producer, principal: CurrentPrincipal,
                                request: Request) -> dict:
    """Where and when the weekly e-mail goes, and what became of the last weeks' (newest
    first): `email` null until the producer gives an address; `payment_tracking` false: the
    workbooks have no payment column. The web service reads the address too (the farm's own,
    its first operator's at sign-in: scope `exports:read`). Each week says who asked for its
    last sending (`asked_by`; null: the Monday timer); `requests` lists the last exports asked
    for, newest first: each workbook downloaded (`sales-by-mode.xlsx`, `invoices.xlsx`,
    `payments.xlsx`) and each weekly e-mail sent by hand (`weekly-email`), with who asked
    (`asked_by`), when (`asked_at`) and what it covered (`detail`)."""
    check_operator_of(principal, producer, "exports:read")
    settings = request.app.state.settings
    async with request.app.state.sessionmaker() as session:
        repository = ExportsRepository(session)
        found = await repository.producer(producer)
        zone = await repository.time_zone(producer)
        tracking = await repository.tracking_is_on(producer)
        weeks = await repository.recent_weekly_emails(producer)
        asked = await ExportLog(session).recent(producer, RECENT_REQUESTS)
    return {
        "name": found.name if found else None, "email": found.email if found else None,
        "time_zone": zone, "send_hour": settings.weekly_send_hour,
        "payment_tracking": tracking,
        "weeks": [{"week": w.week, "status": w.status, "attempts": w.attempts,
                   "sent_at": w.sent_at.isoformat() if w.sent_at else None,
                   "last_error": w.last_error, "asked_by": w.asked_by,
                   "next_attempt_at": w.next_attempt_at.isoformat() if w.next_attempt_at
                   else None} for w in weeks],
        "requests": [export_log.request_view(row) for row in asked],
    }


@router.get("/exports/settings", response_model=ExportSettingsOut)
async def get_settings(producer: Producer, principal: CurrentPrincipal,
                       request: Request) -> ExportSettingsOut:
    """The weekly e-mail's name and address, and who last changed them, when; 404 until the
    producer gives them."""
    check_operator_of(principal, producer)
    async with request.app.state.sessionmaker() as session:
        found = await ExportsRepository(session).producer(producer)
    if found is None:
        raise NotFound("no e-mail address set for this producer's exports")
    return ExportSettingsOut(name=found.name, email=found.email,
                             **Change(found.changed_by, found.changed_at).view())

