"""Returns: a refund is a sale of its own in the journal, with negative lines, linked to the
sale it refunds; stock, points and the customer's account follow in the same transaction."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from storage import print_jobs
from storage.ids import new_id
from storage.models import database
from storage.sales import get_sale, journal_sale, move_stock
from till.core.loyalty import LoyaltyProgram
from till.core.reasons import return_reason
from till.core.returns import PointsBack, Returnable, ReturnableLine, points_back, return_lines
from till.core.sale import Payment, PaymentMethod, ReceiptHeader, RecordedSale
from till.core.tax import vat_breakdown
from till.core.words import N_
from till.errors import InvalidSale

REFUND_METHODS = (PaymentMethod.CASH, PaymentMethod.CARD, PaymentMethod.ACCOUNT)


def returnable(receipt_code: str) -> Returnable:
    """The sale with that receipt number, and how much of each line came back already."""
    sale = get_sale(receipt_code.strip())
    if sale.refund_of_id:
        raise InvalidSale(
            N_("{receipt} is itself a refund: find the sale it refunds."),
            receipt=sale.receipt_code,
        )
    returned = dict(
        database.execute_sql(
            "SELECT l.line_no, -SUM(l.quantity) FROM sale s JOIN sale_line l ON l.sale_id = s.id"
            " WHERE s.refund_of = ? GROUP BY l.line_no",
            (sale.id,),
        ).fetchall()
    )
    (refunded,) = database.execute_sql(
        "SELECT COALESCE(-SUM(total), 0) FROM sale WHERE refund_of = ?", (sale.id,)
    ).fetchone()
    lines = tuple(ReturnableLine(line, returned.get(line.line_no, 0)) for line in sale.lines)
    return Returnable(sale, lines, refunded)


def record_return(
    receipt_code: str,
    quantities: dict[int, int],
    method: PaymentMethod,
    *,
    till_no: int,
    seller: str,
    currency: str,
    store: str = "",
    approved_by: str = "manager",
    loyalty_program: LoyaltyProgram | None = None,
    print_receipt: bool = True,
    header: ReceiptHeader | None = None,
    now: datetime | None = None,
) -> RecordedSale:
    """Refund ``quantities`` (line number → units) of a sale by ``method``, in one durable
    transaction: the refund in the journal, stock back, points reversed, a credit note on the
    customer's account when the refund is one, and the refund's receipt to print."""
    if method not in REFUND_METHODS:
        raise InvalidSale(N_("A refund is paid in cash, by card or as a credit note."))
    created_at = (now or datetime.now(UTC)).isoformat()
    with database.atomic():
        cursor = database.cursor()
        original = returnable(receipt_code)  # read inside the lock: two tills cannot both return
        sale = original.sale
        if method is PaymentMethod.ACCOUNT and sale.customer is None:
            raise InvalidSale(
                N_("A credit note needs the sale's customer: refund in cash or by card.")
            )
        lines = return_lines(original, quantities)
        refund = -sum(line.total for line in lines)
        program = loyalty_program or LoyaltyProgram()
        points = points_back(sale, original.refunded, refund, program.point_value)
        money_back = refund - points.money_in_points
        payments = [
            Payment(paid_by, -amount, -amount)  # a refund hands back exactly its amount
            for paid_by, amount in (
                (method, money_back),
                (PaymentMethod.POINTS, points.money_in_points),
            )
            if amount
        ]
        draft = RecordedSale(
            id=new_id(),
            till_no=till_no,
            receipt_no=0,
            receipt_code="",
            created_at=created_at,
            seller=seller,
            currency=currency,
            total=-refund,
            item_count=sum(line.quantity for line in lines),
            change_given=0,
            lines=lines,
            vat=tuple(vat_breakdown((line.vat_rate_bp, line.total) for line in lines)),
            payments=tuple(payments),
            store=store,
            customer=sale.customer,
            prices_excl_tax=sale.prices_excl_tax,
            tax_free=sale.tax_free,
            refund_of_id=sale.id,
            refund_of=sale.receipt_code,
            header=header.naming(sale.customer) if header else None,
        )
        product_ids = _product_ids(sale.id, [line.line_no for line in lines])
        recorded = journal_sale(draft, product_ids, cursor)
        move_stock(cursor, product_ids, recorded.lines)
        actor = f"till {till_no} ({seller}), approved by {approved_by}"
        if sale.customer and (points.earned_taken_back or points.spent_given_back):
            recorded = _move_points(recorded, sale.customer.id, points, actor, cursor)
        account_refund = sum(p.amount for p in payments if p.method is PaymentMethod.ACCOUNT)
        if account_refund:
            from storage import accounts

            assert sale.customer is not None  # a credit note without a customer was refused above
            accounts.add_entry(
                sale.customer.id,
                accounts.CREDIT_NOTE,
                -account_refund,
                actor=actor,
                at=created_at,
                reason=return_reason(sale.receipt_code),
                sale_id=recorded.id,
                cursor=cursor,
            )
        if print_receipt:
            cash = method is PaymentMethod.CASH
            print_jobs.enqueue(recorded.id, "receipt", cash, now=created_at, cursor=cursor)
    return recorded


def _product_ids(sale_id: str, line_numbers: list[int]) -> list[str]:
    rows = dict(
        database.execute_sql(
            "SELECT line_no, product_id FROM sale_line WHERE sale_id = ?", (sale_id,)
        ).fetchall()
    )
    return [rows[n] for n in line_numbers]


def _move_points(
    sale: RecordedSale, customer_id: str, points: PointsBack, actor: str, cursor
) -> RecordedSale:
    from storage.loyalty import add_movement, balance

    reason = return_reason(sale.refund_of)
    if points.earned_taken_back:
        add_movement(
            customer_id,
            "return",
            -points.earned_taken_back,
            actor=actor,
            at=sale.created_at,
            reason=reason,
            sale_id=sale.id,
            cursor=cursor,
        )
    if points.spent_given_back:
        add_movement(
            customer_id,
            "return",
            points.spent_given_back,
            actor=actor,
            at=sale.created_at,
            reason=reason,
            sale_id=sale.id,
            cursor=cursor,
        )
    return replace(
        sale,
        points_earned=-points.earned_taken_back,
        points_spent=-points.spent_given_back,
        points_balance=balance(customer_id),
    )
