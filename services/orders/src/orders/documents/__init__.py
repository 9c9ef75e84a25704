"""Renderings of an issued invoice or facture d'avoir: HTML page, A4 PDF, Factur-X XML."""

from orders.documents.facturx import cii_xml
from orders.documents.html import invoice_html
from orders.documents.pdf import invoice_pdf

__all__ = ["cii_xml", "invoice_html", "invoice_pdf"]
