"""Recomputing a producer's chains: entries, closings and the technical log, each from its
first record, against its head; and every closing's seal against the entry it names."""

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import async_sessionmaker

from journal.adapters.chains import CLOSINGS, ENTRIES, EVENTS
from journal.adapters.repository import JournalRepository
from journal.domain.chain import ChainChecker
from journal.service_layer.recording import log_technical

CHAINS = (ENTRIES, CLOSINGS, EVENTS)


async def verify_producer(sessions: async_sessionmaker, producer_id: str,
                          log: bool = True) -> dict:
    """Every chain of the producer recomputed (streamed: constant memory); the first broken
    record of each named. The result is recorded in the technical log when `log`."""
    found: dict[str, dict] = {}
    seals: dict[int, str] = {}
    async with sessions() as session, session.begin():
        repository = JournalRepository(session)
        for chain in (CLOSINGS, ENTRIES, EVENTS):
            head = await repository.head(producer_id, chain)
            checker = ChainChecker()
            wanted = seals if chain == ENTRIES else {}
            mismatched: int | None = None
            async for record in repository.records(producer_id, chain):
                if not checker.check(record):
                    break
                if chain == CLOSINGS:
                    seal = record["content"].get("chain_head") or {}
                    if seal.get("seq"):
                        seals[seal["seq"]] = seal["hash"]
                elif record["seq"] in wanted and wanted[record["seq"]] != record["hash"]:
                    mismatched = mismatched or record["seq"]
            result = checker.result(None if head is None else (head.last_seq, head.last_hash))
            found[chain] = result.as_dict()
            if chain == ENTRIES and result.valid and mismatched is not None:
                found[chain]["valid"] = False
                found[chain]["first_broken"] = {
                    "seq": mismatched,
                    "reason": "its hash is not the one a closing sealed (the chain was rewritten)"}
            if chain == ENTRIES and result.valid and seals and max(seals) > result.last_seq:
                found[chain]["valid"] = False
                found[chain]["first_broken"] = {
                    "seq": result.last_seq + 1,
                    "reason": f"a closing sealed entry {max(seals)}: entries are missing"}
    report = {"producer_id": producer_id, "valid": all(c["valid"] for c in found.values()),
              "verified_at": datetime.now(UTC).isoformat(), "chains": found}
    if log:
        async with sessions() as session, session.begin():
            await log_technical(session, producer_id, "verification", {
                "valid": report["valid"],
                "chains": {name: {"count": c["count"], "valid": c["valid"],
                                  "first_broken": c["first_broken"]}
                           for name, c in found.items()}})
    return report
