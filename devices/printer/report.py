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
from till.i18n import N_, _

LABELS = {str(method): label for method, label in PAYMENT_LABELS.items()}
HEADINGS = {
    ClosureKind.DAY: N_("Z REPORT No {number}"),
    ClosureKind.MONTH: N_("MONTHLY CLOSURE No {number}"),
    ClosureKind.YEAR: N_("YEARLY CLOSURE No {number}"),
}


def build_closure_report(closure: Closure, layout: ReceiptLayout) -> ReceiptDocument:
    """The closure (or the X report) on paper, in the till's language (``till.i18n``)."""
    width, money = layout.width, layout.money.for_print
    formats = formats_for(layout.money.locale)

    def moment(value: str, otherwise: str) -> str:
        return for_print(formats.date_time(value)) if value else otherwise

    def pair(left: str, right: str, *, bold: bool = False) -> Text:
        return Text(columns(left, right, width), bold=bold)

    blocks: list[Block] = [Text(layout.store_name, "center", bold=True, large=True)]
    blocks += [Text(line, "center") for line in layout.address]
    if layout.vat_number:
        blocks.append(Text(_("VAT {number}").format(number=layout.vat_number), "center"))
    blocks.append(Rule())
    if closure.is_x:
        blocks += [
            Text(_("X REPORT"), "center", bold=True, large=True),
            Text(_("Not a closure: the day stays open"), "center"),
        ]
    else:
        heading = _(HEADINGS[closure.kind]).format(number=closure.number)
        blocks.append(Text(heading, "center", bold=True, large=True))
    blocks += [
        pair(
            _("Till {till}").format(till=closure.till_no),
            _("Period {period}").format(period=closure.period),
        ),
        pair(_("From"), moment(closure.opened_at, _("the first sale"))),
        pair(_("To"), moment(closure.closed_at, "-")),
    ]
    if not closure.is_x:
        blocks.append(pair(_("Taken"), moment(closure.created_at, "-")))
        blocks.append(Text(_("By {name}").format(name=closure.actor)[:width]))
        if closure.approved_by:
            approved = _("Approved by {name}").format(name=closure.approved_by)
            blocks.append(Text(approved[:width]))
    if closure.receipt_count:
        span = _("{first} to {last}").format(first=closure.first_receipt, last=closure.last_receipt)
        blocks.append(pair(_("Receipts ({count})").format(count=closure.receipt_count), span))
    else:
        blocks.append(pair(_("Receipts"), _("none")))
    totals = closure.totals
    blocks += [
        Rule(),
        pair(_("Sales ({count})").format(count=totals.sales_count), money(totals.sales_total)),
        pair(
            _("Refunds ({count})").format(count=totals.refunds_count), money(totals.refunds_total)
        ),
        Text(columns(_("NET TOTAL"), money(totals.net_total), width), bold=True, large=True),
        Rule(),
        Text(_("Payments"), bold=True),
    ]
    for method, amount in totals.by_method:
        label = _(LABELS[method]) if method in LABELS else method
        blocks.append(pair(f"  {label}", money(amount)))
    if not totals.by_method:
        blocks.append(Text("  " + _("none")))
    headings = (_("VAT"), _("Net"), _("Tax"), _("Gross"))
    blocks += [Rule(), Text(vat_row(headings, width), bold=True)]
    for line in totals.vat:
        cells = (for_print(formats.rate(line.rate_bp)), money(line.net), money(line.vat))
        blocks.append(Text(vat_row((*cells, money(line.gross)), width)))
    net, tax, gross = (sum(getattr(v, f) for v in totals.vat) for f in ("net", "vat", "gross"))
    blocks.append(Text(vat_row((_("Total"), money(net), money(tax), money(gross)), width)))
    if closure.cash is not None:
        cash = closure.cash
        blocks += [
            Rule(),
            Text(_("Cash drawer"), bold=True),
            pair("  " + _("Float"), money(cash.opening)),
            pair("  " + _("Cash taken, less refunds"), money(totals.cash)),
            pair("  " + _("Cash refunded"), money(totals.cash_refunded)),
            pair("  " + _("Expected"), money(cash.expected), bold=True),
        ]
        if cash.counted is None or cash.difference is None:
            blocks.append(pair("  " + _("Counted"), _("not counted")))
        else:
            blocks.append(pair("  " + _("Counted"), money(cash.counted)))
            blocks.append(pair("  " + _("Difference"), money(cash.difference), bold=True))
    blocks += [
        Rule(),
        pair(_("Grand total"), money(closure.grand.total), bold=True),
        pair(_("Grand total absolute"), money(closure.grand.absolute)),
        Rule(),
        pair(_("Journal ends at"), closure.head_receipt or _("no sale yet")),
    ]
    if closure.head.journal_hash:
        blocks += _hex("  ", closure.head.journal_hash, width)
    if closure.hash:
        blocks.append(Text(_("Seal")))
        blocks += _hex("  ", closure.hash, width)
        blocks.append(Text(_("Signature (Ed25519)")))
        blocks += _hex("  ", closure.signature, width)
    if closure.is_x:
        blocks += [Rule(), Text(_("X REPORT - NOT A CLOSURE"), "center", bold=True)]
    return ReceiptDocument(width, tuple(blocks))


def _hex(indent: str, digits: str, width: int) -> list[Block]:
    """A long hexadecimal value over as many lines as the paper needs, nothing cut."""
    room = max(width - len(indent), 8)
    return [Text(indent + digits[i : i + room]) for i in range(0, len(digits), room)]
