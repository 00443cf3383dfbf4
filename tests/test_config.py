from pathlib import Path

import pytest

from till.config import Settings, load_settings
from till.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "till.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(monkeypatch):
    monkeypatch.delenv("TILL_CONFIG", raising=False)
    assert load_settings() == Settings()


def test_a_full_file(tmp_path):
    path = write(
        tmp_path,
        """
[store]
name = "Chez Zoé"
address = ["1 rue A", "75001 Paris"]
[till]
number = 4
[locale]
currency = "GBP"
locale = "en_GB"
[vat]
rates = [20, 5, 0]
[printer]
url = "file:///dev/usb/lp0"
width = 48
[database]
path = "shop.db"
[keymap]
pay = "f12"
""",
    )
    settings = load_settings(path)
    assert settings.store.address == ("1 rue A", "75001 Paris")
    assert settings.till.number == 4
    assert settings.vat.rates == (2000, 500, 0)
    assert settings.printer.width == 48
    assert settings.database.path == str(tmp_path / "shop.db")
    assert settings.keymap == {"pay": "f12"}


def test_env_variable_names_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("TILL_CONFIG", str(write(tmp_path, "[till]\nnumber = 9\n")))
    assert load_settings().till.number == 9


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[till\n", "not valid TOML"),
        ("[tills]\nnumber = 1\n", "tills: unknown section"),
        ("[till]\nnumbr = 1\n", r"\[till\] numbr: unknown key"),
        ('[till]\nnumber = "two"\n', r"\[till\] number: must be a whole number"),
        ("[till]\nnumber = 0\n", r"\[till\] number: must be between 1 and 99,"),
        ("[till]\nnumber = true\n", r"\[till\] number: must be a whole number"),
        ("[store]\nname = 3\n", r"\[store\] name: must be text"),
        ('[vat]\nrates = ["x"]\n', r"\[vat\] rates: 'x' is not a percentage"),
        ("[vat]\nrates = []\n", r"\[vat\] rates: must be a list"),
        ('[locale]\ncurrency = "euro"\n', r"\[locale\] currency: must be an ISO code"),
        ('[locale]\nlocale = "xx_YY"\n', r"\[locale\] locale: unknown locale"),
        ('[locale]\nlocale = "../fr"\n', r"\[locale\] locale: unknown locale"),
        ("[printer]\nwidth = 5\n", r"\[printer\] width: must be between"),
        ("store = 1\n", "store: must be a table"),
        ("[pricing]\nsegment_discounts = 5\n", r"\[pricing\] segment_discounts: must be a table"),
        ("[pricing]\nsegment_discounts = { VIP = 120 }\n", "VIP must be at least 0 and under 100"),
        ('[pricing]\nsegment_discounts = { VIP = "x" }\n', "VIP = 'x' is not a percentage"),
        ("[pricing]\nsegment_discounts = { VIP = 5.555 }\n", "more than two decimals"),
        (
            "[pricing]\nallow_below_cost = 1\n",
            r"\[pricing\] allow_below_cost: must be true or false",
        ),
    ],
)
def test_a_bad_file_names_the_key_and_the_problem(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as refused:
        load_settings(path)
    assert str(refused.value).startswith(str(path))
    assert "\n" not in str(refused.value)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="no such config file"):
        load_settings(tmp_path / "absent.toml")


def test_pricing_reads_segment_discounts_as_basis_points(tmp_path):
    text = "[pricing]\nsegment_discounts = { VIP = 5, Wholesale = 12.5 }\nallow_below_cost = true\n"
    pricing = load_settings(write(tmp_path, text)).pricing
    assert pricing.segment_discounts == {"VIP": 500, "Wholesale": 1250}
    assert pricing.allow_below_cost is True
