"""The producer's journal through the web pages of the running system: the page, a verification
run from it, the FEC once the farm's SIRET is known, the sales per day, the settings form, and
what it refuses."""

from datetime import date

from .conftest import Caller
from .test_invoices import FARM, place
from .test_web_payments import csrf_of, text_of, until
from .test_web_signin import login_link, signed_in


def operator_pages(system, producer_id: str):
    return signed_in(system, login_link(system, "operator", producer_id, "ferme@example.org"))


def a_sale_of_claire(operator: Caller, producer_id: str) -> dict:
    """An order of 41 € settled in cash and invoiced, once the journal has chained the sale."""
    base = f"/v1/producers/{producer_id}"
    operator.request("PUT", "accounts", f"{base}/customers/c1", json={"name": "Claire Martin"})
    order_id = place(operator, producer_id, "c1")
    settled = operator.request("PUT", "payments", f"{base}/orders/{order_id}/settlement",
                               json={"mode": "cash", "amount_paid_cents": 4100})
    assert settled.status_code == 200, settled.text
    issued = operator.request("POST", "orders", f"{base}/orders/{order_id}/invoices")
    assert issued.status_code == 201, issued.text
    entries = until(lambda: operator.request("GET", "journal", f"{base}/journal/entries")
                    .json()["entries"],
                    lambda found: any(entry["kind"] == "invoice" for entry in found))
    return next(entry for entry in entries if entry["kind"] == "invoice")


def test_the_page_verifies_the_journal_and_hands_out_the_fec_once_the_siret_is_known(
    system, operator: Caller, producer_id
):
    web = operator_pages(system, producer_id)
    shown = web.get("/journal")
    assert shown.status_code == 200
    words = text_of(shown.text)
    assert "Journal" in words and "Vérifier maintenant" in words
    assert "Aucune clôture pour l'instant" in words
    assert "indiquez d'abord son SIRET dans Facturation" in words
    assert 'href="/journal"' in shown.text  # in the producer's navigation
    csrf = csrf_of(shown.text)

    early = web.get("/journal/fec", params={"annee": str(date.today().year)})
    assert early.status_code == 422
    assert "indiquez d'abord son SIRET dans Facturation" in text_of(early.text)

    # the orders service holds the farm's identity; the journal hears of its SIREN by events
    saved = operator.request("PUT", "orders", f"/v1/producers/{producer_id}/invoicing",
                             json=FARM)
    assert saved.status_code == 200 and saved.json()["siret"] == "73282932000074"
    sale = a_sale_of_claire(operator, producer_id)
    page = until(lambda: web.get("/journal"),
                 lambda r: r.status_code == 200 and "SIREN 732829320" in text_of(r.text))
    year = sale["day"][:4]
    assert f'<option value="{year}">' in page.text

    verified = web.post("/journal/verifier", data={"csrf": csrf},
                        headers={"HX-Request": "true"})
    assert verified.status_code == 200
    assert verified.text.startswith('<div id="verification"')  # the part htmx swaps in
    said = text_of(verified.text)
    assert "Journal intègre" in said and "Vérifié le" in said
    assert "Écritures" in said and "Rompue" not in said
    # without htmx, the whole page with the result
    whole = web.post("/journal/verifier", data={"csrf": csrf})
    assert whole.status_code == 200 and "Journal intègre" in text_of(whole.text)
    assert "<h1>Journal</h1>" in whole.text
    assert web.post("/journal/verifier").status_code == 403  # no CSRF token

    fec = web.get("/journal/fec", params={"annee": year})
    assert fec.status_code == 200, text_of(fec.text)
    assert fec.headers["content-type"].startswith("text/plain")
    assert fec.headers["content-disposition"] == \
        f'attachment; filename="732829320FEC{year}1231.txt"'
    assert fec.text.startswith("JournalCode\t") and "Facture F000001" in fec.text

    daily = web.get("/journal/ventes-par-jour.csv", params={"du": sale["day"],
                                                            "au": sale["day"]})
    assert daily.status_code == 200 and daily.headers["content-type"].startswith("text/csv")
    assert f'filename="ventes-par-jour-{sale["day"]}-{sale["day"]}.csv"' in \
        daily.headers["content-disposition"]
    header, row = daily.text.splitlines()[:2]
    assert header.startswith("jour;ventes;factures_d_avoir")
    assert row.startswith(f"{sale['day']};1;0;") and row.endswith(";41.00")


def test_the_settings_form_checks_the_start_and_switches_the_fec_to_cash_basis(
    system, operator: Caller, producer_id
):
    web = operator_pages(system, producer_id)
    shown = web.get("/journal")
    csrf = csrf_of(shown.text)
    assert 'value="standard" checked' in shown.text

    bad = web.post("/journal/reglages", data={"csrf": csrf, "jour": "31", "mois": "4",
                                              "fec_variant": "standard"})
    assert bad.status_code == 422
    assert "Réglages non enregistrés. Début d'exercice invalide" in text_of(bad.text)
    assert web.post("/journal/reglages", data={"jour": "1", "mois": "1",
                                               "fec_variant": "cash_basis"}).status_code == 403

    saved = web.post("/journal/reglages", data={"csrf": csrf, "jour": "1", "mois": "7",
                                                "fec_variant": "cash_basis"})
    assert saved.status_code == 303 and saved.headers["location"] == "/journal"
    page = web.get("/journal").text
    assert "Réglages du journal enregistrés." in text_of(page)
    assert 'value="cash_basis" checked' in page
    assert '<option value="7" selected>juillet</option>' in page
    assert "Réglages du journal enregistrés." not in text_of(web.get("/journal").text)
    settings = operator.request("GET", "journal", f"/v1/producers/{producer_id}/journal/settings")
    assert settings.json()["fiscal_year_start"] == "07-01"
    assert settings.json()["fec_variant"] == "cash_basis"


def test_what_cannot_be_handed_out_is_said(system, producer_id):
    web = operator_pages(system, producer_id)
    first_of_month = date.today().replace(day=1).isoformat()
    open_month = web.get(f"/journal/archives/mois/{first_of_month}.zip")
    assert open_month.status_code == 409
    assert "Cette période n'est pas encore clôturée" in text_of(open_month.text)
    assert web.get("/journal/archives/semaine/2026-03-02.zip").status_code == 404
    assert web.get("/journal/archives/mois/2026-03-02.zip").status_code == 422
    assert web.get("/journal/fec", params={"annee": "deux mille"}).status_code == 422
    backwards = web.get("/journal/ventes-par-jour.csv", params={"du": "2026-03-05",
                                                                "au": "2026-03-01"})
    assert backwards.status_code == 422
    assert "La date de début est après la date de fin." in text_of(backwards.text)

    customer = signed_in(system, login_link(system, "customer", producer_id,
                                            "claire@example.org", "--customer", "c1"))
    assert customer.get("/journal").status_code == 403
    assert customer.get("/journal/fec", params={"annee": "2026"}).status_code == 403
