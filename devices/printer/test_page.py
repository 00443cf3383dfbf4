"""The printer test page: code-page samples, the paper width, a barcode and a QR code, in the
till's language (the samples' characters are the same in every language)."""

from __future__ import annotations

from devices.printer.receipt import Barcode, Block, QrCode, ReceiptDocument, Rule, Text
from till.i18n import N_, _

SAMPLES = (
    (N_("French: {sample}"), "à â ç é è ê ë î ï ô ù û ü ÿ œ æ « »"),
    (N_("Capitals: {sample}"), "À Ç É È Ê Ô Œ Æ"),
    (N_("German: {sample}"), "ä ö ü ß Ä Ö Ü"),
    (N_("Spanish: {sample}"), "ñ Ñ ¿ ¡"),
    (N_("Money: {sample}"), "1 234,56 €  £12.50  $9.99"),
)
"""Each line's label and the characters it prints."""
QR_TEXT = "till printer test"
"""What the QR code holds: data, the same in every language."""


def build_test_page(url: str, profile: str, width: int) -> ReceiptDocument:
    ruler = "".join(str(n % 10) for n in range(1, width + 1))
    size = _("profile {profile}, {width} characters").format(profile=profile, width=width)
    blocks: list[Block] = [
        Text(_("till printer test"), "center", bold=True, large=True),
        Text(url[:width], "center"),
        Text(size, "center"),
        Rule(),
        *(
            Text(line[:width])
            for label, sample in SAMPLES
            for line in _sample(label, sample, width)
        ),
        Rule(),
        Text(ruler),
        Text(_("Bold line"), bold=True),
        Text(_("Right aligned"), "right"),
        Barcode("TILL-TEST-01"),
        QrCode(QR_TEXT),
        Text(_("If every line above reads right, the code page is right."), "center"),
    ]
    return ReceiptDocument(width, tuple(blocks))


def _sample(label: str, sample: str, width: int) -> tuple[str, ...]:
    """A sample after its label, or under it when a language's label leaves it no room: a
    sample cut short would test less of the code page."""
    line = _(label).format(sample=sample)
    if len(line) <= width:
        return (line,)
    return (_(label).format(sample="").rstrip(), f"  {sample}")
