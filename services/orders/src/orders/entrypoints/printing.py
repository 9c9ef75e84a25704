"""Answering with a printed document: an issued invoice as HTML, PDF or JSON, or a receipt."""

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.concurrency import run_in_threadpool

from orders import views
from orders.adapters.accounts_client import buyer_of
from orders.documents import invoice_html, invoice_pdf
from orders.domain import invoices
from orders.domain.printouts import Printout

PDF = "application/pdf"


UNREAD = object()


async def printout_of(request: Request, order, invoice=UNREAD) -> Printout:
    """The order as printed now, with the customer's name and the balance the accounts service
    gives at this moment (the balance only while payment tracking is on). `invoice`: the
    order's invoice in force when the caller has read it already (None: there is none)."""
    figures = await request.app.state.accounts.customer(order.producer_id, order.customer_id)
    async with request.app.state.reads() as session:
        invoicing = await views.invoicing_of(session, order.producer_id)
        if invoice is UNREAD:
            invoice = await views.live_invoice(session, order.producer_id, order.order_id)
    return views.printout(order, figures, request.app.state.clock(), invoicing, invoice)


def wanted(request: Request, format: str | None) -> str:
    if format:
        return format
    accept = request.headers.get("accept", "")
    return "pdf" if PDF in accept else "json" if "application/json" in accept else "html"


async def document_answer(request: Request, document: dict, order, format: str | None
                          ) -> Response:
    """An issued invoice with what is true at this moment: the settlement and the balance."""
    printout = await printout_of(request, order)
    shown = {**document, "payment": views.payment_now(order)}
    printed = views.printed_facts(printout)
    kind = wanted(request, format)
    if kind == "json":
        return JSONResponse({**shown, "printed": printed})
    if kind == "pdf":
        # WeasyPrint lays out synchronously (tens of ms): kept off the event loop
        body = await run_in_threadpool(invoice_pdf, shown, printed)
        return Response(body, media_type=PDF, headers={
            "Content-Disposition": f'inline; filename="{document["number"]}.pdf"'})
    return HTMLResponse(invoice_html(shown, printed))


async def preview_answer(request: Request, order) -> HTMLResponse:
    """What the order's invoice would state, clearly marked as not an invoice (no number)."""
    figures = await request.app.state.accounts.customer(order.producer_id, order.customer_id)
    async with request.app.state.reads() as session:
        invoicing = await views.invoicing_of(session, order.producer_id)
    now = request.app.state.clock()
    printout = views.printout(order, figures, now, invoicing)
    document = invoices.issue_invoice(
        None, now, printout.printed_local.date().isoformat(), order,
        printout.lines, invoicing, buyer_of(order.customer_id, figures))
    return HTMLResponse(invoice_html({**document, "payment": views.payment_now(order)},
                                     views.printed_facts(printout)))
