"""The invoice as Factur-X XML: the UN/CEFACT Cross-Industry-Invoice of the EN 16931 profile
(Factur-X 1.0.7 / 1.09 "EN 16931", the profile France's e-invoicing reform accepts), built
with lxml and checked against the profile's schema (devices/invoice_pdf.py embeds it)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from lxml import etree  # type: ignore[import-untyped]

from till.core.invoice import Invoice, InvoiceKind, Party
from till.core.text import printable

LEVEL = "en16931"
"""The Factur-X profile written (factur-x's name for it)."""
GUIDELINE = "urn:cen.eu:en16931:2017"
NAMESPACES = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
TYPE_CODES = {InvoiceKind.INVOICE: "380", InvoiceKind.CREDIT_NOTE: "381"}
"""UNTDID 1001: commercial invoice, credit note."""
SIREN_SCHEME = "0002"
"""ISO 6523 ICD of the French SIREN (a company's legal registration)."""
SIRET_SCHEME = "0009"
UNIT = "C62"
"""UN/ECE Rec. 20: one (a unit), the quantity of a till's lines."""
_NOT_XML = re.compile("[\ufffe\uffff]")
"""What ``printable`` leaves that XML 1.0 cannot hold (lxml refuses the whole document)."""


def xml_text(text: str) -> str:
    """Stored or configured text as XML may hold it: printable, without U+FFFE and U+FFFF."""
    return _NOT_XML.sub("", printable(text))


def _ram(parent: etree._Element, name: str, text: str | None = None, **attributes: str):
    element = etree.SubElement(parent, f"{{{NAMESPACES['ram']}}}{name}", attributes)
    if text is not None:
        element.text = xml_text(text)
    return element


def _date(parent: etree._Element, name: str, day: date, namespace: str = "udt") -> None:
    holder = _ram(parent, name)
    stamp = etree.SubElement(holder, f"{{{NAMESPACES[namespace]}}}DateTimeString", format="102")
    stamp.text = day.strftime("%Y%m%d")


class _Amounts:
    """Minor units written with the currency's exponent: ``1234`` → ``12.34`` in euros,
    ``1234`` in yen."""

    def __init__(self, exponent: int) -> None:
        self.exponent = exponent

    def __call__(self, minor: int) -> str:
        return f"{Decimal(minor).scaleb(-self.exponent):.{self.exponent}f}"

    def price(self, minor: int, quantity: int) -> str:
        """A unit price from a line's total: up to four more decimals than the currency."""
        unit = Decimal(minor).scaleb(-self.exponent) / Decimal(quantity)
        return f"{unit.quantize(Decimal(1).scaleb(-(self.exponent + 4))).normalize():f}"


def _rate(basis_points: int) -> str:
    return f"{Decimal(basis_points).scaleb(-2):.2f}"


def _category(invoice: Invoice, rate_bp: int) -> str:
    """UNCL 5305: S standard rate, Z zero rated, G export outside the EU (tax-free sale)."""
    if invoice.tax_free_mention:
        return "G"
    return "S" if rate_bp else "Z"


def _party(parent: etree._Element, name: str, party: Party, *, seller: bool) -> None:
    node = _ram(parent, name)
    if party.code:
        _ram(node, "ID", party.code)
    _ram(node, "Name", party.name)
    if seller and party.legal:
        _ram(node, "Description", " — ".join(party.legal))
    if party.siren:
        legal = _ram(node, "SpecifiedLegalOrganization")
        _ram(legal, "ID", party.siren, schemeID=SIREN_SCHEME)
    address = _ram(node, "PostalTradeAddress")
    if party.postcode:
        _ram(address, "PostcodeCode", party.postcode)
    lines = list(party.lines)
    if len(lines) > 3:  # the schema has three lines: the rest joins the third
        lines = [*lines[:2], ", ".join(lines[2:])]
    for tag, line in zip(("LineOne", "LineTwo", "LineThree"), lines, strict=False):
        _ram(address, tag, line)
    if party.city:
        _ram(address, "CityName", party.city)
    _ram(address, "CountryID", party.country or "FR")
    if party.vat_number:
        registration = _ram(node, "SpecifiedTaxRegistration")
        _ram(registration, "ID", party.vat_number, schemeID="VA")


def invoice_xml(invoice: Invoice, exponent: int, notes: dict[str, str]) -> bytes:
    """The Factur-X EN 16931 XML of ``invoice``; ``exponent``: the currency's decimals;
    ``notes``: UNTDID 4451 subject code → text (PMD the penalty rate, PMT the recovery
    indemnity, AAB the early-payment discount, as French invoices state them)."""
    amount = _Amounts(exponent)
    root = etree.Element(f"{{{NAMESPACES['rsm']}}}CrossIndustryInvoice", nsmap=NAMESPACES)
    context = etree.SubElement(root, f"{{{NAMESPACES['rsm']}}}ExchangedDocumentContext")
    _ram(_ram(context, "GuidelineSpecifiedDocumentContextParameter"), "ID", GUIDELINE)

    document = etree.SubElement(root, f"{{{NAMESPACES['rsm']}}}ExchangedDocument")
    _ram(document, "ID", invoice.number)
    _ram(document, "TypeCode", TYPE_CODES[invoice.kind])
    _date(document, "IssueDateTime", invoice.issue_date)
    for subject, text in notes.items():
        note = _ram(document, "IncludedNote")
        _ram(note, "Content", text)
        _ram(note, "SubjectCode", subject)

    transaction = etree.SubElement(root, f"{{{NAMESPACES['rsm']}}}SupplyChainTradeTransaction")
    for line in invoice.lines:
        item = _ram(transaction, "IncludedSupplyChainTradeLineItem")
        _ram(_ram(item, "AssociatedDocumentLineDocument"), "LineID", str(line.line_no))
        product = _ram(item, "SpecifiedTradeProduct")
        if line.code:
            _ram(product, "SellerAssignedID", line.code)
        _ram(product, "Name", line.name or line.code or "-")
        price = _ram(_ram(item, "SpecifiedLineTradeAgreement"), "NetPriceProductTradePrice")
        _ram(price, "ChargeAmount", amount.price(line.net, line.quantity))
        delivery = _ram(item, "SpecifiedLineTradeDelivery")
        _ram(delivery, "BilledQuantity", str(line.quantity), unitCode=UNIT)
        settlement = _ram(item, "SpecifiedLineTradeSettlement")
        tax = _ram(settlement, "ApplicableTradeTax")
        _ram(tax, "TypeCode", "VAT")
        _ram(tax, "CategoryCode", _category(invoice, line.vat_rate_bp))
        _ram(tax, "RateApplicablePercent", _rate(line.vat_rate_bp))
        summation = _ram(settlement, "SpecifiedTradeSettlementLineMonetarySummation")
        _ram(summation, "LineTotalAmount", amount(line.net))

    agreement = _ram(transaction, "ApplicableHeaderTradeAgreement")
    _party(agreement, "SellerTradeParty", invoice.seller, seller=True)
    _party(agreement, "BuyerTradeParty", invoice.buyer, seller=False)

    delivery = _ram(transaction, "ApplicableHeaderTradeDelivery")
    _date(_ram(delivery, "ActualDeliverySupplyChainEvent"), "OccurrenceDateTime", invoice.sale_date)

    settlement = _ram(transaction, "ApplicableHeaderTradeSettlement")
    _ram(settlement, "InvoiceCurrencyCode", invoice.currency)
    for vat in invoice.vat:
        tax = _ram(settlement, "ApplicableTradeTax")
        _ram(tax, "CalculatedAmount", amount(vat.vat))
        _ram(tax, "TypeCode", "VAT")
        category = _category(invoice, vat.rate_bp)
        if category == "G":
            _ram(tax, "ExemptionReason", invoice.tax_free_mention)
        _ram(tax, "BasisAmount", amount(vat.net))
        _ram(tax, "CategoryCode", category)
        if category == "G":
            _ram(tax, "ExemptionReasonCode", "VATEX-EU-G")
        _ram(tax, "RateApplicablePercent", _rate(vat.rate_bp))
    terms = _ram(settlement, "SpecifiedTradePaymentTerms")
    if "PMT" in notes or "PMD" in notes:
        _ram(terms, "Description", " ".join(notes.get(code, "") for code in ("PMD", "PMT")))
    _date(terms, "DueDateDateTime", invoice.due_date)
    totals = _ram(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation")
    _ram(totals, "LineTotalAmount", amount(sum(line.net for line in invoice.lines)))
    _ram(totals, "TaxBasisTotalAmount", amount(invoice.net))
    _ram(totals, "TaxTotalAmount", amount(invoice.tax), currencyID=invoice.currency)
    _ram(totals, "GrandTotalAmount", amount(invoice.total))
    if invoice.paid:
        _ram(totals, "TotalPrepaidAmount", amount(invoice.paid))
    _ram(totals, "DuePayableAmount", amount(invoice.due))
    if invoice.credits:
        referenced = _ram(settlement, "InvoiceReferencedDocument")
        _ram(referenced, "IssuerAssignedID", invoice.credits)
        if invoice.credits_date:
            _date(referenced, "FormattedIssueDateTime", invoice.credits_date, "qdt")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
