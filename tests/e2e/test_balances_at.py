"""Balances on a date over the running system: a top-up, a debit, and the account, the customers
page and the accountant's workbook asked at an instant between them."""

from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from .conftest import Caller
from .test_accounts import move, register

PARIS = ZoneInfo("Europe/Paris")


def test_between_a_top_up_and_a_debit_the_balance_is_the_top_up(operator, producer_id,
                                                                 customer_of):
    register(operator, producer_id, "c1", "Claire Martin")
    register(operator, producer_id, "c2", "Bruno Petit")
    top_up = move(operator, producer_id, "c1", "credit", 5000, label="Avance", mode="transfer")
    debit = move(operator, producer_id, "c1", "debit", 8000)
    assert top_up.status_code == debit.status_code == 201
    topped_up_at = datetime.fromisoformat(top_up.json()["at"])
    assert topped_up_at < datetime.fromisoformat(debit.json()["at"])
    account = f"/v1/producers/{producer_id}/customers/c1/account"

    # the top-up's own instant, as stated (with its offset: the + is encoded by httpx)
    between = operator.request("GET", "accounts", account,
                               params={"at": top_up.json()["at"]}).json()
    assert (between["balance_cents"], between["held_cents"], between["available_cents"]) == (
        5000, None, None)
    assert [m["movement_id"] for m in between["movements"]] == [top_up.json()["movement_id"]]
    assert datetime.fromisoformat(between["at"]) == topped_up_at
    # the same instant on the producer's wall clock (Europe/Paris: its payment settings')
    wall = topped_up_at.astimezone(PARIS).replace(tzinfo=None).isoformat(timespec="microseconds")
    assert operator.request("GET", "accounts", account,
                            params={"at": wall}).json()["balance_cents"] == 5000
    before = operator.request("GET", "accounts", account, params={"at": "2020-01-01"}).json()
    assert (before["balance_cents"], before["movements"]) == (0, [])
    now = operator.request("GET", "accounts", account).json()
    assert (now["balance_cents"], now["held_cents"]) == (-3000, 0)

    customers = f"/v1/producers/{producer_id}/customers"
    page = operator.request("GET", "accounts", customers,
                            params={"at": top_up.json()["at"], "sort": "balance"}).json()
    assert [(c["customer_id"], c["balance_cents"]) for c in page["customers"]] == [
        ("c2", 0), ("c1", 5000)]
    assert page["time_zone"] == "Europe/Paris" and page["total"] == 2
    owed = operator.request("GET", "accounts", customers,
                            params={"at": top_up.json()["at"], "in_debt": "true"}).json()
    assert owed["customers"] == [] and owed["total"] == 0

    mine = customer_of("c1").request("GET", "accounts", "/v1/me/account",
                                     params={"at": top_up.json()["at"]})
    assert mine.status_code == 200 and mine.json()["balance_cents"] == 5000

    workbook = operator.request("GET", "accounts", f"{customers}/balances.xlsx",
                                params={"at": top_up.json()["at"]})
    assert workbook.status_code == 200, workbook.text
    sheet = load_workbook(BytesIO(workbook.content), read_only=True)["Soldes"]
    rows = {row[1]: row[3] for row in sheet.iter_rows(min_row=5, values_only=True)
            if row and row[1]}
    assert rows == {"c1": 50, "c2": 0}


def test_the_customers_page_at_a_date_is_the_operators_and_a_customer_sees_only_its_own(
        system, operator: Caller, producer_id, customer_of):
    register(operator, producer_id, "c1", "Claire Martin")
    register(operator, producer_id, "c2", "Bruno Petit")
    claire = customer_of("c1")
    for path in (f"/v1/producers/{producer_id}/customers",
                 f"/v1/producers/{producer_id}/customers/balances.xlsx"):
        assert claire.request("GET", "accounts", path,
                              params={"at": "2026-01-01"}).status_code == 403
    assert claire.request("GET", "accounts", f"/v1/producers/{producer_id}/customers/c2/account",
                          params={"at": "2026-01-01"}).status_code == 404
    assert operator.request("GET", "accounts", f"/v1/producers/{producer_id}/customers",
                            params={"at": "2026-03-29T02:30"}).status_code == 422
