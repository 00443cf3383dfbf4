"""The sales journal: recording a paid sale durably, hash-chained per till, and reading it back."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from peewee import fn

from storage import customer_stats, journal_names, journal_seal, outbox, print_jobs
from storage.ids import new_id
from storage.journal_chains import sale_chain
from storage.models import (
    Customer,
    JournalRedaction,
    Sale,
    SaleLine,
    SalePayment,
    SaleVat,
    database,
)
from storage.rows import tuples
from till.core.customer import display_name
from till.core.loyalty import LoyaltyProgram, points_earned
from till.core.privacy import ANONYMOUS_NAME
from till.core.sale import (
    Cart,
    Payment,
    PaymentMethod,
    ReceiptHeader,
    RecordedLine,
    RecordedSale,
    SaleCustomer,
    receipt_code,
)
from till.core.tax import VatLine
from till.core.words import N_
from till.errors import InvalidSale, TillError

GENESIS_HASH = "0" * 64


class SaleNotFound(TillError):
    """No sale carries the receipt number asked for."""


_LAST_SALE = (
    "SELECT receipt_no, journal_hash FROM sale WHERE till_no = ? ORDER BY receipt_no DESC LIMIT 1"
)
_INSERT_SALE = (
    "INSERT INTO sale (id, till_no, receipt_no, receipt_code, created_at, seller, currency,"
    " total, item_count, change_given, previous_hash, journal_hash, customer_id, store,"
    " prices_excl_tax, tax_free, refund_of, receipt_header)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_TAKE_STOCK = "UPDATE product SET stock = stock - ? WHERE id = ?"
_INSERT_LINE = (
    "INSERT INTO sale_line (sale_id, product_id, line_no, code, name, quantity, unit_price,"
    " vat_rate_bp, total, discount, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_VAT = "INSERT INTO sale_vat (sale_id, rate_bp, gross, net, vat) VALUES (?, ?, ?, ?, ?)"
_INSERT_PAYMENT = (
    "INSERT INTO sale_payment (sale_id, position, method, amount, tendered) VALUES (?, ?, ?, ?, ?)"
)


def record_sale(
    cart: Cart,
    *,
    till_no: int,
    seller: str,
    currency: str,
    store: str = "",
    print_receipt: bool = True,
    loyalty_program: LoyaltyProgram | None = None,
    account_credit: int = 0,
    minor_per_unit: int = 100,
    header: ReceiptHeader | None = None,
    now: datetime | None = None,
    points_limit: Callable[[str], tuple[int, str]] | None = None,
) -> RecordedSale:
    """Write a settled sale, its outbox entry and its receipt's print job (the drawer opens on
    cash sales) in one durable transaction. ``header``: what its receipt prints from the
    configuration, kept with it (with the customer's name) for copies.

    This is the hottest write of the register, so it uses prepared SQL rather than the
    query builder: the whole transaction is a handful of statements and one fsync.
    ``account_credit``: how far into debt a payment on account may take the customer.
    ``minor_per_unit``: of the sale's currency (points are earned per whole unit spent).
    ``points_limit``: customer id → (points they may spend now, why not more), checked again
    here: a till may have gone offline since the points were offered.
    """
    if not cart.is_settled:
        raise InvalidSale(N_("The sale is not fully paid."))
    paid_by_points = cart.points_discount or any(
        p.method is PaymentMethod.POINTS for p in cart.payments
    )
    if paid_by_points and not (loyalty_program and cart.customer and cart.customer.enrolled):
        raise InvalidSale(
            N_("Points paid, but no customer with a card is attached to take them from.")
        )
    if loyalty_program and cart.points_discount % loyalty_program.point_value:
        raise InvalidSale(
            N_("Points pay in steps of {step}, a point's worth in minor units."),
            step=loyalty_program.point_value,
        )
    created_at = (now or datetime.now(UTC)).isoformat()
    product_ids = [line.item.product_id for line in cart.lines]
    prices = [line.price for line in cart.lines]
    draft = RecordedSale(
        id=new_id(),
        till_no=till_no,
        receipt_no=0,
        receipt_code="",
        created_at=created_at,
        seller=seller,
        currency=currency,
        total=cart.total,
        item_count=cart.item_count,
        change_given=cart.change,
        lines=tuple(
            RecordedLine(
                n,
                line.item.code,
                line.item.name,
                line.quantity,
                price.unit_price,
                price.vat_rate_bp,
                price.total,
                price.discount,
                price.note,
            )
            for n, (line, price) in enumerate(zip(cart.lines, prices, strict=True), start=1)
        ),
        vat=tuple(cart.vat),
        payments=tuple(cart.payments),
        store=store,
        customer=cart.customer,
        prices_excl_tax=cart.prices_excl_tax,
        tax_free=cart.tax_free,
        header=header.naming(cart.customer) if header else None,
    )
    with database.atomic():
        cursor = database.cursor()
        sale = journal_sale(draft, product_ids, cursor)
        move_stock(cursor, product_ids, sale.lines)
        if any(p.method is PaymentMethod.ACCOUNT for p in sale.payments):
            _charge_account(sale, account_credit, cursor)
        if loyalty_program and cart.customer and cart.customer.enrolled:
            sale = _points(
                sale, cart, cart.customer, loyalty_program, minor_per_unit, cursor, points_limit
            )
        if cart.coupon is not None:
            sale = _use_coupon(sale, cart, cursor)
        if print_receipt:
            cash = any(p.method is PaymentMethod.CASH for p in sale.payments)
            print_jobs.enqueue(sale.id, "receipt", cash, now=created_at, cursor=cursor)
    return sale


def journal_sale(draft: RecordedSale, product_ids: list[str], cursor) -> RecordedSale:
    """Number the sale, chain it to the one before on its till and write it with its outbox
    row. Call inside the transaction (which holds the write lock, so numbers never collide)."""
    till_no = draft.till_no
    last = cursor.execute(_LAST_SALE, (till_no,)).fetchone()
    receipt_no, previous_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    sale = replace(draft, receipt_no=receipt_no, receipt_code=receipt_code(till_no, receipt_no))
    payload = sale_payload(sale, product_ids)
    kept_header = None
    if "receipt_header" in payload:  # the name kept apart from what is hashed: format 2
        header = _unless_erased(payload["receipt_header"], payload["customer_id"], cursor)
        kept_header, payload["receipt_header"] = journal_names.seal(header)
    journal_hash = chain_hash(previous_hash, payload)
    cursor.execute(
        _INSERT_SALE,
        (
            sale.id,
            till_no,
            receipt_no,
            sale.receipt_code,
            sale.created_at,
            sale.seller,
            sale.currency,
            sale.total,
            sale.item_count,
            sale.change_given,
            previous_hash,
            journal_hash,
            payload["customer_id"],
            sale.store,
            sale.prices_excl_tax,
            sale.tax_free,
            sale.refund_of_id,
            _header_json(kept_header),
        ),
    )
    cursor.executemany(
        _INSERT_LINE,
        [
            _line_row(sale.id, product_id, line)
            for line, product_id in zip(sale.lines, product_ids, strict=True)
        ],
    )
    cursor.executemany(_INSERT_VAT, [(sale.id, *vat.values()) for vat in payload["vat"]])
    cursor.executemany(
        _INSERT_PAYMENT,
        [(sale.id, n, *p.values()) for n, p in enumerate(payload["payments"], 1)],
    )
    if payload["customer_id"]:
        customer_stats.count_sale(
            cursor,
            payload["customer_id"],
            sale.created_at,
            sale.total,
            refund=sale.refund_of_id is not None,
        )
    outbox.append("sale", sale.id, "create", payload, sale.created_at, cursor=cursor)
    journal_seal.close(sale_chain(till_no), receipt_no, journal_hash, cursor)
    return sale


def _unless_erased(header: dict[str, Any], customer_id: str | None, cursor) -> dict[str, Any]:
    """A cart that was open while its customer was anonymised still holds their old name:
    the journal records the anonymous one."""
    if not header.get("customer_name") or not customer_id:
        return header
    row = cursor.execute(
        "SELECT anonymised_at FROM customer WHERE id = ?", (customer_id,)
    ).fetchone()
    return {**header, "customer_name": ANONYMOUS_NAME} if row and row[0] else header


def move_stock(cursor, product_ids: list[str], lines: tuple[RecordedLine, ...]) -> None:
    """Sold units leave the stock; returned ones (negative quantities) come back."""
    cursor.executemany(
        _TAKE_STOCK,
        [(line.quantity, pid) for line, pid in zip(lines, product_ids, strict=True)],
    )


def _charge_account(sale: RecordedSale, credit: int, cursor) -> None:
    """Take what the account paid from the customer's account, within its balance plus the
    credit the shop allows them."""
    from storage import accounts

    if sale.customer is None:
        raise InvalidSale(N_("Paid on account, but no customer is attached."))
    charged = sum(p.amount for p in sale.payments if p.method is PaymentMethod.ACCOUNT)
    available = accounts.balance(sale.customer.id, cursor) + credit
    if charged > available:
        raise InvalidSale(N_("The customer's account does not cover this payment."))
    accounts.add_entry(
        sale.customer.id,
        accounts.SALE,
        -charged,
        actor=f"till {sale.till_no} ({sale.seller})",
        at=sale.created_at,
        sale_id=sale.id,
        cursor=cursor,
    )


def _line_row(sale_id: str, product_id: str, line: RecordedLine) -> tuple:
    return (
        sale_id,
        product_id,
        line.line_no,
        line.code,
        line.name,
        line.quantity,
        line.unit_price,
        line.vat_rate_bp,
        line.total,
        line.discount,
        line.note,
    )


def _points(
    sale: RecordedSale,
    cart: Cart,
    customer: SaleCustomer,
    program: LoyaltyProgram,
    minor_per_unit: int,
    cursor,
    points_limit: Callable[[str], tuple[int, str]] | None = None,
) -> RecordedSale:
    """Spend the points that paid, earn on what money paid: both in the sale's transaction."""
    from storage.loyalty import add_movement, effective_balance

    paid_by_points = sum(p.amount for p in cart.payments if p.method is PaymentMethod.POINTS)
    spent = (paid_by_points + cart.points_discount) // program.point_value
    earned = points_earned(
        [(line.item.category, line.total) for line in cart.lines if line.item.discountable],
        program,
        excluded_customer=customer.excluded_from_promotions,
        paid_with_points=paid_by_points,
        minor_per_unit=minor_per_unit,
    )
    actor = f"till {sale.till_no} ({sale.seller})"
    available = effective_balance(customer.id, program)
    if spent > available:
        raise InvalidSale(
            N_("The customer has {available} points, not the {spent} this sale spends."),
            available=available,
            spent=spent,
        )
    if spent and points_limit is not None:
        limit, why = points_limit(customer.id)
        if spent > limit:
            if why:
                raise InvalidSale(why)  # the loyalty service's own words
            raise InvalidSale(
                N_("At most {limit} points can be spent, not {spent}."), limit=limit, spent=spent
            )
    if spent:
        add_movement(
            customer.id,
            "spend",
            -spent,
            actor=actor,
            at=sale.created_at,
            sale_id=sale.id,
            cursor=cursor,
        )
    if earned:
        add_movement(
            customer.id,
            "earn",
            earned,
            actor=actor,
            at=sale.created_at,
            sale_id=sale.id,
            cursor=cursor,
        )
    return replace(
        sale, points_earned=earned, points_spent=spent, points_balance=available - spent + earned
    )


def _use_coupon(sale: RecordedSale, cart: Cart, cursor) -> RecordedSale:
    """Mark the sale's coupon used (docs/campaigns.md) and credit its bonus points, if any."""
    from storage.campaigns import redeem
    from storage.loyalty import add_movement
    from till.core.coupons import BONUS_POINTS, NO_CARD
    from till.core.line_notes import coupon_note

    coupon = cart.coupon
    assert coupon is not None
    if coupon.kind != BONUS_POINTS and not cart.coupon_discount:
        return sale  # nothing was taken off (no line could take it): the coupon stays unused
    redeem(coupon, sale.id, f"{sale.till_no:02d}", sale.created_at, cursor)
    if coupon.kind != BONUS_POINTS:
        return sale
    if not (cart.customer and cart.customer.enrolled):
        raise InvalidSale(NO_CARD, code=coupon.code)
    add_movement(
        cart.customer.id,
        "earn",
        coupon.value,
        actor=f"till {sale.till_no} ({sale.seller})",
        at=sale.created_at,
        reason=coupon_note(coupon.campaign),
        sale_id=sale.id,
        cursor=cursor,
    )
    balance = None if sale.points_balance is None else sale.points_balance + coupon.value
    return replace(sale, points_earned=sale.points_earned + coupon.value, points_balance=balance)


def sale_payload(sale: RecordedSale, product_ids: list[str]) -> dict[str, Any]:
    """The sale as the journal hashes it and the back office receives it. Keys added after the
    first release appear only when they say something, so older sales hash as they did."""
    payload = {
        "id": sale.id,
        "till_no": sale.till_no,
        "receipt_no": sale.receipt_no,
        "receipt_code": sale.receipt_code,
        "created_at": sale.created_at,
        "seller": sale.seller,
        "currency": sale.currency,
        "total": sale.total,
        "item_count": sale.item_count,
        "change_given": sale.change_given,
        "store": sale.store,
        "customer_id": sale.customer.id if sale.customer else None,
        "prices_excl_tax": sale.prices_excl_tax,
        "lines": [
            {
                "line_no": line.line_no,
                "product_id": product_id,
                "code": line.code,
                "name": line.name,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "vat_rate_bp": line.vat_rate_bp,
                "total": line.total,
                **({"discount": line.discount} if line.discount else {}),
                **({"note": line.note} if line.note else {}),
            }
            for line, product_id in zip(sale.lines, product_ids, strict=True)
        ],
        "vat": [
            {"rate_bp": v.rate_bp, "gross": v.gross, "net": v.net, "vat": v.vat} for v in sale.vat
        ],
        "payments": [
            {"method": str(p.method), "amount": p.amount, "tendered": p.tendered}
            for p in sale.payments
        ],
    }
    if sale.tax_free:
        payload["tax_free"] = True
    if sale.refund_of_id:
        payload["refund_of"] = sale.refund_of_id
    if sale.header is not None:
        payload["receipt_header"] = sale.header.to_json()
    return payload


def _header_json(header: dict[str, Any] | None) -> str | None:
    return None if header is None else json.dumps(header, ensure_ascii=False)


def chain_hash(previous_hash: str, payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((previous_hash + canonical).encode()).hexdigest()


def get_sale(code: str) -> RecordedSale:
    """A sale by its receipt code (``01-000042``)."""
    sale = Sale.get_or_none(Sale.receipt_code == code)
    if sale is None:
        raise SaleNotFound(N_("No sale has the receipt number {code}."), code=code)
    return _recorded(sale)


def get_sale_by_id(sale_id: str) -> RecordedSale:
    sale = Sale.get_or_none(Sale.id == sale_id)
    if sale is None:
        raise SaleNotFound(N_("No sale has the id {id}."), id=sale_id)
    return _recorded(sale)


def get_sale_by_number(till_no: int, receipt_no: int) -> RecordedSale:
    return get_sale(receipt_code(till_no, receipt_no))


def last_sale(till_no: int) -> RecordedSale | None:
    sale = Sale.select().where(Sale.till_no == till_no).order_by(Sale.receipt_no.desc()).first()
    return _recorded(sale) if sale else None


def sale_count() -> int:
    return Sale.select(fn.COUNT(Sale.id)).scalar()


def verify_journal(till_no: int) -> list[str]:
    """Receipt codes whose hash does not follow from the sale before it (empty when intact).
    A sale whose customer's name was erased (storage/journal_names.py) verifies by its
    digest (format 2) or by its recorded redaction (format 1); a kept name that no longer
    gives its digest is a broken sale."""
    broken = []
    previous_hash = GENESIS_HASH
    redacted: dict[str, str] = {
        row.sale_id: row.residual_hash
        for row in JournalRedaction.select(
            JournalRedaction.sale_id, JournalRedaction.residual_hash
        ).where(JournalRedaction.till_no == till_no)
    }
    for sale in Sale.select().where(Sale.till_no == till_no).order_by(Sale.receipt_no):
        payload, kept = journal_payload(sale)
        expected = chain_hash(previous_hash, payload)
        follows = sale.journal_hash == expected or redacted.get(sale.id) == expected
        if (
            sale.previous_hash != previous_hash
            or not follows
            or (kept is not None and not journal_names.name_intact(kept))
        ):
            broken.append(sale.receipt_code)
        previous_hash = sale.journal_hash
    return broken


def erased_names(till_no: int) -> tuple[int, int]:
    """Sales of the till whose customer's name was erased on request, and how many of them
    verify by their recorded redaction (format 1) rather than their own hash."""
    erased = redacted = 0
    for row in JournalRedaction.select(JournalRedaction.journal_format).where(
        JournalRedaction.till_no == till_no
    ):
        erased += 1
        redacted += row.journal_format == journal_names.FORMAT_1
    return erased, redacted


def journal_payload(sale: Sale) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """What the journal hashes for a stored sale, and the receipt header its row keeps."""
    product_ids = [
        pid
        for (pid,) in tuples(
            SaleLine.select(SaleLine.product_id)
            .where(SaleLine.sale == sale.id)
            .order_by(SaleLine.line_no)
        )
    ]
    payload = sale_payload(_recorded(sale), product_ids)
    kept = json.loads(sale.receipt_header) if sale.receipt_header else None
    if kept is not None:
        payload["receipt_header"] = journal_names.hashed(kept)
    return payload, kept


def _recorded(sale: Sale) -> RecordedSale:
    header = (
        ReceiptHeader.from_json(json.loads(sale.receipt_header)) if sale.receipt_header else None
    )
    lines = SaleLine.select().where(SaleLine.sale == sale.id).order_by(SaleLine.line_no)
    vat = SaleVat.select().where(SaleVat.sale == sale.id).order_by(SaleVat.rate_bp.desc())
    payments = (
        SalePayment.select().where(SalePayment.sale == sale.id).order_by(SalePayment.position)
    )
    return RecordedSale(
        id=sale.id,
        till_no=sale.till_no,
        receipt_no=sale.receipt_no,
        receipt_code=sale.receipt_code,
        created_at=sale.created_at,
        seller=sale.seller,
        currency=sale.currency,
        total=sale.total,
        item_count=sale.item_count,
        change_given=sale.change_given,
        lines=tuple(
            RecordedLine(
                row.line_no,
                row.code,
                row.name,
                row.quantity,
                row.unit_price,
                row.vat_rate_bp,
                row.total,
                row.discount,
                row.note,
            )
            for row in lines
        ),
        vat=tuple(VatLine(row.rate_bp, row.gross, row.net, row.vat) for row in vat),
        payments=tuple(
            Payment(PaymentMethod(row.method), row.amount, row.tendered) for row in payments
        ),
        store=sale.store,
        prices_excl_tax=bool(sale.prices_excl_tax),
        tax_free=bool(sale.tax_free),
        refund_of_id=sale.refund_of,
        refund_of=_receipt_code_of(sale.refund_of),
        customer=_sale_customer(sale.customer_id, header),
        header=header,
        **_sale_points(sale),
    )


def _receipt_code_of(sale_id: str | None) -> str:
    if not sale_id:
        return ""
    row = database.execute_sql("SELECT receipt_code FROM sale WHERE id = ?", (sale_id,)).fetchone()
    return row[0] if row else ""


def _sale_points(sale: Sale) -> dict:
    """The points a recorded sale moved, for its receipt; none for customers not enrolled."""
    if not sale.customer_id:
        return {}
    moves, earned, spent = database.execute_sql(
        "SELECT COUNT(*),"
        " COALESCE(SUM(CASE WHEN kind = 'earn' OR (kind = 'return' AND points < 0)"
        " THEN points END), 0),"
        " COALESCE(-SUM(CASE WHEN kind = 'spend' OR (kind = 'return' AND points > 0)"
        " THEN points END), 0)"
        " FROM loyalty_entry WHERE sale_id = ?",
        (sale.id,),
    ).fetchone()
    has_card = database.execute_sql(
        "SELECT card_number IS NOT NULL FROM customer WHERE id = ?", (sale.customer_id,)
    ).fetchone()
    if not moves and not (has_card and has_card[0]):
        return {}
    # TOTAL, not SUM: a ledger written before points were bounded may hold more than SQLite's
    # 64-bit integers, and SUM would then fail every receipt and journal check of this customer
    (balance,) = database.execute_sql(
        "SELECT TOTAL(points) FROM loyalty_entry WHERE customer_id = ? AND created_at <= ?",
        (sale.customer_id, sale.created_at),
    ).fetchone()
    return {"points_earned": earned, "points_spent": spent, "points_balance": int(balance)}


def _sale_customer(customer_id: str | None, header: ReceiptHeader | None) -> SaleCustomer | None:
    """The sale's customer under the name its receipt printed (today's for older sales)."""
    if not customer_id:
        return None
    row = (
        Customer.select(
            Customer.code,
            Customer.kind,
            Customer.last_name,
            Customer.first_name,
            Customer.company,
            Customer.language,
        )
        .where(Customer.id == customer_id)
        .tuples()
        .first()
    )
    if row is None:
        return SaleCustomer(customer_id, "", header.customer_name if header else "")
    code, kind, last, first, company, language = row
    name = header.customer_name if header else display_name(kind, last, first, company)
    return SaleCustomer(customer_id, code, name, language=language or "")
