"""Reminders of debts: the producer's rule, who it would remind now, one sent by hand, and the
timer's pass over every producer whose rule is on (each reminder sent by reminder_sending.py)."""

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from accounts.domain.reminders import ReminderRule, Standing, decide
from accounts.service_layer.reminder_ports import (
    NewRemindersUnitOfWork,
    Post,
    ProducerLock,
    RemindersUnitOfWork,
    Replay,
    RequestKey,
)
from accounts.service_layer.reminder_sending import send_one
from ardoise.changes import Change

log = logging.getLogger(__name__)
PAGE = 200


def rule_view(rule: ReminderRule, payment_tracking: bool, change: Change) -> dict:
    return {"enabled": rule.enabled, "below_cents": rule.below_cents,
            "for_days": rule.for_days, "every_days": rule.every_days,
            "farm_name": rule.farm_name, "reply_to": rule.reply_to,
            "payment_tracking": payment_tracking, **change.view()}


async def set_rule(producer_id: str, rule: ReminderRule, uow: RemindersUnitOfWork,
                   changed_by: str | None = None) -> dict:
    """The rule, replaced, and who set it (`changed_by`), now."""
    change = Change.now_by(changed_by)
    async with uow:
        await uow.reminders.set_rule(producer_id, rule, change)
        tracking = await uow.reminders.tracking_is_on(producer_id)
        await uow.commit()
    return rule_view(rule, tracking, change)


async def get_rule(producer_id: str, uow: RemindersUnitOfWork) -> dict:
    async with uow:
        return rule_view(await uow.reminders.rule(producer_id),
                         await uow.reminders.tracking_is_on(producer_id),
                         await uow.reminders.rule_change(producer_id))


def _candidate(standing: Standing) -> dict:
    return {"customer_id": standing.customer_id, "name": standing.name,
            "email": standing.email, "balance_cents": standing.balance_cents,
            "below_since_at": standing.below_since_at,
            "last_reminder": standing.last.view() if standing.last else None}


async def _in_debt(uow: RemindersUnitOfWork, producer_id: str,
                   below_cents: int) -> AsyncIterator[Standing]:
    after = None
    while True:
        page = await uow.reminders.standings_in_debt(producer_id, below_cents, after, PAGE)
        for standing in page:
            yield standing
        if len(page) < PAGE:
            return
        after = (page[-1].balance_cents, page[-1].customer_id)


async def preview(producer_id: str, uow: RemindersUnitOfWork, limit: int,
                  now: datetime | None = None) -> dict:
    """Who the rule would remind now (as if it were on), most negative first."""
    now = now or datetime.now(UTC)
    async with uow:
        rule = await uow.reminders.rule(producer_id)
        tracking = await uow.reminders.tracking_is_on(producer_id)
        change = await uow.reminders.rule_change(producer_id)
        due = []
        async for standing in _in_debt(uow, producer_id, rule.below_cents):
            if decide(rule, standing, now, ignore_enabled=True).due:
                due.append(_candidate(standing))
                if len(due) >= limit:
                    break
    return {**rule_view(rule, tracking, change), "at": now, "customers": due}


async def send_by_hand(producer_id: str, customer_id: str, new_uow: NewRemindersUnitOfWork,
                       post: Post, now: datetime | None = None) -> dict:
    """One reminder now, whatever the rule: 404 for an unknown customer, 409 when it owes
    nothing, has no address, is being reminded this moment, or payments are not tracked."""
    outcome, _ = await send_by_hand_once(producer_id, customer_id, new_uow, post, None, now)
    return outcome


async def send_by_hand_once(producer_id: str, customer_id: str, new_uow: NewRemindersUnitOfWork,
                            post: Post, key: RequestKey | None,
                            now: datetime | None = None) -> tuple[dict, bool]:
    """Like `send_by_hand`; with a key, the same request again answers the reminder it sent
    (as it stands now) instead of sending another: the reminder, and whether it is a replay.
    The key used for another customer, or to move money, is a 409."""
    outcome = await send_one(producer_id, customer_id, new_uow, post,
                             now or datetime.now(UTC), manual=True, key=key)
    assert outcome is not None  # by hand, a reminder not sent is a 409
    if isinstance(outcome, Replay):
        return outcome.record.view(), True
    return outcome, False


async def send_due_reminders(new_uow: NewRemindersUnitOfWork, post: Post,
                             lock_producer: ProducerLock,
                             now: datetime | None = None) -> list[dict]:
    """Every reminder due now, producer by producer (each under its lock: a producer another
    worker is going through is left to it); returns those tried, with their outcome. `now`:
    the time the pass acts at (tests); else the clock's, read again for each claim, so that a
    long pass never claims with a time already past."""
    at = (lambda: now) if now is not None else (lambda: datetime.now(UTC))
    async with new_uow() as uow:
        rules = await uow.reminders.enabled_rules()
    tried = []
    for producer_id, rule in rules:
        async with lock_producer(producer_id) as mine:
            if not mine:
                continue
            async with new_uow() as uow:
                due = [s.customer_id async for s in _in_debt(uow, producer_id, rule.below_cents)
                       if decide(rule, s, at()).due]
            for customer_id in due:
                try:
                    outcome = await send_one(producer_id, customer_id, new_uow, post, at(),
                                             manual=False)
                except Exception as error:  # noqa: BLE001 - the others still go; retried later
                    log.error("reminder %s %s: %s", producer_id, customer_id, error)
                    continue
                if outcome is not None:
                    tried.append({"producer_id": producer_id, "customer_id": customer_id,
                                  **outcome})
    return tried
