"""The journal HTTP gateway: the producer's inalterable journal read back, verified, closed,
handed to the accountant (FEC) and archived (signed ZIP); the journal's own settings."""

import io
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from ardoise.changes import Change, actor_of
from ardoise.errors import Conflict, Invalid
from ardoise.gateway import CurrentPrincipal, check_operator_of
from ardoise.ids import PRODUCER_ID_PATTERN
from journal.adapters.chains import CLOSINGS, EVENTS
from journal.adapters.repository import JournalRepository
from journal.domain.accounts import check_chart
from journal.domain.periods import check_fiscal_year_start
from journal.service_layer import handing_over
from journal.service_layer.verification import verify_producer

router = APIRouter(prefix="/v1/producers/{producer}/journal", tags=["journal"])
Producer = Annotated[str, Path(pattern=PRODUCER_ID_PATTERN)]
MAX_PAGE = 1000
MAX_SEQ = 2**62
"""Beyond any chain's numbers, and within PostgreSQL's bigint with a page added to it."""
CSV = "text/csv; charset=utf-8"


class JournalSettings(BaseModel):
    """What the accountant chooses; the time zone comes from the payment settings, the SIREN
    and VAT regime from the invoicing identity (`PUT …/invoicing`)."""

    model_config = ConfigDict(extra="forbid")
    fiscal_year_start: str | None = Field(None, description="MM-DD, e.g. `01-01` (default) or "
                                                            "`07-01`", examples=["01-01"])
    fec_variant: Literal["standard", "cash_basis"] | None = Field(
        None, description="`standard`: the 18 columns; `cash_basis`: 21 columns (DateRglt, "
                          "ModeRglt, NatOp), for a farm on cash-basis accounting")
    chart: dict[str, dict[str, str]] | None = Field(
        None, description="Accounts by role overriding the farm defaults, e.g. "
                          "`{\"cash\": {\"number\": \"531000\", \"label\": \"Caisse marché\"}}`; "
                          "`sales:5.5`, `vat:5.5` for one VAT rate")


def _period(period_from: date | None, period_to: date | None) -> None:
    if period_from and period_to and period_from > period_to:
        raise Invalid("`from` is after `to`", "from")


def _entry(row: dict) -> dict:
    return {name: row[name] for name in ("seq", "kind", "occurred_at", "recorded_at", "day",
                                         "content", "previous_hash", "hash")}


@router.get("/settings", summary="The journal's settings",
            description="Fiscal year, FEC variant and chart of accounts (the defaults merged "
                        "with the producer's), the time zone, SIREN and VAT regime the journal "
                        "knows, and whether the producer is bound by art. 286 I 3° bis CGI "
                        "(`bound_by_the_law`: false under the franchise en base or the "
                        "remboursement forfaitaire agricole; the journal runs anyway); who last "
                        "changed them by PUT, and when (`changed_by`, `changed_at`; null until "
                        "an operator does).")
async def get_settings(producer: Producer, principal: CurrentPrincipal, request: Request) -> dict:
    check_operator_of(principal, producer)
    async with request.app.state.reads() as session:
        found = await JournalRepository(session).settings(producer)
    return handing_over.settings_view(found)


@router.put("/settings", summary="Change the journal's settings",
            responses={409: {"description": "the fiscal year's start, once periods are closed"}},
            description="Fields left out keep their value. A fiscal year's start changes only "
                        "while no closing has been made (409 after). A bad account: 422 with "
                        "`loc` `chart.<role>`. Who changed them, and when, is kept "
                        "(`changed_by`, `changed_at`).")
async def put_settings(producer: Producer, body: JournalSettings, principal: CurrentPrincipal,
                       request: Request) -> dict:
    check_operator_of(principal, producer)
    changes = body.model_dump(exclude_none=True)
    if "fiscal_year_start" in changes:
        check_fiscal_year_start(changes["fiscal_year_start"])
    if "chart" in changes:
        check_chart(changes["chart"])
    async with request.app.state.sessionmaker() as session, session.begin():
        repository = JournalRepository(session)
        current = await repository.settings(producer)
        if (changes.get("fiscal_year_start", current.fiscal_year_start) != current.fiscal_year_start
                and await repository.head(producer, CLOSINGS) is not None):
            raise Conflict("the fiscal year's start cannot change once periods are closed")
        await repository.save_settings(
            producer, **changes, **Change.now_by(actor_of(principal)).columns())
        found = await repository.settings(producer)
    return handing_over.settings_view(found)


@router.get("/verify", summary="Verify the journal's chains",
            description="Recomputes every record's SHA-256 (its content and the hash before "
                        "it) in the entries, the closings and the technical log, checks the "
                        "numbers have no gap and each chain ends where its head says, and that "
                        "every closing's seal matches the entry it names. `valid`, and per "
                        "chain `count`, `last_seq`, `last_hash` and `first_broken` "
                        "(`{seq, reason}` or null). The result is recorded in the technical "
                        "log.")
async def verify(producer: Producer, principal: CurrentPrincipal, request: Request) -> dict:
    check_operator_of(principal, producer)
    return await verify_producer(request.app.state.sessionmaker, producer)


@router.get("/entries", summary="The journal's entries",
            description="In chain order, `after` a seq (0: from the first), at most `limit`; "
                        "`from`/`to` select the days they were recorded into. Each entry: "
                        "`seq`, `kind` (invoice, credit_invoice, credit_note, payment, "
                        "settlement, movement), `occurred_at`, `recorded_at`, `day`, `content`, "
                        "`previous_hash`, `hash`. `next_after`: the seq to ask after next, "
                        "null at the end.")
async def list_entries(producer: Producer, principal: CurrentPrincipal, request: Request,
                       after: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0,
                       limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
                       period_from: Annotated[date | None, Query(alias="from")] = None,
                       period_to: Annotated[date | None, Query(alias="to")] = None) -> dict:
    check_operator_of(principal, producer)
    _period(period_from, period_to)
    async with request.app.state.reads() as session:
        rows = await JournalRepository(session).entries_page(producer, after, limit,
                                                              period_from, period_to)
    return {"entries": [_entry(row) for row in rows],
            "next_after": rows[-1]["seq"] if len(rows) == limit else None}


@router.get("/closings", summary="The closings made",
            description="Newest first; `period` (day, month, year) selects one kind; `before` "
                        "a seq pages back. Each: `seq`, `period`, `start`, `end`, `closed_at`, "
                        "`content` (entries sealed, sales, totals per VAT rate and per payment "
                        "mode, credit notes, the fiscal year's cumulative total, the perpetual "
                        "grand total), `previous_hash`, `hash`.")
async def list_closings(producer: Producer, principal: CurrentPrincipal, request: Request,
                        period: Literal["day", "month", "year"] | None = None,
                        before: Annotated[int | None, Query(ge=1, le=MAX_SEQ)] = None,
                        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100) -> dict:
    check_operator_of(principal, producer)
    async with request.app.state.reads() as session:
        rows = await JournalRepository(session).closings_list(producer, period, limit, before)
    return {"closings": rows}


@router.get("/technical-events", summary="The technical log",
            description="Closings made, FEC and archives handed out, verifications and their "
                        "result, in chain order after `after`.")
async def technical_events(producer: Producer, principal: CurrentPrincipal, request: Request,
                           after: Annotated[int, Query(ge=0, le=MAX_SEQ)] = 0,
                           limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100) -> dict:
    check_operator_of(principal, producer)
    async with request.app.state.sessionmaker() as session, session.begin():  # a cursor
        rows = [row async for row in JournalRepository(session).records(
            producer, EVENTS, first_seq=after + 1, last_seq=after + limit)]
    return {"events": rows, "next_after": rows[-1]["seq"] if len(rows) == limit else None}


@router.get("/daily-totals", summary="Sales per day and VAT rate",
            responses={200: {"content": {"application/json": {}, "text/csv": {}}}},
            description="Per day the sales were recorded into, from `from` to `to` (at most "
                        "366 days): the count of sales and of factures d'avoir, and per VAT "
                        "rate the base, VAT and TTC — the figures the e-reporting of consumer "
                        "sales asks for. `format=csv` gives them as a CSV file.")
async def daily_totals(producer: Producer, principal: CurrentPrincipal, request: Request,
                       period_from: Annotated[date, Query(alias="from")],
                       period_to: Annotated[date, Query(alias="to")],
                       format: Literal["json", "csv"] = "json"):
    check_operator_of(principal, producer)
    _period(period_from, period_to)
    if (period_to - period_from).days > 365:
        raise Invalid("at most 366 days at a time", "to")
    async with request.app.state.sessionmaker() as session, session.begin():  # a cursor
        days = await handing_over.daily(JournalRepository(session), producer, period_from,
                                        period_to)
    if format == "json":
        return {"days": days}
    out = io.StringIO()
    handing_over.write_daily_csv(out, days)
    return Response(out.getvalue(), media_type=CSV, headers={
        "Content-Disposition": f'attachment; filename="ventes-par-jour-{period_from}-'
                               f'{period_to}.csv"'})


@router.get("/fec", summary="The FEC of a fiscal year", response_class=Response,
            responses={200: {"content": {"text/plain": {}}, "description": "The FEC file"}},
            description="The Fichier des Écritures Comptables (art. A47 A-1 LPF) of the fiscal "
                        "year closing in `year`: tab-separated, the 18 columns (21 with "
                        "DateRglt, ModeRglt, NatOp for `fec_variant` `cash_basis`), named "
                        "`<SIREN>FEC<closing date>.txt`. 422 (`loc` `invoicing.siret`) while "
                        "the producer's SIRET is unknown. Handing it out is recorded in the "
                        "technical log.")
async def fec(producer: Producer, principal: CurrentPrincipal, request: Request,
              year: Annotated[int, Query(ge=2000, le=2100)]) -> Response:
    check_operator_of(principal, producer)
    name, body = await handing_over.fec_file(request.app.state.sessionmaker, producer, year)
    return Response(body, media_type="text/plain; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/archives/{period}/{start}", summary="A closed period's signed archive",
            response_class=Response,
            responses={200: {"content": {"application/zip": {}}, "description": "The archive"},
                       409: {"description": "the period is not closed yet"}},
            description="One ZIP for a closed month (`start` its first day) or fiscal year: "
                        "its entries, its closing, its workbook and FEC, a manifest with each "
                        "file's SHA-256 and an Ed25519 signature by the producer's key (kept "
                        "outside the database). `ardoise journal verify-archive FILE` checks it "
                        "offline. 409 while the period is not closed.")
async def archive(producer: Producer, principal: CurrentPrincipal, request: Request,
                  period: Literal["month", "year"], start: date) -> Response:
    check_operator_of(principal, producer)
    secret = request.app.state.settings.signing_secret.get_secret_value()
    name, body = await handing_over.archive(request.app.state.sessionmaker, producer, period,
                                            start, secret)
    return Response(body, media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/public-key", summary="The key archives are signed with",
            description="The producer's Ed25519 public key (base64 of its 32 bytes) and its "
                        "fingerprint: keep them apart from the archives to check them.")
async def public_key(producer: Producer, principal: CurrentPrincipal, request: Request) -> dict:
    check_operator_of(principal, producer)
    secret = request.app.state.settings.signing_secret.get_secret_value()
    return handing_over.public_key(secret, producer)



