"""The till's language: which one is active and its translated messages (``_``,
``pgettext``, ``ngettext``, ``plural``; ``N_``/``NC_`` mark words translated where shown).

The language is chosen once at start-up from ``[locale] language`` (``use_language``); the
message ids are the English text, so English needs no catalog. A language's catalog is
``till/locale/<code>/LC_MESSAGES/till.po``, compiled to ``till.mo`` at install (``make``); when
the ``.mo`` is missing or older than the ``.po`` (a checkout, a catalog just edited), the
``.po`` is compiled in memory at start-up instead, so the till never falls back to English
because a build step was skipped.

Words follow the language; numbers, dates, times, percentages and money follow
``[locale] locale`` (a French till in Belgium writes ``fr_BE`` amounts) through the one babel
formatter of each kind that already exists, ``till.core.formats.Formats`` and
``till.core.money.MoneyFormat`` (the register's ``formats`` and ``money``): a second set here
would be a second way to write a number.
"""

from __future__ import annotations

import gettext
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from io import BytesIO
from pathlib import Path

from till.core.words import N_ as N_  # the one marker, for the edge too

log = logging.getLogger(__name__)

LANGUAGES = ("en", "fr")
"""The languages the till speaks; English is the message ids themselves."""
SOURCE_LANGUAGE = "en"
DOMAIN = "till"
LOCALE_DIR = Path(__file__).parent / "locale"


def catalog_path(language: str, suffix: str = ".po") -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalog of ``language``: its compiled ``.mo`` when up to date, else its ``.po``
    compiled in memory; no translation at all for English or a language without a catalog."""
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    source, compiled = catalog_path(language), catalog_path(language, ".mo")
    try:
        if compiled.exists() and (
            not source.exists() or compiled.stat().st_mtime >= source.stat().st_mtime
        ):
            with compiled.open("rb") as file:
                return gettext.GNUTranslations(file)
        if source.exists():
            return gettext.GNUTranslations(BytesIO(compile_po(source)))
    except (OSError, ValueError) as error:  # a damaged catalog: English rather than no till
        log.error("The %s catalog cannot be read (%s): English is shown", language, error)
        return gettext.NullTranslations()
    log.error("No %s catalog at %s: English is shown", language, source)
    return gettext.NullTranslations()


def compile_po(source: Path) -> bytes:
    """A ``.po`` file as the ``.mo`` bytes ``pybabel compile`` would write (fuzzy entries
    left out, as there)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with source.open("rb") as file:
        catalog = read_po(file)
    out = BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


@dataclass
class _Active:
    language: str = SOURCE_LANGUAGE
    catalog: gettext.NullTranslations = field(default_factory=gettext.NullTranslations)


_active = _Active()
_speaking = threading.local()
"""A language one thread speaks for a while (``speaking``): a receipt printed for a customer
in theirs while the screens stay in the till's."""


def _catalog() -> gettext.NullTranslations:
    return getattr(_speaking, "catalog", None) or _active.catalog


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Words of this thread in ``language`` (one of ``LANGUAGES``; anything else, or "",
    leaves the till's), then back: what is printed for a customer, in their language."""
    before = getattr(_speaking, "catalog", None)
    if language in LANGUAGES:
        _speaking.catalog = translations(language)
    try:
        yield
    finally:
        _speaking.catalog = before


def use_language(language: str) -> None:
    """Speak ``language`` from now on (one of ``LANGUAGES``; the config checked it)."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    _active.language = language
    _active.catalog = translations(language)


def active_language() -> str:
    return _active.language


def _(message: str) -> str:
    """``message`` (its English text) in the till's language."""
    return _catalog().gettext(message)


def pgettext(context: str, message: str) -> str:
    """``message`` in the till's language where the same English says two things
    (``pgettext("money given back", "Change")``: *Rendu*, not *Modifier*)."""
    return _catalog().pgettext(context, message)


def NC_(context: str, message: str) -> str:
    """Mark ``message`` for the catalog with a ``context``; ``pgettext`` translates it where
    shown (``pybabel extract -k NC_:1c,2``)."""
    return message


def ngettext(singular: str, plural: str, number: int) -> str:
    """The singular or the plural of a message, as the language's plural rule wants."""
    return _catalog().ngettext(singular, plural, number)


def plural(number: int, singular: str, many: str, **values: object) -> str:
    """A count in words: ``plural(n, "{n} item", "{n} items")`` → ``1 article``,
    ``3 articles``; ``{n}`` is the number, other ``{names}`` are ``values``."""
    return ngettext(singular, many, number).format(n=number, **values)
