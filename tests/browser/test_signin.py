"""Signing in through the pages, in Chromium: the link's button, then the right home page."""

from .conftest import shot


def test_an_operator_signs_in_by_link_and_signs_out(page, sign_in, producer_id):
    page.goto("/clients")
    page.wait_for_url("**/connexion")
    assert page.get_by_role("button", name="Recevoir un lien").is_visible()
    shot(page, "connexion")
    sign_in(page, "operator", producer_id, "ferme@example.org")
    assert page.url.endswith("/clients")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url("**/connexion")
    page.goto("/clients")
    page.wait_for_url("**/connexion")
