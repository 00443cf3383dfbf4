"""Shortcuts the customer import takes give what the whole rules give: the full-text words
of a customer are every field folded, and a plain line is cleaned as any line."""

from hypothesis import given, settings
from hypothesis import strategies as st

from storage.customer_keys import _national, search_text
from till.core.customer import Customer
from till.core.text import digits, fold

TEXT = st.text(st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ["DUPONT", "Zoé", "Crème-Brûlée", "O'Brien", "75011", "SW1A 1AA", "0612", ""]
)
PHONE = st.sampled_from(["", "+33612345678", "+33123456789", "+447911123456", "+390612345678"])


def folded_whole(customer: Customer) -> str:
    """The rule itself: each field (phones also in their national digits) folded."""
    words = [
        customer.last_name,
        customer.first_name,
        customer.nickname,
        customer.company,
        customer.email.replace("@", " ").replace(".", " "),
        customer.city,
        customer.postcode,
        customer.code.replace("-", ""),
        customer.code,
        customer.card_number,
        digits(customer.mobile),
        digits(customer.landline),
        _national(customer.mobile),
        _national(customer.landline),
        *customer.external_codes.values(),
    ]
    return " ".join(folded for word in words if (folded := fold(word)))


@settings(max_examples=1_000)
@given(
    st.fixed_dictionaries(
        {
            "last_name": TEXT,
            "first_name": TEXT,
            "nickname": TEXT,
            "company": TEXT,
            "email": TEXT,
            "city": TEXT,
            "postcode": TEXT,
            "code": st.sampled_from(["C01-000042", "c02-1", ""]),
            "card_number": TEXT,
            "mobile": PHONE,
            "landline": PHONE,
            "external_codes": st.dictionaries(TEXT, TEXT, max_size=2),
        }
    )
)
def test_search_words_are_each_field_folded(fields: dict) -> None:
    customer = Customer(id="x", **fields)
    assert search_text(customer) == folded_whole(customer)


@settings(max_examples=3_000)
@given(st.text(alphabet=st.characters(max_codepoint=0x7F)) | st.text())
def test_a_plain_line_is_cleaned_as_any_line(text: str) -> None:
    """The shortcut for printable ASCII gives what the whole rule gives."""
    from till.core.text import _INPUT_WHITESPACE, _INVISIBLE, clean_line, first_control

    if first_control(text, _INPUT_WHITESPACE):
        return
    assert clean_line(text) == " ".join(_INVISIBLE.sub("", text).split())
