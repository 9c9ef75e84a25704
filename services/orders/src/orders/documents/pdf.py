"""The invoice as an A4 PDF/A-3b; for a professional buyer, a Factur-X PDF carrying its XML."""

import threading

import facturx
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from orders.documents.facturx import cii_xml
from orders.documents.fields import date_text
from orders.documents.html import invoice_html, title_of

_local = threading.local()


def _fonts() -> FontConfiguration:
    # read once per thread rather than per invoice (about 10 ms of the ~130 an invoice takes);
    # per thread because Pango's font map is not meant to be shared between threads
    if not hasattr(_local, "fonts"):
        _local.fonts = FontConfiguration()
    return _local.fonts


def invoice_pdf(document: dict, printed: dict | None = None) -> bytes:
    """The PDF of `invoice_html`. A professional buyer's issued invoice is a Factur-X
    (EN 16931) PDF whose XML is checked against the standard's schema before it is sent."""
    html = HTML(string=invoice_html(document, printed),
                # the page carries its images inline: nothing on disk or the network is read
                url_fetcher=URLFetcher(allowed_protocols={"data"}))
    pdf = html.write_pdf(pdf_variant="pdf/a-3b", font_config=_fonts())
    if not document["buyer"].get("professional") or document.get("number") is None:
        return pdf
    return facturx.generate_from_binary(
        pdf, cii_xml(document), flavor="factur-x", level="en16931", check_xsd=True,
        pdf_metadata=_metadata(document), lang="fr-FR")


def _metadata(document: dict) -> dict:
    """In French: left out, the library would write its own, in English, from the XML."""
    seller = document["seller"]["legal_name"]
    title = title_of(document)
    return {"author": seller, "keywords": "Factur-X, Facture", "title": title,
            "subject": f"{title} du {date_text(document['issue_date'])} émise par {seller}"}
