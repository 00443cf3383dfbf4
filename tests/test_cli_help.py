"""``--help`` in the till's language: the commands' and options' help texts and click's own
words, in the language chosen before click parses (the config's ``[locale] language``, else the
environment's); every help text is in the catalog's extraction."""

from __future__ import annotations

import inspect
from pathlib import Path

import click
from click.testing import CliRunner

from till.cli import cli
from till.help_extract import help_texts
from till.i18n import translations

UNSET = {"LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": None, "TILL_CONFIG": None}
FRENCH_SHELL = {**UNSET, "LANG": "fr_FR.UTF-8"}


def fr(message: str) -> str:
    said = translations("fr").gettext(message)
    assert said != message, f"no French for {message!r} in the catalog"
    return said


def helped(*args: str, env: dict[str, str | None]) -> str:
    result = CliRunner().invoke(cli, [*args, "--help"], env=env, prog_name="till")
    assert result.exit_code == 0, result.output
    return result.output


def test_till_help_follows_a_french_shell():
    said = helped(env=FRENCH_SHELL)
    assert said.startswith(fr("Usage: ") + "till [OPTIONS]")
    assert fr("A keyboard-driven point-of-sale register. With no command, starts the register.")[
        :30
    ] in " ".join(said.split())
    assert f"{fr('Commands')}:" in said and "Options:" in said  # the same word in French
    assert fr("TOML config (or $TILL_CONFIG).") in said
    assert fr("Show this message and exit.") in said
    assert fr("Search, show and add customers.") in said  # a command's short help


def test_customers_help_follows_the_configs_language(tmp_path: Path):
    config = tmp_path / "till.toml"
    config.write_text('[locale]\nlanguage = "fr"\n', encoding="utf-8")
    said = helped("--config", str(config), "customers", env={**UNSET, "LANG": "en_GB.UTF-8"})
    assert fr("Search, show and add customers.") in said
    add = "Add a customer; prints its generated code. Refuses an e-mail or phone already on file\n"
    assert fr(add + "(the customer who has it is named) unless --force.")[:20] in said


def test_an_options_note_is_french_too():
    said = " ".join(helped("server", "run", env=FRENCH_SHELL).split())
    assert fr("Address to listen on.") in said
    assert translations("fr").pgettext("option help", "[default: ") + "127.0.0.1]" in said
    assert translations("fr").pgettext("option help", "[required]") in said


def test_help_in_french_leaves_the_next_commands_help_english():
    helped("customers", env=FRENCH_SHELL)
    said = helped("customers", env={**UNSET, "LANG": "C"})
    assert "Search, show and add customers." in said and "Usage: till customers" in said


def commands(command: click.Command) -> list[click.Command]:
    found = [command]
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            found += commands(sub)
    return found


def test_every_help_text_of_the_cli_is_extracted_for_the_catalog():
    """A help text the extractor misses (a docstring of a command built another way, a
    ``help=`` that is a name without ``N_``) would stay English: each one is a message id."""
    from babel.messages.extract import extract_from_dir

    extracted = {message for _, _, message, _ in help_texts(Path("till/cli.py").read_text())}
    assert "Start the register on the configured database." in extracted
    root = Path(__file__).parent.parent / "till"
    extracted |= {
        found[2]
        for found in extract_from_dir(root, [("**.py", "till.help_extract:extract")])
        if isinstance(found[2], str)
    }
    texts = [
        inspect.cleandoc(text)
        for command in commands(cli)
        for text in (command.help, *(param.help for param in command.params))
        if isinstance(text, str) and text
    ]
    assert len(texts) > 100
    assert [text for text in texts if text not in extracted] == []
