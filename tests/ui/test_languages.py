"""The sale, payment, customer search and receipt screens at 80x24 in English and in French:
the words of the language chosen by ``[locale] language``, every footer key inside the
screen, every one-line message within its width."""

from __future__ import annotations

from dataclasses import replace

import pytest
from rich.cells import cell_len
from textual.widgets._footer import FooterKey

from storage import customers
from till.app import TillApp, make_app
from till.config import Settings
from till.screens.customer_search import CustomerSearchScreen
from till.screens.payment import PaymentScreen
from till.screens.receipt import ReceiptScreen
from till.screens.returns import ReturnScreen
from till.widgets.line import Line

from ..conftest import PRODUCTS
from .conftest import footer_text, scan, settle

WIDTH, HEIGHT = 80, 24
BAGUETTE, COFFEE = PRODUCTS[0][0], PRODUCTS[1][0]

WORDS = {
    "sale": {
        "en": ["Walk-in customer", "Item", "Qty", "Price", "2 items", "TOTAL", "f10 Pay f2"],
        "fr": ["Client de passage", "Article", "Qté", "Prix", "2 articles", "TOTAL", "f10 Payer"],
    },
    "payment": {
        "en": ["To pay", "No payment yet.", "cash", "Cash", "Back to sale"],
        "fr": ["À payer", "Aucun paiement pour l'instant.", "espèces", "Espèces", "Retour"],
    },
    "customers": {
        "en": ["Customers", "Name", "Company", "1 found", "Use", "Walk-in"],
        "fr": ["Clients", "Nom", "Société", "1 trouvé ", "OK", "Passage"],
    },
    "receipt": {
        "en": ["Receipt 01-000001", "Till 1  Seller", "TOTAL", "Cash", "Change", "2 items"],
        "fr": ["Ticket 01-000001", "Caisse 1  Vendeur", "TOTAL", "Espèces", "Rendu", "2 articles"],
    },
}
"""What each screen shows in each language (a French word never appears in English)."""


def in_language(settings: Settings, language: str) -> TillApp:
    return make_app(replace(settings, locale=replace(settings.locale, language=language)))


def screen_text(app: TillApp) -> str:
    """The screen as the terminal shows it, one line per row."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def overflows(app: TillApp) -> list[str]:
    """Footer keys past the right edge, one-line messages longer than their widget."""
    found = [
        f"footer key {key.description!r} ends at {key.region.right}"
        for key in app.screen.query(FooterKey)
        if key.region.right > WIDTH or key.region.width == 0
    ]
    for line in app.screen.query(Line):
        one_line = line.region.width and "\n" not in line.text
        if one_line and cell_len(line.text) > line.content_region.width:
            found.append(f"#{line.id}: {line.text!r} is wider than {line.region.width}")
    return found


def check(app: TillApp, screen: str, language: str) -> None:
    text = screen_text(app)
    assert len(text.splitlines()) == HEIGHT
    missing = [word for word in WORDS[screen][language] if word not in text]
    assert not missing, f"{missing} not on the {screen} screen in {language}:\n{text}"
    other = "fr" if language == "en" else "en"
    leaked = [w for w in WORDS[screen][other] if w not in WORDS[screen][language] and w in text]
    assert not leaked, f"{leaked} on the {screen} screen in {language}:\n{text}"
    assert not overflows(app), overflows(app)


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_sale_and_payment_screens(settings, language):
    app = in_language(settings, language)
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await scan(pilot, BAGUETTE)
        await scan(pilot, COFFEE)
        check(app, "sale", language)
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, PaymentScreen)
        check(app, "payment", language)


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_customer_search_screen(settings, language):
    customers.create_customer(
        {"last_name": "Dupont", "first_name": "Jean", "company": "Dupont SARL", "kind": "business"},
        actor="setup",
        till_no=1,
        region="FR",
    )
    app = in_language(settings, language)
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await pilot.press("f2", *"dupont")
        await pilot.pause()
        assert isinstance(app.screen, CustomerSearchScreen)
        check(app, "customers", language)


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_receipt_screen(settings, language):
    app = in_language(settings, language)
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await scan(pilot, BAGUETTE)
        await scan(pilot, COFFEE)
        await pilot.press("f10", *"10", "enter")  # 10 € in cash: change is given
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, ReceiptScreen)
        check(app, "receipt", language)


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_a_key_hint_in_a_sentence_is_the_keymaps(settings, language):
    """Cash moved from F2 to F7: the payment screen's hint names F7, in either language."""
    remapped = replace(settings, keymap={"payment.cash": "f7,ctrl+l"})
    app = make_app(replace(remapped, locale=replace(remapped.locale, language=language)))
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await scan(pilot, BAGUETTE)
        await pilot.press("f10")
        await pilot.pause()
        hint = {"en": "Enter or F7: cash", "fr": "Entrée ou F7 : espèces"}[language]
        assert hint in screen_text(app)
        assert "F2" not in screen_text(app)


async def test_the_customer_file_in_french(settings):
    """Labels, tabs and the values the till writes itself (yes/no, the kind) in French."""
    customers.create_customer(
        {"last_name": "Dupont", "first_name": "Jean"},
        actor="setup",
        till_no=1,
        region="FR",
    )
    app = in_language(settings, "fr")
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await pilot.press("f2", *"dupont", "f4")
        await pilot.pause()
        text = screen_text(app)
        for words in ["Fiche", "Historique", "Type : particulier", "Nom : Dupont"]:
            assert words in text, (words, text)
        assert "Accepte les SMS : non" in text, text
        assert not overflows(app), overflows(app)


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_the_sale_s_keys_fit_with_a_coupon_waiting(settings, language):
    """The coupon's key joins a full footer: Return gives it its room, so every key stays
    inside 80 columns, on an empty sale and with lines."""
    from tests.ui.test_campaigns import _campaign, _customer

    _campaign(_customer("Vidal"))
    app = in_language(settings, language)
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        await pilot.press("f2", *"vidal", "enter")
        await settle(pilot)
        assert "^k" in footer_text(app)  # the coupon's key, on an empty sale
        assert not overflows(app), overflows(app)
        await pilot.press("f6")  # Return, not shown beside the coupon's key, still works
        await pilot.pause()
        assert isinstance(app.screen, ReturnScreen)
        await pilot.press("escape")
        await pilot.pause()
        await scan(pilot, COFFEE)
        assert "^k" in footer_text(app) and not overflows(app), overflows(app)
