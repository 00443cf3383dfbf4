"""The manager's customer tools at the register: behind the manager PIN, the list of possible
duplicates, the merge read before saying yes, and a customer file imported with the till still
selling."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from textual.widgets import Input

from storage import customers
from till.app import make_app
from till.config import SecuritySettings
from till.core.pin import MANAGER_APPROVER, hash_pin
from till.people_service import LEGACY_MANAGER
from till.screens.customer_import import CustomerImportScreen
from till.screens.customer_search import CustomerSearchScreen
from till.screens.duplicates import DuplicatesScreen
from till.screens.merge import MergeScreen
from till.screens.sale import SaleScreen

from ..conftest import PRODUCTS
from .conftest import footer_text, scan

PIN = "4821"


@pytest.fixture
def app(settings):
    return make_app(replace(settings, security=SecuritySettings(manager_pin=hash_pin(PIN))))


def _add(**fields):
    return customers.create_customer(fields, actor="setup", till_no=1, region="FR")


@pytest.fixture
def twins(settings):
    """One person entered twice: the same mobile, the name typed two ways."""
    first = _add(last_name="Dupont", first_name="Jean", mobile="0612345678", postcode="69001")
    second = _add(
        last_name="Dupont",
        first_name="Jean",
        mobile="06 12 34 56 78",
        email="jean.dupont@example.fr",
        postcode="69001",
    )
    _add(last_name="Martin", first_name="Zoé", mobile="0699999999")
    return first, second


def _text(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def _open_tools(pilot, pin: str = PIN) -> None:
    await pilot.press("f2")
    assert isinstance(pilot.app.screen, CustomerSearchScreen)
    await pilot.press("f8", *pin, "enter")
    await pilot.app.workers.wait_for_complete()  # the PIN is checked off the event loop
    await pilot.pause()


async def _listed(pilot) -> DuplicatesScreen:
    screen = pilot.app.screen
    assert isinstance(screen, DuplicatesScreen)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return screen


async def test_tools_need_the_manager_pin(app, twins):
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_tools(pilot, pin="0000")
        assert not isinstance(app.screen, DuplicatesScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, CustomerSearchScreen)
        assert "f8 Mgr" in footer_text(app) and "esc Back" in footer_text(app)


async def test_a_duplicate_merged_after_reading_what_it_does(app, twins):
    first, second = twins
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_tools(pilot)
        listing = await _listed(pilot)
        assert len(listing.pairs) == 1
        pair = listing.pairs[0]
        assert {pair.first.id, pair.second.id} == {first.id, second.id}
        assert "same phone" in pair.words
        table = listing.query_one("#duplicates-list")
        assert first.code in " ".join(table.get_row_at(0))

        await pilot.press("enter")
        merge = app.screen
        assert isinstance(merge, MergeScreen)
        plan = _text(merge, "#merge-plan")
        keep, other = (first, second) if pair.first.id == first.id else (second, first)
        assert f"Keep:   {keep.code}" in plan and f"Merge:  {other.code}" in plan
        assert customers.get_customer(other.id).active  # nothing done before F10

        await pilot.press("f2")  # keep the other one instead
        assert f"Keep:   {other.code}" in _text(merge, "#merge-plan")
        await pilot.press("f2")
        await pilot.press("f10")
        await app.workers.wait_for_complete()
        await pilot.pause()

        assert isinstance(app.screen, DuplicatesScreen)
        assert f"{other.code} merged into {keep.code}" in _text(app.screen, "#duplicates-message")
        await app.workers.wait_for_complete()  # the list is read again
        await pilot.pause()
        assert app.screen.pairs == []
    merged_away = customers.get_customer(other.id)
    assert not merged_away.active
    assert customers.find_by_code(other.code).id == keep.id  # the old code finds the survivor
    kept = customers.get_customer(keep.id)
    assert kept.email == "jean.dupont@example.fr"  # kept, or filled from the other


async def test_the_merge_screen_says_why_two_customers_cannot_merge(app, twins):
    first, _ = twins
    async with app.run_test(size=(80, 24)) as pilot:
        screen = MergeScreen(first.id, first.id, MANAGER_APPROVER)
        await app.push_screen(screen)
        await pilot.pause()
        assert "cannot be merged" in _text(screen, "#merge-message")
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, MergeScreen)  # nothing written, still there
        assert customers.get_customer(first.id).active


async def test_a_file_imported_while_a_sale_is_open(app, settings, tmp_path):
    csv = tmp_path / "clients.csv"
    csv.write_text(
        "Nom;Prénom;Portable;Ville\nBernard;Luc;0611223344;Lyon\nPetit;Anne;0622334455;Nancy\n",
        encoding="cp1252",
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, PRODUCTS[0][0])  # a line on the open sale
        await _open_tools(pilot)
        await _listed(pilot)
        await pilot.press("f3")
        screen = app.screen
        assert isinstance(screen, CustomerImportScreen)
        screen.query_one("#import-path", Input).value = str(csv)
        await pilot.press("f6")  # check only
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "checked, nothing saved: would be 2 new" in _text(screen, "#import-summary")
        assert customers.customer_count() == 0

        await pilot.press("f10")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "imported: 2 new" in _text(screen, "#import-summary")
        assert customers.customer_count() == 2

        for _ in range(3):  # back to the sale: the line is still there
            await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SaleScreen)
        assert len(app.screen.cart.lines) == 1


async def test_an_import_left_running_tells_its_outcome(app, tmp_path, monkeypatch):
    csv = tmp_path / "clients.csv"
    rows = "".join(f"Client{n};Luc;06{n:08d}\n" for n in range(1, 1500))
    csv.write_text("Nom;Prénom;Portable\n" + rows, encoding="utf-8")
    left = threading.Event()
    service = type(app.register.customers)
    import_file = service.import_file

    def after_leaving(self, *args, **options):
        assert left.wait(10)  # the import is still to run when the screen is left
        return import_file(self, *args, **options)

    monkeypatch.setattr(service, "import_file", after_leaving)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = CustomerImportScreen(LEGACY_MANAGER)
        await app.push_screen(screen)
        screen.query_one("#import-path", Input).value = str(csv)
        await pilot.press("f10", "escape")  # leave at once: the import goes on
        assert not isinstance(app.screen, CustomerImportScreen)
        left.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        told = [n.message for n in app._notifications]
        assert any("clients.csv imported: 1499 new" in text for text in told), told
    assert customers.customer_count() == 1499


async def test_a_file_that_cannot_be_read_is_said_in_plain_words(app, tmp_path):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = CustomerImportScreen(LEGACY_MANAGER)
        await app.push_screen(screen)
        screen.query_one("#import-path", Input).value = str(tmp_path / "missing.csv")
        await pilot.press("f10")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "missing.csv not imported:" in _text(screen, "#import-summary")
