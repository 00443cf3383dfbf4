"""The printer test page: code-page samples, the paper width, a barcode and a QR code."""

from __future__ import annotations

from devices.printer.receipt import Barcode, Block, QrCode, ReceiptDocument, Rule, Text

SAMPLES = (
    "French: à â ç é è ê ë î ï ô ù û ü ÿ œ æ « »",
    "Capitals: À Ç É È Ê Ô Œ Æ",
    "German: ä ö ü ß Ä Ö Ü",
    "Spanish: ñ Ñ ¿ ¡",
    "Money: 1 234,56 €  £12.50  $9.99",
)


def build_test_page(url: str, profile: str, width: int) -> ReceiptDocument:
    ruler = "".join(str(n % 10) for n in range(1, width + 1))
    blocks: list[Block] = [
        Text("till printer test", "center", bold=True, large=True),
        Text(url[:width], "center"),
        Text(f"profile {profile}, {width} characters", "center"),
        Rule(),
        *(Text(sample[:width]) for sample in SAMPLES),
        Rule(),
        Text(ruler),
        Text("Bold line", bold=True),
        Text("Right aligned", "right"),
        Barcode("TILL-TEST-01"),
        QrCode("till printer test"),
        Text("If every line above reads right, the code page is right.", "center"),
    ]
    return ReceiptDocument(width, tuple(blocks))
