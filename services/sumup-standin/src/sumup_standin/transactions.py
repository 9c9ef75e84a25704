"""SumUp's Transactions API: a merchant's payments and their refunds (the history: payouts.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from sumup_standin.api import ApiKey, Service
from sumup_standin.exactjson import ExactJSONResponse, loads
from sumup_standin.validation import InvalidRequest, ParamError, parse_refund

router = APIRouter(tags=["transactions"])


@router.post("/v1.0/merchants/{merchant_code}/payments/{transaction_id}/refunds", status_code=201)
async def refund_transaction(merchant_code: str, transaction_id: str, request: Request,
                             service: Service, api_key: ApiKey) -> Response:
    """Refund a transaction, in full (no body, or no `amount`) or in part: 201, 400 a bad
    amount, 403 another merchant's key, 404 no such transaction, 409 nothing (or not that much)
    left to refund."""
    body = await request.body()
    amount = parse_refund(loads(body) if body.strip() else {})
    transaction, refund = service.refund(api_key, merchant_code, transaction_id, amount)
    return ExactJSONResponse(refund.to_json(transaction.id), status_code=201)


@router.get("/v2.1/merchants/{merchant_code}/transactions")
async def get_transaction(merchant_code: str, service: Service, api_key: ApiKey,
                          id: str | None = None, transaction_code: str | None = None) -> Response:
    """One transaction, by `id` or `transaction_code`, with its refund events: 200 or 404."""
    if not (id or transaction_code):
        raise InvalidRequest([ParamError("MISSING", "id")])
    transaction = service.transaction(api_key, merchant_code, id=id, code=transaction_code)
    return ExactJSONResponse(transaction.to_full_json(merchant_code))
