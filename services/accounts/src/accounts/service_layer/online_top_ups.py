"""Money a customer paid online for its own account (payments' OnlineTopUpPaid), credited once."""

from datetime import UTC, datetime

from accounts.domain.commands import RecordOnlineTopUp
from accounts.service_layer.ports import AccountsUnitOfWork


async def record_online_top_up(cmd: RecordOnlineTopUp, uow: AccountsUnitOfWork,
                               consumer: str) -> None:
    """A credit by `online`, once per event (the payments service tells a top-up paid once): it
    counts in the week's money by mode and in the journal like a top-up recorded by hand. The
    money was received, so it is recorded even if the producer turned tracking off meanwhile,
    and on an account opened for it if the customer is not known here yet."""
    async with uow:
        if await uow.claim(consumer, cmd.event_id):
            account = await uow.accounts.get_or_open_for_update(cmd.producer_id, cmd.customer_id)
            account.receive_online(cmd.amount_cents, datetime.now(UTC))
            await uow.accounts.save(account)
        await uow.commit()
