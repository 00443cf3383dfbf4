"""The real register in French on the Linux console (TERM=linux), in a pseudo-terminal: a sale
rung up, paid and saved, every screen in French and within 80 columns."""

from __future__ import annotations

from .conftest import BAGUETTE, COFFEE, Shop
from .steps import SCAN_ERRORS
from .terminal import ENTER, F10, Terminal

FRENCH_READY = "Nouvelle vente : scannez le premier article."


def speak_french(shop: Shop) -> None:
    with shop.config.open("a", encoding="utf-8") as config:
        config.write('\n[locale]\nlanguage = "fr"\n')


def fits(terminal: Terminal) -> None:
    lines = terminal.display()
    assert len(lines) == 24 and all(len(line) <= 80 for line in lines), terminal.text()


def test_a_sale_in_french_on_the_linux_console(shop, start_register):
    speak_french(shop)
    till = start_register("linux", ready=FRENCH_READY)
    text = till.text()
    assert "Client de passage" in text and "f10 Payer" in text, text
    for code, name, _, _ in (BAGUETTE, COFFEE):
        till.send(code, ENTER)
        assert till.wait_for(name, *SCAN_ERRORS) == name, till.text()
    till.wait_for("2 articles")
    fits(till)
    till.send(F10)
    till.wait_for("À payer")
    till.wait_for("Retour à la vente")  # the footer, drawn with the screen or just after
    assert "f2 Espèces" in till.text() and "Entrée ou F2 : espèces" in till.text(), till.text()
    fits(till)
    till.send(ENTER)  # the amount due, in cash
    till.wait_for(" enregistrée.")
    assert "Vente 01-000001 enregistrée. Total 5,05 €." in till.text(), till.text()
    [sale] = shop.sales()
    assert sale["total"] == 505
