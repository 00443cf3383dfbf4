"""The search keys of phone numbers and e-mail addresses: the shortcut for ASCII text (every
stored number, most addresses) gives what reading the text letter by letter gives."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from till.core.text import _LIGATURES, _NOT_WORD, digits, fold_email


def digits_letter_by_letter(text: str) -> str:
    return "".join(c for c in text if c.isdigit() and c.isascii())


def fold_email_letter_by_letter(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return _NOT_WORD.sub("", plain)


texts = st.one_of(
    st.text(alphabet=st.characters(max_codepoint=127)),
    st.text(),
    st.text(alphabet="+0123456789 ().-٣１²Ⅷ"),
    st.text(alphabet="ABCxyz@._+-' éÉœŒßKK\u212a\u0301"),
)


@given(texts)
def test_digits(text):
    assert digits(text) == digits_letter_by_letter(text)


@given(texts)
def test_fold_email(text):
    assert fold_email(text) == fold_email_letter_by_letter(text)


def test_examples():
    assert digits("+33 6 12-34.56 78") == "33612345678"
    assert digits("٣٣ 06") == "06"  # other scripts' digits are not a phone's
    assert fold_email("Zoé.Lefèvre@Exemple.FR") == "zoe.lefevre@exemple.fr"
    assert fold_email("JEAN+caisse@Example.com") == "jean+caisse@example.com"
