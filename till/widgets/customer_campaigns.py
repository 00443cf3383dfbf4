"""The Campaigns tab of the customer file: each campaign the customer received, when, on which
channel, its offer and whether they used it (docs/campaigns.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from till.campaign_words import channel_words, offer_words
from till.i18n import N_, _
from till.widgets.plain import plain

if TYPE_CHECKING:
    from till.core.coupons import Received
    from till.core.formats import Formats
    from till.core.money import MoneyFormat

COLUMNS = (
    (N_("Campaign"), 14),
    (N_("Channel"), 7),
    (N_("From"), 10),
    (N_("Offer"), 11),
    (N_("Coupon"), 14),
    (N_("Used"), 10),
)
"""66 cells and a cell of padding either side of each: within 80 columns."""


class CampaignsPanel(Vertical):
    """The campaigns a customer received, newest first."""

    DEFAULT_CSS = """
    CampaignsPanel { height: 1fr; }
    CampaignsPanel DataTable { height: 1fr; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="campaigns-summary")
        table: DataTable = DataTable(id="customer-campaigns", cursor_type="row", zebra_stripes=True)
        for label, width in COLUMNS:
            table.add_column(Text(_(label)), width=width)
        yield table

    def show(self, received: Sequence[Received], formats: Formats, money: MoneyFormat) -> None:
        used = sum(bool(r.used_at) for r in received)
        offered = sum(bool(r.coupon_code) for r in received)
        summary = (
            _("Received {received}; coupons used: {used} of {offered}.").format(
                received=len(received), used=used, offered=offered
            )
            if received
            else _("No campaign yet.")
        )
        self.query_one("#campaigns-summary", Static).update(plain(summary))
        table = self.query_one("#customer-campaigns", DataTable)
        table.clear()
        for r in received:
            if not r.coupon_code:
                state = "-"
            else:
                state = formats.date(r.used_at) if r.used_at else _("not yet")
            table.add_row(
                plain(r.campaign),
                plain(channel_words(r.channel)),
                formats.date(r.starts),
                plain(offer_words(r.offer, money) or "-"),
                plain(r.coupon_code or "-"),
                plain(state),
            )
