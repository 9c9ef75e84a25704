"""The pages under their Content-Security-Policy, in Chromium: every page of the back office and
the account page load with their stylesheet and htmx, and the browser reports no violation."""

from ardoise.security_headers import PAGES_CSP

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""
OPERATOR_PAGES = ("/clients", "/paiements", "/exports", "/reglages", "/facturation", "/journal",
                  "/banque", "/banque/sumup", "/equipe", "/relances")


def violations_on(page, path: str) -> list[str]:
    answer = page.goto(path)
    assert answer.status == 200, (path, answer.status)
    assert answer.headers["content-security-policy"] == PAGES_CSP
    page.wait_for_load_state("networkidle")
    # the stylesheet applied and htmx ran: what a CSP that refused them would stop
    assert page.evaluate("typeof htmx") == "object", path
    assert page.evaluate("getComputedStyle(document.querySelector('header.top')).display") \
        != "inline", path
    return page.evaluate("window.cspViolations")


def test_no_page_of_the_back_office_breaks_its_csp(page, sign_in, producer_id):
    page.add_init_script(RECORD_VIOLATIONS)
    sign_in(page, "operator", producer_id, "ferme@example.org")
    found = {path: violations_on(page, path) for path in OPERATOR_PAGES}
    assert found == {path: [] for path in OPERATOR_PAGES}


def test_the_sign_in_page_keeps_its_csp_too(page):
    page.add_init_script(RECORD_VIOLATIONS)
    assert violations_on(page, "/connexion") == []


def test_the_account_page_of_a_customer_keeps_its_csp(page, sign_in, producer_id):
    page.add_init_script(RECORD_VIOLATIONS)
    sign_in(page, "customer", producer_id, "claire@example.org", customer="c1")
    assert violations_on(page, "/mon-compte") == []
