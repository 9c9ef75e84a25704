"""SumUp's error answers: its `{error_code, message, param}` bodies and its problem+json."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from starlette.responses import Response

from sumup_standin.checkouts import CheckoutAlreadyProcessed, NotRefundable
from sumup_standin.exactjson import ExactJSONResponse, MalformedJSON, ProblemJSONResponse
from sumup_standin.store import (
    CheckoutNotFound,
    DuplicatedCheckout,
    TransactionNotFound,
    WrongMerchant,
)
from sumup_standin.validation import InvalidRequest

PROBLEM_TYPES = "https://developer.sumup.com/problem/"


class NotAuthorized(Exception):
    """The call carries no `Authorization: Bearer <token>`."""


def problem(status: int, slug: str, detail: str, **extra: Any) -> ProblemJSONResponse:
    """An RFC 9457 problem, typed with SumUp's problem URIs."""
    body = {
        "type": PROBLEM_TYPES + slug,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        **extra,
    }
    return ProblemJSONResponse(body, status_code=status)


def injected_failure(status: int) -> ProblemJSONResponse:
    """The answer to a call a test asked to fail."""
    slug = HTTPStatus(status).phrase.lower().replace(" ", "-")
    return problem(status, slug, "Failure injected by the SumUp stand-in")


def invalid_request(errors: list[dict[str, str]]) -> ExactJSONResponse:
    """400: one error object, or a list of them when several fields are refused, as SumUp does."""
    return ExactJSONResponse(errors[0] if len(errors) == 1 else errors, status_code=400)


async def _not_authorized(request: Request, exc: Exception) -> Response:
    return problem(
        401,
        "unauthorized",
        "Unauthorized",
        error_code="NOT_AUTHORIZED",
        message="access token required",
    )


async def _not_found(request: Request, exc: Exception) -> Response:
    return problem(
        404, "checkout-not-found", str(exc), error_code="NOT_FOUND", message="Resource not found"
    )


async def _duplicated(request: Request, exc: Exception) -> Response:
    return ExactJSONResponse(
        {
            "error_code": "DUPLICATED_CHECKOUT",
            "message": "Checkout with this checkout reference already exists for this merchant",
        },
        status_code=409,
    )


async def _already_processed(request: Request, exc: Exception) -> Response:
    return problem(409, "session-already-processed", str(exc))


async def _transaction_not_found(request: Request, exc: Exception) -> Response:
    return problem(404, "transaction-not-found", str(exc), error_code="NOT_FOUND",
                   message="Resource not found")


async def _not_refundable(request: Request, exc: Exception) -> Response:
    return problem(409, "transaction-not-refundable", str(exc),
                   error_code="TRANSACTION_NOT_REFUNDABLE")


async def _wrong_merchant(request: Request, exc: Exception) -> Response:
    return problem(403, "forbidden", str(exc), error_code="FORBIDDEN")


async def _invalid(request: Request, exc: InvalidRequest) -> Response:
    return invalid_request([error.to_json() for error in exc.errors])


async def _malformed(request: Request, exc: Exception) -> Response:
    return invalid_request(
        [{"error_code": "INVALID", "message": "Malformed JSON body", "param": "body"}]
    )


def install_error_handlers(app: FastAPI) -> None:
    """Answer each stand-in exception with the status and body SumUp would use."""
    app.add_exception_handler(NotAuthorized, _not_authorized)
    app.add_exception_handler(CheckoutNotFound, _not_found)
    app.add_exception_handler(DuplicatedCheckout, _duplicated)
    app.add_exception_handler(CheckoutAlreadyProcessed, _already_processed)
    app.add_exception_handler(InvalidRequest, _invalid)
    app.add_exception_handler(MalformedJSON, _malformed)
    app.add_exception_handler(TransactionNotFound, _transaction_not_found)
    app.add_exception_handler(NotRefundable, _not_refundable)
    app.add_exception_handler(WrongMerchant, _wrong_merchant)
