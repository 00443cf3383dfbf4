"""The one-line fields of the customer and address forms show what they hold at 80x24.

The app's stylesheet frames every field in a single line (TERM=linux); app CSS outranks
Textual's own ``!important``, so without an exception the compact fields got a frame too and,
in their one-line rows, showed only its top edge: no value was readable (found in tmux).
"""

from __future__ import annotations

from textual.widgets import Input

from storage import customers
from till.screens.address import AddressScreen
from till.screens.customer_form import CustomerFormScreen

FRAME = set("┌┐└┘─│")


def add(**fields):
    return customers.create_customer(fields, actor="setup", till_no=1, region="FR")


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_the_customer_form_shows_each_stored_value_unframed(app):
    add(last_name="Martin", first_name="Zoé", mobile="0633333333", city="Lyon")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", *"martin", "f4")
        await pilot.pause()
        await pilot.press("f4")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, CustomerFormScreen)
        rows = {line[:26].strip(): line[26:] for line in screen_text(app).splitlines()}
        assert "Martin" in rows["Last name"] and "Zoé" in rows["First name"], rows
        for field in form.query(Input):  # focused or not, a compact field draws no frame
            assert field.styles.border_top[0] in ("", "none"), field.id
        await pilot.press("tab")  # the focus moved: still unframed
        assert not FRAME & set(screen_text(app)), screen_text(app)


async def test_the_address_form_shows_what_is_typed_unframed(app):
    add(last_name="Martin", mobile="0633333333")
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(AddressScreen())
        await pilot.pause()
        await pilot.press(*"5 quai des Docks")
        dialog = app.screen.query_one("#address-dialog")
        assert "5 quai des Docks" in screen_text(app), screen_text(app)
        for field in dialog.query(Input):
            assert field.styles.border_top[0] in ("", "none"), field.id


async def test_a_refused_form_counts_its_fields_in_words(app):
    """'1 field refused', '2 fields refused': not '1 field(s)' (one formatter for counts)."""
    add(last_name="Martin", mobile="0633333333")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", *"martin", "f4")
        await pilot.pause()
        await pilot.press("f4")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, CustomerFormScreen)
        form.query_one("#field-email", Input).value = "zoe@"
        await pilot.press("f10")
        await app.workers.wait_for_complete()
        await pilot.pause()
        form.query_one("#field-last_name", Input).value = ""
        await pilot.press("f10")
        await app.workers.wait_for_complete()
        await pilot.pause()
    said = [n.message for n in app._notifications if "refused" in n.message]
    assert said == ["1 field refused; see the red lines.", "2 fields refused; see the red lines."]
