"""Sending one reminder, once per period even across crashes and with several senders, as the
weekly e-mail is sent:

1. claim: with the customer's account row locked, decide, and record the reminder `sending`
   (its Message-ID, a claim that lapses), committed before anything goes out; a second sender
   waits for the lock, then sees the claim. A partial unique index keeps one `sending`
   reminder per customer whatever was decided;
2. write the letter from one read of the balance and the last movements;
3. read the balance again: a debt paid meanwhile is not reminded (`cancelled`); one that moved
   but is still owed is written again;
4. send, and record the outcome: `sent`, `refused` (not tried again until the customer's
   e-mail changes) or `failed` (tried again with the same Message-ID, then given up).

Windows left: a payment committed between step 3 and the mail server's answer does not stop
the message (it tells the balance as read at 3); a crash after the server took the message and
before `sent` is committed sends it once more, with the same Message-ID, once its claim lapses.
"""

import logging
import time
import uuid
from dataclasses import replace
from datetime import datetime, timedelta

from accounts.domain.exceptions import CustomerNotFound
from accounts.domain.reminder_mail import Letter, message_id
from accounts.domain.reminders import (
    CANCELLED,
    CLAIM,
    FAILED,
    SENDING,
    SENT,
    Decision,
    ReminderRecord,
    ReminderRule,
    after_failure,
    decide,
    decide_by_hand,
    still_owed,
)
from accounts.service_layer.handlers import TRACKING_OFF
from accounts.service_layer.reminder_ports import (
    NewRemindersUnitOfWork,
    Post,
    Replay,
    RequestKey,
)
from ardoise.errors import Conflict
from ardoise.payment_reference import payment_reference

log = logging.getLogger(__name__)
LINES = 5
"""How many of the last movements a reminder lists."""
REBUILDS = 3
"""How many times a reminder is written again when the balance moves while it is written."""
KEY_TAKEN = "Idempotency-Key already used with another request"


async def send_one(producer_id: str, customer_id: str, new_uow: NewRemindersUnitOfWork,
                post: Post, now: datetime, manual: bool,
                key: RequestKey | None = None) -> dict | Replay | None:
    """Claim, write, check, send, record; None when nothing is due (the timer's case), the
    reminder already claimed by a request with the same `key` (by hand) as a Replay."""
    started = time.monotonic()

    def clock() -> datetime:
        return now + timedelta(seconds=time.monotonic() - started)

    claimed = await _claim(producer_id, customer_id, new_uow, now, manual, key)
    if claimed is None or isinstance(claimed, Replay):
        return claimed
    record, rule, threshold_cents = claimed
    # committed: the reminder is on record before anything goes out
    for _ in range(REBUILDS):
        letter = await _letter(producer_id, customer_id, new_uow, post, rule)
        if letter is None or not still_owed(letter.balance_cents, threshold_cents):
            return await _cancel(new_uow, producer_id, customer_id, record,
                                 letter and letter.balance_cents, clock())
        message = post.write(letter)
        async with new_uow() as uow:
            balance_cents = await uow.reminders.balance_of(producer_id, customer_id)
        if balance_cents is None or not still_owed(balance_cents, threshold_cents):
            return await _cancel(new_uow, producer_id, customer_id, record, balance_cents,
                                 clock())
        record = replace(record, balance_cents=letter.balance_cents, email=letter.to)
        if balance_cents == letter.balance_cents:
            break  # else it moved while the letter was written: written again
    delivery = await post.mailer.send(message, message_id(record.reminder_id))
    at = clock()
    if delivery.status == SENT:
        record = replace(record, status=SENT, sent_at=at, claimed_until=None,
                         next_attempt_at=None, error=None)
    else:
        record = replace(record, status=delivery.status, sent_at=at, claimed_until=None,
                         error=(delivery.answer or delivery.status)[:500])
        record = replace(record, next_attempt_at=after_failure(record, at)
                         if delivery.status == FAILED else None)
        log.warning("reminder %s %s %s: %s", producer_id, customer_id, delivery.status,
                    delivery.answer)
    await _save(new_uow, producer_id, customer_id, record)
    return record.view()


async def _claim(producer_id: str, customer_id: str, new_uow: NewRemindersUnitOfWork,
                 now: datetime, manual: bool, key: RequestKey | None,
                 ) -> tuple[ReminderRecord, ReminderRule, int] | Replay | None:
    """The reminder recorded `sending`, decided and written with the account row locked (the
    request's key with it: a second request with that key, waiting for the lock, replays)."""
    async with new_uow() as uow:
        if not await uow.reminders.tracking_is_on(producer_id):
            if manual:
                raise Conflict(TRACKING_OFF)
            return None
        rule = await uow.reminders.rule(producer_id)
        # by hand, any debt; by the rule, a balance below its threshold
        threshold_cents = 0 if manual else rule.below_cents
        standing = await uow.reminders.standing_for_update(producer_id, customer_id,
                                                           threshold_cents)
        if standing is None:
            if manual:
                raise CustomerNotFound("no such customer")
            return None
        if key is not None and (earlier := await uow.reminders.keyed(producer_id, key.key)):
            replay = _replay(earlier, key)
            if replay is not None:
                return replay
        decision: Decision = (decide_by_hand(standing, now) if manual
                              else decide(rule, standing, now))
        if not decision.due:
            return None
        if decision.close is not None:
            await uow.reminders.close_earlier(decision.close)
        assert standing.email  # decided on: it has an address
        if decision.action == "retry" and standing.last is not None:
            record = replace(standing.last, status=SENDING, email=standing.email,
                             attempts=standing.last.attempts + 1, claimed_until=now + CLAIM,
                             next_attempt_at=None)
        else:
            record = ReminderRecord(uuid.uuid4(), SENDING, now, standing.email,
                                    standing.balance_cents, manual, 1, now + CLAIM)
        await uow.reminders.save(producer_id, customer_id, record)
        if key is not None and not await uow.reminders.remember_key(
                producer_id, key.key, key.fingerprint, record):
            raise Conflict(KEY_TAKEN)  # rolled back: nothing claimed, nothing sent
        await uow.commit()
    return record, rule, threshold_cents


def _replay(earlier: tuple[str, ReminderRecord | None], key: RequestKey) -> Replay | None:
    """The reminder the key already claimed; None when it was cancelled before it went out
    (the debt paid meanwhile): the same request, once owed again, is a reminder to send."""
    fingerprint, record = earlier
    if fingerprint != key.fingerprint or record is None:
        raise Conflict(KEY_TAKEN)
    return None if record.status == CANCELLED else Replay(record)


async def _letter(producer_id: str, customer_id: str, new_uow: NewRemindersUnitOfWork,
                  post: Post, rule: ReminderRule) -> Letter | None:
    """What the reminder tells, read now (None: the customer or its address is gone)."""
    async with new_uow() as uow:
        facts = await uow.reminders.letter_facts(producer_id, customer_id, LINES)
    if facts is None or not facts[1]:
        return None
    name, email, balance_cents, lines = facts
    return Letter(email, name, balance_cents, tuple(lines), post.account_url,
                  payment_reference(producer_id, customer_id), rule.farm_name, rule.reply_to)


async def _cancel(new_uow: NewRemindersUnitOfWork, producer_id: str, customer_id: str,
                  record: ReminderRecord, balance_cents: int | None, at: datetime) -> dict:
    """Not sent: the debt was paid (the balance found, back at the threshold or above) or the
    customer's address removed (None) while it was written."""
    why = ("no e-mail address any more" if balance_cents is None
           else f"paid before it went out (balance {balance_cents} cents)")
    record = replace(record, status=CANCELLED, claimed_until=None, next_attempt_at=None,
                     sent_at=None, error=why,
                     balance_cents=record.balance_cents if balance_cents is None
                     else balance_cents)
    await _save(new_uow, producer_id, customer_id, record)
    log.info("reminder %s %s cancelled: %s", producer_id, customer_id, why)
    return record.view()


async def _save(new_uow: NewRemindersUnitOfWork, producer_id: str, customer_id: str,
                record: ReminderRecord) -> None:
    async with new_uow() as uow:
        await uow.reminders.save(producer_id, customer_id, record)
        await uow.commit()
