"""Text rules: outside text cleaned at the boundary, and folding for search (accents, case and
punctuation do not matter to a cashier; letters of every script do)."""

from __future__ import annotations

import re
import unicodedata

from till.core.words import N_
from till.errors import Refusal

# Letters that Unicode does not decompose into a base letter and an accent.
_LIGATURES = str.maketrans(
    {
        "œ": "oe",
        "Œ": "oe",
        "æ": "ae",
        "Æ": "ae",
        "ß": "ss",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "þ": "th",
        "Þ": "th",
        "ı": "i",
    }
)
_APOSTROPHES = str.maketrans({"'": None, "’": None, "`": None})
_NOT_WORD = re.compile(r"[^0-9a-z@.+_-]+")
_NOT_ASCII_WORD = re.compile(r"[^0-9a-z]+")
_NOT_DIGIT = re.compile(r"[^0-9]+")
_JOINERS = {"\u200c", "\u200d"}
"""Zero-width (non-)joiners shape a word (Persian, emoji sequences) but never split it."""

_FORMAT_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e"  # bidi embeddings and overrides
    "\u2066\u2067\u2068\u2069"  # bidi isolates
    "\u206a\u206b\u206c\u206d\u206e\u206f"  # deprecated shaping controls
)
"""Invisible characters that reorder or reshape the text around them: a name holding one can
display as something else. Right-to-left letters need none of them; LRM/RLM marks stay."""

_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u180e]")
"""Zero-width space, word joiner, byte-order mark, Mongolian vowel separator: they carry
nothing a person can see, so ``Mar\u200btin`` would look like Martin and be someone else.
Pasted text and exported files are full of them; they are dropped, never refused."""

_INPUT_WHITESPACE = "\t\n\r"
"""The only control characters outside text may hold: they fold into a space."""


def is_control(char: str) -> bool:
    """A character that is a command to a terminal or a printer rather than text: C0 and C1
    controls, DEL, lone surrogates and the bidi override controls."""
    return unicodedata.category(char) in ("Cc", "Cs") or char in _FORMAT_CONTROLS


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u206f\ud800-\udfff]")
"""The characters ``is_control`` names, for scanning whole fields at once."""


def first_control(text: str, allowed: str = "") -> str | None:
    """The first control character of ``text`` not in ``allowed``, as ``U+001B``; or None."""
    for match in _CONTROL.finditer(text):
        if match.group() not in allowed:
            return f"U+{ord(match.group()):04X}"
    return None


CONTROL_CHARACTER = N_("has a control character ({found}), which cannot be printed.")


def clean_line(text: str) -> str:
    """One line of outside text as it may be stored: tabs and line breaks fold into single
    spaces, ends trimmed; any other control character is refused (ValueError naming it)."""
    if text.isascii() and text.isprintable():  # most fields: no control, nothing invisible
        return " ".join(text.split())
    found = first_control(text, _INPUT_WHITESPACE)
    if found:
        raise Refusal(CONTROL_CHARACTER, found=found)
    return " ".join(_INVISIBLE.sub("", text).split())


def clean_block(text: str) -> str:
    """Several lines of outside text (notes): line breaks and tabs kept, ends trimmed; any
    other control character is refused (ValueError naming it)."""
    found = first_control(text, _INPUT_WHITESPACE)
    if found:
        raise Refusal(CONTROL_CHARACTER, found=found)
    return _INVISIBLE.sub("", text).replace("\r\n", "\n").replace("\r", "\n").strip()


_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u180e\u200b\u2028\u2029\u202a-\u202e\u2060\u2066-\u206f\ufeff"
    "\ud800-\udfff]"
)
"""Every control character (``is_control``), the invisible characters that input drops, and
the Unicode line and paragraph separators."""
_AS_SPACE = frozenset("\t\n\r\v\f\x85\u2028\u2029")


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` safe to send to a printer or a terminal whatever it holds: line breaks and
    tabs become spaces (or, with ``keep_newlines``, line breaks stay), every other control
    character is dropped. For output: data stored before the input rule existed."""
    if (text.isascii() and text.isprintable()) or _UNSAFE.search(text) is None:
        return text  # the common cases: no copy

    def replace(match: re.Match[str]) -> str:
        char = match.group()
        if keep_newlines and char == "\n":
            return char
        return " " if char in _AS_SPACE else ""

    return _UNSAFE.sub(replace, text)


def _word_char(char: str) -> bool:
    return char.isalnum() or unicodedata.category(char).startswith("M")


def fold(text: str) -> str:
    """``"  Crème-Brûlée  Œuvre "`` → ``"creme brulee oeuvre"``: lower case, no accents, words.
    Apostrophes join rather than split: ``O'Brien`` is ``obrien``, as people type it.
    Letters of every script are words (``محمد``, ``דוד``, ``Ελένη``); the rest separates them.
    """
    if text.isascii():  # most names and every code: no accents to take off
        return " ".join(_NOT_ASCII_WORD.sub(" ", text.translate(_APOSTROPHES).lower()).split())
    decomposed = unicodedata.normalize(
        "NFKD", _INVISIBLE.sub("", text).translate(_LIGATURES).translate(_APOSTROPHES)
    )
    plain = "".join(
        c if _word_char(c) else " "
        for c in decomposed
        if not unicodedata.combining(c) and c not in _JOINERS
    )
    return " ".join(plain.lower().split())


def fold_email(text: str) -> str:
    """E-mail addresses keep their punctuation but lose case and accents."""
    if text.isascii():  # most addresses: no accent or ligature to take off
        return _NOT_WORD.sub("", text.lower())
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return _NOT_WORD.sub("", plain)


def digits(text: str) -> str:
    if text.isascii():  # every stored phone number (E.164): no other script's digits
        return _NOT_DIGIT.sub("", text)
    return "".join(c for c in text if c.isdigit() and c.isascii())
