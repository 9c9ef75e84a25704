"""Reading and writing the payments tables for the handlers, inside their transaction: one
repository (`uow.payments`) made of the settings, the settlements, the refunds and the checkouts
parts."""

from sqlalchemy.ext.asyncio import AsyncSession

from payments.adapters.checkouts_repository import CheckoutsRepository
from payments.adapters.refunds_repository import RefundsRepository
from payments.adapters.settings_repository import SettingsRepository
from payments.adapters.settlements_repository import SettlementsRepository


class PaymentsRepository(SettingsRepository, SettlementsRepository, RefundsRepository,
                         CheckoutsRepository):
    """Settings, the orders and customers read models, settlements and credit notes, refunds
    and checkouts."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
