"""The stand-in's hosted checkout page: the amount to pay, and Pay / Fail buttons for the tester."""

from __future__ import annotations

from decimal import Decimal
from html import escape
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from sumup_standin.api import Service
from sumup_standin.checkouts import Checkout, CheckoutAlreadyProcessed, Status
from sumup_standin.store import CheckoutNotFound

router = APIRouter(prefix="/pay", tags=["hosted checkout"])

_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{title}</title></head>
<body>
<main>
<h1>{title}</h1>
{content}
<p><small>SumUp stand-in: no real payment is ever made here.</small></p>
</main>
</body>
</html>
"""


def format_amount(amount: Decimal, currency: str) -> str:
    """An amount as a payer in France reads it: `1234.5` EUR → `1 234,50 EUR`."""
    return f"{amount:,.2f}".replace(",", " ").replace(".", ",") + f" {currency}"


def render_checkout(checkout: Checkout, status: Status) -> str:
    """The page for one checkout: buttons while it is PENDING, its outcome afterwards."""
    amount = format_amount(checkout.amount, checkout.currency)
    lines = [
        f"<p>{escape(checkout.description or checkout.checkout_reference)}</p>",
        f'<p>Amount: <strong id="amount">{escape(amount)}</strong></p>',
        f'<p>Status: <strong id="status">{status}</strong></p>',
    ]
    if status is Status.PENDING:
        for outcome, label in ((Status.PAID, "Pay"), (Status.FAILED, "Fail")):
            lines.append(
                f'<form method="post" action="/pay/{escape(checkout.id)}">'
                f'<input type="hidden" name="outcome" value="{outcome}">'
                f'<button type="submit">{label}</button></form>'
            )
    elif checkout.redirect_url:
        lines.append(f'<p><a href="{escape(checkout.redirect_url)}">Back to the shop</a></p>')
    return _PAGE.format(title="Checkout", content="\n".join(lines))


def _message_page(title: str, message: str, status_code: int) -> HTMLResponse:
    content = f"<p>{escape(message)}</p>"
    return HTMLResponse(_PAGE.format(title=escape(title), content=content), status_code=status_code)


@router.get("/{checkout_id}", response_class=HTMLResponse)
async def show_checkout(checkout_id: str, service: Service) -> Response:
    """Show the amount to pay and, while the checkout is PENDING, the Pay and Fail buttons."""
    try:
        checkout = service.get(checkout_id)
    except CheckoutNotFound as exc:
        return _message_page("Checkout not found", str(exc), 404)
    return HTMLResponse(render_checkout(checkout, checkout.status_at(service.clock())))


@router.post("/{checkout_id}")
async def submit_outcome(checkout_id: str, request: Request, service: Service) -> Response:
    """Pay or fail the checkout as the buttons say, then show the page again."""
    form = parse_qs((await request.body()).decode("utf-8", errors="replace"))
    outcome = (form.get("outcome") or [""])[0]
    if outcome not in (Status.PAID, Status.FAILED):
        return _message_page("Unknown outcome", f"Choose PAID or FAILED, not {outcome!r}", 400)
    try:
        service.simulate(checkout_id, Status(outcome))
    except CheckoutNotFound as exc:
        return _message_page("Checkout not found", str(exc), 404)
    except CheckoutAlreadyProcessed as exc:
        return _message_page("Checkout already processed", str(exc), 409)
    return RedirectResponse(f"/pay/{checkout_id}", status_code=303)
