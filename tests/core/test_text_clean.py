"""The one text rule: outside text with control characters is refused at the boundary (or,
on output, stripped); letters of every script, emoji sequences and their joiners are text."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from till.core.customer import FieldErrors, validate_changes
from till.core.text import clean_block, clean_line, first_control, fold, is_control, printable

FAMILY = "👨\u200d👩\u200d👧"
CONTROLS = [chr(c) for c in (*range(0x00, 0x20), *range(0x7F, 0xA0))]
BIDI_OVERRIDES = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2069"]


def _printable_only(text: str) -> bool:
    return not any(is_control(c) or c in "\u200b\ufeff\u2060\u180e" for c in text)


@pytest.mark.parametrize("char", [c for c in CONTROLS if c not in "\t\n\r"] + BIDI_OVERRIDES)
def test_a_control_character_is_refused_and_named(char):
    with pytest.raises(ValueError, match=f"U\\+{ord(char):04X}"):
        clean_line(f"Name{char}x")
    with pytest.raises(ValueError, match=f"U\\+{ord(char):04X}"):
        clean_block(f"Line one\n{char}")


@pytest.mark.parametrize(
    "text",
    [
        "محمد علي",
        "דוד כהן",
        "Ελένη",
        f"Famille {FAMILY}",
        "می\u200cخواهم",
        "🇫🇷",
        "O'Brien",
        "Zoé\u200e",
        "Crème brûlée",
    ],
)
def test_letters_of_every_script_and_emoji_sequences_are_text(text):
    assert clean_line(text) == text
    assert printable(text) == text


def test_line_breaks_and_tabs_fold_into_spaces_on_one_line_and_stay_in_a_block():
    assert clean_line("  Pain\tde\r\nmie  ") == "Pain de mie"
    assert clean_block("one\r\ntwo\rthree\n") == "one\ntwo\nthree"


def test_output_drops_commands_and_keeps_the_text():
    assert printable("Drawer\x1bp0ddKick") == "Drawerp0ddKick"
    assert printable("\x1b[2J\x1b]0;pwned\x07") == "[2J]0;pwned"
    assert printable("a\nb\tc") == "a b c"
    assert printable("a\nb", keep_newlines=True) == "a\nb"
    assert printable("Spoof\u202eNAME") == "SpoofNAME"


@pytest.mark.parametrize("invisible", ["\u200b", "\ufeff", "\u2060", "\u180e"])
def test_invisible_characters_are_dropped_in_and_out_and_never_split_a_word(invisible):
    name = f"{invisible}Mar{invisible}tin"
    assert clean_line(name) == "Martin"
    assert clean_block(f"{name}\nDupont") == "Martin\nDupont"
    assert printable(name) == "Martin"
    assert fold(name) == "martin"


def test_joiners_that_shape_words_and_emoji_stay():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert clean_line(f"Ana {family}") == f"Ana {family}"
    assert printable("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645") == (
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    )


@given(st.text())
def test_printable_never_lets_a_control_through(text):
    assert _printable_only(printable(text))
    assert _printable_only(printable(text, keep_newlines=True).replace("\n", ""))


@given(st.text())
def test_clean_line_refuses_or_returns_one_line_of_text(text):
    try:
        line = clean_line(text)
    except ValueError:
        assert first_control(text, "\t\n\r") is not None
        return
    assert _printable_only(line) and line == line.strip()


@given(st.text())
def test_fold_never_raises_and_keeps_only_words(text):
    folded = fold(text)
    assert folded == " ".join(folded.split()) and _printable_only(folded)


def test_fold_keeps_every_script():
    assert fold("محمد") == "محمد" and fold("مُحَمَّد") == "محمد"
    assert fold("דוד") == "דוד"
    assert fold("Ελένη") == "ελενη"
    assert fold(f"Famille {FAMILY}") == "famille"


def _validate(**changes):
    return validate_changes(changes, region="FR", today=date(2026, 11, 23))


def test_customer_names_with_emoji_joiners_and_rtl_letters_are_accepted():
    clean = _validate(last_name=f"Martin {FAMILY}", first_name="محمد", nickname="דוד")
    assert clean == {"last_name": f"Martin {FAMILY}", "first_name": "محمد", "nickname": "דוד"}


@pytest.mark.parametrize("field", ["last_name", "city", "notes", "targeting"])
def test_customer_fields_with_control_characters_are_refused_naming_the_field(field):
    with pytest.raises(FieldErrors) as refused:
        _validate(**({"last_name": "X"} | {field: "Evil\x1b]0;pwned\x07"}))
    assert "U+001B" in str(refused.value.errors[field])


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_plain_ascii_folds_as_the_full_rule_does(text):
    from till.core import text as rules

    decomposed = unicodedata.normalize("NFKD", text.translate(rules._APOSTROPHES))
    slow = " ".join("".join(c if rules._word_char(c) else " " for c in decomposed).lower().split())
    assert fold(text) == slow


@given(st.lists(st.text(), max_size=6))
def test_folding_words_one_by_one_is_folding_them_joined(words):
    one_by_one = " ".join(f for w in words if w and (f := fold(w)))
    assert one_by_one == fold(" ".join(w for w in words if w))
