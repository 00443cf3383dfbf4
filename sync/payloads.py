"""What each kind of change may carry: one checker per (entity, operation) the outbox writes,
applying the till's own rules (till/core/bounds.py for numbers, clean text, the customer
field list). A change that fails is refused whole, with the record and field named."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from storage.catalog import MAX_NAME_LENGTH, MAX_PRICE_CODE_LENGTH
from storage.imports import MAX_FIELD_CHARS
from sync import campaign_payloads, invoice_payloads
from sync import field_refusals as ids
from sync.fields import (
    MAX_LINES,
    MAX_TEXT,
    SIGNED_AMOUNT,
    Fields,
    ProtocolError,
    checked_text,
    said_of,
    why,
)
from sync.refusals import Said, english
from till.core import subscriptions
from till.core.barcodes import MAX_CODE_LENGTH, normalise_code
from till.core.bounds import MAX_AMOUNT, MAX_PERCENT_BP, MAX_POINTS_BALANCE, MAX_QUANTITY
from till.core.customer import (
    BOOLEAN_FIELDS,
    EDITABLE,
    EXTRA_ADDRESS_FIELDS,
    MAX_ENTRIES,
    MAX_FIELD_TEXT,
    CustomerKind,
    text_limit,
)
from till.core.customer_business import WORDED_CHOICES
from till.core.hlc import ClockError, Hlc
from till.core.merge import DELETED
from till.core.pin import hash_problem
from till.errors import BarcodeError

MAX_HEADER_TEXT = 1_000
"""A receipt header line, a QR payload."""
MAX_HEADER_LINES = 20
_SALE_NUMBER = 10**9

CUSTOMER_FIELDS = frozenset(EDITABLE) | {"card_number", "active"}
"""The customer fields a change may carry: those a person edits, plus the card and the flag
that have their own paths on the till."""


def check_payload(entity: str, operation: str, entity_id: str, payload: Fields) -> None:
    """Check every field of one change's payload (the ``v`` field is checked by the caller)."""
    checker = CHECKERS.get((entity, operation))
    if checker is None:
        raise payload.error("entity", why(ids.NOT_TAKEN, entity=entity, operation=operation))
    checker(payload)
    if payload.has("id") and payload.raw("id") != entity_id:
        raise payload.error("id", why(ids.NOT_ENTITY_ID))
    if payload.has("keep") and payload.raw("keep") != entity_id:  # a merge: the one kept
        raise payload.error("keep", why(ids.NOT_ENTITY_ID))
    payload.done()


def _ledger(value_column: str, low: int, high: int) -> Callable[[Fields], None]:
    def check(f: Fields) -> None:
        f.identifier("id")
        f.identifier("customer_id")
        f.token("kind")
        f.integer(value_column, low, high)
        f.identifier("sale_id", required=False)
        f.text("reason", MAX_TEXT)
        f.text("actor", MAX_TEXT)
        f.timestamp("at")

    return check


def _customer_create(f: Fields) -> None:
    f.identifier("id")
    f.text("code", 20, empty=False)
    f.timestamp("at")
    _clocks(f, _customer_fields(f))


def _customer_update(f: Fields) -> None:
    f.identifier("id")
    f.timestamp("at")
    _clocks(f, _customer_fields(f))


def _customer_delete(f: Fields) -> None:
    f.identifier("id")
    f.timestamp("at")
    _clocks(f, [DELETED])


def _customer_anonymise(f: Fields) -> None:
    """A person's data erased (storage/customer_privacy.py): who did it, who approved it."""
    f.identifier("id")
    f.timestamp("at")
    f.text("actor", MAX_TEXT)
    f.text("approved_by", MAX_TEXT)


def _customer_merge(f: Fields) -> None:
    """A duplicate merged (storage/customer_merge.py): ``keep`` (the change's entity id)
    takes ``other``; ``fields`` are the kept customer's new values with their ``clocks``,
    ``clock`` the merge's own, ``address`` the extra address made of the other's main one."""
    keep = f.identifier("keep")
    if f.identifier("other") == keep:
        raise f.error("other", why(ids.SELF_MERGE))
    f.timestamp("at")
    f.text("actor", MAX_TEXT)
    _clock(f, "clock")
    _clocks(f, _customer_fields(f))
    address = f.obj("address", required=False)
    if address is not None:
        a = Fields(address, f.inner("address"))
        a.identifier("id")
        a.text("kind", 40, empty=False)
        for name in ("line1", "line2", "line3", "city", "country"):
            a.text(name, 120)
        a.text("postcode", 16)
        _clocks(a, ADDRESS_FIELDS)
        a.done()


def _clock(f: Fields, name: str) -> None:
    try:
        Hlc.parse(f.raw(name))
    except ClockError:
        raise f.error(name, why(ids.NOT_CLOCK)) from None


def _clocks(f: Fields, names: Iterable[str]) -> None:
    """``clocks``: a hybrid logical clock (till/core/hlc.py) for exactly the fields the change
    carries. Optional: a change queued by a till before clocks existed has none."""
    clocks = f.obj("clocks", required=False)
    if clocks is None:
        return
    expected = set(names)
    for name in clocks:
        if name not in expected:
            raise f.error(f"clocks.{str(name)[:40]}", why(ids.NOT_CARRIED))
    missing = sorted(expected - set(clocks))
    if missing:
        raise f.error(f"clocks.{missing[0]}", why(ids.MISSING))
    valid: set[str] = set()  # a change's fields mostly share one clock: read it once
    for name, value in clocks.items():
        if isinstance(value, str) and value in valid:
            continue
        try:
            Hlc.parse(value)
        except ClockError:
            raise f.error(f"clocks.{name}", why(ids.NOT_CLOCK)) from None
        valid.add(value)


def _customer_fields(f: Fields) -> dict[str, Any]:
    values = f.obj("fields")
    assert values is not None
    for name, value in values.items():

        def fail(reason: Said, name: str = name) -> ProtocolError:
            return f.error(f"fields.{name}", reason)

        if name not in CUSTOMER_FIELDS:
            raise fail(why(ids.NOT_CUSTOMER_FIELD))
        check_customer_value(name, value, fail)
    return values


def check_customer_value(name: str, value: Any, fail: Callable[[Said], ProtocolError]) -> None:
    """One customer field as the till stores it."""
    if name in BOOLEAN_FIELDS:
        if not isinstance(value, bool):
            raise fail(why(ids.BOOLEAN))
    elif name == "kind":
        if value not in {str(kind) for kind in CustomerKind}:
            raise fail(why(ids.ONE_OF, choices=", ".join(str(k) for k in CustomerKind)))
    elif name == "targeting":
        if not isinstance(value, list) or len(value) > MAX_ENTRIES:
            raise fail(why(ids.TOO_MANY_TAGS, most=MAX_ENTRIES))
        for tag in value:
            checked_text(tag, MAX_FIELD_TEXT, empty=False, fail=fail)
    elif name in ("extra", "external_codes"):
        if not isinstance(value, dict) or len(value) > MAX_ENTRIES:
            raise fail(why(ids.TOO_MANY_ENTRIES, most=MAX_ENTRIES))
        for key, item in value.items():
            checked_text(key, MAX_FIELD_TEXT, empty=False, fail=fail)
            checked_text(item, MAX_FIELD_TEXT, fail=fail)
    elif name in WORDED_CHOICES:
        if value not in WORDED_CHOICES[name]:
            choices = ", ".join(repr(code) for code in WORDED_CHOICES[name])
            raise fail(why(ids.ONE_OF, choices=choices))
    elif name == "payment_terms":
        _check_terms(checked_text(value, text_limit(name), fail=fail), fail)
    else:
        checked_text(value, text_limit(name), block=name == "notes", fail=fail)


def _check_terms(value: str, fail: Callable[[Said], ProtocolError]) -> None:
    """Payment terms as the till stores them: empty, or a code ``parse_terms`` gives back."""
    if not value:
        return
    from till.core.invoice import parse_terms

    try:
        code = parse_terms(value).code
    except ValueError:
        raise fail(why(ids.ONE_OF, choices="receipt, eom, netN, netNeom")) from None
    if code != value:
        raise fail(why(ids.STORED_AS, code=code))


ADDRESS_FIELDS = EXTRA_ADDRESS_FIELDS
"""The fields of an extra address, each with its clock."""


def _address_upsert(f: Fields) -> None:
    f.identifier("id")
    f.identifier("customer_id")
    f.timestamp("at")
    f.text("kind", 40, empty=False)
    for name in ("line1", "line2", "line3", "city", "country"):
        f.text(name, 120)
    f.text("postcode", 16)
    _clocks(f, ADDRESS_FIELDS)


def _address_delete(f: Fields) -> None:
    f.identifier("id", required=False)
    f.identifier("customer_id")
    f.timestamp("at")
    _clocks(f, [DELETED])


def _sale_create(f: Fields) -> None:
    f.identifier("id")
    f.integer("till_no", 0, 99)
    f.integer("receipt_no", 1, _SALE_NUMBER)
    f.text("receipt_code", 40, empty=False)
    f.timestamp("created_at")
    f.text("seller", MAX_TEXT)
    f.text("currency", 3, empty=False)
    f.integer("total", *SIGNED_AMOUNT)
    f.integer("item_count", -MAX_QUANTITY * MAX_LINES, MAX_QUANTITY * MAX_LINES)
    f.integer("change_given", 0, MAX_AMOUNT)
    f.text("store", MAX_TEXT)
    f.identifier("customer_id", required=False)
    f.boolean("prices_excl_tax")
    f.boolean("tax_free", required=False)
    f.identifier("refund_of", required=False)
    header = f.obj("receipt_header", required=False)
    if header is not None:
        _receipt_header(Fields(header, f.inner("receipt_header")))
    for n, line in enumerate(f.array("lines", MAX_LINES), 1):
        _sale_line(Fields(line, why(ids.LINE, where=f.where, n=n)))
    for n, vat in enumerate(f.array("vat", MAX_LINES), 1):
        _sale_vat(Fields(vat, why(ids.VAT_BAND, where=f.where, n=n)))
    for n, payment in enumerate(f.array("payments", MAX_LINES), 1):
        _sale_payment(Fields(payment, why(ids.PAYMENT, where=f.where, n=n)))
    _sale_adds_up(f)


def _sale_adds_up(f: Fields) -> None:
    """The sums a recorded sale holds by construction (till/core/sale.py): a sale that breaks
    one was not made by a till. Lines are not checked against quantity × unit price, which
    a tax-free sale rounds per line."""
    lines, bands, payments = f.raw("lines"), f.raw("vat"), f.raw("payments")
    total, items, change = f.raw("total"), f.raw("item_count"), f.raw("change_given")
    checks = (
        ("total", sum(line["total"] for line in lines), total, ids.LINES_TOTAL),
        ("item_count", sum(line["quantity"] for line in lines), items, ids.LINES_ITEMS),
        ("vat", sum(band["gross"] for band in bands), total, ids.BANDS_GROSS),
        ("payments", sum(p["amount"] for p in payments), total, ids.PAYMENTS_TOTAL),
        (
            "change_given",
            sum(p["tendered"] - p["amount"] for p in payments),
            change,
            ids.PAYMENTS_CHANGE,
        ),
    )
    for name, computed, stated, message_id in checks:
        if computed != stated:
            raise f.error(name, why(message_id, computed=computed, stated=stated))
    for n, band in enumerate(bands, 1):
        if band["net"] + band["vat"] != band["gross"]:
            raise f.error("vat", why(ids.BAND_SUM, n=n))


def _sale_line(f: Fields) -> None:
    f.integer("line_no", 1, MAX_LINES)
    f.text("product_id", MAX_TEXT)
    f.text("code", 40)
    f.text("name", MAX_TEXT, empty=False)
    f.integer("quantity", -MAX_QUANTITY, MAX_QUANTITY)
    f.integer("unit_price", -MAX_AMOUNT, MAX_AMOUNT)
    f.integer("vat_rate_bp", 0, MAX_PERCENT_BP)
    f.integer("total", *SIGNED_AMOUNT)
    f.integer("discount", *SIGNED_AMOUNT, required=False)
    f.text("note", MAX_TEXT, required=False)
    f.done()


def _sale_vat(f: Fields) -> None:
    f.integer("rate_bp", 0, MAX_PERCENT_BP)
    for name in ("gross", "net", "vat"):
        f.integer(name, *SIGNED_AMOUNT)
    f.done()


def _sale_payment(f: Fields) -> None:
    f.token("method")
    f.integer("amount", *SIGNED_AMOUNT)
    f.integer("tendered", *SIGNED_AMOUNT)
    f.done()


def _receipt_header(f: Fields) -> None:
    for name in f.names():  # a header's lines are the shop's own words: text, or lists
        value = f.raw(name)
        if isinstance(value, list):
            if len(value) > MAX_HEADER_LINES:
                raise f.error(name, why(ids.TOO_MANY_LINES, most=MAX_HEADER_LINES))
            for item in value:
                checked_text(item, MAX_HEADER_TEXT, fail=f.failing(name))
        else:
            checked_text(value, MAX_HEADER_TEXT, fail=f.failing(name))
    f.done()


def _product_upsert(f: Fields) -> None:
    """A product as the back office imported it (storage/catalog.py's rules)."""
    f.identifier("id")
    _barcode(f)
    f.text("name", MAX_NAME_LENGTH, empty=False)
    price = f.integer("price", 0, MAX_AMOUNT)
    f.integer("vat_rate_bp", 0, MAX_PERCENT_BP)
    f.text("category", MAX_FIELD_CHARS)
    f.integer("cost", 0, MAX_AMOUNT)
    promo = f.integer("promo_price", 0, MAX_AMOUNT, required=False)
    if promo is not None and price is not None and promo > price:
        raise f.error("promo_price", why(ids.ABOVE_PRICE))
    f.boolean("discountable")
    f.timestamp("at")


def _price_upsert(f: Fields) -> None:
    """A product's price on a customer price list (``price_code``)."""
    f.text("price_code", MAX_PRICE_CODE_LENGTH, empty=False)
    _barcode(f)
    f.integer("price", 0, MAX_AMOUNT)
    f.timestamp("at")


def _barcode(f: Fields) -> None:
    """A barcode as the till stores it: scannable characters, GTIN check digits right, UPC-A
    as its EAN-13."""
    code = f.text("barcode", MAX_CODE_LENGTH, empty=False)
    assert code is not None
    try:
        stored = normalise_code(code)
    except BarcodeError as error:
        raise f.error("barcode", said_of(error)) from None
    if stored != code:
        raise f.error("barcode", why(ids.STORED_AS, code=stored))


def _user_upsert(f: Fields) -> None:
    """A user the back office manages: a name, a role, and a PIN hash and tag made with the
    business's pepper (bounded as a till's own: storage/users.py, till/core/pin.py)."""
    f.identifier("id")
    name = f.text("name", MAX_USER_NAME, empty=False)
    if name is not None and name != name.strip():
        raise f.error("name", why(ids.SPACES_AROUND))
    role = f.token("role")
    if role not in USER_ROLES:
        raise f.error("role", why(ids.ONE_OF, choices=", ".join(sorted(USER_ROLES))))
    pin_hash = f.text("pin_hash", 300, empty=False)
    problem = hash_problem(pin_hash or "")
    if problem:
        technical = english(problem.message_id, problem.params)  # the hash's format
        raise f.error("pin_hash", Said(technical + "."))
    tag = f.text("pin_tag", 64, empty=False) or ""
    if not (len(tag) == 64 and all(c in "0123456789abcdef" for c in tag)):
        raise f.error("pin_tag", why(ids.NOT_HEX_TAG))
    f.boolean("disabled")
    f.timestamp("at")


def _subscription_entry(f: Fields) -> None:
    """A subscription bought, renewed or cancelled (storage/subscriptions.py): the benefit as
    sold and the days it covers, bounded as the till's own plans are."""
    f.identifier("id")
    f.identifier("customer_id")
    if f.token("kind") not in SUBSCRIPTION_KINDS:
        raise f.error("kind", why(ids.ONE_OF, choices=", ".join(SUBSCRIPTION_KINDS)))
    f.text("plan", MAX_TEXT, empty=False)
    f.text("plan_name", subscriptions.MAX_NAME, empty=False)
    f.integer("discount_bp", 0, MAX_PERCENT_BP)
    for category in f.array("categories", subscriptions.MAX_CATEGORIES):
        checked_text(
            category, subscriptions.MAX_CATEGORY, empty=False, fail=f.failing("categories")
        )
    starts, ends = f.day("starts"), f.day("ends")
    most = subscriptions.MAX_DAYS  # one entry, one card: its own period
    if not 0 <= (ends - starts).days <= most:
        raise f.error("ends", why(ids.PERIOD_BOUNDS, most=most))
    f.identifier("sale_id", required=False)
    f.identifier("cancels", required=(f.raw("kind") == "cancel"))
    f.integer("till_no", 0, 99)
    f.text("actor", MAX_TEXT)
    f.timestamp("at")


SUBSCRIPTION_KINDS = ("start", "renew", "cancel")
MAX_USER_NAME = 40
USER_ROLES = frozenset({"viewer", "cashier", "manager", "admin"})

MASTER_DATA = frozenset({"product", "price", "user"})
"""Entities only the back office writes: they come down the feed, a till never pushes them."""

CHECKERS: dict[tuple[str, str], Callable[[Fields], None]] = {
    ("loyalty_entry", "create"): _ledger("points", -MAX_POINTS_BALANCE, MAX_POINTS_BALANCE),
    ("account_entry", "create"): _ledger("amount", -MAX_AMOUNT, MAX_AMOUNT),
    ("customer", "create"): _customer_create,
    ("customer", "update"): _customer_update,
    ("customer", "delete"): _customer_delete,
    ("customer", "merge"): _customer_merge,
    ("customer", "anonymise"): _customer_anonymise,
    ("customer_address", "upsert"): _address_upsert,
    ("customer_address", "delete"): _address_delete,
    ("sale", "create"): _sale_create,
    ("product", "upsert"): _product_upsert,
    ("price", "upsert"): _price_upsert,
    ("user", "upsert"): _user_upsert,
    **campaign_payloads.CHECKERS,
    **invoice_payloads.CHECKERS,
    ("subscription_entry", "create"): _subscription_entry,
}
"""Every change the outbox writes today (storage/ledger.py, customers.py, sales.py), and the
master data the back office imports (sync/server/catalog.py)."""
