"""The accounts gateway over HTTP: customers page, account history, movements, access."""

import uuid

import pytest

from ardoise.auth import Principal

from .conftest import Caller


def register(operator: Caller, producer_id: str, customer_id: str, name: str) -> None:
    answer = operator.request("PUT", "accounts", f"/v1/producers/{producer_id}/customers/{customer_id}",
                              json={"name": name})
    assert answer.status_code == 200, answer.text


def move(operator: Caller, producer_id: str, customer_id: str, direction: str, amount_cents: int,
         headers: dict | None = None, **extra):
    return operator.request("POST", "accounts",
                            f"/v1/producers/{producer_id}/customers/{customer_id}/movements",
                            json={"direction": direction, "amount_cents": amount_cents, **extra},
                            headers=headers or {})


def test_a_top_up_and_a_debit_show_in_the_history_newest_first(operator, producer_id):
    register(operator, producer_id, "c1", "Claire Martin")
    assert move(operator, producer_id, "c1", "credit", 5000, label="Avance", mode="transfer").status_code == 201
    assert move(operator, producer_id, "c1", "debit", 1250).status_code == 201
    account = operator.request("GET", "accounts",
                               f"/v1/producers/{producer_id}/customers/c1/account").json()
    assert (account["balance_cents"], account["held_cents"], account["available_cents"]) == (3750, 0, 3750)
    assert [m["amount_cents"] for m in account["movements"]] == [-1250, 5000]
    assert [m["balance_after_cents"] for m in account["movements"]] == [3750, 5000]
    assert account["movements"][1]["mode"] == "transfer" and account["movements"][1]["label"] == "Avance"


def test_the_history_pages_through_with_limit_and_before(operator, producer_id):
    register(operator, producer_id, "c1", "Claire Martin")
    for amount in (100, 200, 300, 400, 500):
        move(operator, producer_id, "c1", "credit", amount)
    path = f"/v1/producers/{producer_id}/customers/c1/account"
    first = operator.request("GET", "accounts", path, params={"limit": 2}).json()["movements"]
    assert [m["amount_cents"] for m in first] == [500, 400]
    second = operator.request("GET", "accounts", path, params={
        "limit": 2, "before": first[-1]["movement_id"]}).json()["movements"]
    assert [m["amount_cents"] for m in second] == [300, 200]


def test_the_customers_page_lists_the_most_negative_first(operator, producer_id):
    for customer_id, name, debit in (("a", "Anne", 500), ("b", "Bruno", 2000), ("c", "Chloé", 0)):
        register(operator, producer_id, customer_id, name)
        if debit:
            move(operator, producer_id, customer_id, "debit", debit)
    path = f"/v1/producers/{producer_id}/customers"
    by_balance = operator.request("GET", "accounts", path, params={"sort": "balance"}).json()
    assert [c["customer_id"] for c in by_balance["customers"]] == ["b", "a", "c"]
    by_name = operator.request("GET", "accounts", path, params={"sort": "name"}).json()
    assert [c["name"] for c in by_name["customers"]] == ["Anne", "Bruno", "Chloé"]
    assert operator.request("GET", "accounts", path, params={"sort": "-balance"}).json()[
        "customers"][0]["customer_id"] == "c"


def test_the_same_idempotency_key_returns_the_first_movement_and_another_body_conflicts(
    operator, producer_id
):
    register(operator, producer_id, "c1", "Claire Martin")
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = move(operator, producer_id, "c1", "credit", 5000, headers=key)
    again = move(operator, producer_id, "c1", "credit", 5000, headers=key)
    other = move(operator, producer_id, "c1", "credit", 6000, headers=key)
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 409)
    assert again.json()["movement_id"] == first.json()["movement_id"]
    account = operator.request("GET", "accounts", f"/v1/producers/{producer_id}/customers/c1/account").json()
    assert account["balance_cents"] == 5000 and len(account["movements"]) == 1


@pytest.mark.parametrize("body", [
    {"direction": "credit", "amount_cents": 0},
    {"direction": "credit", "amount_cents": -5},
    {"direction": "credit", "amount_cents": 12.5},
    {"direction": "credit", "amount_cents": "100"},
    {"direction": "credit", "amount_cents": 10**11 + 1},
    {"direction": "sideways", "amount_cents": 100},
    {"direction": "credit", "amount_cents": 100, "mode": "bitcoin"},
    {"direction": "credit", "amount_cents": 100, "label": "x" * 201},
    {"direction": "credit"},
])
def test_bad_movements_are_refused_naming_the_field_and_write_nothing(operator, producer_id, body):
    register(operator, producer_id, "c1", "Claire Martin")
    answer = operator.request("POST", "accounts", f"/v1/producers/{producer_id}/customers/c1/movements",
                              json=body)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"][-1] in body or answer.json()["detail"][0]["loc"][-1] == "amount_cents"
    account = operator.request("GET", "accounts", f"/v1/producers/{producer_id}/customers/c1/account").json()
    assert account["movements"] == [] and account["balance_cents"] == 0


def test_a_movement_for_an_unknown_customer_is_not_found(operator, producer_id):
    assert move(operator, producer_id, "nobody", "credit", 100).status_code == 404
    assert move(operator, producer_id, "not a valid id!", "credit", 100).status_code == 422


def test_a_customer_sees_only_its_own_account(system, operator, customer_of, producer_id):
    register(operator, producer_id, "c1", "Claire Martin")
    register(operator, producer_id, "c2", "Paul Durand")
    move(operator, producer_id, "c1", "credit", 700)
    claire = customer_of("c1")
    mine = claire.request("GET", "accounts", "/v1/me/account")
    assert mine.status_code == 200 and mine.json()["balance_cents"] == 700
    assert claire.request("GET", "accounts", f"/v1/producers/{producer_id}/customers/c2/account").status_code == 404
    # the producer's page of her own account is the operator's: hers is /v1/me/account
    assert claire.request("GET", "accounts", f"/v1/producers/{producer_id}/customers/c1/account").status_code == 403
    assert claire.request("GET", "accounts", f"/v1/producers/{producer_id}/customers").status_code == 403
    assert move(claire, producer_id, "c1", "credit", 100).status_code == 403
    assert operator.request("GET", "accounts", "/v1/me/account").status_code == 403


def test_another_producer_never_sees_these_customers(system, operator, producer_id):
    register(operator, producer_id, "c1", "Claire Martin")
    intruder = Caller(system, Principal("operator", "another-farm"))
    assert intruder.request("GET", "accounts", f"/v1/producers/{producer_id}/customers").status_code == 404
    assert intruder.request("GET", "accounts", f"/v1/producers/{producer_id}/customers/c1/account").status_code == 404
    assert intruder.request("GET", "accounts", "/v1/producers/another-farm/customers").json() == {
        "customers": [], "total": 0, "payment_tracking": False}


def test_the_customers_page_searches_names_accents_and_case_aside_counts_and_filters_debts(
        operator, producer_id):
    for customer_id, name, balance in (("c1", "Élise Martin", -500), ("c2", "elise  DUPONT", 300),
                                       ("c3", "Zoë Œuvre", -100), ("c4", "Bruno 50%_off", 0)):
        register(operator, producer_id, customer_id, name)
        if balance:
            move(operator, producer_id, customer_id, "credit" if balance > 0 else "debit",
                 abs(balance))
    path = f"/v1/producers/{producer_id}/customers"

    def page(**params) -> tuple[list[str], int]:
        answer = operator.request("GET", "accounts", path, params=params).json()
        return [c["customer_id"] for c in answer["customers"]], answer["total"]

    assert page() == (["c1", "c3", "c4", "c2"], 4)  # most negative first
    assert page(q="elise") == (["c1", "c2"], 2)
    assert page(q="ÉLISE mar") == (["c1"], 1)
    assert page(q="oeuvre") == (["c3"], 1)
    assert page(q="50%_") == (["c4"], 1) and page(q="5_%") == ([], 0)  # no wildcards
    assert page(in_debt="true") == (["c1", "c3"], 2)
    assert page(q="elise", in_debt="true") == (["c1"], 1)
    assert page(limit=1, offset=1) == (["c3"], 4)
    assert operator.request("GET", "accounts", path, params={"q": "a\nb"}).status_code == 422


def test_the_customers_page_leaves_the_count_out_when_asked(operator, producer_id):
    register(operator, producer_id, "c1", "Claire Martin")
    answer = operator.request("GET", "accounts", f"/v1/producers/{producer_id}/customers",
                              params={"count": "false"}).json()
    assert answer == {"customers": [{"customer_id": "c1", "name": "Claire Martin",
                                     "email": None, "balance_cents": 0, "held_cents": 0,
                                     "available_cents": 0}], "total": None,
                                     "payment_tracking": True}
