"""The card money's route: SumUp's payouts of a period, reconciled with the online payments they
pay out and with the bank credits that received them."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from ardoise.gateway import CurrentPrincipal, check_operator_of
from ardoise.ids import PRODUCER_ID_PATTERN
from payments.adapters.sumup_accounts import SumUpAccount
from payments.adapters.sumup_payouts import SumUpPayouts
from payments.service_layer import payouts
from payments.service_layer.unit_of_work import SqlPaymentsUnitOfWork

router = APIRouter(prefix="/v1/producers/{producer}/bank", tags=["bank"])
Producer = Annotated[str, Path(pattern=PRODUCER_ID_PATTERN)]


@router.get("/payouts", summary="SumUp's payouts reconciled with the bank",
            responses={409: {"description": "the producer has connected no SumUp account"}},
            description="SumUp's payouts dated `from`..`to` (payout dates, inclusive; by "
                        "default the last 31 days), read from the producer's SumUp account. "
                        "Each payout: what its payments paid online (`paid_online_cents`), "
                        "SumUp's fees (`fee_cents`), the refunds and other deductions it took "
                        "back, what it paid (`net_cents`), its `transactions`, and the bank "
                        "credit that received it (`bank_transaction_id`; null until a statement "
                        "shows a credit of that amount, on its date or within 3 business days, "
                        "labelled SUMUP or with its reference). `not_paid_out`: the period's "
                        "online payments no payout carried yet. `totals` add them up.")
async def list_payouts(producer: Producer, principal: CurrentPrincipal, request: Request,
                       start: Annotated[date | None, Query(alias="from")] = None,
                       end: Annotated[date | None, Query(alias="to")] = None) -> dict:
    check_operator_of(principal, producer)
    return await payouts.payouts_report(
        producer, start, end, SqlPaymentsUnitOfWork(request.app.state.sessionmaker),
        _opener(request))


def _opener(request: Request) -> payouts.OpenPayouts:
    settings, box = request.app.state.settings, request.app.state.secret_box

    def open_payouts(account: SumUpAccount) -> SumUpPayouts:
        return SumUpPayouts(settings.sumup_api_url, box.open(account.sealed_api_key),
                            account.merchant_code)

    return open_payouts
