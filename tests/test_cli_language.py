"""The commands that read no till config (``till server …``, ``till install-systemd``) speak
the language of the config named when it has a ``[locale]`` section, else the environment's
(as gettext reads it), else English."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from till.cli import cli
from till.cli_language import command_language, config_language, environment_language
from till.i18n import translations

UNSET = {"LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": None, "TILL_CONFIG": None}


def french(message: str) -> str:
    said = translations("fr").gettext(message)
    assert said != message, f"no French for {message!r} in the catalog"
    return said


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "fr_BE@euro"}, "fr"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LANGUAGE": "de:fr_CA:en", "LANG": "en_GB.UTF-8"}, "fr"),
        ({"LANGUAGE": "", "LC_ALL": "fr_FR.UTF-8", "LANG": "en_US.UTF-8"}, "fr"),
        ({"LC_ALL": "C", "LANG": "fr_FR.UTF-8"}, "en"),  # the first one set is the one read
        ({"LC_MESSAGES": "POSIX", "LANG": "fr_FR.UTF-8"}, "en"),
        ({"LANGUAGE": "C:fr"}, "en"),
    ],
)
def test_the_environment_is_read_as_gettext_reads_it(environ, language):
    assert environment_language(environ) == language


def test_a_config_gives_its_language_only_when_it_has_a_locale_section(tmp_path: Path):
    def config(text: str) -> str:
        path = tmp_path / "till.toml"
        path.write_text(text, "utf-8")
        return str(path)

    french_env = {"LANG": "fr_FR.UTF-8"}
    assert config_language(config('[locale]\nlanguage = "fr"\n')) == "fr"
    assert command_language(config('[locale]\nlanguage = "en"\n'), french_env) == "en"
    assert command_language(config('[locale]\ncurrency = "EUR"\n'), french_env) == "en"
    assert command_language(config('[printer]\nurl = "none"\n'), french_env) == "fr"
    assert command_language(config('[locale]\nlanguage = "de"\n'), french_env) == "fr"
    assert command_language(config("not [toml"), french_env) == "fr"
    assert command_language(str(tmp_path / "missing.toml"), french_env) == "fr"
    chosen = {**french_env, "TILL_CONFIG": config('[locale]\nlanguage = "en"\n')}
    assert command_language(None, chosen) == "en"


def test_till_server_speaks_the_environments_french(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'server.db'}"
    runner = CliRunner()
    added = runner.invoke(cli, ["server", "add-till", "--db", url, "north"], env=UNSET)
    assert added.exit_code == 0, added.output
    assert added.output.splitlines()[0] == (
        "Till north added. Its token, shown only now, goes in the till's [sync] token:"
    )
    env = {**UNSET, "LANG": "fr_FR.UTF-8"}
    revoked = runner.invoke(cli, ["server", "revoke", "--db", url, "north"], env=env)
    assert revoked.exit_code == 0, revoked.output
    said = french("Till {name} revoked: its token is refused from now on.")
    assert revoked.output.strip() == said.format(name="north")


def test_a_back_office_config_with_a_locale_wins_over_the_environment(tmp_path: Path):
    config = tmp_path / "office.toml"
    config.write_text('[locale]\nlanguage = "fr"\n', "utf-8")
    url = f"sqlite:///{tmp_path / 'server.db'}"
    env = {**UNSET, "LANG": "en_GB.UTF-8"}
    listed = CliRunner().invoke(
        cli, ["--config", str(config), "server", "tills", "--db", url], env=env
    )
    assert listed.exit_code == 0, listed.output
    assert listed.output.strip() == french(
        "No tills yet: add one with 'till server add-till --db URL NAME'."
    )


def test_install_systemd_speaks_the_environments_french(tmp_path: Path):
    env = {**UNSET, "LC_ALL": "fr_FR.UTF-8"}
    args = ["install-systemd", "--root", str(tmp_path), "--dry-run"]
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    assert french("Then, as root:") in result.output.splitlines()
    refused = CliRunner().invoke(cli, [*args, "--user", "Not A User"], env=env)
    assert refused.exit_code != 0
    assert "'Not A User'" in refused.output and "nothing installed" not in refused.output
