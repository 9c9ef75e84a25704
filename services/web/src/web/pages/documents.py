"""An order's documents as the orders service writes them, in a page: its invoice
(`/commandes/{id}/facture`) and its receipt (`/commandes/{id}/ticket`), for the operator and the
order's customer."""

import re

from fastapi import APIRouter, Request
from markupsafe import Markup

from web import signin
from web.gateways import Refused
from web.pages.common import AnySession, gateways, order_missing, order_uuid, page
from web.pages.common import producer_path as _base

router = APIRouter(tags=["exports"])


def invoice_body(document: str) -> Markup:
    """The orders service's invoice (a whole HTML document it escaped itself) as a part of a
    page: what follows its `<title>`, without the closing tags of the document."""
    body = re.split(r"</title>", document, maxsplit=1, flags=re.IGNORECASE)[-1]
    body = re.sub(r"</?(html|head|body)[^>]*>", "", body, flags=re.IGNORECASE)
    return Markup(body.strip())


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


@router.get("/commandes/{order_id}/facture")
async def invoice(request: Request, session: AnySession, order_id: str):
    found = await _document(request, session, order_id, "invoice")
    if found is None:
        return order_missing(request, session)
    order, document = found
    return page(request, "documents_invoice.html", session, order_id=order,
                invoice=invoice_body(document))


@router.get("/commandes/{order_id}/ticket")
async def receipt(request: Request, session: AnySession, order_id: str):
    found = await _document(request, session, order_id, "receipt")
    if found is None:
        return order_missing(request, session)
    order, text = found
    return page(request, "documents_receipt.html", session, order_id=order, receipt=text)
