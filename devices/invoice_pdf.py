"""The invoice as people read it: one view of every mention (``invoice_view``), written as
text for ``till invoice show`` and as a PDF (fpdf2) with its Factur-X XML embedded
(factur-x), in the till's language, money and dates as the locale writes them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from till.core.formats import Formats
from till.core.invoice import Invoice, InvoiceKind, Party, parse_terms
from till.core.money import MoneyFormat
from till.core.text import digits, printable
from till.i18n import N_, _
from till.price_words import note_words

if TYPE_CHECKING:
    from fpdf.table import Table

log = logging.getLogger(__name__)

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),  # Debian, Ubuntu, Raspberry Pi OS: fonts-dejavu-core
    Path("/usr/share/fonts/dejavu"),  # Fedora, Arch
    Path("/usr/share/fonts/TTF"),
)
"""Where a Unicode font is looked for: DejaVu Sans, embedded (subset) in the PDF. Without it
the PDF falls back on Helvetica, which writes Latin-1 only (see ``_latin1``)."""

OPERATIONS = {
    "goods": N_("Delivery of goods"),
    "services": N_("Provision of services"),
    "mixed": N_("Delivery of goods and provision of services"),
}


@dataclass(frozen=True)
class InvoiceView:
    """Every mention of the invoice as text in the till's language, in reading order."""

    title: str
    heading: tuple[str, ...]
    seller: tuple[str, ...]
    buyer: tuple[str, ...]
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    vat_columns: tuple[str, ...]
    vat_rows: tuple[tuple[str, ...], ...]
    totals: tuple[tuple[str, str], ...]
    terms: tuple[str, ...]


def _party_lines(party: Party, *, seller: bool, home: str) -> tuple[str, ...]:
    """The party's name, address (its country unless it is the seller's), identifiers."""
    town = " ".join(part for part in (party.postcode, party.city) if part)
    abroad = party.country if party.country and party.country != home else ""
    lines = [party.name, *(line for line in (*party.lines, town, abroad) if line)]
    if party.code:
        lines.append(_("Customer {code}").format(code=party.code))
    registration = digits(party.registration)
    if len(registration) == 14:
        lines.append(
            _("SIRET {siret} (SIREN {siren})").format(siret=registration, siren=party.siren)
        )
    elif registration:
        lines.append(_("SIREN {siren}").format(siren=registration))
    if party.vat_number:
        lines.append(_("VAT number {number}").format(number=party.vat_number))
    if seller:
        lines += party.legal
    return tuple(lines)


def invoice_view(invoice: Invoice, money: MoneyFormat, formats: Formats) -> InvoiceView:
    """What the invoice says, whatever it is written on."""
    day = formats.date
    credit = invoice.kind is InvoiceKind.CREDIT_NOTE
    heading = [
        (_("Credit note {number}") if credit else _("Invoice {number}")).format(
            number=invoice.number
        ),
        _("Date: {date}").format(date=day(invoice.issue_date)),
        _("Date of sale: {date} (receipt {receipt})").format(
            date=day(invoice.sale_date), receipt=invoice.receipt
        ),
    ]
    if invoice.credits:
        credited = day(invoice.credits_date) if invoice.credits_date else ""
        heading.append(
            _("Corrects invoice {number} of {date}").format(number=invoice.credits, date=credited)
        )
    rows = []
    for line in invoice.lines:
        name = f"{line.name} ({line.code})" if line.code else line.name
        if line.discount:
            name += " — " + _("discount {amount}").format(amount=money(line.discount))
        elif line.note:
            name += f" — {note_words(line.note, money.locale)}"
        rows.append(
            (
                name,
                str(line.quantity),
                money(line.unit_price),
                formats.rate(line.vat_rate_bp),
                money(line.net),
            )
        )
    vat_rows = tuple(
        (formats.rate(vat.rate_bp), money(vat.net), money(vat.vat), money(vat.gross))
        for vat in invoice.vat
    )
    totals = [
        (_("Total excl. VAT"), money(invoice.net)),
        (_("VAT"), money(invoice.tax)),
        (_("Total incl. VAT"), money(invoice.total)),
    ]
    if invoice.paid:
        totals.append((_("Refunded") if credit else _("Paid"), money(invoice.paid)))
    totals.append((_("Amount to refund") if credit else _("Amount due"), money(invoice.due)))
    words, values = parse_terms(invoice.terms).words
    terms = [
        _("Payment terms: {terms}. Due date: {date}.").format(
            terms=_(words).format(**values), date=day(invoice.due_date)
        ),
        *payment_mentions(invoice, money).values(),
        _("Operation: {kind}.").format(
            kind=_(OPERATIONS.get(invoice.mentions.operation, OPERATIONS["goods"]))
        ),
    ]
    if invoice.tax_free_mention:
        terms.insert(0, invoice.tax_free_mention)
    return InvoiceView(
        title=_("CREDIT NOTE") if credit else _("INVOICE"),
        heading=tuple(heading),
        seller=_party_lines(invoice.seller, seller=True, home=invoice.seller.country),
        buyer=_party_lines(invoice.buyer, seller=False, home=invoice.seller.country),
        columns=(
            _("Description"),
            _("Qty"),
            _("Unit price excl. VAT"),
            _("VAT rate"),
            _("Total excl. VAT"),
        ),
        rows=tuple(rows),
        vat_columns=(_("VAT rate"), _("Base excl. VAT"), _("VAT"), _("Total incl. VAT")),
        vat_rows=vat_rows,
        totals=tuple(totals),
        terms=tuple(terms),
    )


def payment_mentions(invoice: Invoice, money: MoneyFormat) -> dict[str, str]:
    """The mentions on paying late and early, by their UNTDID 4451 subject (PMD penalties,
    PMT the recovery indemnity, AAB the early-payment discount): the PDF's words, which the
    Factur-X XML carries as notes."""
    mentions = invoice.mentions
    return {
        "PMD": _("Late payment penalties: {rate}.").format(rate=mentions.penalty_rate),
        "PMT": _(
            "Fixed indemnity for recovery costs in case of late payment: {amount} "
            "(Code de commerce, art. L441-10 and D441-5)."
        ).format(amount=money(mentions.recovery_indemnity)),
        "AAB": _("Early payment: {terms}").format(terms=mentions.early_payment),
    }


def render_text(view: InvoiceView) -> str:
    """The invoice as plain text: printable characters only, whatever the stored names hold
    (a terminal obeys escape sequences)."""
    out = [view.title, *view.heading, "", *view.seller, "", _("Bill to:"), *view.buyer, ""]
    out += [*_table((view.columns, *view.rows)), ""]
    out += [*_table((view.vat_columns, *view.vat_rows)), ""]
    out += [f"{label}: {value}" for label, value in view.totals]
    out += ["", *view.terms]
    return "\n".join(printable(line) for line in out) + "\n"


def _table(rows: tuple[tuple[str, ...], ...]) -> list[str]:
    """Columns of text: the first to the left, the others (amounts) to the right."""
    widths = [max(len(row[n]) for row in rows) for n in range(len(rows[0]))]
    return [
        "  ".join(
            cell.ljust(width) if n == 0 else cell.rjust(width)
            for n, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


# --- the PDF -------------------------------------------------------------------------------


def _font_files() -> tuple[Path, Path] | None:
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


_LATIN1 = str.maketrans(
    {"€": "EUR", "\u202f": " ", "\u00a0": " ", "—": "-", "’": "'", "×": "x", "…": "..."}
)


def _latin1(text: str) -> str:
    """What Helvetica can write: Latin-1, the euro sign spelled out, anything else as ``?``."""
    return text.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


def invoice_pdf(view: InvoiceView, xml: bytes, *, title: str, language: str = "en") -> bytes:
    """The PDF of ``view`` with ``xml`` embedded as Factur-X (PDF/A-3 metadata by factur-x)."""
    from facturx import generate_from_binary  # type: ignore[import-untyped]

    from devices.invoice_xml import xml_text

    pdf = _pdf(view, title)
    return generate_from_binary(
        pdf,
        xml,
        flavor="factur-x",
        level="en16931",
        check_xsd=True,
        lang=language,
        pdf_metadata={
            "author": xml_text(view.seller[0]),  # written into the XMP metadata
            "keywords": "Factur-X, Invoice",
            "title": title,
            "subject": title,
        },
    )


def _pdf(view: InvoiceView, title: str) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_creator("till")
    fonts = _font_files()
    if fonts:
        pdf.add_font("DejaVu", "", str(fonts[0]))
        pdf.add_font("DejaVu", "B", str(fonts[1]))
        family = "DejaVu"
    else:
        log.warning("no DejaVu Sans font: the invoice PDF is written in Helvetica (Latin-1)")
        family = "Helvetica"

    def text(words: str) -> str:
        return printable(words) if fonts else _latin1(printable(words))

    _output_intent(pdf)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    width = pdf.epw

    def lines(rows: tuple[str, ...], size: float = 9, bold_first: bool = False) -> None:
        for n, row in enumerate(rows):
            pdf.set_font(family, "B" if bold_first and n == 0 else "", size)
            pdf.multi_cell(width / 2 - 5, 4.5, text(row), new_x="LEFT", new_y="NEXT")

    top = pdf.get_y()
    lines(view.seller, bold_first=True)
    seller_end = pdf.get_y()
    pdf.set_xy(pdf.l_margin + width / 2, top)
    pdf.set_font(family, "B", 16)
    pdf.cell(width / 2, 9, text(view.title), new_x="LEFT", new_y="NEXT")
    for row in view.heading:
        pdf.set_font(family, "", 9)
        pdf.multi_cell(width / 2, 4.5, text(row), new_x="LEFT", new_y="NEXT")
    pdf.set_xy(pdf.l_margin + width / 2, pdf.get_y() + 4)  # the customer under the title
    pdf.set_font(family, "B", 9)
    pdf.cell(width / 2, 5, text(_("Bill to:")), new_x="LEFT", new_y="NEXT")
    lines(view.buyer, bold_first=True)
    pdf.set_xy(pdf.l_margin, max(seller_end, pdf.get_y()) + 6)

    def fill(table: Table, rows: tuple[tuple[str, ...], ...]) -> None:
        for row in rows:
            cells = table.row()
            for cell in row:
                cells.cell(text(cell))

    pdf.set_font(family, "", 8.5)
    heading = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))
    align = ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT")
    with pdf.table(
        col_widths=(52, 8, 16, 10, 16),
        text_align=align,
        headings_style=heading,
        line_height=5,
    ) as table:
        fill(table, (view.columns, *view.rows))
    pdf.ln(4)
    with pdf.table(
        col_widths=(1, 1, 1, 1),
        width=width * 0.6,
        align="RIGHT",
        text_align="RIGHT",
        headings_style=heading,
        line_height=5,
    ) as table:
        fill(table, (view.vat_columns, *view.vat_rows))
    pdf.ln(3)
    for n, (label, value) in enumerate(view.totals):
        pdf.set_font(family, "B" if n in (2, len(view.totals) - 1) else "", 10)
        pdf.set_x(pdf.l_margin + width * 0.4)
        pdf.cell(width * 0.35, 6, text(label), align="R")
        pdf.cell(width * 0.25, 6, text(value), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(family, "", 8)
    for row in view.terms:
        pdf.multi_cell(width, 4, text(row), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _output_intent(pdf) -> None:
    """An sRGB output intent, which PDF/A asks for; left out when Pillow cannot make the
    profile (the Factur-X XML is embedded all the same)."""
    try:
        from fpdf.enums import OutputIntentSubType
        from fpdf.output import PDFICCProfile
        from PIL import ImageCms

        profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    except (ImportError, OSError) as error:
        log.info("no sRGB profile for the invoice PDF: %s", error)
        return
    pdf.add_output_intent(
        OutputIntentSubType.PDFA,
        output_condition_identifier="sRGB",
        dest_output_profile=PDFICCProfile(contents=profile, n=3, alternate="DeviceRGB"),
        info="sRGB",
    )
