"""Invoices and credit notes for a recorded sale: who issues it and to whom, its lines
excluding tax, the VAT per rate, payment terms and due date, and the mentions French law
requires on an invoice between businesses (docs/invoices.md). Plain values, no storage: the
numbering happens in storage/invoices.py, the PDF and the Factur-X XML in devices/."""

from __future__ import annotations

import calendar
import re
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from till.core.customer import LABELS, Address, Customer, CustomerKind, person_name
from till.core.pricing import allocate
from till.core.sale import PaymentMethod, RecordedSale
from till.core.tax import net_of, vat_breakdown
from till.core.text import digits
from till.core.words import N_
from till.errors import Refusal, TillError

MAX_NET_DAYS = 60
"""Code de commerce L441-10: at most 60 days after the invoice's date…"""
MAX_EOM_DAYS = 45
"""…or 45 days end of month."""


class InvoiceKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class InvoiceRefused(TillError):
    """An invoice that cannot be issued: a mention the law requires is missing, or the sale
    is not one to invoice. Raised before any number is taken."""


# --- payment terms -----------------------------------------------------------------------

_TERMS = re.compile(r"(?:(receipt)|(eom)|net([0-9]{1,3})(eom)?)")


@dataclass(frozen=True)
class PaymentTerms:
    """When an invoice is due: on receipt, ``days`` after its date, at the end of its month,
    or at the end of the month ``days`` after its date (``45 jours fin de mois``)."""

    days: int = 0
    end_of_month: bool = False
    on_receipt: bool = False

    @property
    def code(self) -> str:
        """As the config and the customer file write them: ``net30``, ``eom``,
        ``net45eom``, ``receipt``."""
        if self.on_receipt:
            return "receipt"
        if self.end_of_month and not self.days:
            return "eom"
        return f"net{self.days}" + ("eom" if self.end_of_month else "")

    @property
    def words(self) -> tuple[str, dict[str, Any]]:
        """The English words (marked for translation) and their values, for the edge."""
        if self.on_receipt:
            return N_("Due on receipt"), {}
        if self.end_of_month and not self.days:
            return N_("End of month"), {}
        if self.end_of_month:
            return N_("{days} days end of month"), {"days": self.days}
        return N_("Net {days} days"), {"days": self.days}


def parse_terms(text: str) -> PaymentTerms:
    """``receipt``, ``eom``, ``netN`` (N ≤ 60) or ``netNeom`` (N ≤ 45); a Refusal (a
    ValueError) with the reason otherwise."""
    match = _TERMS.fullmatch(text.strip().lower().replace(" ", ""))
    if match is None:
        raise Refusal(
            N_("{text!r} is not payment terms: write receipt, eom, net30 or net45eom."), text=text
        )
    receipt, eom, days, days_eom = match.groups()
    if receipt:
        return PaymentTerms(on_receipt=True)
    if eom:
        return PaymentTerms(end_of_month=True)
    number = int(days)
    most = MAX_EOM_DAYS if days_eom else MAX_NET_DAYS
    if not 1 <= number <= most:
        raise Refusal(
            N_("{text!r}: French law allows 1 to {most} days here."), text=text, most=most
        )
    return PaymentTerms(number, end_of_month=bool(days_eom))


def due_date(issue_date: date, terms: str | PaymentTerms) -> date:
    """The day an invoice of ``issue_date`` is due under ``terms``."""
    parsed = parse_terms(terms) if isinstance(terms, str) else terms
    if parsed.on_receipt:
        return issue_date
    due = issue_date + timedelta(days=parsed.days)
    if parsed.end_of_month:
        return due.replace(day=calendar.monthrange(due.year, due.month)[1])
    return due


# --- the parties ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Party:
    """Who issues the invoice or receives it, as printed on it."""

    name: str
    lines: tuple[str, ...] = ()
    """The street address, one line each."""
    postcode: str = ""
    city: str = ""
    country: str = ""
    """ISO 3166 two letters."""
    registration: str = ""
    """SIRET (14 digits) or SIREN (9)."""
    vat_number: str = ""
    legal: tuple[str, ...] = ()
    """The seller's legal form, share capital, trade register (free lines)."""
    code: str = ""
    """The customer's code in the shop's file."""

    @property
    def siren(self) -> str:
        """The company's SIREN: the first nine digits of its SIRET."""
        number = digits(self.registration)
        return number[:9] if len(number) in (9, 14) else ""


def billing_address(customer: Customer) -> Address:
    """Where the customer's invoices go: their address of kind ``billing``, else the main
    address of their file."""
    for address in customer.addresses:
        if address.kind.strip().lower() in ("billing", "facturation"):
            return address
    return Address(
        kind="main",
        line1=customer.address1,
        line2=customer.address2,
        line3=customer.address3,
        postcode=customer.postcode,
        city=customer.city,
        country=customer.country,
    )


def buyer_party(customer: Customer, home_country: str) -> Party:
    """The customer as an invoice names them; refused (naming the fields to fill) when their
    file lacks what the law requires: a name, a billing address, and for a French business
    its SIREN or SIRET."""
    address = billing_address(customer)
    business = customer.kind == CustomerKind.BUSINESS
    name = customer.company if business else person_name(customer.last_name, customer.first_name)
    country = address.country or home_country
    missing = []
    if business and not customer.company:
        missing.append("company")
    if not name:
        missing.append("last_name")
    for field_name, value in (
        ("address1", address.line1),
        ("postcode", address.postcode),
        ("city", address.city),
    ):
        if not value:
            missing.append(field_name)
    if business and country == "FR" and not customer.registration_number:
        missing.append("registration_number")
    if missing:
        raise InvoiceRefused(
            N_(
                "Customer {code} needs {fields} in their file (or a billing address) before "
                "an invoice can be made out to them."
            ),
            code=customer.code,
            fields=", ".join(LABELS[name] for name in missing),
        )
    return Party(
        name=name,
        lines=tuple(line for line in (address.line1, address.line2, address.line3) if line),
        postcode=address.postcode,
        city=address.city,
        country=country,
        registration=customer.registration_number,
        vat_number=customer.vat_number,
        code=customer.code,
    )


def check_seller(seller: Party) -> None:
    """Refuse (naming the configuration keys to set) a shop that lacks a mention every
    invoice carries: its name, address, SIRET and VAT number."""
    missing = [
        key
        for key, value in (
            ("[store] name", seller.name),
            ("[store] address", seller.lines),
            ("[store] siret", seller.registration),
            ("[store] vat_number", seller.vat_number),
        )
        if not value
    ]
    if missing:
        raise InvoiceRefused(
            N_("Set {keys} in the configuration before issuing invoices."),
            keys=", ".join(missing),
        )


# --- the invoice ---------------------------------------------------------------------------


@dataclass(frozen=True)
class InvoiceLine:
    """A line as the invoice shows it: amounts excluding tax, positive on a credit note."""

    line_no: int
    code: str
    name: str
    quantity: int
    unit_price: int
    """Excluding tax, before any discount."""
    vat_rate_bp: int
    net: int
    """The line's total excluding tax: its share of its rate's total (so the lines of a rate
    add up to it exactly)."""
    discount: int = 0
    """Taken off ``quantity × unit_price``, excluding tax."""
    note: str = ""


@dataclass(frozen=True)
class VatTotal:
    """The tax at one rate: its base (excluding tax) and the VAT."""

    rate_bp: int
    net: int
    vat: int

    @property
    def gross(self) -> int:
        return self.net + self.vat


@dataclass(frozen=True)
class Mentions:
    """The terms every business invoice states (Code de commerce L441-9 and L441-10)."""

    penalty_rate: str
    """The late-payment penalty rate, in words (``3 × the legal interest rate``)."""
    recovery_indemnity: int
    """The fixed indemnity for recovery costs, minor units (40 € in France)."""
    early_payment: str
    """The discount for paying early, or that there is none."""
    operation: str = "goods"
    """``goods``, ``services`` or ``mixed``: what the invoice is for (required from the 2026
    e-invoicing reform)."""


@dataclass(frozen=True)
class Invoice:
    """An invoice or a credit note as issued: everything it printed, kept whole so that a
    copy made years later says the same."""

    kind: InvoiceKind
    number: str
    """``F01-000042``; empty in a draft (storage gives it, in the transaction that keeps it)."""
    issue_date: date
    due_date: date
    terms: str
    """The payment terms' code (``net30``)."""
    currency: str
    seller: Party
    buyer: Party
    lines: tuple[InvoiceLine, ...]
    vat: tuple[VatTotal, ...]
    paid: int
    """Already paid at the register (cash, card, points); the rest is due."""
    mentions: Mentions
    sale_id: str
    receipt: str
    """The receipt number of the sale invoiced."""
    sale_date: date
    """The day the goods were sold (the delivery date)."""
    tax_free_mention: str = ""
    """Why no VAT is charged (an export sale); empty otherwise."""
    credits: str = ""
    """A credit note: the number of the invoice it corrects."""
    credits_date: date | None = None

    @property
    def net(self) -> int:
        return sum(vat.net for vat in self.vat)

    @property
    def tax(self) -> int:
        return sum(vat.vat for vat in self.vat)

    @property
    def total(self) -> int:
        return self.net + self.tax

    @property
    def due(self) -> int:
        return self.total - self.paid

    def numbered(self, number: str) -> Invoice:
        return replace(self, number=number)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("issue_date", "due_date", "sale_date", "credits_date"):
            value = getattr(self, name)
            data[name] = value.isoformat() if value else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Invoice:
        def day(value: str | None) -> date | None:
            return date.fromisoformat(value) if value else None

        def party(values: dict[str, Any]) -> Party:
            kept: dict[str, Any] = {
                k: tuple(v) if isinstance(v, list) else v for k, v in values.items()
            }
            return Party(**kept)

        issue_date, due, sold = (
            day(data[name]) for name in ("issue_date", "due_date", "sale_date")
        )
        assert issue_date and due and sold  # written by to_json
        return cls(
            kind=InvoiceKind(data["kind"]),
            number=data["number"],
            issue_date=issue_date,
            due_date=due,
            terms=data["terms"],
            currency=data["currency"],
            seller=party(data["seller"]),
            buyer=party(data["buyer"]),
            lines=tuple(InvoiceLine(**line) for line in data["lines"]),
            vat=tuple(VatTotal(**vat) for vat in data["vat"]),
            paid=data["paid"],
            mentions=Mentions(**data["mentions"]),
            sale_id=data["sale_id"],
            receipt=data["receipt"],
            sale_date=sold,
            tax_free_mention=data.get("tax_free_mention", ""),
            credits=data.get("credits", ""),
            credits_date=day(data.get("credits_date")),
        )


def invoice_code(till_no: int, number: int) -> str:
    """The human invoice number: ``F``, the till number, then that till's own sequence."""
    return f"F{till_no:02d}-{number:06d}"


@dataclass(frozen=True)
class Credited:
    """The invoice a credit note corrects: its number and date."""

    number: str
    issue_date: date


def build_invoice(
    sale: RecordedSale,
    *,
    seller: Party,
    buyer: Party,
    issue_date: date,
    sale_date: date,
    terms: str,
    mentions: Mentions,
    tax_free_mention: str = "",
    credited: Credited | None = None,
) -> Invoice:
    """The draft invoice of ``sale`` (unnumbered), or of a refund the credit note correcting
    ``credited``; refused before anything is numbered when a mention is missing."""
    check_seller(seller)
    refund = bool(sale.refund_of_id)
    if refund and credited is None:
        raise InvoiceRefused(
            N_(
                "Receipt {receipt} refunds {original}, which has no invoice: a refund needs a "
                "credit note only when the sale was invoiced."
            ),
            receipt=sale.receipt_code,
            original=sale.refund_of,
        )
    if not sale.lines:
        raise InvoiceRefused(N_("Receipt {receipt} has no lines."), receipt=sale.receipt_code)
    sign = -1 if refund else 1
    lines, vat = _lines_and_vat(sale, sign)
    paid = sign * sum(p.amount for p in sale.payments if p.method is not PaymentMethod.ACCOUNT)
    return Invoice(
        kind=InvoiceKind.CREDIT_NOTE if refund else InvoiceKind.INVOICE,
        number="",
        issue_date=issue_date,
        due_date=due_date(issue_date, terms),
        terms=parse_terms(terms).code,
        currency=sale.currency,
        seller=seller,
        buyer=buyer,
        lines=lines,
        vat=vat,
        paid=paid,
        mentions=mentions,
        sale_id=sale.id,
        receipt=sale.receipt_code,
        sale_date=sale_date,
        tax_free_mention=tax_free_mention if sale.tax_free else "",
        credits=credited.number if credited else "",
        credits_date=credited.issue_date if credited else None,
    )


def _lines_and_vat(
    sale: RecordedSale, sign: int
) -> tuple[tuple[InvoiceLine, ...], tuple[VatTotal, ...]]:
    """The lines excluding tax and the VAT per rate, split as the receipt splits them (once a
    rate, on the tax-inclusive totals), each rate's base shared out over its lines."""
    breakdown = vat_breakdown((line.vat_rate_bp, sign * line.total) for line in sale.lines)
    nets: dict[int, int] = {}
    for vat in breakdown:
        of_rate = [line for line in sale.lines if line.vat_rate_bp == vat.rate_bp]
        shares = allocate(vat.net, [sign * line.total for line in of_rate])
        nets.update((line.line_no, share) for line, share in zip(of_rate, shares, strict=True))
    lines = []
    for line in sale.lines:
        unit = net_of(line.unit_price, line.vat_rate_bp)
        lines.append(
            InvoiceLine(
                line_no=line.line_no,
                code=line.code,
                name=line.name,
                quantity=sign * line.quantity,
                unit_price=unit,
                vat_rate_bp=line.vat_rate_bp,
                net=nets[line.line_no],
                discount=max(sign * line.quantity * unit - nets[line.line_no], 0)
                if line.discount
                else 0,
                note=line.note,
            )
        )
    return tuple(lines), tuple(VatTotal(v.rate_bp, v.net, v.vat) for v in breakdown)
