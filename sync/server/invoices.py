"""The back office's copy of every till's invoices and credit notes (docs/invoices.md,
"Sync"): kept once whatever the number of pushes, and a number of a till's series is one
invoice only: another invoice under a number the server holds is refused."""

from __future__ import annotations

import json

from sync.protocol import Change
from sync.refusals import INVOICE_TAKEN
from sync.server.errors import Conflict
from sync.server.models import ServerInvoice
from till.core.moments import utc_text


def apply_invoice(till: str, change: Change) -> None:
    payload = change.payload
    held = ServerInvoice.get_or_none(ServerInvoice.code == payload["code"])
    if held is not None:
        if held.id != payload["id"]:
            raise Conflict(INVOICE_TAKEN, number=payload["code"], till=till)
        return  # the same invoice again
    document = payload["document"]
    total = sum(band["net"] + band["vat"] for band in document["vat"])
    ServerInvoice.insert(
        id=payload["id"],
        till=till,
        till_no=payload["till_no"],
        number=payload["number"],
        code=payload["code"],
        kind=payload["kind"],
        sale_id=payload["sale_id"],
        credits_id=payload.get("credits_id"),
        customer_id=payload.get("customer_id"),
        issued_at=utc_text(payload["issued_at"]),
        issue_date=document["issue_date"],
        due_date=document["due_date"],
        currency=document["currency"],
        total=total,
        due=total - document["paid"],
        actor=payload["actor"],
        document=json.dumps(document, ensure_ascii=False, sort_keys=True),
    ).on_conflict_ignore().execute()
