"""``--help`` in the till's language: the commands' and options' help texts are message ids
(the docstrings and ``help=`` texts, which ``till.help_extract`` reads into the catalog), and
click's own headings and lines are words of the catalog too. They are translated when help is
asked for, in the language ``till.cli_language`` chooses before anything is parsed: the
``[locale] language`` of the config named by ``--config`` or $TILL_CONFIG, else the
environment's (docs/languages.md)."""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

import click

from till.i18n import N_, NC_, _, pgettext

CLICK_LINES = (N_("Show this message and exit."), N_("Show the version and exit."))
"""The help of the options click adds itself."""
CLICK_HEADINGS = (N_("Options"), N_("Commands"))
USAGE = N_("Usage: ")
DEFAULT = NC_("option help", "[default: ")
REQUIRED = NC_("option help", "[required]")


def help_requested(args: Sequence[str]) -> bool:
    """Whether ``args`` ask for help (``--help`` before any ``--``)."""
    for arg in args:
        if arg == "--":
            return False
        if arg == "--help":
            return True
    return False


def config_named(args: Sequence[str]) -> str | None:
    """The value of the group's ``--config`` among ``args``, if given."""
    for n, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--config" and n + 1 < len(args):
            return args[n + 1]
        if arg.startswith("--config="):
            return arg.partition("=")[2]
    return None


class TranslatedFormatter(click.HelpFormatter):
    """Click's help layout, its own words (headings, ``Usage:``, the ``--help`` line, the
    ``[default: …]`` note) in the active language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _(USAGE) if prefix is None else prefix)

    def section(self, name: str) -> Any:
        return super().section(_(name))

    def write_dl(self, rows: Iterable[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().write_dl([(term, _notes(text)) for term, text in rows], *args, **kwargs)


def _notes(text: str) -> str:
    if text in CLICK_LINES:
        return _(text)
    default, required = pgettext("option help", DEFAULT), pgettext("option help", REQUIRED)
    return text.replace(DEFAULT, default).replace(REQUIRED, required)


_TRANSLATED_CONTEXTS: dict[type[click.Context], type[click.Context]] = {}


def _translated_context(context_class: type[click.Context]) -> type[click.Context]:
    """``context_class`` writing its help with ``TranslatedFormatter`` (one class each)."""
    if context_class not in _TRANSLATED_CONTEXTS:
        _TRANSLATED_CONTEXTS[context_class] = type(
            f"Translated{context_class.__name__}",
            (context_class,),
            {"formatter_class": TranslatedFormatter},
        )
    return _TRANSLATED_CONTEXTS[context_class]


@contextmanager
def translated_help(command: click.Command) -> Iterator[None]:
    """The help texts of ``command`` and of every command loaded under it in the active
    language until the block ends (then the message ids again: a process may run commands in
    two languages, as the tests do)."""
    with ExitStack() as stack:
        for each in _tree(command):
            stack.enter_context(_translated(each, ("help", "short_help", "epilog")))
            for param in each.params:
                stack.enter_context(_translated(param, ("help",)))
            stack.enter_context(_formatted(each))
        yield


def _tree(command: click.Command) -> Iterator[click.Command]:
    yield command
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            yield from _tree(sub)


@contextmanager
def _translated(thing: Any, names: tuple[str, ...]) -> Iterator[None]:
    saved = {name: getattr(thing, name, None) for name in names}
    for name, text in saved.items():
        if isinstance(text, str) and text:
            setattr(thing, name, _(inspect.cleandoc(text)))
    try:
        yield
    finally:
        for name, text in saved.items():
            setattr(thing, name, text)


@contextmanager
def _formatted(command: click.Command) -> Iterator[None]:
    own = vars(command).get("context_class")
    command.context_class = _translated_context(command.context_class)
    try:
        yield
    finally:
        if own is None:
            del command.context_class
        else:
            command.context_class = own
