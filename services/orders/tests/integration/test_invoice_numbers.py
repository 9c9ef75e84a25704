"""Invoice numbers on the real PostgreSQL: one per order, consecutive, even when fifty are
issued at once and when the process issuing them is killed in the middle of a transaction."""

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from orders.adapters.orm import invoice_series, invoices
from orders.domain.invoices import Buyer
from orders.domain.order import Line
from orders.service_layer import handlers, invoicing

pytestmark = pytest.mark.timeout(120)
IDENTITY = {"legal_name": "EARL Ferme des Saules", "address": "12 chemin des Saules\n49000 Angers",
            "siret": "73282932000074", "vat_number": "FR44732829320"}


async def buyer_of(producer_id: str, customer_id: str) -> Buyer:
    return Buyer(customer_id, f"Client {customer_id}")


async def place_orders(new_uow, producer_id: str, count: int) -> list[uuid.UUID]:
    placed = []
    for index in range(count):
        answer = await handlers.place_order(
            producer_id, f"c-{index % 7}", None,
            [Line("Panier de légumes", 1, 2000, vat_rate="5.5"), Line("Jus de pomme", 2, 450)],
            new_uow(), datetime.now(UTC))
        placed.append(uuid.UUID(answer["order_id"]))
    return placed


async def issued(new_uow, producer_id: str) -> list:
    async with new_uow() as uow:
        return list(await uow.session.execute(
            select(invoices.c.number, invoices.c.sequence, invoices.c.order_id,
                   invoices.c.issued_at)
            .where(invoices.c.producer_id == producer_id).order_by(invoices.c.sequence)))


async def test_fifty_invoices_issued_at_once_take_fifty_consecutive_numbers(new_uow,
                                                                            producer_id):
    await invoicing.change_invoicing(producer_id, IDENTITY, new_uow())
    orders = await place_orders(new_uow, producer_id, 50)
    # each order asked twice at the same time: one invoice each all the same
    calls = [invoicing.issue_invoice(producer_id, order_id, new_uow(), buyer_of,
                                     datetime.now(UTC)) for order_id in orders * 2]
    answers = await asyncio.gather(*calls)

    rows = await issued(new_uow, producer_id)
    assert [row.sequence for row in rows] == list(range(1, 51))
    assert [row.number for row in rows] == [f"F{n:06d}" for n in range(1, 51)]
    assert sorted(row.order_id for row in rows) == sorted(orders)
    assert sum(created for _, created in answers) == 50
    by_order = {}
    for document, _ in answers:
        by_order.setdefault(document["order_id"], set()).add(document["number"])
    assert all(len(numbers) == 1 for numbers in by_order.values())
    assert [row.issued_at for row in rows] == sorted(row.issued_at for row in rows)


async def test_an_issued_invoice_cannot_be_updated_or_deleted_even_in_sql(new_uow, producer_id):
    await invoicing.change_invoicing(producer_id, IDENTITY, new_uow())
    [order_id] = await place_orders(new_uow, producer_id, 1)
    document, _ = await invoicing.issue_invoice(producer_id, order_id, new_uow(), buyer_of,
                                                datetime.now(UTC))
    for statement in ("UPDATE orders.invoices SET customer_id = 'x' WHERE producer_id = :p",
                      "DELETE FROM orders.invoices WHERE producer_id = :p"):
        async with new_uow() as uow:
            with pytest.raises(Exception, match="never changed or deleted"):
                await uow.session.execute(text(statement), {"p": producer_id})
    assert [row.number for row in await issued(new_uow, producer_id)] == [document["number"]]


ISSUER = textwrap.dedent("""
    import asyncio, sys, uuid
    from datetime import UTC, datetime
    from ardoise.db import make_engine, make_sessionmaker
    from orders.adapters.invoices_repository import InvoicesRepository
    from orders.domain.invoices import Buyer
    from orders.service_layer import invoicing
    from orders.service_layer.unit_of_work import SqlOrdersUnitOfWork

    added = InvoicesRepository.add

    async def add_slowly(self, producer_id, document, *args):
        await added(self, producer_id, document, *args)
        print("holding", document["number"], flush=True)  # numbered, not yet committed
        await asyncio.sleep(0.3)

    InvoicesRepository.add = add_slowly

    async def buyer_of(producer_id, customer_id):
        return Buyer(customer_id, "Client")

    async def main(url, producer_id, order_ids):
        sessions = make_sessionmaker(make_engine(url, "orders", pool_size=5))
        async def issue(order_id):
            await invoicing.issue_invoice(producer_id, uuid.UUID(order_id),
                                          SqlOrdersUnitOfWork(sessions), buyer_of,
                                          datetime.now(UTC))
        for start in range(0, len(order_ids), 4):
            await asyncio.gather(*(issue(o) for o in order_ids[start:start + 4]))

    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3:]))
""")


async def test_a_process_killed_while_issuing_leaves_no_gap_and_no_duplicate(
        servers, new_uow, producer_id):
    await invoicing.change_invoicing(producer_id, IDENTITY, new_uow())
    orders = await place_orders(new_uow, producer_id, 30)
    issuer = subprocess.Popen(
        [sys.executable, "-c", ISSUER, servers["ORDERS_DATABASE_URL"], producer_id,
         *map(str, orders)], stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    held = []
    for line in issuer.stdout:  # killed while it holds numbers it has not committed
        held.append(line.split()[1])
        if len(held) == 10:
            break
    issuer.send_signal(signal.SIGKILL)
    issuer.wait(timeout=10)
    await asyncio.sleep(0.5)  # the server notices the dropped connection and rolls back

    before = await issued(new_uow, producer_id)
    assert len(before) < len(held), "the kill came after the last commit"
    assert [row.sequence for row in before] == list(range(1, len(before) + 1))

    for order_id in orders:  # issuing resumes where the committed numbers end
        await invoicing.issue_invoice(producer_id, order_id, new_uow(), buyer_of,
                                      datetime.now(UTC))
    rows = await issued(new_uow, producer_id)
    assert [row.sequence for row in rows] == list(range(1, 31))
    assert sorted(row.order_id for row in rows) == sorted(orders)
    async with new_uow() as uow:
        last = (await uow.session.execute(select(invoice_series.c.last_sequence).where(
            invoice_series.c.producer_id == producer_id))).scalar()
    assert last == 30
