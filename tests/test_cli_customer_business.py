"""`till customers add --siret` fills the VAT number when `[customers] vat_from_siret` is on,
and `till customers show` words the coded fields; a bad option value is one config line."""

import json

import pytest
from click.testing import CliRunner

from storage.db import close_database
from till.cli import cli


@pytest.fixture
def runner():
    yield CliRunner()
    close_database()


def _config(tmp_path, option: str) -> list[str]:
    config = tmp_path / "till.toml"
    config.write_text(f'[database]\npath = "shop.db"\n[customers]\n{option}\n', "utf-8")
    return ["--config", str(config)]


@pytest.mark.parametrize(("on", "vat"), [("true", "FR44732829320"), ("false", "")])
def test_add_with_a_siret_fills_the_vat_number_as_configured(runner, tmp_path, on, vat):
    base = _config(tmp_path, f"vat_from_siret = {on}")
    runner.invoke(cli, [*base, "init"])
    added = runner.invoke(
        cli,
        [*base, "customers", "add", "--last-name", "Durand", "--siret", "732 829 320 00074"],
    )
    assert added.exit_code == 0, added.output
    shown = runner.invoke(cli, [*base, "customers", "show", "C01-000001", "--json"])
    customer = json.loads(shown.output)["customer"]
    assert (customer["registration_number"], customer["vat_number"]) == ("73282932000074", vat)


def test_a_bad_option_value_is_refused_in_one_line(runner, tmp_path):
    base = _config(tmp_path, 'vat_from_siret = "yes"')
    result = runner.invoke(cli, [*base, "init"])
    assert result.exit_code != 0
    assert "[customers] vat_from_siret: must be true or false, got 'yes'." in result.output
