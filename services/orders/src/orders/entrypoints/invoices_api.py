"""The orders gateway's invoicing routes: the producer's identity, issuing and reading invoices."""

import uuid
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ardoise import companies
from ardoise.changes import Change, actor_of
from ardoise.errors import Invalid, NotFound
from ardoise.gateway import CurrentPrincipal, check_operator_of
from ardoise.ids import CUSTOMER_ID_PATTERN, PRODUCER_ID_PATTERN
from ardoise.money import NonNegativeCents
from ardoise.text import one_line
from orders import views
from orders.domain import vat
from orders.domain.invoices import REGIMES
from orders.entrypoints.printing import document_answer
from orders.service_layer import invoicing
from orders.service_layer.unit_of_work import SqlOrdersUnitOfWork

router = APIRouter(prefix="/v1/producers/{producer}", tags=["invoices"])
Producer = Annotated[str, Path(pattern=PRODUCER_ID_PATTERN)]
Number = Annotated[str, Path(max_length=16, description="`F000042`, `FA000003`")]
Format = Annotated[Literal["html", "pdf", "json"] | None, Query(
    description="else by `Accept`: `application/pdf`, `application/json`, HTML otherwise")]
MISSING = {"description": "a mention the invoice needs is missing (the field is named)"}



class InvoicingBody(BaseModel):
    """A field left out keeps its value; `null` clears an optional one."""

    model_config = ConfigDict(extra="forbid")
    legal_name: Annotated[str, one_line(200, min_length=1)] | None = None
    address: Annotated[str, Field(min_length=1, max_length=400, pattern=companies.ADDRESS_PATTERN,
                                  description="up to 5 lines")] | None = None
    siret: str | None = Field(None, description="14 digits; the SIREN is its first 9")
    vat_number: str | None = Field(None, description="FR and 11 characters")
    vat_regime: Literal[tuple(REGIMES)] = Field(  # type: ignore[valid-type]
        None, description="`vat` (charges VAT), `franchise` (franchise en base, art. 293 B "
                          "du CGI), `flat_rate_agricultural` (remboursement forfaitaire)")
    default_vat_rate: str = Field(None, description="for lines placed without a rate; per "
                                                    "cent: 0, 2.1, 5.5, 10 or 20")
    legal_form: Annotated[str, one_line(60, min_length=1)] | None = None
    share_capital_cents: NonNegativeCents | None = None
    registration: Annotated[str, one_line(120, min_length=1)] | None = Field(
        None, description="e.g. `RCS Angers 732 829 320`")
    email: Annotated[str, one_line(254, min_length=3)] | None = None
    phone: Annotated[str, one_line(30, min_length=3)] | None = None
    logo_data_url: str | None = Field(None, max_length=200_000, pattern=(
        r"^data:image/(png|jpeg);base64,[A-Za-z0-9+/=]+$"), description="a PNG or JPEG")
    payment_terms: Annotated[str, one_line(300, min_length=1)] = None
    invoice_on_delivery: bool = Field(None, description=(
        "issue the invoice when the order's settlement is recorded (else on request)"))
    receipt_shows_available: bool = Field(None, description=(
        "till receipts also state the customer's available credit"))

    @field_validator("address")
    @classmethod
    def _five_lines(cls, value: str | None) -> str | None:
        if value is not None and len(value.replace("\r\n", "\n").split("\n")) > 5:
            raise ValueError("an address has at most 5 lines")
        return value.replace("\r\n", "\n").strip() if value else value

    @field_validator("siret")
    @classmethod
    def _siret(cls, value: str | None) -> str | None:
        return None if value is None else companies.siret_of(value)

    @field_validator("vat_number")
    @classmethod
    def _vat_number(cls, value: str | None) -> str | None:
        return None if value is None else companies.vat_number_of(value)

    @field_validator("default_vat_rate")
    @classmethod
    def _rate(cls, value: str | None) -> str | None:
        return None if value is None else vat.rate_of(value)


def _uow(request: Request) -> SqlOrdersUnitOfWork:
    return SqlOrdersUnitOfWork(request.app.state.sessionmaker)


@router.put("/invoicing")
async def put_invoicing(producer: Producer, body: InvoicingBody, principal: CurrentPrincipal,
                        request: Request) -> dict:
    """The producer's identity on its invoices and receipts, and how it invoices; who changed
    them, and when, is kept (`changed_by`, `changed_at`, in the answer and the GET)."""
    check_operator_of(principal, producer)
    changes = body.model_dump(exclude_unset=True)
    for name in ("vat_regime", "default_vat_rate", "payment_terms", "invoice_on_delivery",
                 "receipt_shows_available"):
        if name in changes and changes[name] is None:
            raise Invalid("this setting cannot be cleared", name)
    change = Change.now_by(actor_of(principal))
    value = await invoicing.change_invoicing(producer, changes, _uow(request), change)
    return {**value.as_dict(), **change.view()}


@router.get("/invoicing")
async def get_invoicing(producer: Producer, principal: CurrentPrincipal, request: Request
                        ) -> dict:
    """The producer's identity and invoicing choices, and who last changed them, when
    (`changed_by`, `changed_at`: null until an operator does)."""
    check_operator_of(principal, producer)
    async with request.app.state.reads() as session:
        value = await views.invoicing_of(session, producer)
        change = await views.invoicing_change_of(session, producer)
    return {**value.as_dict(), **change.view()}


@router.post("/orders/{order_id}/invoices", status_code=201, responses={
    200: {"description": "the order's invoice in force, issued earlier"}, 422: MISSING,
    503: {"description": "the accounts service did not answer: nothing was issued"}})
async def post_invoice(producer: Producer, order_id: uuid.UUID, principal: CurrentPrincipal,
                       request: Request) -> JSONResponse:
    """Invoice the order: the next number of the producer's series, once (asked again, the
    same invoice answers 200); after a facture d'avoir cancelled it, a new invoice. Who issued
    it is kept (`issued_by` in the list; `actor` in its event, for the journal)."""
    check_operator_of(principal, producer)
    document, issued = await invoicing.issue_invoice(
        producer, order_id, _uow(request), request.app.state.accounts.buyer,
        request.app.state.clock(), actor_of(principal))
    return JSONResponse(document, status_code=201 if issued else 200, headers={
        "Location": f"/v1/producers/{producer}/invoices/{document['number']}"})


@router.post("/invoices/{number}/credit-invoice", status_code=201, responses={
    409: {"description": "this invoice is already cancelled"}})
async def post_credit_invoice(producer: Producer, number: Number, principal: CurrentPrincipal,
                              request: Request) -> JSONResponse:
    """A facture d'avoir cancelling the invoice in full (its own number, the invoice named);
    the order can then be invoiced anew. An issued invoice itself never changes."""
    check_operator_of(principal, producer)
    document = await invoicing.cancel_invoice(producer, number, _uow(request),
                                              request.app.state.clock(), actor_of(principal))
    return JSONResponse(document, status_code=201, headers={
        "Location": f"/v1/producers/{producer}/invoices/{document['number']}"})


@router.get("/invoices")
async def list_invoices(
    producer: Producer, principal: CurrentPrincipal, request: Request,
    customer_id: Annotated[str | None, Query(pattern=CUSTOMER_ID_PATTERN)] = None,
    from_date: Annotated[date | None, Query(alias="from")] = None,
    to_date: Annotated[date | None, Query(alias="to")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict:
    """Invoices and factures d'avoir in the order of their issue (issue dates `from`–`to`,
    inclusive); a customer sees its own only. `in_force`: not cancelled by a facture d'avoir.
    `issued_by`: the operator who issued it (null: the system, invoicing on delivery)."""
    if not principal.can_reach_producer(producer):
        raise NotFound("no such producer")
    if principal.role == "customer":
        if customer_id not in (None, principal.customer_id):
            raise NotFound("no such customer")
        customer_id = principal.customer_id
    async with request.app.state.reads() as session:
        rows = await views.invoice_rows(session, producer, customer_id, from_date, to_date,
                                        limit, offset)
    return {"invoices": rows}


@router.get("/invoices/{number}", response_class=HTMLResponse, responses={200: {"content": {
    "application/pdf": {}, "application/json": {}}}})
async def get_invoice(producer: Producer, number: Number, principal: CurrentPrincipal,
                      request: Request, format: Format = None) -> Response:
    """The issued document: HTML to print, PDF (A4; Factur-X for a business customer) or the
    JSON it is rendered from, with the settlement and balance at this moment."""
    if not principal.can_reach_producer(producer):
        raise NotFound("no such invoice")
    async with request.app.state.reads() as session:
        invoice = await views.invoice_row(session, producer, number)
        if invoice is None or not principal.can_reach_customer(producer, invoice.customer_id):
            raise NotFound("no such invoice")
        order = await views.order_row(session, producer, invoice.order_id, principal)
    return await document_answer(request, invoice.document, order, format)
