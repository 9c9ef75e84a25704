"""The accounts gateway's reminders of debts: the producer's rule, who it would remind now, and
a reminder sent by hand. Each reminder shows on the customer's account page (`reminders`)."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from accounts.adapters.reminders_repository import SqlRemindersUnitOfWork
from accounts.domain.reminders import MAX_DAYS, ReminderRule
from accounts.entrypoints.api import IdempotencyKey, check_operator_of_customer
from accounts.entrypoints.reminder_schemas import ReminderOut
from accounts.service_layer import reminders
from accounts.service_layer.reminder_ports import RequestKey
from ardoise.changes import ChangeOut, actor_of
from ardoise.gateway import CurrentPrincipal, check_operator_of, request_fingerprint
from ardoise.ids import CUSTOMER_ID_PATTERN, PRODUCER_ID_PATTERN
from ardoise.money import MAX_AMOUNT_CENTS
from ardoise.text import Email, Name

router = APIRouter(prefix="/v1/producers/{producer}", tags=["reminders"])
Producer = Annotated[str, Path(pattern=PRODUCER_ID_PATTERN)]
Customer = Annotated[str, Path(pattern=CUSTOMER_ID_PATTERN)]


class ReminderRuleIn(BaseModel):
    """The whole rule: a PUT replaces it, a field left out takes its default."""

    model_config = ConfigDict(extra="forbid")
    enabled: StrictBool = Field(False, description="Reminders go out (off: none, though one "
                                                   "may still be sent by hand). Default false.")
    below_cents: StrictInt = Field(-1000, ge=-MAX_AMOUNT_CENTS, le=0, description=(
        "The threshold: a balance below it is reminded (-1000: below -10,00 €; 0: any debt). "
        "Default -1000."))
    for_days: StrictInt = Field(7, ge=0, le=MAX_DAYS, description=(
        "How many days the balance must have stayed below the threshold (0: at once). "
        "Default 7."))
    every_days: StrictInt = Field(7, ge=1, le=MAX_DAYS, description=(
        "At most one reminder per customer in this many days, while the debt lasts. "
        "Default 7."))
    farm_name: Name | None = Field(None, description="How the e-mail is signed and who it is "
                                                     "from (null: « Votre producteur »).")
    reply_to: Email | None = Field(None, description="Where the customer's answer goes (null: "
                                                     "the sender's address).")


class ReminderRuleOut(ChangeOut):
    enabled: bool
    below_cents: int
    for_days: int
    every_days: int
    farm_name: str | None
    reply_to: str | None
    payment_tracking: bool
    """Reminders go out only while the producer tracks payments."""


class DueCustomerOut(BaseModel):
    customer_id: str
    name: str
    email: str | None
    balance_cents: int
    below_since_at: datetime
    """Since when the balance has stayed below the threshold (from the movements)."""
    last_reminder: ReminderOut | None


class PreviewOut(ReminderRuleOut):
    at: datetime
    customers: list[DueCustomerOut]
    """Who would get a reminder now, most negative first (whether or not the rule is on)."""


def _uow(request: Request) -> SqlRemindersUnitOfWork:
    return SqlRemindersUnitOfWork(request.app.state.sessionmaker)


@router.put("/reminders/settings", response_model=ReminderRuleOut,
            summary="Set the rule for reminders of debts")
async def put_reminder_settings(producer: Producer, body: ReminderRuleIn,
                                principal: CurrentPrincipal, request: Request) -> dict:
    """E.g. `{"enabled": true, "below_cents": -1000, "for_days": 7, "every_days": 7}`: a
    customer whose balance has stayed below -10,00 € for 7 days is sent an e-mail, then at
    most one every 7 days until its balance is back at the threshold or above. Who set it,
    and when, is kept (`changed_by`, `changed_at`)."""
    check_operator_of(principal, producer)
    rule = ReminderRule.checked(body.enabled, body.below_cents, body.for_days, body.every_days,
                                body.farm_name, body.reply_to)
    return await reminders.set_rule(producer, rule, _uow(request), actor_of(principal))


@router.get("/reminders/settings", response_model=ReminderRuleOut,
            summary="The rule for reminders of debts")
async def get_reminder_settings(producer: Producer, principal: CurrentPrincipal,
                                request: Request) -> dict:
    """Off (below -10,00 € for 7 days, every 7 days) until the producer sets it."""
    check_operator_of(principal, producer)
    return await reminders.get_rule(producer, _uow(request))


@router.get("/reminders/preview", response_model=PreviewOut,
            summary="Who the rule would remind now")
async def preview_reminders(producer: Producer, principal: CurrentPrincipal, request: Request,
                            limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> dict:
    """The customers a reminder would go to now under the rule (as if it were on), with their
    balance, since when it is below the threshold and their last reminder: those with an
    address, below the threshold for `for_days`, not reminded in `every_days`, whose address
    was not refused."""
    check_operator_of(principal, producer)
    return await reminders.preview(producer, _uow(request), limit)


@router.post("/customers/{customer}/reminders", response_model=ReminderOut, status_code=201,
             summary="Send a customer a reminder now",
             responses={200: {"description": "replay of an earlier request with the same "
                                             "Idempotency-Key: the reminder it sent, as it "
                                             "stands now; nothing more is sent"},
                        409: {"description": "the customer owes nothing, has no e-mail "
                                             "address, is being sent one this moment, "
                                             "payments are not tracked, or the "
                                             "Idempotency-Key was used for another request"}})
async def send_reminder(producer: Producer, customer: Customer, principal: CurrentPrincipal,
                        request: Request, response: Response,
                        idempotency_key: IdempotencyKey = None) -> dict:
    """A reminder of the debt now, whatever the rule (on or off, threshold, period), to a
    customer that owes; a refused address is tried again. The answer is the reminder as
    recorded: `sent`, `refused` or `failed` with the mail server's answer in `error`, or
    `cancelled` when the debt was paid while it was written. It counts for the rule's period.
    With an `Idempotency-Key`, the same request sent again (a second click, a retry after a
    timeout) answers the reminder the first one sent instead of sending another."""
    check_operator_of_customer(principal, producer, customer)
    key = None if idempotency_key is None else RequestKey(
        idempotency_key, request_fingerprint({"customer": customer, "reminder": "by hand"}))
    reminder, replayed = await reminders.send_by_hand_once(
        producer, customer, lambda: _uow(request), request.app.state.reminder_post, key)
    if replayed:
        response.status_code = 200
    return reminder
