"""The journal on the running system: a farm states who it is, settles and invoices an order,
and finds the sale, its payment and the settlement chained in its journal, verified over HTTP
and by `ardoise journal verify`, in a FEC named by its SIREN; an alteration made in the
database behind the service's back is named by both."""

import os
import subprocess
import sys
from pathlib import Path

import asyncpg

from ardoise.db import plain_dsn
from ardoise_tools.testing.polling import eventually

from .test_accounts import register
from .test_invoices import FARM, place


async def test_a_settled_and_invoiced_order_is_chained_verified_and_handed_to_the_accountant(
        system, operator, producer_id):
    base = f"/v1/producers/{producer_id}"
    journal = f"{base}/journal"
    assert operator.request("PUT", "orders", f"{base}/invoicing", json=FARM).status_code == 200
    register(operator, producer_id, "c1", "Claire Martin")
    order_id = place(operator, producer_id, "c1")
    settled = operator.request("PUT", "payments", f"{base}/orders/{order_id}/settlement",
                               json={"mode": "cash", "amount_paid_cents": 4100})
    assert settled.status_code == 200, settled.text
    issued = operator.request("POST", "orders", f"{base}/orders/{order_id}/invoices")
    assert issued.status_code == 201, issued.text

    async def entries() -> list[dict]:
        return (await operator.arequest("GET", "journal", f"{journal}/entries")).json()["entries"]

    found = await eventually(entries, lambda got: {"invoice", "payment", "settlement"} <= {
        entry["kind"] for entry in got})
    by_kind = {entry["kind"]: entry for entry in found}
    sale = by_kind["invoice"]["content"]
    assert sale["number"] == "F000001" and sale["total_cents"] == 4100
    assert [line["label"] for line in sale["lines"]] == [
        "Panier de légumes", "Miel de châtaignier", "Savon au lait de chèvre"]
    assert {row["rate"] for row in sale["vat"]} == {"5.5", "20"}
    assert by_kind["payment"]["content"]["mode"] == "cash"
    assert by_kind["payment"]["content"]["amount_cents"] == 4100
    assert [entry["seq"] for entry in found] == list(range(1, len(found) + 1))

    settings = (await eventually(
        lambda: operator.arequest("GET", "journal", f"{journal}/settings"),
        lambda answer: answer.json().get("siren") == "732829320")).json()
    assert settings["bound_by_the_law"] is True and settings["vat_regime"] == "vat"
    verified = operator.request("GET", "journal", f"{journal}/verify").json()
    assert verified["valid"] and verified["chains"]["entries"]["count"] == len(found)

    year = by_kind["invoice"]["day"][:4]  # the fiscal year (calendar by default) of the sale
    fec = operator.request("GET", "journal", f"{journal}/fec", params={"year": year})
    assert fec.status_code == 200, fec.text
    assert f'filename="732829320FEC{year}1231.txt"' in fec.headers["content-disposition"]
    assert "Facture F000001" in fec.text

    command = [str(Path(sys.executable).parent / "ardoise"), "journal", "verify", producer_id]
    env = {**os.environ, **system.env}
    run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{producer_id} entries: {len(found)} records, valid" in run.stdout

    admin = await asyncpg.connect(plain_dsn(system.env["ARDOISE_ADMIN_DATABASE_URL"]))
    try:  # as a superuser would, triggers off: the sale's total lowered by a euro
        await admin.execute("SET session_replication_role = replica")
        await admin.execute(
            "UPDATE journal.entries SET content = jsonb_set(content, '{total_cents}', '4000')"
            " WHERE producer_id = $1 AND seq = $2", producer_id, by_kind["invoice"]["seq"])
    finally:
        await admin.close()
    run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert f"BROKEN at {by_kind['invoice']['seq']}: its content does not match its hash" in \
        next(line for line in run.stdout.splitlines() if " entries: " in line)
    broken = operator.request("GET", "journal", f"{journal}/verify").json()
    assert not broken["valid"]
    assert broken["chains"]["entries"]["first_broken"]["seq"] == by_kind["invoice"]["seq"]
