"""Rendering a receipt document to ESC/POS bytes with python-escpos and a capability profile."""

from __future__ import annotations

import contextlib
import io

from devices.printer.receipt import Barcode, QrCode, ReceiptDocument, Rule
from till.core.text import printable
from till.core.words import N_
from till.errors import PrinterError


def render_escpos(document: ReceiptDocument, profile: str, *, kick_drawer: bool = False) -> bytes:
    """The bytes a printer with ``profile`` needs for ``document``, ending with a cut."""
    printer = _dummy(profile)
    printer.hw("INIT")
    for block in document.blocks:
        if isinstance(block, Rule):
            printer.set_with_default()
            printer.text("-" * document.width + "\n")
        elif isinstance(block, Barcode):
            printer.set_with_default(align="center")
            with contextlib.redirect_stdout(io.StringIO()):  # python-escpos prints a notice
                data = printable(block.data)
                printer.barcode("{B" + data, "CODE128", function_type="B", pos="BELOW")
            printer.text("\n")
        elif isinstance(block, QrCode):
            printer.set_with_default(align="center")
            printer.qr(printable(block.data), native=True, size=6)
            printer.text("\n")
        else:
            printer.set_with_default(align=block.align, bold=block.bold, double_height=block.large)
            printer.text(printable(block.text) + "\n")  # a stored ESC p would open the drawer
    printer.set_with_default()
    printer.cut()
    if kick_drawer:
        printer.cashdraw(2)
    return printer.output


def drawer_kick(profile: str) -> bytes:
    """The pulse that opens a cash drawer wired to the printer's drawer port (pin 2)."""
    printer = _dummy(profile)
    printer.cashdraw(2)
    return printer.output


def _dummy(profile: str):
    """A python-escpos printer that only collects bytes, for the profile's code pages."""
    from escpos.printer import Dummy  # imported here: python-escpos takes half a second to load

    try:
        return Dummy(profile=profile)
    except KeyError:
        raise PrinterError(
            N_(
                "[printer] profile: {profile!r} is not a python-escpos profile (try TM-T88V, "
                "TM-T20II or default)."
            ),
            profile=profile,
        ) from None
