"""Bank statements in: each line kept once, matched to a customer (and an open order), applied
when the match is sure, else queued for the producer to confirm, reassign or ignore; undoing is
a counter-entry. A transfer for an order settles it (by transfer); one for no order tops up the
customer's account (a movement by transfer, through the accounts service)."""

import hashlib
import uuid
from datetime import UTC, datetime

from ardoise.errors import Invalid, NotFound
from ardoise.events import BankTransferApplied
from payments.domain import bank_book
from payments.domain.bank_book import Credit, Reversal, Transaction
from payments.domain.bank_matching import Matcher
from payments.domain.settlement import Settlement
from payments.domain.statements.detect import parse_statement
from payments.domain.statements.model import NotAStatement
from payments.domain.transfers import receive_transfer, take_back_transfer
from payments.service_layer import handlers


def now() -> datetime:
    return datetime.now(UTC)


def card_payout(line) -> bool:
    """A credit from SumUp: card money paid out (reconciled with SumUp's payouts), not a
    customer's transfer."""
    text = " ".join(filter(None, (line.label, line.counterparty, line.reference))).upper()
    return line.amount_cents > 0 and "SUMUP" in text.replace(" ", "")


async def import_statement(producer_id: str, data: bytes, uow, actor: str | None = None) -> dict:
    """The file's lines, each kept once however often it is imported; a file that is not a
    statement: 422, nothing kept. What a sure match applies is recorded by `actor`, who
    imported it."""
    try:
        statement = parse_statement(data)
    except NotAStatement as refused:
        raise Invalid(str(refused), "file") from None
    at, import_id = now(), uuid.uuid4()
    async with uow:
        (await uow.payments.settings(producer_id)).check_tracking_is_on()
        await uow.bank.lock(producer_id)
        known = await uow.bank.known_keys(producer_id, [line.key for line in statement.lines])
        new, duplicates = bank_book.import_lines(known, statement.lines)
        today = at.date()
        matcher = Matcher(await uow.bank.customers(producer_id),
                          await uow.bank.open_orders(producer_id, today))
        found = {status: 0 for status in (bank_book.APPLIED, bank_book.QUEUED, bank_book.LISTED)}
        for tx in new:
            decided, effects = (
                bank_book.set_aside(tx, "versement de la carte (SumUp) : voir les versements")
                if card_payout(tx.line) else bank_book.decide(tx, matcher.propose(tx.line)))
            await uow.bank.add(producer_id, import_id, decided, at)
            await _carry_out(uow, producer_id, decided, effects, actor)
            found[decided.status] = found.get(decided.status, 0) + 1
        await uow.bank.add_statement(producer_id, import_id, at, statement.format,
                                     hashlib.sha256(data).hexdigest(), len(statement.lines),
                                     len(new), duplicates)
        await uow.commit()
    return {"import_id": str(import_id), "format": statement.format,
            "accounts": statement.accounts, "lines": len(statement.lines), "new": len(new),
            "duplicates": duplicates, **found}


async def act(producer_id: str, transaction_id: uuid.UUID, action: str, uow,
              customer_id: str | None = None, order_id: uuid.UUID | None = None,
              actor: str | None = None) -> dict:
    """`confirm`, `reassign` (to `customer_id`, and `order_id` when given), `ignore` or `undo`
    one transaction, by `actor`; 409 when the action does not apply to its status."""
    async with uow:
        await uow.bank.lock(producer_id)
        tx = await uow.bank.get_for_update(producer_id, transaction_id)
        if tx is None:
            raise NotFound("no such bank transaction")
        if action == "reassign":
            await _check_target(uow, producer_id, customer_id, order_id)
            after, effects = bank_book.reassign(tx, customer_id, order_id)
        else:
            after, effects = getattr(bank_book, action)(tx)
        await uow.bank.save(producer_id, transaction_id, tx, after, now())
        await _carry_out(uow, producer_id, after, effects, actor)
        await uow.commit()
    return transaction_view(transaction_id, after)


async def _check_target(uow, producer_id: str, customer_id: str | None,
                        order_id: uuid.UUID | None) -> None:
    if not customer_id or not await uow.bank.customer_exists(producer_id, customer_id):
        raise Invalid("no such customer", "customer_id")
    if order_id is not None:
        found = await uow.payments.orders_for_update(producer_id, [order_id])
        if order_id not in found or found[order_id].customer_id != customer_id:
            raise Invalid("no such order of this customer", "order_id")


async def _carry_out(uow, producer_id: str, tx: Transaction, effects: list,
                     actor: str | None) -> None:
    """Each effect once, recorded by `actor`: an order's settlement changes by transfer, or the
    customer's account moves (BankTransferApplied, told through the outbox with this
    transaction)."""
    for effect in effects:
        sign = 1 if isinstance(effect, Credit) else -1
        assert isinstance(effect, Credit | Reversal)
        if effect.order_id is not None:
            await _settle(uow, producer_id, effect.order_id, sign * effect.amount_cents, actor)
            continue
        uow.publish(BankTransferApplied(
            producer_id=producer_id, customer_id=effect.customer_id, transaction_key=effect.key,
            entry=effect.entry, amount_cents=sign * effect.amount_cents,
            booked_on=tx.line.booking_date, label=_label(tx, sign), actor=actor))


async def _settle(uow, producer_id: str, order_id: uuid.UUID, cents: int,
                  actor: str | None) -> None:
    async def unknown(_producer: str, _order: uuid.UUID):
        return None

    orders = await handlers.orders_for_update(uow, producer_id, [order_id], unknown)
    current = await uow.payments.settlements(producer_id, [order_id])
    before = current.get(order_id) or Settlement()
    after = receive_transfer(before, cents) if cents > 0 else take_back_transfer(before, -cents)
    await handlers.keep_settlement(uow, producer_id, orders[order_id], after, actor)


def _label(tx: Transaction, sign: int) -> str:
    what = "Virement reçu" if sign > 0 else "Virement annulé"
    who = tx.line.counterparty or tx.line.label
    return f"{what} du {tx.line.booking_date:%d/%m/%Y} — {who}"[:200]


def transaction_view(transaction_id: uuid.UUID, tx: Transaction) -> dict:
    line = tx.line
    return {"transaction_id": str(transaction_id), "status": tx.status,
            "booking_date": line.booking_date.isoformat(), "amount_cents": line.amount_cents,
            "label": line.label, "counterparty": line.counterparty, "reference": line.reference,
            "account": line.account, "customer_id": tx.customer_id,
            "order_id": None if tx.order_id is None else str(tx.order_id), "score": tx.score,
            "reasons": list(tx.reasons), "applied_cents": tx.applied_cents,
            "applications": [{"customer_id": a.customer_id,
                              "order_id": None if a.order_id is None else str(a.order_id),
                              "amount_cents": a.amount_cents} for a in tx.applications]}

