"""How invoices name a customer: its address, and a business's SIREN and VAT number, checked and
replaced with the rest of its details."""

import pytest

from accounts.domain import CustomerIdentity
from accounts.domain.commands import RegisterCustomer
from accounts.domain.exceptions import InvalidCustomer
from accounts.service_layer import handlers
from ardoise.errors import Invalid

from .fakes import FakeUnitOfWork, Store

SIREN = "732829320"
VAT_NUMBER = "FR44732829320"


def test_a_business_is_kept_with_its_numbers_compact_and_its_address_stripped():
    identity = CustomerIdentity.checked(" Restaurant Le Tilleul \r\n 3 place du Marché\n",
                                        True, "732 829 320", "fr 44 732 829 320")
    assert identity == CustomerIdentity("Restaurant Le Tilleul\n3 place du Marché", True, SIREN,
                                        VAT_NUMBER)


def test_a_consumer_has_an_address_at_most_and_blank_is_none():
    assert CustomerIdentity.checked() == CustomerIdentity(None, False, None, None)
    assert CustomerIdentity.checked("  \n ", False, " ", "") == CustomerIdentity()
    assert CustomerIdentity.checked("8 rue Haute\n49000 Angers").address == \
        "8 rue Haute\n49000 Angers"


@pytest.mark.parametrize(("address", "professional", "siren", "vat_number", "field"), [
    (None, True, None, None, "siren"),             # a business needs its SIREN
    (None, True, "  ", VAT_NUMBER, "siren"),
    (None, True, "732829321", None, "siren"),      # its check digit is wrong
    (None, True, "73282932", None, "siren"),
    (None, False, SIREN, None, "siren"),           # a consumer has none
    (None, False, None, VAT_NUMBER, "vat_number"),
    (None, True, SIREN, "FR45732829320", "vat_number"),
    (None, True, SIREN, "XX44732829320", "vat_number"),
    (None, True, "443061841", VAT_NUMBER, "vat_number"),  # another company's VAT number
    ("\n".join(["ligne"] * 6), False, None, None, "address"),
    ("a\x07b", False, None, None, "address"),
    (None, "yes", SIREN, None, "professional"),
])
def test_what_no_invoice_could_name_is_refused_naming_the_field(address, professional, siren,
                                                                vat_number, field):
    with pytest.raises(InvalidCustomer) as refused:
        CustomerIdentity.checked(address, professional, siren, vat_number)
    assert refused.value.field == field and isinstance(refused.value, Invalid)
    assert refused.value.detail()[0]["loc"] == ["body", field]


def test_a_business_of_another_member_state_keeps_its_own_vat_number():
    identity = CustomerIdentity.checked(None, True, SIREN, "DE136695976")
    assert identity.vat_number == "DE136695976"


async def test_a_put_replaces_every_detail_and_one_left_out_is_none_after_it():
    store = Store(tracking={"ferme-a": True})
    answer = await handlers.register_customer(RegisterCustomer(
        "ferme-a", "c1", "Le Tilleul", "achats@tilleul.fr", "3 place du Marché\n49000 Angers",
        True, "732 829 320", VAT_NUMBER), FakeUnitOfWork(store))
    assert (answer["address"], answer["professional"], answer["siren"],
            answer["vat_number"]) == ("3 place du Marché\n49000 Angers", True, SIREN, VAT_NUMBER)

    answer = await handlers.register_customer(RegisterCustomer("ferme-a", "c1", "Le Tilleul",
                                                               None), FakeUnitOfWork(store))
    assert (answer["email"], answer["address"], answer["professional"], answer["siren"],
            answer["vat_number"]) == (None, None, False, None, None)
    assert store.accounts[("ferme-a", "c1")].identity == CustomerIdentity()


async def test_a_refused_identity_changes_nothing_of_the_customer():
    store = Store(tracking={"ferme-a": True})
    await handlers.register_customer(RegisterCustomer(
        "ferme-a", "c1", "Le Tilleul", None, None, True, SIREN, None), FakeUnitOfWork(store))
    before = (store.accounts[("ferme-a", "c1")], list(store.published))
    with pytest.raises(InvalidCustomer):
        await handlers.register_customer(RegisterCustomer(
            "ferme-a", "c1", "Autre nom", None, None, True, None, None), FakeUnitOfWork(store))
    assert (store.accounts[("ferme-a", "c1")], store.published) == before
