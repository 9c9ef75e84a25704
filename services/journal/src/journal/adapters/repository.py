"""Reading and writing the journal schema, inside the caller's session and transaction: one
repository made of the chains' appends (`chains`), their reads (`chain_reads`) and what the
journal keeps of each producer (`producer_state`)."""

from sqlalchemy.ext.asyncio import AsyncSession

from journal.adapters.chain_reads import ChainReadsRepository
from journal.adapters.chains import ChainsRepository
from journal.adapters.producer_state import ProducerStateRepository


class JournalRepository(ChainsRepository, ChainReadsRepository, ProducerStateRepository):
    """The journal schema, inside the caller's session and transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
