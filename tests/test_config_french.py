"""The config file's refusals are said before the config is accepted, in the language its
raw ``[locale] language`` names (whatever else of it is wrong), else English; a file that is
not TOML in the environment's language. Nested reasons (a PIN hash's format, a keymap clash)
are worded in the same language."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from till.cli import cli
from till.cli_language import config_error_language
from till.config import load_settings
from till.errors import ConfigError
from till.i18n import speaking, translations

TIMEOUT = "[printer]\ntimeout = 100000\n"
FRENCH = '[locale]\nlanguage = "fr"\n'


def french(message: str) -> str:
    """``message`` as the French catalog says it (and the catalog must say it)."""
    said = translations("fr").gettext(message)
    assert said != message, f"no French for {message!r} in till/locale/fr/LC_MESSAGES/till.po"
    return said


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "till.toml"
    path.write_text(text, encoding="utf-8")
    return path


def refusal(config: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """The one ``till: …`` line a command prints for ``config``, and it exits with 2."""
    result = CliRunner().invoke(cli, ["--config", str(config), *args], env=env)
    assert result.exit_code == 2, result.output
    return result.stderr.strip()


def timeout_in_french(path: Path) -> str:
    bound = french("[{section}] {key}: must be between {low} and {high}, got {value}.")
    problem = bound.format(section="printer", key="timeout", low=1, high=120, value=100000)
    return "till: " + french("{path}: {problem}").format(path=path, problem=problem)


def test_a_config_refusal_speaks_the_language_the_file_names(tmp_path):
    config = write(tmp_path, FRENCH + TIMEOUT)
    assert refusal(config, "init") == timeout_in_french(config)


def test_the_register_start_says_the_config_refusal_in_that_language_too(tmp_path):
    config = write(tmp_path, FRENCH + TIMEOUT)
    assert refusal(config) == timeout_in_french(config)  # `till` alone starts the register


def test_a_config_refusal_is_english_when_the_file_names_no_language(tmp_path):
    config = write(tmp_path, TIMEOUT)
    said = refusal(config, "init", env={"LANG": "fr_FR.UTF-8"})  # the till's default: English
    assert said == f"till: {config}: [printer] timeout: must be between 1 and 120, got 100000."


def test_a_file_that_is_not_toml_is_refused_in_the_environments_language(tmp_path):
    config = write(tmp_path, '[locale]\nlanguage = "fr"\nnot toml\n')
    said = refusal(config, "init", env={"LANG": "fr_FR.UTF-8"})
    prefix = french("{path}: not valid TOML: {detail}.").partition("{detail}")[0]
    assert said.startswith("till: " + prefix.format(path=config))
    english = refusal(config, "init")
    assert english.startswith(f"till: {config}: not valid TOML: ")


def test_a_pin_hash_refusal_is_worded_in_french(tmp_path):
    config = write(tmp_path, FRENCH + '[security]\nmanager_pin = "1234"\n')
    not_a_hash = french(
        "must be the hash `till manager-pin` prints (scrypt$N$r$p$salt$hash), not a PIN"
    )
    pin = french("[security] manager_pin: {problem}.").format(problem=not_a_hash)
    expected = "till: " + french("{path}: {problem}").format(path=config, problem=pin)
    assert refusal(config, "init") == expected


def test_the_doctor_says_the_config_refusal_in_french(tmp_path):
    config = write(tmp_path, FRENCH + '[security]\nmanager_pin = "scrypt$3$8$1$00$00"\n')
    result = CliRunner().invoke(cli, ["--config", str(config), "doctor"])
    assert result.exit_code == 1
    power = french("N must be a power of two up to {most}, got {n}").format(most=2**20, n=3)
    assert power in result.output
    assert result.output.startswith("fail  config ")


def test_a_keymap_clash_names_the_screen_in_french(tmp_path):
    path = write(tmp_path, '[keymap]\nvoid = "f10"\n')
    with pytest.raises(ConfigError) as refused:
        load_settings(path)
    with speaking("fr"):
        said = str(refused.value)
    assert french("the sale screen") in said
    assert "sale screen" in str(refused.value)  # the same error, in English where shown so


@pytest.mark.parametrize(
    ("text", "environ", "language"),
    [
        (FRENCH + TIMEOUT, {"LANG": "C.UTF-8"}, "fr"),  # the rest of the file is wrong
        ('[locale]\nlanguage = "fr"\ncurrency = "euros"\n', {}, "fr"),
        (TIMEOUT, {"LANG": "fr_FR.UTF-8"}, "en"),  # names none: the till's default
        ('[locale]\nlanguage = "de"\n', {"LANG": "fr_FR.UTF-8"}, "fr"),  # one it does not speak
        ("locale = 3\n", {"LANG": "fr_FR.UTF-8"}, "fr"),
        ("not = toml = at all\n", {"LANG": "fr_FR.UTF-8"}, "fr"),
        ("not = toml = at all\n", {}, "en"),
    ],
)
def test_the_language_of_a_config_refusal(tmp_path, text, environ, language):
    assert config_error_language(write(tmp_path, text), environ) == language


def test_a_missing_config_is_refused_in_the_environments_language(tmp_path):
    absent = tmp_path / "absent.toml"
    assert config_error_language(absent, {"LANG": "fr_FR.UTF-8"}) == "fr"
    assert config_error_language(None, {"TILL_CONFIG": str(absent), "LANG": "C"}) == "en"
