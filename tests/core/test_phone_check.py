"""The French numbers read without ``phonenumbers.parse`` come out as the library makes them."""

import phonenumbers
from hypothesis import example, given, settings
from hypothesis import strategies as st

from till.core.phone_check import french_e164, french_national_digits

SEPARATORS = st.sampled_from(["", " ", ".", "-", "  ", "/", "\u00a0"])
NINE_DIGITS = st.text(alphabet="0123456789", min_size=9, max_size=9)


def library_e164(text: str, region: str) -> str | None:
    """The screen's rule through the library alone: E.164 when valid, else None."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@st.composite
def written_numbers(draw: st.DrawFn) -> str:
    """Nine digits (any: valid, unallocated, starting with 0) written as people write them:
    after ``0``, ``+33``, ``+33 ``, ``0033`` or ``+32``, grouped by separators or not."""
    digits = draw(NINE_DIGITS)
    start = draw(st.sampled_from(["0", "+33", "+33 ", "0033", "+32", "+330", "", "+ 33"]))
    groups = [digits[0], *(digits[n : n + 2] for n in range(1, 9, 2))]
    return start + "".join(draw(SEPARATORS) + group for group in groups)


@settings(max_examples=3_000)
@given(written_numbers(), st.sampled_from(["FR", "BE", "GB"]))
@example("06 12 34 56 78", "FR")
@example("+33 6 12 34 56 78", "FR")
@example("0612345678", "BE")
@example("+33612345678", "GB")
@example("01 02 03 04 05", "FR")
def test_the_quick_way_gives_what_the_library_gives(text: str, region: str) -> None:
    quick = french_e164(text, region)
    if quick is not None:
        assert quick == library_e164(text, region)


@settings(max_examples=3_000)
@given(NINE_DIGITS.filter(lambda digits: digits[0] != "0"), st.sampled_from(["", " ", "."]))
def test_the_common_shapes_take_the_quick_way_when_valid(digits: str, separator: str) -> None:
    spaced = separator.join([digits[0], *(digits[n : n + 2] for n in range(1, 9, 2))])
    for text in (f"0{spaced}", f"+33{spaced}", f"+33 {spaced}"):
        assert french_e164(text, "FR") == library_e164(text, "FR")


def test_digits_of_other_scripts_are_left_to_the_library() -> None:
    assert french_e164("٠٦١٢٣٤٥٦٧٨", "FR") is None
    assert french_e164("+33 6 12 34 56 78 ext. 2", "FR") is None


@settings(max_examples=3_000)
@given(NINE_DIGITS, st.sampled_from(["+33", "+32", "+330", "+3"]))
@example("612345678", "+33")
@example("812345678", "+33")
@example("112345678", "+33")
def test_national_digits_are_those_of_the_library_national_form(digits: str, start: str) -> None:
    e164 = start + digits
    quick = french_national_digits(e164)
    if quick is not None:
        number = phonenumbers.parse(e164)
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        assert quick == "".join(c for c in national if c.isdigit())
    if start == "+33" and digits[0] != "0":
        assert quick is not None


def test_every_four_digit_start_is_judged_as_the_library_judges_it() -> None:
    """Whether a French number is valid depends on how it starts: every start of four digits,
    with two endings, gives the library's answer."""
    for start in range(1_000, 10_000):
        for ending in ("00000", "12345", "98769"):
            text = f"0{start}{ending}"
            assert french_e164(text, "FR") == library_e164(text, "FR"), text
