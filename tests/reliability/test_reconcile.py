"""`ardoise reconcile` on the running system: the ledger recomputed from its movements, and the
payments recorded `online` compared with what SumUp (the stand-in) reports paid."""

import os
import subprocess
import sys

import asyncpg

from ardoise.db import plain_dsn
from ardoise_tools.testing.polling import eventually

from ..e2e.conftest import customer_of, operator  # noqa: F401 - the fixtures
from ..e2e.test_online_payment import (
    checkout_of,
    movement,
    order,
    order_20_euros,
    pay_at_sumup,
    shop,  # noqa: F401 - the fixture
)

ONLINE_PLUS = ("UPDATE payments.settlements SET received = jsonb_set(received, '{online}', "
               "to_jsonb((received->>'online')::bigint + $3)), amount_paid_cents = "
               "amount_paid_cents + $3 WHERE producer_id = $1 AND order_id = $2")
"""A planted fault: the money an order says it received online, moved by $3 cents."""


def reconcile(system, producer_id: str) -> subprocess.CompletedProcess:
    """The command as an operator runs it, against this system's databases and SumUp."""
    env = {**os.environ, **system.env, "SUMUP_API_URL": system.urls["sumup"]}
    return subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "ardoise"), "reconcile",
         "--producer", producer_id],
        env=env, capture_output=True, text=True, timeout=120, check=False)


async def test_reconcile_finds_no_drift_on_a_true_history_and_names_each_planted_fault(
    system, operator, shop, producer_id  # noqa: F811 - the fixtures
):
    movement(operator, producer_id, "credit", 500)
    paid, failed, pending = [await order_20_euros(shop, producer_id) for _ in range(3)]
    checkouts = {o: await checkout_of(shop, producer_id, o) for o in (paid, failed, pending)}
    await pay_at_sumup(system, checkouts[paid]["checkout_id"])
    await pay_at_sumup(system, checkouts[failed]["checkout_id"], "FAILED")
    await eventually(lambda: order(shop, producer_id, paid),
                     lambda o: o["settlement"]["mode"] == "online")

    clean = reconcile(system, producer_id)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "1 accounts checked, 0 drifts; 3 checkouts read back from SumUp, 0 drifts" in clean.stdout

    # fault 1: the recorded online amount no longer matches what SumUp was paid
    dsn = plain_dsn(system.env["PAYMENTS_DATABASE_URL"])
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(ONLINE_PLUS, producer_id, paid, 100)
        altered = reconcile(system, producer_id)
    finally:
        await connection.execute(ONLINE_PLUS, producer_id, paid, -100)
        await connection.close()
    assert altered.returncode == 1
    assert (f"DRIFT paid at SumUp, not the order's online settlement: {producer_id} order {paid}"
            f" recorded online {checkouts[paid]['amount_due_cents'] + 100} SumUp paid "
            f"{checkouts[paid]['amount_due_cents']}") in altered.stdout

    # fault 2: an order marked paid online (by SQL: the gateway refuses it, 409) while SumUp
    # has no payment for it
    answer = operator.request("PUT", "payments",
                              f"/v1/producers/{producer_id}/orders/{pending}/settlement",
                              json={"mode": "online", "amount_paid_cents": 2000})
    assert answer.status_code == 409, answer.text
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(
            "INSERT INTO payments.settlements (producer_id, order_id, mode, amount_paid_cents,"
            " received, version) VALUES ($1, $2, 'online', 2000, '{\"online\": 2000}', 1)",
            producer_id, pending)
        unpaid = reconcile(system, producer_id)
    finally:
        await connection.execute("DELETE FROM payments.settlements WHERE producer_id = $1"
                                 " AND order_id = $2", producer_id, pending)
        await connection.close()
    assert unpaid.returncode == 1
    drift_lines = [line for line in unpaid.stdout.splitlines() if line.startswith("DRIFT")]
    assert drift_lines == [f"DRIFT settled online without a checkout SumUp reports paid: "
                           f"{producer_id} order {pending} recorded online 2000 SumUp paid None"]

    again = reconcile(system, producer_id)
    assert again.returncode == 0, again.stdout

    # a refund through SumUp: what SumUp was paid is what the order kept plus what went back
    refund = operator.request("POST", "payments",
                              f"/v1/producers/{producer_id}/orders/{paid}/refunds",
                              json={"amount_cents": 500})
    assert refund.status_code == 201, refund.text
    after_refund = reconcile(system, producer_id)
    assert after_refund.returncode == 0, after_refund.stdout
    print(f"\nreconcile: 3 checkouts read back from SumUp, 2 faults planted, "
          f"{int(altered.returncode == 1) + len(drift_lines)} found, 0 drifts after each was "
          "undone and after a refund")
