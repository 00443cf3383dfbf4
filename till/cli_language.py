"""The language of the commands that read no till config (``till server …``,
``till install-systemd``): the ``[locale]`` of the config named by ``--config`` or
$TILL_CONFIG when it has that section (a back office keeps one for ``till server import``),
else the environment's (LANGUAGE, LC_ALL, LC_MESSAGES, LANG, as gettext reads them), else
English (docs/languages.md)."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from till.config import CONFIG_ENV, MAX_CONFIG_BYTES
from till.i18n import LANGUAGES, SOURCE_LANGUAGE, use_language

ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
"""Where gettext looks for the language, in its order: the first one set is the one read."""


def environment_language(environ: Mapping[str, str] | None = None) -> str:
    """The language the environment asks for, as gettext reads it: the first of
    ``ENVIRONMENT`` set, a list (``fr_BE:en``) taken in order, ``C`` or ``POSIX`` meaning
    English; English when none names a language the till speaks."""
    environ = os.environ if environ is None else environ
    for name in ENVIRONMENT:
        value = environ.get(name, "")
        if value:
            for wanted in value.split(":"):
                code = wanted.partition(".")[0].partition("@")[0].partition("_")[0].lower()
                if code in ("c", "posix"):
                    return SOURCE_LANGUAGE
                if code in LANGUAGES:
                    return code
            break
    return SOURCE_LANGUAGE


def config_language(path: str | os.PathLike[str] | None) -> str | None:
    """The ``[locale] language`` of the config at ``path`` (English if the section names
    none), or None: no config, one that cannot be read, no ``[locale]`` section, or a
    language the till does not speak. Nothing else of the config is read or checked: these
    commands do not use it."""
    data = _toml(path)
    locale = data.get("locale") if data is not None else None
    if not isinstance(locale, dict):
        return None
    language = locale.get("language", SOURCE_LANGUAGE)
    return language if language in LANGUAGES else None


def config_error_language(
    path: str | os.PathLike[str] | None, environ: Mapping[str, str] | None = None
) -> str:
    """The language a config's own refusal is said in, before the config is accepted: the
    raw ``[locale] language`` of the config at ``path`` (or $TILL_CONFIG) whatever else of it
    is wrong, English when it names none (the till's default); the environment's when the
    file cannot be read as TOML or names a language the till does not speak."""
    environ = os.environ if environ is None else environ
    data = _toml(path if path is not None else environ.get(CONFIG_ENV))
    if data is None:
        return environment_language(environ)
    locale = data.get("locale", {})
    language = locale.get("language", SOURCE_LANGUAGE) if isinstance(locale, dict) else None
    return language if language in LANGUAGES else environment_language(environ)


def _toml(path: str | os.PathLike[str] | None) -> dict[str, Any] | None:
    """The config at ``path`` as TOML, unchecked; None if there is none or it is not TOML."""
    if not path:
        return None
    try:
        with Path(path).open("rb") as file:
            raw = file.read(MAX_CONFIG_BYTES + 1)
        if len(raw) > MAX_CONFIG_BYTES:
            return None
        return tomllib.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return None


def command_language(
    config_path: str | None = None, environ: Mapping[str, str] | None = None
) -> str:
    """The language of a command that reads no till config (see the module's docstring)."""
    environ = os.environ if environ is None else environ
    chosen = config_language(config_path or environ.get(CONFIG_ENV))
    return chosen or environment_language(environ)


def speak_command_language(config_path: str | None = None) -> None:
    """Speak ``command_language`` from now on."""
    use_language(command_language(config_path))
