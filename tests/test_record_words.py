"""Codes kept in the database read in the language of whoever reads them: a movement's
reason, an audit entry's yes and no; prose (typed, or written before codes) as it is."""

from __future__ import annotations

from till.core.reasons import deposit_reason, parse_reason, return_reason
from till.i18n import use_language
from till.record_words import reason_words, value_words


def test_codes_are_worded_in_the_language_of_the_reader():
    stored = [deposit_reason("card"), deposit_reason("cash"), return_reason("01-000042")]
    assert [reason_words(r) for r in stored] == [
        "paid by card",
        "paid by cash",
        "return of 01-000042",
    ]
    use_language("fr")
    french = [reason_words(r) for r in stored]
    assert french[2].endswith("01-000042") and "return" not in french[2]
    assert all(
        word != english
        for word, english in zip(french[:2], ["paid by card", "paid by cash"], strict=True)
    )
    assert value_words("yes") != "yes" and value_words("no") != "no"


def test_prose_and_data_are_shown_as_they_are():
    for typed in ("paid by cash", "welcome gift: 50 points", "return of the gift", "note:a b"):
        assert parse_reason(typed) is None
        assert reason_words(typed) == typed
    assert value_words("06 11 11 11 11") == "06 11 11 11 11"
