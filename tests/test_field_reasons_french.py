"""What was still English on a French till (issue 14): the customer file's refusals, a bound's
``{what}`` and a wrong PIN's count. Each is kept as a message id with its values where it is
raised and worded where it is shown, so a French till says all of it in French: on the
screen, in the CLI's ``till:`` lines and in an import's report (whose JSON keeps its shape)."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.widgets import Input

from storage import customers
from storage.db import close_database
from tests.cli_shop import MANAGER_PIN
from till.app import make_app
from till.cli import cli
from till.config import Settings
from till.core.bounds import MAX_AMOUNT, MAX_STOCK, check_amount, check_stock
from till.core.customer import FieldErrors, validate_changes
from till.core.pin import hash_pin, wrong_pin
from till.errors import InvalidSale, Reason, worded
from till.i18n import translations, use_language
from till.screens.customer_form import CustomerFormScreen
from till.screens.customer_view import CustomerViewScreen

PHONE = "{text} is not a valid phone number for {region} or abroad (+…)."
FIELD = "{field}: {reason}"
OUTSIDE = "{what}: {value:,} is outside {low:,} to {high:,}."


def french(message: str, *, same: bool = False) -> str:
    """``message`` as the French catalog says it (it must say it; ``same``: a word French
    writes as English does, such as *stock*)."""
    said = translations("fr").gettext(message)
    catalog = translations("fr")._catalog  # type: ignore[attr-defined]
    assert message in catalog, f"no French for {message!r} in the catalog"
    assert same or said != message, f"no French for {message!r} in the catalog"
    return said


def refused_line(label: str, reason: str) -> str:
    return french(FIELD).format(field=french(label), reason=reason)


def test_a_refused_field_is_kept_as_data_and_worded_in_french_where_shown():
    with pytest.raises(FieldErrors) as refused:  # raised while the till speaks English
        validate_changes({"mobile": "12", "last_name": ""}, region="FR")
    assert refused.value.errors == {
        "mobile": Reason(PHONE, text="12", region="FR"),
        "last_name": Reason("is required."),
    }
    use_language("fr")
    mobile = refused_line("Mobile", french(PHONE).format(text="12", region="FR"))
    required = refused_line("Last name", french("is required."))
    assert str(refused.value) == f"{mobile}; {required}"


def test_the_validators_reasons_are_french_down_to_the_library_s():
    use_language("fr")
    with pytest.raises(FieldErrors) as refused:
        validate_changes(
            {"email": "jean@", "vat_number": "FR40303265046", "birth_date": "30/02/1980"},
            region="FR",
        )
    errors = refused.value.errors
    assert str(errors["email"]) == french("There must be something after the @-sign.")
    assert errors["email"].params["detail"] == "There must be something after the @-sign."
    checksum = french("The number's checksum or check digit is invalid.")
    vat = french("{text} is not a valid EU VAT number: {why}")
    assert str(errors["vat_number"]) == vat.format(text="FR40303265046", why=checksum)
    not_a_date = french("{text} is not a date: write 31/12/1980 or 1980-12-31.")
    assert str(errors["birth_date"]) == not_a_date.format(text="30/02/1980")


def test_a_bound_names_its_figure_in_french():
    with pytest.raises(InvalidSale) as refused:
        check_amount(-1)
    use_language("fr")
    outside = french(OUTSIDE).format(what=french("amount"), value=-1, low=0, high=MAX_AMOUNT)
    assert str(refused.value) == outside and "amount" not in outside
    with pytest.raises(InvalidSale) as stock:
        check_stock(10**9)
    stock_outside = french(OUTSIDE).format(
        what=french("stock", same=True), value=10**9, low=-MAX_STOCK, high=MAX_STOCK
    )
    assert str(stock.value) == stock_outside


def test_a_wrong_pin_counts_its_tries_in_french_words():
    use_language("fr")
    said = {left: worded(*wrong_pin(left, 0)) for left in (0, 1, 2, 4)}
    wrong = french("Wrong PIN ({tries}).")
    assert said[1] == wrong.format(tries="1 essai restant")
    assert said[2] == wrong.format(tries="2 essais restants")
    assert said[0] == wrong.format(tries="0 essai restant")  # French: the singular for 0
    use_language("en")
    assert [worded(*wrong_pin(left, 0)) for left in (1, 2)] == [
        "Wrong PIN (1 try left).",
        "Wrong PIN (2 tries left).",
    ]


# --- the CLI of a French till --------------------------------------------------------------


@pytest.fixture
def till(tmp_path: Path):
    """``till`` on a French shop with a manager PIN (its database made by ``till init``)."""
    config = tmp_path / "till.toml"
    config.write_text(
        f'[security]\nmanager_pin = "{hash_pin(MANAGER_PIN)}"\n[database]\npath = "shop.db"\n'
        '[locale]\nlanguage = "fr"\n',
        encoding="utf-8",
    )
    runner = CliRunner()

    def invoke(*args: str, stdin: str | None = None):
        return runner.invoke(cli, ["--config", str(config), *args], input=stdin)

    assert invoke("init").exit_code == 0
    yield invoke
    close_database()


def test_the_cli_refuses_a_customer_field_in_french(till):
    added = till("customers", "add", "--last-name", "Quimby", "--phone", "12")
    assert added.exit_code == 2
    phone = french(PHONE).format(text="12", region="FR")
    assert added.stderr.splitlines() == [f"till: {refused_line('Mobile', phone)}"]


def test_the_import_report_is_french_and_its_json_keeps_its_shape(till, tmp_path):
    path = tmp_path / "clients.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows([["Nom", "Portable"], ["Durand", "0612345678"], ["Eva", "12"]])
    result = till("import", "customers", str(path), "--dry-run")
    phone = french(PHONE).format(text="12", region="FR")
    assert result.stderr.splitlines() == [f"{path}:3: {refused_line('Mobile', phone)}"]
    summary = json.loads(till("import", "customers", str(path), "--dry-run", "--json").stdout)
    assert summary["errors"] == [{"row": 3, "field": "mobile", "message": phone}]


def test_a_wrong_pin_at_the_cli_counts_in_french(till):
    assert till("customers", "add", "--last-name", "Quimby").exit_code == 0
    wrong = till("customers", "anonymise", "C01-000001", "--yes", stdin="0000\n")
    assert wrong.exit_code == 2
    tries = french("Wrong PIN ({tries}).").format(tries="4 essais restants")
    assert f"till: {tries}" in wrong.output.splitlines()


# --- the customer form of a French till ----------------------------------------------------


async def test_the_customer_form_shows_a_refused_field_in_french(settings: Settings):
    dupont = customers.create_customer(
        {"last_name": "Dupont", "first_name": "Jean"}, actor="setup", till_no=1, region="FR"
    )
    app = make_app(replace(settings, locale=replace(settings.locale, language="fr")))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", *"dupont", "f4")
        assert isinstance(app.screen, CustomerViewScreen)
        await pilot.press("f4")
        form = app.screen
        assert isinstance(form, CustomerFormScreen)
        form.query_one("#field-mobile", Input).value = "12"
        await pilot.press("f10")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, CustomerFormScreen)
        error = form.query_one("#error-mobile")
        assert error.display
        assert str(error.render()) == french(PHONE).format(text="12", region="FR")
        assert customers.get_customer(dupont.id).mobile == ""
