"""The Z, monthly and yearly closures and the X report as a receipt document: what the printer,
the screen and the tests read. Printed in full: the period, the totals, payments, VAT, the
drawer, the grand totals, the end of the sales journal, and the closure's seal and signature,
so that the paper anchors the chain outside the database (docs/closures.md)."""

from __future__ import annotations

from devices.printer.receipt import Block, ReceiptDocument, ReceiptLayout, Rule, Text
from devices.printer.receipt import _columns as columns
from devices.printer.receipt import _vat_row as vat_row
from till.core.closures import Closure, ClosureKind
from till.core.formats import for_print, formats_for
from till.core.sale import PAYMENT_LABELS

LABELS = {str(method): label for method, label in PAYMENT_LABELS.items()}
HEADINGS = {
    ClosureKind.DAY: "Z REPORT",
    ClosureKind.MONTH: "MONTHLY CLOSURE",
    ClosureKind.YEAR: "YEARLY CLOSURE",
}


def build_closure_report(closure: Closure, layout: ReceiptLayout) -> ReceiptDocument:
    width, money = layout.width, layout.money.for_print
    formats = formats_for(layout.money.locale)

    def moment(value: str, otherwise: str) -> str:
        return for_print(formats.date_time(value)) if value else otherwise

    def pair(left: str, right: str, *, bold: bool = False) -> Text:
        return Text(columns(left, right, width), bold=bold)

    blocks: list[Block] = [Text(layout.store_name, "center", bold=True, large=True)]
    blocks += [Text(line, "center") for line in layout.address]
    if layout.vat_number:
        blocks.append(Text(f"VAT {layout.vat_number}", "center"))
    blocks.append(Rule())
    if closure.is_x:
        blocks += [
            Text("X REPORT", "center", bold=True, large=True),
            Text("Not a closure: the day stays open", "center"),
        ]
    else:
        heading = f"{HEADINGS[closure.kind]} No {closure.number}"
        blocks.append(Text(heading, "center", bold=True, large=True))
    blocks += [
        pair(f"Till {closure.till_no}", f"Period {closure.period}"),
        pair("From", moment(closure.opened_at, "the first sale")),
        pair("To", moment(closure.closed_at, "-")),
    ]
    if not closure.is_x:
        blocks.append(pair("Taken", moment(closure.created_at, "-")))
        blocks.append(Text(f"By {closure.actor}"[:width]))
        if closure.approved_by:
            blocks.append(Text(f"Approved by {closure.approved_by}"[:width]))
    if closure.receipt_count:
        span = f"{closure.first_receipt} to {closure.last_receipt}"
        blocks.append(pair(f"Receipts ({closure.receipt_count})", span))
    else:
        blocks.append(pair("Receipts", "none"))
    totals = closure.totals
    blocks += [
        Rule(),
        pair(f"Sales ({totals.sales_count})", money(totals.sales_total)),
        pair(f"Refunds ({totals.refunds_count})", money(totals.refunds_total)),
        Text(columns("NET TOTAL", money(totals.net_total), width), bold=True, large=True),
        Rule(),
        Text("Payments", bold=True),
    ]
    for method, amount in totals.by_method:
        label = LABELS.get(method, method)
        blocks.append(pair(f"  {label}", money(amount)))
    if not totals.by_method:
        blocks.append(Text("  none"))
    blocks += [Rule(), Text(vat_row(("VAT", "Net", "Tax", "Gross"), width), bold=True)]
    for line in totals.vat:
        cells = (for_print(formats.rate(line.rate_bp)), money(line.net), money(line.vat))
        blocks.append(Text(vat_row((*cells, money(line.gross)), width)))
    net, tax, gross = (sum(getattr(v, f) for v in totals.vat) for f in ("net", "vat", "gross"))
    blocks.append(Text(vat_row(("Total", money(net), money(tax), money(gross)), width)))
    if closure.cash is not None:
        cash = closure.cash
        blocks += [
            Rule(),
            Text("Cash drawer", bold=True),
            pair("  Float", money(cash.opening)),
            pair("  Cash taken, less refunds", money(totals.cash)),
            pair("  Cash refunded", money(totals.cash_refunded)),
            pair("  Expected", money(cash.expected), bold=True),
        ]
        if cash.counted is None or cash.difference is None:
            blocks.append(pair("  Counted", "not counted"))
        else:
            blocks.append(pair("  Counted", money(cash.counted)))
            blocks.append(pair("  Difference", money(cash.difference), bold=True))
    blocks += [
        Rule(),
        pair("Grand total", money(closure.grand.total), bold=True),
        pair("Grand total absolute", money(closure.grand.absolute)),
        Rule(),
        pair("Journal ends at", closure.head_receipt or "no sale yet"),
    ]
    if closure.head.journal_hash:
        blocks += _hex("  ", closure.head.journal_hash, width)
    if closure.hash:
        blocks.append(Text("Seal"))
        blocks += _hex("  ", closure.hash, width)
        blocks.append(Text("Signature (Ed25519)"))
        blocks += _hex("  ", closure.signature, width)
    if closure.is_x:
        blocks += [Rule(), Text("X REPORT - NOT A CLOSURE", "center", bold=True)]
    return ReceiptDocument(width, tuple(blocks))


def _hex(indent: str, digits: str, width: int) -> list[Block]:
    """A long hexadecimal value over as many lines as the paper needs, nothing cut."""
    room = max(width - len(indent), 8)
    return [Text(indent + digits[i : i + room]) for i in range(0, len(digits), room)]
