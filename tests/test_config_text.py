"""Config text reaches receipts and screens: a control character in any text value is refused
when the config loads, naming the key; letters of every script are text."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from till.cli import cli
from till.config import load_settings
from till.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "till.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("table", "key", "value", "where"),
    [
        ("store", "name", '"Shop\\u001bp0dd"', "[store] name"),
        ("store", "address", '["1 rue A", "\\u001b[2J"]', "[store] address"),
        ("receipt", "footer", '"Merci\\u0007"', "[receipt] footer"),
        ("store", "vat_number", '"FR\\u009b1"', "[store] vat_number"),
        ("printer", "profile", '"TM\\u202eT88V"', "[printer] profile"),
    ],
)
def test_a_control_character_in_a_text_value_is_refused_naming_the_key(
    tmp_path, table, key, value, where
):
    path = write(tmp_path, f"[{table}]\n{key} = {value}\n")
    with pytest.raises(ConfigError) as refused:
        load_settings(path)
    assert f"{where}: has a control character (U+" in str(refused.value)


def test_text_in_every_script_is_kept_and_a_multi_line_footer_is_its_lines(tmp_path):
    path = write(
        tmp_path,
        '[store]\nname = "مخبز דוד"\naddress = ["Ελένη 👨\\u200d👩\\u200d👧"]\n'
        '[receipt]\nfooter = """Merci\nÀ bientôt"""\n',
    )
    settings = load_settings(path)
    assert settings.store.name == "مخبز דוד"
    assert settings.store.address == ("Ελένη 👨\u200d👩\u200d👧",)
    assert settings.receipt.footer == ("Merci", "À bientôt")


def test_the_cli_says_so_in_one_line(tmp_path):
    path = write(tmp_path, '[store]\nname = "Shop\\u001b]0;pwned\\u0007"\n')
    result = CliRunner().invoke(cli, ["--config", str(path), "init"])
    assert result.exit_code == 2
    assert result.stderr.startswith("till: ") and len(result.stderr.splitlines()) == 1
    assert "[store] name" in result.stderr and "\x1b" not in result.output
