"""The Journal page in Chromium: the operator opens it from the navigation, clicks "Vérifier
maintenant" and reads the result where the button was, without leaving the page."""

import re

from playwright.sync_api import expect

from .conftest import shot


def test_the_operator_verifies_the_journal_from_its_page(page, sign_in, producer_id):
    sign_in(page, "operator", producer_id, "ferme@example.org")
    page.get_by_role("link", name="Journal").click()
    expect(page.get_by_role("heading", name="Journal", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Clôtures")).to_be_visible()
    expect(page.get_by_text("Empreinte de la clé publique")).to_be_visible()

    page.get_by_role("button", name="Vérifier maintenant").click()
    result = page.locator("#verification")
    expect(result.get_by_role("status")).to_contain_text("Journal intègre")
    expect(result).to_contain_text(re.compile(r"Vérifié le\s+\d{2}/\d{2}/\d{4} \d{2}:\d{2}"))
    expect(result.get_by_role("row", name=re.compile("Écritures"))).to_contain_text("Intacte")
    assert page.url.endswith("/journal")  # swapped in by htmx: still the page
    shot(page, "journal")

    # once more: the button came back with the result, and runs again
    page.get_by_role("button", name="Vérifier maintenant").click()
    expect(result.get_by_role("status")).to_contain_text("Journal intègre")
