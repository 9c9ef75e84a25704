"""Pending checkouts are read back from SumUp in turns: each round takes those whose turn came
and sets their next turn, so none waits forever behind the others."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from payments.adapters.orm import checkouts
from payments.adapters.sumup_checkouts import Checkout
from payments.adapters.sumup_errors import SumUpUnavailable
from payments.service_layer.checkouts import due_checkouts, sync_due_checkouts


async def opened(new_uow, producer_id: str, age: timedelta, turn_in: timedelta,
                 status: str = "PENDING") -> str:
    """A checkout opened `age` ago whose next turn comes in `turn_in` (negative: already due)."""
    now = datetime.now(UTC)
    checkout_id = f"co-{uuid.uuid4().hex[:12]}"
    async with new_uow() as uow:
        await uow.session.execute(insert(checkouts).values(
            producer_id=producer_id, order_id=uuid.uuid4(), attempt=1, checkout_id=checkout_id,
            customer_id="c1", total_cents=2000, applied_cents=0, amount_due_cents=2000,
            currency="EUR", checkout_url="https://pay.example/x", status=status,
            created_at=now - age, next_check_at=now + turn_in))
        await uow.commit()
    return checkout_id


async def turns(new_uow, ids: list[str]) -> dict[str, tuple[datetime, datetime]]:
    """Each checkout's (created_at, next_check_at)."""
    async with new_uow() as uow:
        rows = await uow.session.execute(
            select(checkouts.c.checkout_id, checkouts.c.created_at, checkouts.c.next_check_at)
            .where(checkouts.c.checkout_id.in_(ids)))
        return {row.checkout_id: (row.created_at, row.next_check_at) for row in rows}


async def ours(new_uow, producer_id: str, limit: int = 100_000) -> list[str]:
    """The due checkouts of this test (other tests' rows may be due in the same table: on a test
    database kept between runs, over a thousand, older than this test's, which a smaller limit
    would take instead)."""
    async with new_uow() as uow:
        mine = set((await uow.session.execute(select(checkouts.c.checkout_id).where(
            checkouts.c.producer_id == producer_id))).scalars())
    return [c for c in await due_checkouts(new_uow, limit) if c in mine]


async def test_a_round_takes_the_pending_checkouts_whose_turn_came(new_uow, producer_id):
    s = timedelta(seconds=1)
    late = await opened(new_uow, producer_id, age=600 * s, turn_in=-300 * s)
    due = await opened(new_uow, producer_id, age=40 * s, turn_in=-10 * s)
    await opened(new_uow, producer_id, age=10 * s, turn_in=20 * s)  # not yet
    await opened(new_uow, producer_id, age=600 * s, turn_in=-300 * s, status="PAID")
    await opened(new_uow, producer_id, age=600 * s, turn_in=-300 * s, status="EXPIRED")
    assert sorted(await ours(new_uow, producer_id)) == sorted([late, due])
    assert await ours(new_uow, producer_id) == [], "a checkout was taken twice in a row"


async def test_the_next_turn_comes_after_half_the_age_within_30_s_and_5_min(new_uow, producer_id):
    s = timedelta(seconds=1)
    young = await opened(new_uow, producer_id, age=31 * s, turn_in=-1 * s)
    middle = await opened(new_uow, producer_id, age=200 * s, turn_in=-1 * s)
    old = await opened(new_uow, producer_id, age=3 * 3600 * s, turn_in=-1 * s)
    before = datetime.now(UTC)
    await ours(new_uow, producer_id)
    after = datetime.now(UTC)
    found = await turns(new_uow, [young, middle, old])

    def within(checkout_id: str, next_turn) -> bool:
        """Set at some moment between `before` and `after`, as `next_turn(that moment)`."""
        created, next_check = found[checkout_id]
        return next_turn(before, created) <= next_check <= next_turn(after, created)

    assert within(young, lambda at, created: at + 30 * s)
    assert within(middle, lambda at, created: at + (at - created) / 2)
    assert within(old, lambda at, created: at + 300 * s)


async def test_more_due_checkouts_than_a_round_takes_are_all_taken_over_the_rounds(
        new_uow, producer_id):
    ids = {await opened(new_uow, producer_id, age=timedelta(minutes=10),
                        turn_in=-timedelta(seconds=i)) for i in range(5)}
    taken: list[str] = []
    for _ in range(1000):  # rows other tests left due in the table are taken in the rounds too
        taken += await ours(new_uow, producer_id, limit=2)
        if set(taken) == ids:
            break
    assert sorted(taken) == sorted(ids)


class SumUpDownFor:
    """SumUp as the poll sees it: down for some checkouts, every other one still pending."""

    merchant_code = "MTEST"

    def __init__(self, *down: str) -> None:
        self.down, self.asked = set(down), []

    async def __call__(self, producer_id: str) -> "SumUpDownFor":
        return self  # every producer's account

    async def get_checkout(self, checkout_id: str) -> Checkout:
        self.asked.append(checkout_id)
        if checkout_id in self.down:
            raise SumUpUnavailable(503, None, "try again later")
        return Checkout(checkout_id, "ref", 2000, "EUR", "PENDING")


async def test_a_checkout_sumup_cannot_answer_for_does_not_hold_up_the_others(
        new_uow, producer_id):
    opened_ids = [await opened(new_uow, producer_id, age=timedelta(minutes=10),
                               turn_in=-timedelta(minutes=5 - i)) for i in range(3)]
    # two of three down: in whatever order the round takes them, stopping at the first failure
    # would leave one not asked
    sumup = SumUpDownFor(opened_ids[0], opened_ids[2])
    outcomes = await sync_due_checkouts(new_uow, sumup, fetch_order=None)
    assert [outcomes[c] for c in opened_ids] == ["not read", "still pending", "not read"]
    assert all(c in sumup.asked for c in opened_ids)
