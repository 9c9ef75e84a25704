"""One small async handler per command; each runs in its own unit of work. What an account's
changes tell the other services is published by the unit of work from the account's own events
(told.py): no handler writes an event by hand."""

from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError

from accounts.domain import Account, CustomerIdentity, Hold
from accounts.domain.commands import (
    ApplySettlement,
    HoldBalance,
    RecordBankTransfer,
    RecordMovement,
    RegisterCustomer,
    ReleaseHold,
    SetPaymentTracking,
)
from accounts.domain.exceptions import CustomerNotFound
from accounts.service_layer.ports import AccountsUnitOfWork, NewAccountsUnitOfWork
from ardoise.errors import Conflict

TRACKING_OFF = ("payment tracking is off for this producer: no balance is kept or shown until "
                "it is turned on in the payments settings")


def now() -> datetime:
    return datetime.now(UTC)


def customer_view(account: Account) -> dict:
    identity = account.identity
    return {
        "customer_id": account.customer_id, "name": account.name, "email": account.email,
        "balance_cents": account.balance_cents, "held_cents": account.held_cents,
        "available_cents": account.available_cents, "address": identity.address,
        "professional": identity.professional, "siren": identity.siren,
        "vat_number": identity.vat_number,
    }


def movement_view(movement) -> dict:
    return {
        "movement_id": str(movement.movement_id), "at": movement.at.isoformat(),
        "kind": movement.kind, "amount_cents": movement.amount_cents,
        "balance_after_cents": movement.balance_after_cents, "label": movement.label,
        "order_id": str(movement.order_id) if movement.order_id else None, "mode": movement.mode,
        "recorded_by": movement.recorded_by,
    }


async def register_customer(cmd: RegisterCustomer, uow: AccountsUnitOfWork) -> dict:
    """The customer's details, all replaced: a detail the command leaves out is none after it."""
    identity = CustomerIdentity.checked(cmd.address, cmd.professional, cmd.siren, cmd.vat_number)
    async with uow:
        account = await uow.accounts.get_for_update(cmd.producer_id, cmd.customer_id)
        if account is None:
            account = Account.open(cmd.producer_id, cmd.customer_id, cmd.name, cmd.email,
                                   identity)
        else:
            account.rename(cmd.name, cmd.email)
            account.identify(identity)
        await uow.accounts.register(account)
        await uow.commit()
    return customer_view(account)


async def record_movement(cmd: RecordMovement, uow: AccountsUnitOfWork, key: str | None = None,
                          fingerprint: str = "") -> tuple[dict, bool]:
    """The movement, and whether it is the replay of an earlier request with the same key."""
    async with uow:
        if key is not None:
            remembered = await uow.remembered_response(cmd.producer_id, key)
            if remembered is not None:
                if remembered[0] != fingerprint:
                    raise Conflict("Idempotency-Key already used with another request")
                return remembered[1], True
        if not await uow.accounts.tracking_is_on(cmd.producer_id):
            raise Conflict(TRACKING_OFF)
        account = await uow.accounts.get_for_update(cmd.producer_id, cmd.customer_id)
        if account is None:
            raise CustomerNotFound("no such customer")
        movement = account.record(cmd.direction, cmd.amount_cents, cmd.label, cmd.mode, now(),
                                  cmd.recorded_by)
        await uow.accounts.save(account)
        view = movement_view(movement)
        if key is not None:
            await uow.remember_response(cmd.producer_id, key, fingerprint, view)
        await uow.commit()
    return view, False


async def record_movement_once(cmd: RecordMovement, new_uow: NewAccountsUnitOfWork,
                               key: str | None, fingerprint: str) -> tuple[dict, bool]:
    """Two requests racing with one key: the loser's insert of the key fails, it reads the winner's."""
    try:
        return await record_movement(cmd, new_uow(), key, fingerprint)
    except IntegrityError:
        if key is None:
            raise
        return await record_movement(cmd, new_uow(), key, fingerprint)


async def apply_settlements(cmds: list[ApplySettlement], uow: AccountsUnitOfWork,
                            consumer: str) -> None:
    """A batch of settlement changes in one transaction: each account locked once, in key order."""
    async with uow:
        fresh = await uow.claim_many(consumer, [cmd.event_id for cmd in cmds])
        cmds = [cmd for cmd in cmds if cmd.event_id in fresh]
        ledger = await uow.accounts.get_or_open_many_for_update(
            [(cmd.producer_id, cmd.customer_id) for cmd in cmds])
        orders = [(cmd.producer_id, cmd.order_id) for cmd in cmds]
        positions = await uow.accounts.positions_many(orders)
        pending = await uow.accounts.pending_holds_of_orders(orders)
        changed_positions: dict = {}
        changed_accounts: dict = {}
        at = now()
        for cmd in cmds:
            key = (cmd.producer_id, cmd.customer_id)
            account = ledger[key]
            updated = account.apply_settlement(positions.get((cmd.producer_id, cmd.order_id)),
                                               cmd.order_id, cmd.version, cmd.total_cents,
                                               cmd.mode, cmd.received, at, cmd.actor)
            if updated is None:
                continue
            positions[(cmd.producer_id, cmd.order_id)] = updated
            changed_positions[(cmd.producer_id, cmd.order_id)] = (*key, updated)
            changed_accounts[key] = account
            if cmd.mode != "not_delivered":
                for hold in pending.pop((cmd.producer_id, cmd.order_id), []):
                    await _post_hold(uow, account, hold, at)
        await uow.accounts.save_positions(list(changed_positions.values()))
        await uow.accounts.save_many(list(changed_accounts.values()))
        await uow.commit()


async def _post_hold(uow: AccountsUnitOfWork, account: Account, hold: Hold, at: datetime) -> None:
    """The settlement realises what was promised: the order's pending hold is posted."""
    if account.post_hold(hold, at):
        await uow.accounts.save_hold(account.producer_id, account.customer_id, hold)


async def set_payment_tracking(cmd: SetPaymentTracking, uow: AccountsUnitOfWork,
                               consumer: str) -> None:
    """What the producer's payment settings say of tracking, kept for the movements it allows,
    and of its time zone, in which `?at=` reads a date."""
    async with uow:
        if await uow.claim(consumer, cmd.event_id):
            await uow.accounts.keep_tracking(cmd.producer_id, cmd.payment_tracking,
                                             cmd.time_zone)
        await uow.commit()


async def record_bank_transfer(cmd: RecordBankTransfer, uow: AccountsUnitOfWork,
                               consumer: str) -> None:
    """Money a transfer brought (or the undoing of that credit), once per event, as a movement
    by transfer: it counts in the week's money by mode and in the journal like a top-up."""
    async with uow:
        if await uow.claim(consumer, cmd.event_id):
            account = await uow.accounts.get_or_open_for_update(cmd.producer_id, cmd.customer_id)
            direction = "credit" if cmd.amount_cents > 0 else "debit"
            account.record(direction, abs(cmd.amount_cents), cmd.label, "transfer", now(),
                           cmd.actor)
            await uow.accounts.save(account)
        await uow.commit()


async def hold_balance(cmd: HoldBalance, uow: AccountsUnitOfWork, consumer: str) -> Hold | None:
    async with uow:
        if not await uow.claim(consumer, cmd.event_id):
            return None
        account = await uow.accounts.get_or_open_for_update(cmd.producer_id, cmd.customer_id)
        settled = (await uow.accounts.positions_many([(cmd.producer_id, cmd.order_id)])).get(
            (cmd.producer_id, cmd.order_id))
        if settled is not None and settled.debited_cents:
            # the order was settled before its checkout asked for a hold: nothing to promise
            await uow.commit()
            return None
        holds = await uow.accounts.holds_of_order(cmd.producer_id, cmd.order_id)
        existing = next((h for h in holds if h.attempt == cmd.attempt), None)
        superseded = [] if existing else account.release_earlier_attempts(holds, cmd.attempt, now())
        hold = account.hold(cmd.order_id, cmd.attempt, cmd.total_cents, cmd.expires_at, existing,
                            now())
        for earlier in superseded:
            await uow.accounts.save_hold(cmd.producer_id, cmd.customer_id, earlier)
        if existing is None:
            await uow.accounts.save_hold(cmd.producer_id, cmd.customer_id, hold)
            await uow.accounts.save(account)
        await uow.commit()  # BalanceHeld first (told.py): the checkout waits on it
    return hold


async def release_hold(cmd: ReleaseHold, uow: AccountsUnitOfWork, consumer: str) -> None:
    async with uow:
        if not await uow.claim(consumer, cmd.event_id):
            return
        account = await uow.accounts.get_for_update(cmd.producer_id, cmd.customer_id)
        holds = await uow.accounts.holds_of_order(cmd.producer_id, cmd.order_id)
        for hold in holds:
            if (cmd.attempt is None or hold.attempt == cmd.attempt) and account is not None:
                await _release(uow, account, hold, cmd.reason)
        await uow.commit()


async def _release(uow: AccountsUnitOfWork, account: Account, hold: Hold, reason: str) -> None:
    if not account.release_hold(hold, reason, now()):
        return
    await uow.accounts.save_hold(account.producer_id, account.customer_id, hold)
    await uow.accounts.save(account)


async def expire_holds(new_uow: NewAccountsUnitOfWork, batch: int = 100) -> int:
    """Release every pending hold past its expiry; returns how many were released."""
    released = 0
    async with new_uow() as uow:
        owners = await uow.accounts.expired_hold_owners(now(), batch)
    for producer_id, customer_id in owners:
        async with new_uow() as uow:
            account = await uow.accounts.get_for_update(producer_id, customer_id)
            if account is None:
                continue
            pending = await uow.accounts.pending_holds(producer_id, customer_id)
            expired = account.expire_holds(pending, now())
            for hold in expired:
                await uow.accounts.save_hold(producer_id, customer_id, hold)
            if expired:
                released += len(expired)
                await uow.accounts.save(account)
                await uow.commit()
    return released
