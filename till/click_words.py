"""Click's own messages (a mistyped option, a missing argument, a bad value) in the till's
language. Click says them through the ``gettext`` module's functions, bound in each of its
modules; :func:`speak_through_the_catalog` binds the till's instead, so a usage error on a
French till reads in French in the CLI's one ``till: …`` line. The messages are click's own
English, word for word, listed here for the catalog."""

from __future__ import annotations

import click.core
import click.exceptions
import click.parser
import click.types

from till.i18n import N_, _, ngettext

CLICK_MODULES = (click.core, click.exceptions, click.parser, click.types)

MESSAGES = (
    N_("Aborted!"),
    N_("Missing command."),
    N_("Error: {message}"),
    N_("Invalid value: {message}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing parameter: {param_name}"),
    N_("No such option {name!r}."),
    N_("No such command {name!r}."),
    N_("Could not open file {filename!r}: {message}"),
    N_("Invalid start character for option ({option})"),
    N_("Argument {name!r} takes {nargs} values."),
    N_("Option {name!r} does not take a value."),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    N_("{value!r} is not a valid boolean. Recognized values: {states}"),
    N_("{value!r} is not a valid UUID."),
    N_("file"),
    N_("directory"),
    N_("path"),
    N_("{name} {filename!r} does not exist."),
    N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is a directory."),
    N_("{name} {filename!r} is not readable."),
    N_("{name} {filename!r} is not writable."),
    N_("{name} {filename!r} is not executable."),
)


def _plurals() -> None:
    """Never called: marks for the catalog the messages click says through ``ngettext``."""
    ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", 1)
    ngettext("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", 1)
    ngettext(
        "Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.", 1
    )
    ngettext("{value!r} is not {choice}.", "{value!r} is not one of {choices}.", 1)
    ngettext(
        "{value!r} does not match the format {format}.",
        "{value!r} does not match the formats {formats}.",
        1,
    )


def speak_through_the_catalog() -> None:
    """From now on click words its messages in the till's active language (English until
    the CLI chose another: the catalog gives the English back unchanged)."""
    for module in CLICK_MODULES:
        vars(module).update(_=_, ngettext=ngettext)
