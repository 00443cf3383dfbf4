"""The search words of a phone number: its national form read from the stored E.164 text
without parsing it again gives what parsing it gives, for every country's numbers."""

from __future__ import annotations

import phonenumbers
from hypothesis import given
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from storage.customer_keys import _national, _stored_number
from till.core.text import digits


def parsed_national(e164: str) -> str:
    number = phonenumbers.parse(e164)
    return digits(phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL))


def every_example_number() -> list[str]:
    numbers = [
        phonenumbers.example_number_for_type(region, kind)
        for region in sorted(phonenumbers.SUPPORTED_REGIONS)
        for kind in PhoneNumberType.values()
    ]
    numbers += [
        phonenumbers.example_number_for_non_geo_entity(code)
        for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS)
    ]
    return sorted({phonenumbers.format_number(n, PhoneNumberFormat.E164) for n in numbers if n})


def test_every_example_number_reads_as_parsing_reads_it():
    examples = every_example_number()
    assert len(examples) > 1_000
    assert [_national(e164) for e164 in examples] == [parsed_national(e) for e in examples]
    # most are read without a parse: those whose national part could start with a prefix
    # (Argentina's 9, a US number starting with 1…) are left to phonenumbers
    assert sum(_stored_number(e164) is not None for e164 in examples) > len(examples) * 0.8


def test_italian_leading_zeros_are_kept():
    assert _national("+390212345678") == "0212345678" == parsed_national("+390212345678")
    assert _national("+33612345678") == "0612345678"


@given(
    st.sampled_from(sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)),
    st.text(alphabet="0123456789", min_size=1, max_size=16),
)
def test_any_digits_after_a_country_code_read_as_parsing_reads_them(code, national):
    e164 = f"+{code}{national}"
    try:
        expected = parsed_national(e164)
    except phonenumbers.NumberParseException:
        assert _stored_number(e164) is None
        return
    assert _national(e164) == expected


def test_text_not_as_stored_is_left_to_phonenumbers():
    for text in ("06 12 34 56 78", "+33 6 12 34 56 78", "+٣٣٦١٢٣٤٥٦٧٨", "+0123", "+1"):
        assert _stored_number(text) is None
