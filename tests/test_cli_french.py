"""The technician's commands speak the till's language: with ``[locale] language = "fr"``,
what they print comes from the French catalog; status words, part names and machine-readable
lines stay as they are."""

from __future__ import annotations

import json
import sqlite3

from click.testing import CliRunner

from storage.db import close_database
from till.cli import cli
from till.i18n import translations


def french(message: str) -> str:
    """``message`` as the French catalog says it (and the catalog must say it)."""
    said = translations("fr").gettext(message)
    assert said != message, f"no French for {message!r} in till/locale/fr/LC_MESSAGES/till.po"
    return said


def french_count(number: int, singular: str, many: str, **values: object) -> str:
    said = translations("fr").ngettext(singular, many, number)
    assert said not in (singular, many), f"no French for {singular!r} in the catalog"
    return said.format(n=number, **values)


def test_init_says_the_database_is_ready_in_french(french_till, tmp_path):
    from storage.db import schema_version

    result = french_till("init")
    assert result.exit_code == 0, result.output
    ready = french("Database ready: {path} (schema version {version}).")
    assert result.output.strip() == ready.format(
        path=tmp_path / "shop.db", version=schema_version()
    )


def test_the_doctor_words_its_lines_in_french_but_keeps_its_columns(french_till):
    assert french_till("init").exit_code == 0
    result = french_till("doctor", "--printer", "none")
    lines = result.output.splitlines()
    assert f"warn  printer      {french('none configured: receipts are not printed')}" in lines
    no_pin = french("none, and no manager PIN: refunds and closures cannot be approved")
    assert f"warn  users        {no_pin}" in lines
    offline = french("no back office configured: this till works offline")
    assert f"ok    sync         {offline}" in lines
    assert f"ok    print queue  {french('empty')}" in lines


def test_journal_verify_sums_up_in_french(french_till):
    assert french_till("init").exit_code == 0
    facts = json.loads(french_till("journal", "verify", "--json").output)  # JSON stays as it is
    result = french_till("journal", "verify")
    assert result.exit_code == 0, result.output
    summary = translations("fr").gettext(
        "{sales}, {integrity}, {chain} ({seals}, {tills}, anchored)."
        if facts["anchored"]
        else "{sales}, {integrity}, {chain} ({seals}, {tills})."
    )
    assert result.output.strip() == summary.format(
        sales=french_count(facts["sales"], "{n} sale", "{n} sales"),
        integrity=french("integrity ok"),
        chain=french("chain intact"),
        seals=french_count(facts["seals"], "{n} signed seal", "{n} signed seals"),
        tills=french_count(len(facts["tills"]), "{n} till", "{n} tills"),
    )


def test_adding_a_user_and_listing_nobody_overdrawn_or_closed_in_french(french_till):
    assert french_till("init").exit_code == 0
    added = french_till("user", "add", "Max", "--role", "manager", stdin="2222\n")
    assert added.exit_code == 0, added.output
    assert added.output.strip() == french("{name} added ({role}).").format(
        name="Max", role=french("manager")
    )
    overdrafts = french_till("loyalty", "overdrafts").output.strip()
    assert overdrafts == french("No customer is overdrawn.")
    assert french_till("closures").output.strip() == french(
        "No closure yet: `till close day` takes the first Z."
    )


def test_a_customer_not_found_and_the_search_count_in_french(french_till):
    assert french_till("init").exit_code == 0
    missing = french_till("customers", "show", "C404")
    assert missing.exit_code == 2
    assert missing.output.strip() == "till: " + french(
        "No customer has the code or card {code}."
    ).format(code="C404")
    search = french_till("customers", "search", "nobody")
    assert search.exit_code == 0, search.output
    assert search.stderr.strip() == french_count(0, "{n} found.", "{n} found.")


def test_the_same_commands_stay_in_english_by_default(tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "shop.db")
    try:
        assert runner.invoke(cli, ["--db", db, "init"]).output.startswith("Database ready: ")
        closures = runner.invoke(cli, ["--db", db, "closures"]).output.strip()
        assert closures == "No closure yet: `till close day` takes the first Z."
    finally:
        close_database()


def test_a_journal_problem_is_said_in_french(french_till, tmp_path):
    assert french_till("init").exit_code == 0
    close_database()
    with sqlite3.connect(tmp_path / "shop.db") as connection:
        connection.execute("DROP TRIGGER sale_no_delete")
    result = french_till("journal", "verify")
    assert result.exit_code == 1, result.output
    missing = french("the protective trigger {trigger} is missing")
    assert missing.format(trigger="sale_no_delete") in result.output, result.output


def test_a_usage_error_is_said_in_french(french_till):
    """Click's own refusals, said before any command runs, follow the config's language."""
    result = french_till("customers", "frob")
    assert result.exit_code == 2
    no_such = french("No such command {name!r}.").format(name="frob").rstrip(".")
    see = french("{error} (see '{help}').")
    assert result.stderr == "till: " + see.format(error=no_such, help="cli customers --help") + "\n"
    missing = french_till("customers", "show")
    assert missing.exit_code == 2
    assert missing.stderr.startswith(f"till: {french('Missing argument')} 'CODE'"), missing.stderr
