"""SumUp's notification endpoint: unsigned, so it only says which checkout to read back."""

from fastapi import APIRouter, BackgroundTasks, Request, Response
from pydantic import BaseModel, ConfigDict

from payments.service_layer.checkouts import sync_checkout

router = APIRouter(prefix="/v1/sumup", tags=["sumup"])


class Notification(BaseModel):
    model_config = ConfigDict(extra="allow")
    event_type: str | None = None
    id: str | None = None


@router.post("/webhook", status_code=204, response_class=Response)
async def webhook(request: Request, background: BackgroundTasks) -> Response:
    """Answered at once; the checkout is read back from SumUp afterwards, never believed as sent."""
    try:
        notification = Notification.model_validate_json(await request.body())
    except ValueError:
        return Response(status_code=204)
    if notification.event_type == "CHECKOUT_STATUS_CHANGED" and notification.id:
        state = request.app.state
        background.add_task(sync_checkout, notification.id[:64], state.new_uow, state.sumup,
                            state.orders.fetch)
    return Response(status_code=204)
