"""The bank statements' routes: import a statement file; list, confirm, reassign, ignore or undo
the transactions it brought."""

import uuid
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from ardoise.changes import actor_of
from ardoise.errors import Invalid
from ardoise.gateway import CurrentPrincipal, check_operator_of
from ardoise.ids import CUSTOMER_ID_PATTERN, PRODUCER_ID_PATTERN
from payments.service_layer import bank
from payments.service_layer.unit_of_work import SqlPaymentsUnitOfWork

router = APIRouter(prefix="/v1/producers/{producer}/bank", tags=["bank"])
Producer = Annotated[str, Path(pattern=PRODUCER_ID_PATTERN)]
MAX_STATEMENT_BYTES = 32 * 1024 * 1024
"""A year of a busy account in CAMT.053 is a few MB; the gateway reads at most this."""
STATEMENT_PATH_SUFFIX = "/bank/statements"
Status = Literal["applied", "queued", "ignored", "listed"]


class Reassignment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    customer_id: str = Field(pattern=CUSTOMER_ID_PATTERN)
    order_id: uuid.UUID | None = Field(
        None, description="the customer's order the transfer pays; none: a top-up")


@router.post("/statements", status_code=201, summary="Import a bank statement",
             openapi_extra={"requestBody": {"content": {
                 "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
                 "multipart/form-data": {"schema": {"type": "object", "properties": {
                     "file": {"type": "string", "format": "binary"}}}}}}},
             description="The file as the bank gives it, as the body or as the `file` field "
                         "of a form: ISO 20022 CAMT.053, OFX (1.x or 2.x) or CFONB 120, in any "
                         "usual encoding, several accounts or statements in one. Each line is "
                         "kept once, however often it is imported (the bank's reference, else "
                         "a hash of account, date, amount and label). Credits are matched: a "
                         "sure match (the customer's payment reference, or the full name and "
                         "the amount of one open order) is applied — the order settled by "
                         "transfer, or the account topped up — the others wait in the queue. "
                         "Debits are listed, never applied. Answers the counts: `lines`, `new`, "
                         "`duplicates`, `applied`, `queued`, `listed`. A file that is not a "
                         "statement: 422 saying what was expected, nothing kept.")
async def import_statement(producer: Producer, principal: CurrentPrincipal,
                           request: Request) -> dict:
    check_operator_of(principal, producer)
    data = await _file(request)
    return await bank.import_statement(producer, data, SqlPaymentsUnitOfWork(
        request.app.state.sessionmaker), actor_of(principal))


async def _file(request: Request) -> bytes:
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        try:
            form = await request.form()
        except StarletteHTTPException as error:  # a form that cannot be read (400 there)
            raise Invalid(f"the upload is not a readable form: {error.detail}") from error
        upload = form.get("file")
        if hasattr(upload, "read"):  # a file part (Starlette's UploadFile), not a text field
            return await upload.read()
        return b""
    return await request.body()


@router.get("/transactions", summary="The bank transactions",
            description="Newest first (`before` a booking date pages back); `status` selects "
                        "`queued` (waiting for the producer), `applied`, `ignored` or `listed` "
                        "(debits). Each with its match (`customer_id`, `order_id`, `score` "
                        "0–100, `reasons`) and what its money did (`applications`, counter-"
                        "entries negative).")
async def transactions(producer: Producer, principal: CurrentPrincipal, request: Request,
                       status: Status | None = None,
                       before: date | None = None,
                       limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict:
    check_operator_of(principal, producer)
    async with SqlPaymentsUnitOfWork(request.app.state.sessionmaker) as uow:
        rows = await uow.bank.listed(producer, status, limit, before)
    return {"transactions": [_row(row) for row in rows]}


def _row(row: dict) -> dict:
    line = row["line"]
    return {"transaction_id": str(row["transaction_id"]), "status": row["status"],
            "booking_date": row["booking_date"].isoformat(), "amount_cents": row["amount_cents"],
            "label": line["label"], "counterparty": line.get("counterparty"),
            "reference": line.get("reference"), "account": line["account"],
            "customer_id": row["customer_id"],
            "order_id": None if row["order_id"] is None else str(row["order_id"]),
            "score": row["score"], "reasons": row["reasons"]}


TransactionId = Annotated[uuid.UUID, Path()]


@router.post("/transactions/{transaction_id}/confirm", summary="Apply the proposed match")
async def confirm(producer: Producer, transaction_id: TransactionId, principal: CurrentPrincipal,
                  request: Request) -> dict:
    return await _act(producer, transaction_id, principal, request, "confirm")


@router.post("/transactions/{transaction_id}/ignore",
             summary="Ignore a transaction (undoing its application first)")
async def ignore(producer: Producer, transaction_id: TransactionId, principal: CurrentPrincipal,
                 request: Request) -> dict:
    return await _act(producer, transaction_id, principal, request, "ignore")


@router.post("/transactions/{transaction_id}/undo",
             summary="Undo an application (a counter-entry), back to the queue")
async def undo(producer: Producer, transaction_id: TransactionId, principal: CurrentPrincipal,
               request: Request) -> dict:
    return await _act(producer, transaction_id, principal, request, "undo")


@router.post("/transactions/{transaction_id}/reassign",
             summary="Apply the transaction to another customer or order")
async def reassign(producer: Producer, transaction_id: TransactionId, body: Reassignment,
                   principal: CurrentPrincipal, request: Request) -> dict:
    return await _act(producer, transaction_id, principal, request, "reassign",
                      body.customer_id, body.order_id)


async def _act(producer: str, transaction_id: uuid.UUID, principal, request: Request,
               action: str, customer_id: str | None = None,
               order_id: uuid.UUID | None = None) -> dict:
    check_operator_of(principal, producer)
    return await bank.act(producer, transaction_id, action,
                          SqlPaymentsUnitOfWork(request.app.state.sessionmaker),
                          customer_id, order_id, actor_of(principal))
