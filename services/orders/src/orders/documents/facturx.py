"""The invoice as UN/CEFACT CII D16B XML, Factur-X profile EN 16931, for professional buyers."""

from decimal import Decimal

from lxml import etree

from orders.documents import fields
from orders.domain.vat import RATES

GUIDELINE = "urn:cen.eu:en16931:2017"
NAMESPACES = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
UNIT_CODES = {"piece": "H87", "kg": "KGM", "g": "GRM", "l": "LTR", "cl": "CLT", "ml": "MLT",
              "bunch": "XBH", "dozen": "DZN"}
"""UN/ECE recommendation 20 (and 21, `X` prefixed: a bunch) codes of the units lines sell by."""
PAYMENT_MEANS = {"cash": "10", "cheque": "20", "card": "48", "online": "68", "account": "97"}
"""UNTDID 4461. A transfer is left out: EN 16931 wants the payee's IBAN with code 30 or 58."""
INVOICE, CREDIT_NOTE = "380", "381"


def cii_xml(document: dict) -> bytes:
    """The Factur-X XML of an issued invoice or facture d'avoir. A facture d'avoir is stated
    as EN 16931 expects a credit note: type 381, its amounts positive, the corrected invoice
    referenced. ValueError if the document's figures do not add up as EN 16931 checks."""
    if document.get("number") is None:
        raise ValueError("a preview has no number: only an issued invoice has a Factur-X XML")
    check_sums(document)
    credit = document["kind"] == "credit_invoice"
    sign = -1 if credit else 1
    currency = document["currency"]
    root = _el(None, "rsm:CrossIndustryInvoice", nsmap=NAMESPACES)
    context = _el(root, "rsm:ExchangedDocumentContext")
    _el(_el(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", GUIDELINE)
    header = _el(root, "rsm:ExchangedDocument")
    _el(header, "ram:ID", document["number"])
    _el(header, "ram:TypeCode", CREDIT_NOTE if credit else INVOICE)
    _date(_el(header, "ram:IssueDateTime"), "udt:DateTimeString", document["issue_date"])
    for subject, text in (("PMD", document.get("late_payment_text")),
                          ("PMT", document.get("recovery_fee_text"))):
        if text:
            note = _el(header, "ram:IncludedNote")
            _el(note, "ram:Content", text)
            _el(note, "ram:SubjectCode", subject)

    transaction = _el(root, "rsm:SupplyChainTradeTransaction")
    category, reason = _category(document)
    for number, line in enumerate(document["lines"], start=1):
        _line(transaction, number, line, sign, category(line["vat_rate"]), currency)

    agreement = _el(transaction, "ram:ApplicableHeaderTradeAgreement")
    _seller(agreement, document["seller"])
    _buyer(agreement, document["buyer"])
    if document.get("order_reference"):
        _el(_el(agreement, "ram:SellerOrderReferencedDocument"), "ram:IssuerAssignedID",
            document["order_reference"])
    delivery = _el(transaction, "ram:ApplicableHeaderTradeDelivery")
    _date(_el(_el(delivery, "ram:ActualDeliverySupplyChainEvent"), "ram:OccurrenceDateTime"),
          "udt:DateTimeString", document["delivery_date"])

    settlement = _el(transaction, "ram:ApplicableHeaderTradeSettlement")
    _el(settlement, "ram:InvoiceCurrencyCode", currency)
    payment = document.get("payment")
    if payment and payment.get("mode") in PAYMENT_MEANS:
        _el(_el(settlement, "ram:SpecifiedTradeSettlementPaymentMeans"), "ram:TypeCode",
            PAYMENT_MEANS[payment["mode"]])
    for row in document["vat"]:
        _tax(settlement, category(row["rate"]), row["rate"], reason,
             calculated_cents=sign * row["vat_cents"], basis_cents=sign * row["base_cents"])
    if document.get("payment_terms"):
        _el(_el(settlement, "ram:SpecifiedTradePaymentTerms"), "ram:Description",
            document["payment_terms"])
    summation = _el(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    total_ht = _amount(sign * document["total_ht_cents"])
    _el(summation, "ram:LineTotalAmount", total_ht)
    _el(summation, "ram:TaxBasisTotalAmount", total_ht)
    _el(summation, "ram:TaxTotalAmount", _amount(sign * document["total_vat_cents"]),
        currencyID=currency)
    _el(summation, "ram:GrandTotalAmount", _amount(sign * document["total_cents"]))
    _el(summation, "ram:DuePayableAmount", _amount(sign * document["total_cents"]))
    if credit and document.get("corrects"):
        corrected = _el(settlement, "ram:InvoiceReferencedDocument")
        _el(corrected, "ram:IssuerAssignedID", document["corrects"]["number"])
        _date(_el(corrected, "ram:FormattedIssueDateTime"), "qdt:DateTimeString",
              document["corrects"]["issue_date"])
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def check_sums(document: dict) -> None:
    """The lines of each rate add up to its base, the rates to the totals: what BR-CO-10, 13,
    14, 15 and BR-S-08 check. The issuing code guarantees it; a broken document is refused
    here rather than sent to a buyer's platform that would reject it."""
    by_rate: dict[str, int] = {}
    for line in document["lines"]:
        by_rate[line["vat_rate"]] = by_rate.get(line["vat_rate"], 0) + line["base_cents"]
    rows = document["vat"]
    wrong = [
        by_rate != {row["rate"]: row["base_cents"] for row in rows},
        any(row["base_cents"] + row["vat_cents"] != row["total_cents"] for row in rows),
        sum(row["base_cents"] for row in rows) != document["total_ht_cents"],
        sum(row["vat_cents"] for row in rows) != document["total_vat_cents"],
        document["total_ht_cents"] + document["total_vat_cents"] != document["total_cents"],
    ]
    if any(wrong):
        raise ValueError(f"the figures of document {document.get('number')} do not add up")


def _category(document: dict):
    """(rate → VAT category code, exemption reason): E with the document's mention when the
    seller charges no VAT, else S for a positive rate and Z for 0 %."""
    if fields.without_vat(document):
        return (lambda rate: "E"), document["seller"]["vat_mention"]
    return (lambda rate: "S" if RATES[rate] else "Z"), None


def _line(parent, number, line, sign, category, currency) -> None:
    item = _el(parent, "ram:IncludedSupplyChainTradeLineItem")
    _el(_el(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(number))
    _el(_el(item, "ram:SpecifiedTradeProduct"), "ram:Name", line["label"])
    price = _el(_el(item, "ram:SpecifiedLineTradeAgreement"), "ram:NetPriceProductTradePrice")
    _el(price, "ram:ChargeAmount", _amount(abs(fields.unit_base_cents(line))))
    quantity = abs(Decimal(line["quantity"]))
    _el(_el(item, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity",
        f"{quantity.normalize():f}", unitCode=UNIT_CODES[line["unit"]])
    settlement = _el(item, "ram:SpecifiedLineTradeSettlement")
    _tax(settlement, category, line["vat_rate"], None)
    _el(_el(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation"),
        "ram:LineTotalAmount", _amount(sign * line["base_cents"]))


def _tax(parent, category, rate, reason, calculated_cents=None, basis_cents=None) -> None:
    tax = _el(parent, "ram:ApplicableTradeTax")
    if calculated_cents is not None:
        _el(tax, "ram:CalculatedAmount", _amount(calculated_cents))
    _el(tax, "ram:TypeCode", "VAT")
    if reason and category == "E":
        _el(tax, "ram:ExemptionReason", reason)
    if basis_cents is not None:
        _el(tax, "ram:BasisAmount", _amount(basis_cents))
    _el(tax, "ram:CategoryCode", category)
    percent = Decimal(0) if category == "E" else Decimal(rate)
    _el(tax, "ram:RateApplicablePercent", f"{percent:.2f}")


def _seller(parent, seller: dict) -> None:
    party = _el(parent, "ram:SellerTradeParty")
    if seller.get("siret"):
        _el(party, "ram:GlobalID", seller["siret"], schemeID="0009")  # ISO 6523: SIRET
    _el(party, "ram:Name", seller["legal_name"])
    legal = fields.legal_text(seller)
    if legal:
        _el(party, "ram:Description", legal)
    if seller.get("siren"):
        _el(_el(party, "ram:SpecifiedLegalOrganization"), "ram:ID", seller["siren"],
            schemeID="0002")  # ISO 6523: SIREN
    _address(party, seller.get("address"))
    if seller.get("email"):
        _el(_el(party, "ram:URIUniversalCommunication"), "ram:URIID", seller["email"],
            schemeID="EM")
    if seller.get("vat_number"):
        _el(_el(party, "ram:SpecifiedTaxRegistration"), "ram:ID", seller["vat_number"],
            schemeID="VA")
    elif seller.get("siren"):
        # a seller charging no VAT has no VAT number; its exempt lines still need a tax
        # identifier (BR-E-02), and in France the tax registration (BT-32) is the SIREN
        _el(_el(party, "ram:SpecifiedTaxRegistration"), "ram:ID", seller["siren"],
            schemeID="FC")


def _buyer(parent, buyer: dict) -> None:
    party = _el(parent, "ram:BuyerTradeParty")
    _el(party, "ram:Name", buyer["name"])
    if buyer.get("siren"):
        _el(_el(party, "ram:SpecifiedLegalOrganization"), "ram:ID", buyer["siren"],
            schemeID="0002")
    _address(party, buyer.get("address"))
    if buyer.get("vat_number"):
        _el(_el(party, "ram:SpecifiedTaxRegistration"), "ram:ID", buyer["vat_number"],
            schemeID="VA")


def _address(party, address: str | None) -> None:
    # EN 16931 wants a country for both parties (BR-09, BR-11): the farms and their customers
    # are in France, and the documents hold no country
    parts = fields.address_parts(address)
    postal = _el(party, "ram:PostalTradeAddress")
    if parts["postcode"]:
        _el(postal, "ram:PostcodeCode", parts["postcode"])
    for name, text in zip(("ram:LineOne", "ram:LineTwo", "ram:LineThree"), parts["lines"]):
        _el(postal, name, text)
    if parts["city"]:
        _el(postal, "ram:CityName", parts["city"])
    _el(postal, "ram:CountryID", "FR")


def _date(parent, name: str, iso_date: str) -> None:
    _el(parent, name, iso_date.replace("-", ""), format="102")  # 102: YYYYMMDD


def _amount(cents: int) -> str:
    """`-1234` → `-12.34`: two decimals and a dot, as CII writes amounts."""
    return f"{Decimal(cents).scaleb(-2):.2f}"


def _el(parent, tag: str, text: str | None = None, nsmap=None, **attributes):
    prefix, local = tag.split(":")
    name = f"{{{NAMESPACES[prefix]}}}{local}"
    if parent is None:
        element = etree.Element(name, nsmap=nsmap)
    else:
        element = etree.SubElement(parent, name)
    for key, value in attributes.items():
        element.set(key, value)
    if text is not None:
        element.text = text
    return element
