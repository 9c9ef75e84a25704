"""The team page in Chromium: an operator adds a person, who signs in by link; revoked, that
person's open page sends it back to the sign-in page."""

from .conftest import shot


def test_an_operator_adds_a_person_and_revokes_her(page, browser, system, sign_in,
                                                   producer_id):
    sign_in(page, "operator", producer_id, "ferme@example.org")
    page.get_by_role("link", name="Équipe").click()
    page.wait_for_url("**/equipe")
    assert "(vous)" in page.locator("table").inner_text()
    page.get_by_label("Nom").fill("Paul Durand")
    page.get_by_label("Adresse e-mail").fill("paul@example.org")
    page.get_by_role("button", name="Ajouter").click()
    row = page.locator("tr", has_text="Paul Durand")
    assert "Actif" in row.inner_text()

    other = browser.new_context(base_url=system.urls["web"], locale="fr-FR")
    paul = other.new_page()
    sign_in(paul, "operator", producer_id, "paul@example.org")
    assert paul.url.endswith("/clients")
    shot(page, "equipe")

    row.get_by_role("button", name="Retirer l'accès").click()
    page.wait_for_url("**/equipe")
    assert "Retiré le" in page.locator("tr", has_text="Paul Durand").inner_text()
    paul.goto("/clients")
    paul.wait_for_url("**/connexion")
    other.close()
