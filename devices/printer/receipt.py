"""The receipt as a device-independent document: what the printer, the screen and tests read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from till.core.formats import for_print, formats_for
from till.core.money import MoneyFormat
from till.core.sale import PAYMENT_LABELS, PaymentMethod, ReceiptHeader, RecordedSale
from till.core.tax import net_of
from till.core.text import printable
from till.i18n import N_, _, pgettext, plural
from till.price_words import note_words

Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class Text:
    """A line of text; ``large`` is double height (width stays, so columns still fit)."""

    text: str
    align: Align = "left"
    bold: bool = False
    large: bool = False


@dataclass(frozen=True)
class Rule:
    """A separator across the paper."""


@dataclass(frozen=True)
class Barcode:
    """A CODE128 barcode with its text printed below."""

    data: str


@dataclass(frozen=True)
class QrCode:
    """A QR code (printed natively by the printer)."""

    data: str


Block = Text | Rule | Barcode | QrCode


@dataclass(frozen=True)
class ReceiptDocument:
    width: int
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class ReceiptLayout:
    """What a receipt takes from the configuration."""

    store_name: str
    address: tuple[str, ...]
    vat_number: str
    footer: tuple[str, ...]
    width: int
    money: MoneyFormat
    qr: str = ""
    """A QR code template; ``{receipt}`` becomes the receipt number."""
    export_mention: str = N_("Export sale: VAT exempt.")
    """Printed on a tax-free export sale's receipt."""


def receipt_header(layout: ReceiptLayout, customer_name: str = "") -> ReceiptHeader:
    """What a receipt printed today takes from the configuration, to keep with the sale."""
    return ReceiptHeader(
        store_name=layout.store_name,
        address=layout.address,
        vat_number=layout.vat_number,
        footer=layout.footer,
        qr=layout.qr,
        export_mention=layout.export_mention,
        customer_name=customer_name,
    )


def build_receipt(
    sale: RecordedSale, layout: ReceiptLayout, *, duplicate: bool = False
) -> ReceiptDocument:
    """The receipt of a sale, in the till's language (``till.i18n``); a copy printed again
    says DUPLICATE at the top. The store's details and footer are those kept with the sale
    (today's for sales recorded before)."""
    width, money = layout.width, layout.money.for_print
    header = sale.header or receipt_header(layout)
    blocks: list[Block] = [Text(header.store_name, "center", bold=True, large=True)]
    if duplicate:
        blocks.insert(0, Text(_("*** DUPLICATE ***"), "center", bold=True))
    blocks += [Text(line, "center") for line in header.address]
    if header.vat_number:
        blocks.append(Text(_("VAT {number}").format(number=header.vat_number), "center"))
    formats = formats_for(layout.money.locale)
    when = for_print(formats.date_time(sale.created_at))
    blocks += [
        Rule(),
        Text(_columns(_("Receipt {code}").format(code=sale.receipt_code), when, width)),
        Text(
            _("Till {till}  Seller {seller}").format(till=sale.till_no, seller=sale.seller)[:width]
        ),
    ]
    if sale.customer:
        code = _("Customer {code}").format(code=sale.customer.code)
        who = f"{code} {sale.customer.name}"
        if len(who) > width:  # the name on a line of its own rather than cut
            blocks.append(Text(code[:width]))
            who = sale.customer.name
        blocks.append(Text(who[:width]))
    if sale.refund_of:
        refund = _("REFUND of receipt {code}").format(code=sale.refund_of)
        blocks.append(Text(refund[:width], bold=True))
    blocks.append(Rule())
    excl = sale.prices_excl_tax
    for line in sale.lines:
        rate = line.vat_rate_bp if excl else 0
        before = net_of(line.total + line.discount, rate)
        blocks.append(Text(_columns(line.name, money(before), width)))
        if line.quantity != 1:
            blocks.append(Text(f"  {line.quantity} x {money(net_of(line.unit_price, rate))}"))
        note = note_words(line.note, layout.money.locale)
        if line.discount:
            off = before - net_of(line.total, rate)
            why = note or _("Discount")
            blocks.append(Text(_columns(f"  {why}", money(-off), width)))
        elif note:
            blocks.append(Text(f"  {note}"[:width]))
    blocks.append(Rule())
    discount = sum(line.discount for line in sale.lines)
    if discount:
        blocks.append(Text(_columns(_("You saved"), money(discount), width)))
    if excl:
        net = money(sum(v.net for v in sale.vat))
        blocks.append(Text(_columns(_("Total excl. VAT"), net, width)))
        for vat in sale.vat:
            shown_rate = for_print(formats.rate(vat.rate_bp))
            blocks.append(
                Text(_columns(_("VAT {rate}").format(rate=shown_rate), money(vat.vat), width))
            )
    blocks.append(
        Text(
            _columns(_("TOTAL incl. VAT") if excl else _("TOTAL"), money(sale.total), width),
            bold=True,
            large=True,
        )
    )
    for payment in sale.payments:
        label = _(PAYMENT_LABELS[payment.method])
        if sale.refund_of:
            label = (
                _("Credit note")
                if payment.method is PaymentMethod.ACCOUNT
                else _("{method} refund").format(method=label)
            )
        blocks.append(Text(_columns(label, money(payment.tendered), width)))
    if sale.change_given:
        given_back = pgettext("money given back", "Change")
        blocks.append(Text(_columns(given_back, money(sale.change_given), width)))
    if sale.tax_free:
        blocks += [Rule(), Text(_(header.export_mention)[:width], bold=True)]
    blocks += [Rule(), Text(_vat_row((_("VAT"), _("Net"), _("Tax"), _("Gross")), width))]
    for vat in sale.vat:
        cells = (
            for_print(formats.rate(vat.rate_bp)),
            money(vat.net),
            money(vat.vat),
            money(vat.gross),
        )
        blocks.append(Text(_vat_row(cells, width)))
    if sale.points_balance is not None:
        blocks.append(Rule())
        if sale.refund_of:
            moves = (
                (_("Points given back"), -sale.points_spent),
                (_("Points taken back"), -sale.points_earned),
            )
            for label, points in moves:
                if points:
                    blocks.append(Text(_columns(label, str(points), width)))
        else:
            if sale.points_spent:
                blocks.append(Text(_columns(_("Points used"), str(sale.points_spent), width)))
            blocks.append(Text(_columns(_("Points earned"), str(sale.points_earned), width)))
        balance = _columns(_("Points balance"), str(sale.points_balance), width)
        blocks.append(Text(balance, bold=True))
    count = abs(sale.item_count)
    if sale.refund_of:
        items = plural(count, "{n} item returned", "{n} items returned")
    else:
        items = plural(count, "{n} item", "{n} items")
    blocks += [Rule(), Text(items), Barcode(sale.receipt_code)]
    if header.qr:
        blocks.append(QrCode(header.qr.replace("{receipt}", sale.receipt_code)))
    blocks += [Text(line, "center") for line in header.footer]
    return ReceiptDocument(width, tuple(blocks))


def _columns(left: str, right: str, width: int) -> str:
    left = printable(left)  # measured as it will print
    room = width - len(right) - 1
    if len(left) > room:
        left = left[: max(room - 1, 0)] + "…"
    return f"{left:<{room}} {right}"


def _vat_row(cells: tuple[str, str, str, str], width: int) -> str:
    first = max(width - 3 * (width // 4), 6)
    rest = (width - first) // 3
    return f"{cells[0]:<{first}}" + "".join(f"{cell:>{rest}}" for cell in cells[1:])


def render_text(document: ReceiptDocument) -> str:
    """The receipt as plain text, for the screen preview and ``till receipt show``: printable
    characters only, whatever the stored names hold (a terminal obeys escape sequences)."""
    out = []
    for block in document.blocks:
        if isinstance(block, Rule):
            out.append("-" * document.width)
        elif isinstance(block, Barcode):
            out.append(f"||| {printable(block.data)} |||".center(document.width).rstrip())
        elif isinstance(block, QrCode):
            out.append(f"[QR {printable(block.data)}]".center(document.width).rstrip())
        elif block.align == "center":
            out.append(printable(block.text).center(document.width).rstrip())
        elif block.align == "right":
            out.append(printable(block.text).rjust(document.width))
        else:
            out.append(printable(block.text))
    return "\n".join(out) + "\n"
