"""What an invoice change may carry (docs/invoices.md, "Sync"): the row a till keeps and the
document as issued, each text bounded and clean, the number the till's series gives, and the
sums an invoice holds by construction (its lines add up to its VAT bases)."""

from __future__ import annotations

from collections.abc import Callable

from sync import field_refusals as ids
from sync.fields import MAX_LINES, MAX_TEXT, SIGNED_AMOUNT, Fields, checked_text, why
from till.core.bounds import MAX_AMOUNT, MAX_PERCENT_BP, MAX_QUANTITY
from till.core.invoice import InvoiceKind, invoice_code

MAX_MENTION = 1_000
"""A penalty, early-payment, tax-free or legal line: the config's own bound, with room."""
MAX_PARTY_LINES = 20
MAX_NUMBER = 10**9
"""A till's series: far beyond a shop's invoices (``F01-000001``)."""
KINDS = tuple(str(kind) for kind in InvoiceKind)


def _invoice_create(f: Fields) -> None:
    f.identifier("id")
    till_no = f.integer("till_no", 0, 99) or 0
    number = f.integer("number", 1, MAX_NUMBER) or 0
    code = f.text("code", 40, empty=False)
    if code != invoice_code(till_no, number):
        raise f.error("code", why(ids.STORED_AS, code=invoice_code(till_no, number)))
    kind = f.token("kind")
    if kind not in KINDS:
        raise f.error("kind", why(ids.ONE_OF, choices=", ".join(KINDS)))
    f.identifier("sale_id")
    f.identifier("credits_id", required=False)
    f.identifier("customer_id", required=False)
    f.timestamp("issued_at")
    f.text("actor", MAX_TEXT)
    document = Fields(f.obj("document"), f.inner("document"))
    _document(document, code, kind, f.raw("sale_id"))


def _document(f: Fields, code: str, kind: str, sale_id: str) -> None:
    """The invoice as ``Invoice.to_json`` writes it; its number, kind and sale the row's."""
    if f.token("kind") != kind:
        raise f.error("kind", why(ids.ONE_OF, choices=kind))
    if f.text("number", 40) != code:
        raise f.error("number", why(ids.STORED_AS, code=code))
    if f.identifier("sale_id") != sale_id:
        raise f.error("sale_id", why(ids.ONE_OF, choices=sale_id))
    for name in ("issue_date", "due_date", "sale_date"):
        f.day(name)
    if f.raw("credits_date", required=False) is not None:
        f.day("credits_date")
    f.text("terms", 20, empty=False)
    f.text("currency", 3, empty=False)
    f.text("receipt", 40, empty=False)
    f.text("credits", 40, required=False)
    f.text("tax_free_mention", MAX_MENTION, required=False)
    f.integer("paid", *SIGNED_AMOUNT)
    for name in ("seller", "buyer"):
        _party(Fields(f.obj(name), f.inner(name)))
    _mentions(Fields(f.obj("mentions"), f.inner("mentions")))
    lines = f.array("lines", MAX_LINES)
    for n, line in enumerate(lines, 1):
        _line(Fields(line, why(ids.LINE, where=f.where, n=n)))
    bands = f.array("vat", MAX_LINES)
    for n, band in enumerate(bands, 1):
        _band(Fields(band, why(ids.VAT_BAND, where=f.where, n=n)))
    stated = sum(band["net"] for band in bands)
    computed = sum(line["net"] for line in lines)
    if computed != stated:
        raise f.error("lines", why(ids.LINES_TOTAL, computed=computed, stated=stated))
    f.done()


def _party(f: Fields) -> None:
    f.text("name", MAX_TEXT, empty=False)
    for name in ("lines", "legal"):
        for line in f.array(name, MAX_PARTY_LINES):
            checked_text(line, MAX_MENTION, fail=f.failing(name))
    f.text("postcode", 40)
    f.text("city", MAX_TEXT)
    f.text("country", 2)
    f.text("registration", 40)
    f.text("vat_number", 40)
    f.text("code", 40)
    f.done()


def _mentions(f: Fields) -> None:
    f.text("penalty_rate", MAX_MENTION)
    f.integer("recovery_indemnity", 0, MAX_AMOUNT)
    f.text("early_payment", MAX_MENTION)
    f.token("operation")
    f.done()


def _line(f: Fields) -> None:
    f.integer("line_no", 1, MAX_LINES)
    f.text("code", 40)
    f.text("name", MAX_TEXT, empty=False)
    f.integer("quantity", -MAX_QUANTITY, MAX_QUANTITY)
    f.integer("unit_price", -MAX_AMOUNT, MAX_AMOUNT)
    f.integer("vat_rate_bp", 0, MAX_PERCENT_BP)
    f.integer("net", *SIGNED_AMOUNT)
    f.integer("discount", *SIGNED_AMOUNT)
    f.text("note", MAX_TEXT)
    f.done()


def _band(f: Fields) -> None:
    f.integer("rate_bp", 0, MAX_PERCENT_BP)
    f.integer("net", *SIGNED_AMOUNT)
    f.integer("vat", *SIGNED_AMOUNT)
    f.done()


CHECKERS: dict[tuple[str, str], Callable[[Fields], None]] = {
    ("invoice", "create"): _invoice_create,
}
