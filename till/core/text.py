"""Folding text for search: accents, case and punctuation do not matter to a cashier."""

from __future__ import annotations

import re
import unicodedata

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
_SEPARATORS = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """``"  Crème-Brûlée  Œuvre "`` → ``"creme brulee oeuvre"``: lower case, no accents, words.
    Apostrophes join rather than split: ``O'Brien`` is ``obrien``, as people type it."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES).translate(_APOSTROPHES))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(_SEPARATORS.split(plain)).strip()


def fold_email(text: str) -> str:
    """E-mail addresses keep their punctuation but lose case and accents."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return _NOT_WORD.sub("", plain)


def digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit() and c.isascii())
