"""Random movement histories on the real PostgreSQL: at any instant, every way of asking for
balances at a date (the customers page in each order, in debt or not, page by page, walked or
computed; the account and its movements; the workbook's rows) gives each customer the sum of
its movements up to that instant."""

import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts import balances_at
from accounts.adapters.orm import SCHEMA
from accounts.domain import Account
from ardoise.db import make_engine, make_sessionmaker

START = datetime(2025, 12, 31, 22, 0, tzinfo=UTC)
MICRO = timedelta(microseconds=1)
SORTS = ("name", "balance", "-balance")

gaps = st.sampled_from([0, 0, 1, 1_000_000, 60_000_000, 3_600_000_000])
"""Microseconds between two movements: the same instant twice, one microsecond, a second..."""
histories = st.tuples(
    st.integers(1, 6),
    st.lists(st.tuples(st.integers(0, 5), gaps, st.integers(-5000, 5000).filter(bool)),
             max_size=30),
)


async def recorded(sessions, producer_id: str, customers: int, moves) -> list[tuple]:
    """The customers (one may stay without movement) and their movements, recorded by the
    domain in one transaction as the gateway records them; (customer, at, amount, id) each."""
    from accounts.service_layer.unit_of_work import SqlAccountsUnitOfWork

    ledger, at, written = {}, START, []
    async with SqlAccountsUnitOfWork(sessions) as uow:
        for n in range(customers):
            # names in another order than the ids, so that sorting by either differs
            account = Account.open(producer_id, f"c{n}", f"Client {(n * 5) % 7} {n}", None)
            await uow.accounts.register(account)
            ledger[f"c{n}"] = account
        for owner, gap_us, amount_cents in moves:
            customer_id = f"c{owner % customers}"
            at += timedelta(microseconds=gap_us)
            movement = ledger[customer_id].record("credit" if amount_cents > 0 else "debit",
                                                  abs(amount_cents), None, None, at)
            written.append((customer_id, at, amount_cents, movement.movement_id))
        await uow.accounts.save_many(list(ledger.values()))
        await uow.commit()
    return written


def expected_at(customers: int, written: list[tuple], instant: datetime) -> dict[str, int]:
    """The definition: each customer's movements up to the instant, summed."""
    sums = {f"c{n}": 0 for n in range(customers)}
    for customer_id, at, amount_cents, _ in written:
        if at <= instant:
            sums[customer_id] += amount_cents
    return sums


def ordered(rows: list[tuple[str, str, int]], sort: str) -> list[str]:
    """Customer ids in the page's order: by name, or by balance with ties by id as today."""
    if sort == "name":
        return [c for c, _, _ in sorted(rows, key=lambda r: (r[1], r[0]))]
    return [c for c, _, _ in sorted(rows, key=lambda r: (r[2], r[0]),
                                    reverse=sort == "-balance")]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(history=histories, data=st.data())
async def test_the_balance_at_any_instant_is_the_sum_of_the_movements_up_to_it(
        servers, history, data):
    customers, moves = history
    engine = make_engine(servers["ACCOUNTS_DATABASE_URL"], SCHEMA)
    sessions = make_sessionmaker(engine)
    producer_id = f"p-{uuid.uuid4().hex[:12]}"
    walked = balances_at.MIN_WALKED, balances_at.WALKED_PER_ROW
    try:
        written = await recorded(sessions, producer_id, customers, moves)
        moments = [START - MICRO] + [at + d for _, at, _, _ in written for d in (-MICRO, 0 * MICRO)]
        instants = data.draw(st.lists(st.sampled_from(moments), min_size=1, max_size=4))
        # short walks too, so that giving up for computing every balance is exercised
        balances_at.MIN_WALKED, balances_at.WALKED_PER_ROW = data.draw(
            st.sampled_from([(1, 1), (3, 1), (20_000, 100)]))
        for instant in instants:
            expected = expected_at(customers, written, instant)
            names = {f"c{n}": f"Client {(n * 5) % 7} {n}" for n in range(customers)}
            rows = [(c, names[c], expected[c]) for c in expected]
            async with sessions() as session:
                for sort in SORTS:
                    for in_debt in (False, True):
                        wanted = ordered([r for r in rows if r[2] < 0 or not in_debt], sort)
                        limit = data.draw(st.integers(1, 7), label="limit")
                        offset = data.draw(st.integers(0, 7), label="offset")
                        page = await balances_at.customers_page_at(
                            session, producer_id, instant, sort, limit, offset,
                            in_debt=in_debt)
                        got = [(r["customer_id"], r["balance_cents"]) for r in page["customers"]]
                        assert got == [(c, expected[c]) for c in wanted[offset:offset + limit]]
                        assert page["total"] == len(wanted)
                        assert all(r["held_cents"] is None and r["available_cents"] is None
                                   for r in page["customers"])
                for customer_id, balance_cents in expected.items():
                    account = await balances_at.account_page_at(
                        session, producer_id, customer_id, instant, 500, None)
                    assert account["balance_cents"] == balance_cents
                    listed = [m["movement_id"] for m in account["movements"]]
                    assert listed == [m for c, at, _, m in reversed(written)
                                      if c == customer_id and at <= instant]
                    if account["movements"]:
                        assert account["movements"][0]["balance_after_cents"] == balance_cents
            async with sessions() as session:
                result = await balances_at.every_balance_at(session, producer_id, instant)
                streamed = {r.customer_id: r.balance_cents for r in await result.fetchall()}
            assert streamed == expected
    finally:
        balances_at.MIN_WALKED, balances_at.WALKED_PER_ROW = walked
        await engine.dispose()


async def test_an_account_pages_through_its_movements_up_to_the_instant(servers):
    engine = make_engine(servers["ACCOUNTS_DATABASE_URL"], SCHEMA)
    sessions = make_sessionmaker(engine)
    producer_id = f"p-{uuid.uuid4().hex[:12]}"
    try:
        written = await recorded(sessions, producer_id, 1,
                                 [(0, 1_000_000, 100 * (n + 1)) for n in range(7)])
        instant = written[4][1]  # the fifth movement's own instant: it counts
        async with sessions() as session:
            first = await balances_at.account_page_at(session, producer_id, "c0", instant, 2,
                                                      None)
            rest = await balances_at.account_page_at(
                session, producer_id, "c0", instant, 10, first["movements"][-1]["movement_id"])
            stranger = await balances_at.account_page_at(session, producer_id, "c0", instant,
                                                         10, uuid.uuid4())
            nobody = await balances_at.account_page_at(session, producer_id, "c9", instant, 10,
                                                       None)
        assert first["balance_cents"] == 100 + 200 + 300 + 400 + 500
        assert [m["amount_cents"] for m in first["movements"]] == [500, 400]
        assert [m["amount_cents"] for m in rest["movements"]] == [300, 200, 100]
        assert stranger["movements"] == [] and nobody is None
    finally:
        await engine.dispose()
