"""Invoices and credit notes as issued: numbered per till without a gap, in the transaction
that keeps them, one per sale (docs/invoices.md). The table is append-only (its triggers come
from migration 26): a document issued is corrected by a credit note, never changed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from storage import events, outbox
from storage.customer_pointer import ids_counted_as
from storage.ids import new_id
from storage.models import database
from till.core.invoice import Invoice, InvoiceKind, InvoiceRefused, invoice_code
from till.core.words import N_
from till.errors import TillError


class InvoiceNotFound(TillError):
    """No invoice carries the number asked for."""


@dataclass(frozen=True)
class StoredInvoice:
    """An invoice as kept: its row's id, who issued it and when, and the document."""

    id: str
    till_no: int
    issued_at: str
    actor: str
    invoice: Invoice


_COLUMNS = "id, till_no, issued_at, actor, document"
_LAST = (
    "SELECT number, issue_date, code FROM invoice WHERE till_no = ? ORDER BY number DESC LIMIT 1"
)
_INSERT = (
    "INSERT INTO invoice (id, till_no, number, code, kind, sale_id, credits_id, customer_id,"
    " issued_at, issue_date, due_date, currency, net, tax, total, due, actor, document)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def for_sale(sale_id: str) -> StoredInvoice | None:
    """The invoice (or credit note) of a sale, if one was issued."""
    row = database.execute_sql(
        f"SELECT {_COLUMNS} FROM invoice WHERE sale_id = ?", (sale_id,)
    ).fetchone()
    return _stored(row) if row else None


def get_invoice(code: str) -> StoredInvoice:
    """An invoice by its number (``F01-000042``)."""
    row = database.execute_sql(
        f"SELECT {_COLUMNS} FROM invoice WHERE code = ?", (code.strip().upper(),)
    ).fetchone()
    if row is None:
        raise InvoiceNotFound(N_("No invoice has the number {code}."), code=code.strip()[:40])
    return _stored(row)


def numbers(till_no: int) -> list[int]:
    """The numbers of the till's invoices and credit notes, in order (1, 2, 3…: no gap)."""
    rows = database.execute_sql(
        "SELECT number FROM invoice WHERE till_no = ? ORDER BY number", (till_no,)
    )
    return [number for (number,) in rows]


def issue_invoice(
    draft: Invoice,
    *,
    till_no: int,
    customer_id: str | None,
    actor: str,
    credits_id: str | None = None,
    now: datetime | None = None,
    automatic: bool = False,
) -> tuple[StoredInvoice, bool]:
    """Number ``draft`` (the till's next number) and keep it, in one transaction: a crash
    before the commit leaves neither the number nor the invoice, so numbers have no gap.
    The sale's invoice when it already has one (and False: nothing issued). The invoice goes
    to the back office through the outbox, and the event log says who issued it
    (``automatic``: the till did, after the sale, for a customer invoiced automatically)."""
    issued_at = (now or datetime.now(UTC)).isoformat()
    with database.atomic():  # BEGIN IMMEDIATE: two tills or commands never take one number
        existing = for_sale(draft.sale_id)
        if existing is not None:
            return existing, False
        cursor = database.cursor()
        last = cursor.execute(_LAST, (till_no,)).fetchone()
        if last and last[1] > draft.issue_date.isoformat():
            raise InvoiceRefused(
                N_(
                    "The invoice would be dated {date}, before invoice {last} of {last_date}: "
                    "invoices are numbered in date order. Check the till's clock."
                ),
                date=draft.issue_date.isoformat(),
                last=last[2],
                last_date=last[1],
            )
        number = last[0] + 1 if last else 1
        invoice = draft.numbered(invoice_code(till_no, number))
        row_id = new_id()
        document = json.dumps(invoice.to_json(), ensure_ascii=False, sort_keys=True)
        cursor.execute(
            _INSERT,
            (
                row_id,
                till_no,
                number,
                invoice.number,
                str(invoice.kind),
                invoice.sale_id,
                credits_id,
                customer_id,
                issued_at,
                invoice.issue_date.isoformat(),
                invoice.due_date.isoformat(),
                invoice.currency,
                invoice.net,
                invoice.tax,
                invoice.total,
                invoice.due,
                actor,
                document,
            ),
        )
        stored = StoredInvoice(row_id, till_no, issued_at, actor, invoice)
        payload = sync_payload(
            stored, number=number, credits_id=credits_id, customer_id=customer_id
        )
        outbox.append("invoice", row_id, "create", payload, issued_at, cursor=cursor)
        events.record_event(
            events.INVOICE,
            actor,
            {
                "number": invoice.number,
                "kind": str(invoice.kind),
                "receipt": invoice.receipt,
                "total": invoice.total,
                "due": invoice.due,
                "automatic": automatic,
            },
            till_no=till_no,
            at=issued_at,
            cursor=cursor,
        )
    return stored, True


def sync_payload(
    stored: StoredInvoice, *, number: int, credits_id: str | None, customer_id: str | None
) -> dict[str, Any]:
    """The invoice as the back office keeps it (sync/payloads.py checks it): the row's
    columns and the document as issued."""
    invoice = stored.invoice
    return {
        "id": stored.id,
        "till_no": stored.till_no,
        "number": number,
        "code": invoice.number,
        "kind": str(invoice.kind),
        "sale_id": invoice.sale_id,
        "credits_id": credits_id,
        "customer_id": customer_id,
        "issued_at": stored.issued_at,
        "actor": stored.actor,
        "document": invoice.to_json(),
    }


@dataclass(frozen=True)
class InvoiceDue:
    """An invoice of a customer's that was left to pay: what went on their account."""

    number: str
    issue_date: str
    due_date: str
    due: int
    issued_at: str


def left_to_pay(customer_id: str, limit: int = 500) -> list[InvoiceDue]:
    """The customer's invoices (theirs and those of customers merged into them) with an
    amount due, oldest first."""
    ids = ids_counted_as(customer_id)
    marks = ", ".join("?" * len(ids))
    rows = database.execute_sql(
        "SELECT code, issue_date, due_date, due, issued_at FROM invoice"
        f" WHERE customer_id IN ({marks}) AND kind = ? AND due > 0"
        " ORDER BY issue_date, issued_at, code LIMIT ?",
        (*ids, str(InvoiceKind.INVOICE), limit),
    )
    return [InvoiceDue(*row) for row in rows]


def credit_notes_of(invoice_id: str) -> list[str]:
    """The numbers of the credit notes correcting an invoice."""
    rows = database.execute_sql(
        "SELECT code FROM invoice WHERE credits_id = ? AND kind = ? ORDER BY issued_at",
        (invoice_id, str(InvoiceKind.CREDIT_NOTE)),
    )
    return [code for (code,) in rows]


def _stored(row: tuple) -> StoredInvoice:
    row_id, till_no, issued_at, actor, document = row
    return StoredInvoice(row_id, till_no, issued_at, actor, Invoice.from_json(json.loads(document)))
