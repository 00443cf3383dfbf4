"""Steps taken at a careful pace (each waits for its screen) to set up what a test is about."""

from __future__ import annotations

from .terminal import ENTER, F10, Terminal

UNKNOWN_CODE = "No product has the code"
SCAN_ERRORS = (UNKNOWN_CODE, "is not a valid", "check digit")
"""What the sale screen says when keys of two scans were merged or split."""
SCAN_PLACEHOLDER = "Scan or type a barcode"
"""Shown in the scan field while it is empty."""


def scan(terminal: Terminal, product: tuple[str, str, str, str]) -> None:
    """One scan, code and Enter in one write as a scanner sends it, then its line on screen."""
    code, name, _, _ = product
    terminal.send(code, ENTER)
    assert terminal.wait_for(name, *SCAN_ERRORS) == name, terminal.text()


def pay_exact_in_cash(terminal: Terminal) -> None:
    """F10, wait for the payment screen, Enter: the amount due in cash; wait until saved."""
    terminal.send(F10)
    terminal.wait_for("To pay")
    terminal.send(ENTER)
    terminal.wait_for(" saved.")


def scan_field(terminal: Terminal) -> str | None:
    """What the sale screen's scan field holds ("" while it shows its placeholder), or None
    while it is not drawn (a frame may show the message line before the field)."""
    lines = terminal.display()
    for top in range(len(lines) - 3, -1, -1):
        box = lines[top : top + 3]
        if box[0].startswith("┌") and box[1].startswith("│") and box[2].startswith("└"):
            inside = box[1].rstrip().removeprefix("│").removesuffix("│").strip()
            return "" if inside.startswith(SCAN_PLACEHOLDER) else inside
    return None


def row_of(terminal: Terminal, text: str) -> int:
    """The screen row ``text`` is on (the first one)."""
    rows = [n for n, line in enumerate(terminal.display()) if text in line]
    assert rows, f"{text!r} not on screen:\n{terminal.text()}"
    return rows[0]


def wait_for_all(
    terminal: Terminal, texts: list[str], *, unless: tuple[str, ...], timeout: float = 10
) -> None:
    """Wait until every one of ``texts`` is on screen, or one of ``unless`` is (then fail
    at once, showing the screen)."""

    def settled() -> bool:
        screen = terminal.text()
        return any(u in screen for u in unless) or all(t in screen for t in texts)

    terminal.wait_until(settled, f"all of {texts!r} on screen", timeout)
    screen = terminal.text()
    assert not any(u in screen for u in unless), screen
