"""Read side of balances on a date: the customers page, an account and every balance, as the
movements recorded up to an instant make them.

An account's balance at an instant is the balance after its last movement up to it (by `at`,
then `id`): the sum of its movements up to it, since an account's movements are dated in the
order they are recorded (`at` is read once the account is locked). Customers without a
movement by then are at 0. Holds are not part of the ledger and are not kept in time: the
held and available amounts of a past instant are not known (None).
"""

import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, exists, false, func, literal, select, true, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.adapters.orm import accounts, movements, producers
from accounts.domain.moments import zone_named
from accounts.domain.search import searchable
from accounts.views import Sort, _identity, _like, movement_row
from ardoise.payment_reference import payment_reference

WALKED_ROWS = 1000
"""Pages sorted by balance ending within this many rows are found by walking the movements
in balance order (`movements_by_balance_after`); deeper ones compute every balance."""
WALKED_PER_ROW, MIN_WALKED = 100, 20_000
"""How many movements the walk reads (later ones and superseded ones included) before it gives
up for computing every balance: an instant early in the history (most movements are later),
or a producer whose old debts were deeper than those of then."""


async def time_zone(session: AsyncSession, producer_id: str) -> ZoneInfo:
    """The producer's zone as its payment settings last named it (Europe/Paris until then)."""
    name = (await session.execute(select(producers.c.time_zone).where(
        producers.c.producer_id == producer_id))).scalar()
    return zone_named(name)


def _last_movement(at: datetime):
    """Each account's last movement up to `at`, one index probe per account."""
    return (
        select(movements.c.balance_after_cents, movements.c.at.label("last_at"))
        .where(movements.c.producer_id == accounts.c.producer_id,
               movements.c.customer_id == accounts.c.customer_id, movements.c.at <= at)
        .order_by(movements.c.at.desc(), movements.c.id.desc())
        .limit(1)
        .lateral("last")
    )


def _matching(producer_id: str, q: str | None, email: str | None) -> list:
    """The producer's accounts whose name holds every word of `q`, at `email` if given."""
    where = [accounts.c.producer_id == producer_id]
    for word in searchable(q or "").split():
        where.append(accounts.c.search_name.like(_like(word)))
    if email is not None:
        where.append(func.lower(accounts.c.email) == email.strip().lower())
    return where


def _balances(producer_id: str, at: datetime, q: str | None = None,
              email: str | None = None) -> tuple[Select, object]:
    """Every (matching) account with its balance at `at` (0 without a movement by then) and
    the date of that movement."""
    last = _last_movement(at)
    balance = func.coalesce(last.c.balance_after_cents, 0).label("balance_cents")
    query = (select(accounts.c.customer_id, accounts.c.name, accounts.c.email, balance,
                    last.c.last_at)
             .select_from(accounts.outerjoin(last, true()))
             .where(*_matching(producer_id, q, email)))
    return query, balance


def _row(row) -> dict:
    return {"customer_id": row.customer_id, "name": row.name, "email": row.email,
            "balance_cents": row.balance_cents, "held_cents": None, "available_cents": None}


async def customers_page_at(
    session: AsyncSession, producer_id: str, at: datetime, sort: Sort, limit: int, offset: int,
    q: str | None = None, in_debt: bool = False, count: bool = True, email: str | None = None,
) -> dict:
    """The customers page as it was at `at`: each customer's balance then, sorted by name or by
    that balance (`balance`: most negative first, ties by customer id as today), searched by
    name (`q`), those who owed then (`in_debt`), those at one address (`email`)."""
    rows = None
    if sort != "name" and not q and email is None and offset + limit <= WALKED_ROWS:
        rows = await _walk(session, producer_id, at, sort, limit, offset, in_debt)
    if rows is None:
        query = computed_query(producer_id, at, sort, in_debt, q, email)
        rows = list(await session.execute(query.limit(limit).offset(offset)))
    customers = [_row(row) for row in rows]
    total = len(customers) + offset if count else None
    if count and (len(customers) == limit or (offset and not customers)):  # more may follow
        if in_debt:  # every balance then: about 0.3 s at 100 000 customers
            query = computed_query(producer_id, at, "name", True, q, email).order_by(None)
            counted = select(func.count()).select_from(query.subquery())
        else:
            counted = (select(func.count()).select_from(accounts)
                       .where(*_matching(producer_id, q, email)))
        total = (await session.execute(counted)).scalar()
    tracking = (await session.execute(select(producers.c.payment_tracking).where(
        producers.c.producer_id == producer_id))).scalar() is True
    return {"customers": customers, "total": total, "payment_tracking": tracking, "at": at}


def computed_query(producer_id: str, at: datetime, sort: Sort, in_debt: bool = False,
                   q: str | None = None, email: str | None = None) -> Select:
    """The matching accounts with their balances at `at`, in the page's order: by name, the
    accounts' index walked and one probe each (as far as the page goes); by balance, every
    balance computed, then sorted."""
    query, balance = _balances(producer_id, at, q, email)
    if in_debt:
        query = query.where(balance < 0)
    order = ((accounts.c.name, accounts.c.customer_id) if sort == "name"
             else _by_balance(balance, accounts.c.customer_id, sort == "balance"))
    return query.order_by(*order)


def _by_balance(balance, customer_id, ascending: bool) -> tuple:
    return (balance, customer_id) if ascending else (balance.desc(), customer_id.desc())


def walk_query(producer_id: str, at: datetime, sort: Sort, wanted: int,
               in_debt: bool) -> tuple[Select, Select]:
    """The first `wanted` accounts by balance at `at` among those of one sign (negative for
    `balance` or `in_debt`, positive for `-balance`), and how many movements the walk may read
    (to tell a walk that read them all from one that gave up).

    The movements of that sign are read in balance order from the page's end of the index,
    whatever their date, at most `cap` of them; of those up to `at`, a movement gives its
    account's balance then when no later one up to `at` supersedes it (one probe each)."""
    ascending = sort == "balance"
    cap = max(MIN_WALKED, WALKED_PER_ROW * wanted)
    side = (movements.c.balance_after_cents < 0 if in_debt or ascending
            else movements.c.balance_after_cents > 0)
    walked = (
        select(movements.c.customer_id, movements.c.balance_after_cents, movements.c.at,
               movements.c.id)
        .where(movements.c.producer_id == producer_id, side)
        .order_by(*_by_balance(movements.c.balance_after_cents, movements.c.customer_id,
                               ascending))
        .limit(cap).subquery("walked")
    )
    candidate = (select(walked).where(walked.c.at <= at)
                 .order_by(*_by_balance(walked.c.balance_after_cents, walked.c.customer_id,
                                        ascending)).subquery("candidate"))
    later = movements.alias("later")
    superseded = exists().where(
        later.c.producer_id == producer_id, later.c.customer_id == candidate.c.customer_id,
        later.c.at <= at,
        tuple_(later.c.at, later.c.id) > tuple_(candidate.c.at, candidate.c.id))
    winner = (select(candidate.c.customer_id, candidate.c.balance_after_cents)
              .where(~superseded)
              .order_by(*_by_balance(candidate.c.balance_after_cents, candidate.c.customer_id,
                                     ascending))
              .limit(wanted).subquery("winner"))
    page = (
        select(accounts.c.customer_id, accounts.c.name, accounts.c.email,
               winner.c.balance_after_cents.label("balance_cents"))
        .join_from(winner, accounts, and_(accounts.c.producer_id == producer_id,
                                          accounts.c.customer_id == winner.c.customer_id))
        .order_by(*_by_balance(winner.c.balance_after_cents, winner.c.customer_id, ascending))
    )
    read = select(func.count()).select_from(
        select(literal(1)).where(movements.c.producer_id == producer_id, side)
        .limit(cap).subquery())
    return page, read


async def _walk(session: AsyncSession, producer_id: str, at: datetime, sort: Sort, limit: int,
                offset: int, in_debt: bool) -> list | None:
    """The page sorted by balance at `at`, walked (`walk_query`); None when it reaches past the
    balances of the walked sign (those without a movement by then are at 0, and not in the
    index), or when the walk gave up: the page is then computed."""
    wanted = offset + limit
    page, read = walk_query(producer_id, at, sort, wanted, in_debt)
    rows = list(await session.execute(page))
    if len(rows) == wanted:
        return rows[offset:]
    if in_debt and (await session.execute(read)).scalar() < max(MIN_WALKED,
                                                                  WALKED_PER_ROW * wanted):
        return rows[offset:]  # the walk read every movement of that sign: all who owed
    return None


async def account_page_at(
    session: AsyncSession, producer_id: str, customer_id: str, at: datetime, limit: int,
    before: uuid.UUID | None,
) -> dict | None:
    """The account as it was at `at`: its balance then, and the movements up to then, newest
    first (`before`: those before that movement); None for an unknown customer."""
    row = (await session.execute(select(accounts).where(
        accounts.c.producer_id == producer_id, accounts.c.customer_id == customer_id))).first()
    if row is None:
        return None
    mine = and_(movements.c.producer_id == producer_id, movements.c.customer_id == customer_id,
                movements.c.at <= at)
    balance = (await session.execute(
        select(movements.c.balance_after_cents).where(mine)
        .order_by(movements.c.at.desc(), movements.c.id.desc()).limit(1))).scalar()
    query = (select(movements).where(mine)
             .order_by(movements.c.at.desc(), movements.c.id.desc()).limit(limit))
    if before is not None:
        anchor = (await session.execute(select(movements.c.at, movements.c.id).where(
            movements.c.movement_id == before, movements.c.producer_id == producer_id,
            movements.c.customer_id == customer_id))).first()
        if anchor is None:  # not one of this account's movements: none before it
            query = query.where(false())
        else:
            query = query.where(tuple_(movements.c.at, movements.c.id) < tuple_(*anchor))
    history = [movement_row(m) for m in await session.execute(query)]
    return {"customer_id": row.customer_id, "name": row.name, "email": row.email,
            "balance_cents": balance or 0, "held_cents": None, "available_cents": None,
            **_identity(row), "payment_reference": payment_reference(producer_id, customer_id),
            "at": at, "movements": history}


async def every_balance_at(session: AsyncSession, producer_id: str,
                           at: datetime) -> AsyncIterator:
    """Every customer's balance at `at` and the date of its last movement by then, by name,
    streamed from a server-side cursor."""
    query, _ = _balances(producer_id, at)
    result = await session.stream(
        query.order_by(accounts.c.name, accounts.c.customer_id)
        .execution_options(yield_per=2000))
    return result
