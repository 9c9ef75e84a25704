"""What an issued invoice and its facture d'avoir state, and what stops one being issued."""

import uuid
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ardoise.errors import Invalid
from orders.domain import vat
from orders.domain.invoices import Buyer, Invoicing, cancel_invoice, issue_invoice, number_text
from orders.domain.order import Line

FARM = Invoicing(legal_name="EARL Ferme des Saules", address="12 chemin des Saules\n49000 Angers",
                 siret="73282932000074", vat_number="FR44732829320")
ORDER = SimpleNamespace(producer_id="ferme-des-saules", customer_id="c-0042",
                        order_id=uuid.UUID("0b4e7f6a-1c2d-4e5f-8a9b-0c1d2e3f4a5b"),
                        delivery_date=date(2026, 12, 4))
AT = datetime(2026, 12, 5, 10, 15, tzinfo=UTC)
BASKET = [Line("Panier de légumes", 1, 2000, vat_rate="5.5"), Line("Jus de pomme", 2, 450),
          Line("Savon au lait", 1, 1200, vat_rate="20")]


def invoice(lines=BASKET, invoicing=FARM, buyer=Buyer("c-0042", "Élise Martin")) -> dict:
    return issue_invoice("F000042", AT, "2026-12-05", ORDER, lines, invoicing, buyer)


def test_an_invoice_states_its_number_issuer_lines_and_vat_per_rate():
    document = invoice()
    assert (document["number"], document["issue_date"], document["order_reference"]) == (
        "F000042", "2026-12-05", "0b4e7f6a")
    assert document["seller"]["siren"] == "732829320"
    assert [line["vat_rate"] for line in document["lines"]] == ["5.5", "5.5", "20"]
    assert [(r["rate"], r["base_cents"], r["vat_cents"], r["total_cents"])
            for r in document["vat"]] == [("5.5", 2749, 151, 2900), ("20", 1000, 200, 1200)]
    assert (document["total_ht_cents"], document["total_vat_cents"],
            document["total_cents"]) == (3749, 351, 4100)
    assert document["recovery_fee_text"] is None  # owed by businesses only


def test_a_line_without_a_rate_takes_the_producers_default_rate():
    document = invoice(invoicing=Invoicing(**{**FARM.as_dict(), "default_vat_rate": "10"}))
    assert [line["vat_rate"] for line in document["lines"]] == ["5.5", "10", "20"]


def test_under_the_franchise_en_base_no_vat_is_charged_and_the_mention_is_stated():
    franchise = Invoicing(**{**FARM.as_dict(), "vat_regime": "franchise", "vat_number": None})
    document = invoice(invoicing=franchise)
    assert document["seller"]["vat_mention"] == "TVA non applicable, art. 293 B du CGI"
    assert document["total_vat_cents"] == 0 and document["total_ht_cents"] == 4100
    assert {line["vat_rate"] for line in document["lines"]} == {"0"}


@pytest.mark.parametrize("missing", ["legal_name", "address", "siret", "vat_number"])
def test_an_invoice_is_not_issued_while_a_required_mention_is_missing(missing):
    with pytest.raises(Invalid) as refused:
        invoice(invoicing=Invoicing(**{**FARM.as_dict(), missing: None}))
    assert refused.value.field == f"invoicing.{missing}"


def test_a_business_is_invoiced_at_its_address_with_the_recovery_fee_stated():
    with pytest.raises(Invalid) as refused:
        invoice(buyer=Buyer("c-1", "Épicerie du Coin", professional=True, siren="732829320"))
    assert refused.value.field == "customer.address"
    document = invoice(buyer=Buyer("c-1", "Épicerie du Coin", "3 place du Marché\n49000 Angers",
                                   True, "732829320"))
    assert document["recovery_fee_text"].endswith("40 €")
    assert document["buyer"]["siren"] == "732829320"


def test_a_facture_davoir_cancels_the_invoice_exactly_under_its_own_number():
    original = invoice()
    credit = cancel_invoice(original, number_text("credit_invoice", 3), AT, "2026-12-06", FARM)
    assert (credit["kind"], credit["number"]) == ("credit_invoice", "FA000003")
    assert credit["corrects"] == {"number": "F000042", "issue_date": "2026-12-05"}
    for key in ("total_ht_cents", "total_vat_cents", "total_cents"):
        assert credit[key] == -original[key]
    assert [r["vat_cents"] for r in credit["vat"]] == [-r["vat_cents"] for r in original["vat"]]
    assert original["number"] == "F000042" and original["kind"] == "invoice"  # unchanged
    with pytest.raises(Invalid):
        cancel_invoice(credit, "FA000004", AT, "2026-12-06", FARM)


@given(st.lists(st.tuples(st.sampled_from(sorted(vat.RATES)),
                          st.integers(min_value=1, max_value=10**6),
                          st.integers(min_value=1, max_value=100)), min_size=1, max_size=30))
def test_an_invoice_and_its_facture_davoir_add_up_in_whole_cents(lines):
    document = invoice([Line(f"article {i}", quantity, price, vat_rate=rate)
                        for i, (rate, price, quantity) in enumerate(lines)])
    assert document["total_ht_cents"] + document["total_vat_cents"] == document["total_cents"]
    assert sum(line["amount_cents"] for line in document["lines"]) == document["total_cents"]
    assert sum(line["base_cents"] for line in document["lines"]) == document["total_ht_cents"]
    credit = cancel_invoice(document, "FA000001", AT, "2026-12-05", FARM)
    assert document["total_cents"] + credit["total_cents"] == 0
    assert sum(line["base_cents"] for line in credit["lines"]) == credit["total_ht_cents"]
