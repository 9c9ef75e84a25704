"""SumUp's Checkouts API: create, list by reference, retrieve and deactivate checkouts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from starlette.responses import Response

from sumup_standin.errors import NotAuthorized
from sumup_standin.exactjson import ExactJSONResponse, loads
from sumup_standin.service import CheckoutService
from sumup_standin.validation import parse_new_checkout


# The request dependencies are `async def`: FastAPI runs a plain `def` in a worker thread.
async def require_bearer_token(authorization: Annotated[str | None, Header()] = None) -> str:
    """Accept any non-empty bearer token, as a sandbox key would be; refuse calls without one.
    The token is the caller's API key: it belongs to the merchant of the first checkout it
    creates, and then sees that merchant's checkouts and transactions only."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthorized()
    return token.strip()


async def get_service(request: Request) -> CheckoutService:
    """The stand-in's checkout service, made by `create_app`."""
    return request.app.state.service


def base_url(request: Request) -> str:
    """The URL the caller reached the stand-in at."""
    return str(request.base_url)


Service = Annotated[CheckoutService, Depends(get_service)]
ApiKey = Annotated[str, Depends(require_bearer_token)]
router = APIRouter(prefix="/v0.1/checkouts", tags=["checkouts"])


@router.post("", status_code=201)
async def create_checkout(request: Request, service: Service, api_key: ApiKey) -> Response:
    """Create a checkout: 201, 400 MISSING/INVALID, 403 another merchant's code than the key's,
    or 409 DUPLICATED_CHECKOUT."""
    new = parse_new_checkout(loads(await request.body()), service.clock())
    checkout = service.create(new, api_key)
    return ExactJSONResponse(service.to_json(checkout, base_url(request)), status_code=201)


@router.get("")
async def list_checkouts(
    request: Request, service: Service, api_key: ApiKey, checkout_reference: str | None = None
) -> Response:
    """List the checkouts with a reference."""
    checkouts = service.with_reference(checkout_reference, api_key)
    return ExactJSONResponse(
        [service.to_json(checkout, base_url(request)) for checkout in checkouts]
    )


@router.get("/{checkout_id}")
async def get_checkout(checkout_id: str, request: Request, service: Service,
                       api_key: ApiKey) -> Response:
    """Retrieve a checkout: 200, or 404 (another merchant's too)."""
    return ExactJSONResponse(service.to_json(service.get(checkout_id, api_key),
                                             base_url(request)))


@router.delete("/{checkout_id}")
async def deactivate_checkout(checkout_id: str, request: Request, service: Service,
                              api_key: ApiKey) -> Response:
    """Deactivate a pending checkout: 200 (it reads EXPIRED), 404, or 409 once processed."""
    return ExactJSONResponse(service.to_json(service.deactivate(checkout_id, api_key),
                                             base_url(request)))
