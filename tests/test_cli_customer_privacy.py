"""``till customers gdpr-export CODE`` and ``till customers anonymise CODE``: the JSON (on
stdout or in a file only its owner reads), the plan shown, the question, the manager PIN, and
one ``till:`` line for each refusal."""

import json
import stat

import pytest
from click.testing import CliRunner

from storage.db import close_database
from tests.cli_shop import MANAGER_PIN, shop_with_manager_pin
from till.cli import cli


@pytest.fixture
def base(tmp_path):
    base = shop_with_manager_pin(tmp_path)
    runner = CliRunner()
    add = [*base, "customers", "add", "--last-name", "Quimby", "--first-name", "Zelda"]
    done = runner.invoke(cli, [*add, "--phone", "06 12 34 56 78", "--email", "zq@example.fr"])
    assert done.exit_code == 0, done.output
    yield base
    close_database()


def _till_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("till:")]


def test_the_export_goes_to_stdout_or_to_a_file_only_its_owner_reads(base, tmp_path):
    runner = CliRunner()
    shown = runner.invoke(cli, [*base, "customers", "gdpr-export", "C01-000001"])
    assert shown.exit_code == 0, shown.output
    document = json.loads(shown.stdout)
    assert document["customer"]["file"]["email"] == "zq@example.fr"
    assert document["customer"]["file"]["mobile"] == "+33612345678"

    target = tmp_path / "zelda.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o644)  # there before, readable by all: made private
    written = runner.invoke(
        cli, [*base, "customers", "gdpr-export", "C01-000001", "-o", str(target)]
    )
    assert written.exit_code == 0, written.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text(encoding="utf-8")) == {
        **document,
        "exported_at": json.loads(target.read_text())["exported_at"],
    }
    missing = runner.invoke(cli, [*base, "customers", "gdpr-export", "C09-000009"])
    assert missing.exit_code == 2
    assert _till_lines(missing.output) == ["till: No customer has the code or card C09-000009."]


def test_anonymise_shows_asks_checks_the_pin_then_erases(base):
    runner = CliRunner()
    anonymise = [*base, "customers", "anonymise", "C01-000001"]
    declined = runner.invoke(cli, anonymise, input="n\n")
    assert declined.exit_code == 0, declined.output
    assert "QUIMBY Zelda" in declined.output and "Erases: " in declined.output
    assert "E-mail" in declined.output and "Nothing erased." in declined.output

    wrong = runner.invoke(cli, [*anonymise, "--yes"], input="0000\n")
    assert wrong.exit_code == 2 and _till_lines(wrong.output) == ["till: Wrong PIN (4 tries left)."]
    unchanged = runner.invoke(cli, [*base, "customers", "show", "C01-000001", "--json"])
    assert "zq@example.fr" in unchanged.output

    done = runner.invoke(cli, anonymise, input=f"y\n{MANAGER_PIN}\n")
    assert done.exit_code == 0, done.output
    assert "C01-000001 is anonymised" in done.output
    after = json.loads(
        runner.invoke(cli, [*base, "customers", "show", "C01-000001", "--json"]).output
    )
    assert (after["customer"]["last_name"], after["customer"]["email"]) == ("ANONYMISED", "")

    again = runner.invoke(cli, [*anonymise, "--yes"], input=f"{MANAGER_PIN}\n")
    assert again.exit_code == 2
    assert len(_till_lines(again.output)) == 1 and "anonymised already" in again.output
    journal = runner.invoke(cli, [*base, "journal", "--json"])
    assert journal.exit_code == 0, journal.output
    assert json.loads(journal.output)["broken"] == []
