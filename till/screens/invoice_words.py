"""The words the register says about a sale's invoice: what became of an automatic invoice,
and what the receipt screen shows of the invoice a sale has or lacks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from till.i18n import _

if TYPE_CHECKING:
    from till.invoice_service import Standing
    from till.register import AutomaticInvoice


def automatic_words(outcome: AutomaticInvoice, key: str) -> tuple[str, str]:
    """What the cashier is told once the till tried to invoice a sale by itself, and how
    (``information`` or ``warning``). ``key``: the receipt screen's invoice key."""
    if outcome.refusal is not None:
        said = _(
            "No invoice for {receipt}: {reason} The sale is saved; once that is fixed, {key} on"
            " its receipt issues the invoice."
        )
        return said.format(receipt=outcome.receipt, reason=outcome.refusal, key=key), "warning"
    if outcome.pdf_error is not None:
        said = _(
            "Invoice {number} issued, but its PDF was not written ({reason}): {key} writes it."
        )
        return said.format(number=outcome.number, reason=outcome.pdf_error, key=key), "warning"
    said = _("Invoice {number} issued for {receipt}.")
    return said.format(number=outcome.number, receipt=outcome.receipt), "information"


def invoice_words(standing: Standing, outcome: AutomaticInvoice | None, key: str) -> str:
    """The receipt screen's line on the sale's invoice (empty: nothing to say)."""
    if outcome is not None and outcome.refusal is not None and not standing.number:
        said = _(
            "No invoice was issued automatically: {reason} Once that is fixed, {key} issues it."
        )
        return said.format(reason=outcome.refusal, key=key)
    if outcome is not None and outcome.path is not None:
        said = _("Invoice {number} issued automatically, PDF in {path}")
        return said.format(number=outcome.number, path=outcome.path)
    if standing.number:
        return _("Invoiced: {number} ({key} writes its PDF again).").format(
            number=standing.number, key=key
        )
    if standing.automatic:
        return _(
            "This customer is invoiced automatically; this sale has no invoice yet: {key}."
        ).format(key=key)
    return ""
