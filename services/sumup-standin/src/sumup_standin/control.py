"""The stand-in's test controls: simulate how payments end, read notifications, inject faults."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from sumup_standin.api import Service, base_url
from sumup_standin.exactjson import ExactJSONResponse, loads
from sumup_standin.faults import FaultPlan, Faults
from sumup_standin.notifier import Notifier
from sumup_standin.validation import parse_simulation

router = APIRouter(tags=["stand-in controls"])


async def get_notifier(request: Request) -> Notifier:
    """The notifier made by `create_app`."""
    return request.app.state.notifier


async def get_faults(request: Request) -> Faults:
    """The fault plan made by `create_app`."""
    return request.app.state.faults


class FaultRequest(BaseModel):
    """`{"fail_next": N, "status": 503}` and/or `{"delay_next": N, "seconds": s}`."""

    fail_next: int = Field(0, ge=0)
    status: int = Field(503, ge=400, le=599)
    after_processing: bool = False
    delay_next: int = Field(0, ge=0)
    seconds: float = Field(0.0, ge=0, le=600)


@router.post("/v0.1/checkouts/{checkout_id}/simulate")
async def simulate(checkout_id: str, request: Request, service: Service) -> Response:
    """End a PENDING checkout as PAID, FAILED or EXPIRED (else 409), then notify its return_url."""
    simulation = parse_simulation(loads(await request.body()))
    checkout = service.simulate(checkout_id, simulation.status, simulation.amount)
    return ExactJSONResponse(service.to_json(checkout, base_url(request)))


@router.get("/_standin/notifications")
async def list_notifications(
    notifier: Annotated[Notifier, Depends(get_notifier)], checkout_id: str | None = None
) -> list[dict[str, object]]:
    """Every notification attempt so far, oldest first, optionally for one checkout."""
    return [
        attempt.to_json()
        for attempt in notifier.attempts
        if checkout_id is None or attempt.checkout_id == checkout_id
    ]


@router.post("/_standin/faults")
async def arm_faults(
    fault: FaultRequest, faults: Annotated[Faults, Depends(get_faults)]
) -> dict[str, object]:
    """Make the next API calls fail with a status, or answer only after a delay."""
    faults.arm(FaultPlan(**fault.model_dump()))
    return faults.to_json()


@router.get("/_standin/faults")
async def read_faults(faults: Annotated[Faults, Depends(get_faults)]) -> dict[str, object]:
    """The faults still armed."""
    return faults.to_json()


@router.delete("/_standin/faults")
async def clear_faults(faults: Annotated[Faults, Depends(get_faults)]) -> dict[str, object]:
    """Let every call through again."""
    faults.clear()
    return faults.to_json()


@router.get("/health")
async def health() -> dict[str, str]:
    """Always ok: the stand-in keeps everything in memory."""
    return {"status": "ok"}
