"""The e-mail check with its domain check remembered answers every address exactly as
``email_validator`` does without it: the same normalized address, or the same error."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import given, settings
from hypothesis import strategies as st

from till.core import email_check
from till.core.customer import FieldErrors, validate_changes

LOCAL_PARTS = [
    "jean",
    "Jean.Dupont",
    "postmaster",
    "POSTMASTER",
    "é.ü",
    "a..b",
    "",
    '"x y"',
    "a" * 70,
]
DOMAINS = [
    "gmail.com",
    "Example.FR",
    "orange.fr.",
    "münchen.de",
    "MÜNCHEN.DE",
    "xn--mnchen-3ya.de",
    "xn--zz.com",
    "bücher.example",
    "例え.jp",
    "אב.1.com",
    "1.xn--4dbc.com",
    "ｆｕｌｌ.com",
    "straße.de",
    "localhost",
    "nodot",
    "a..b.com",
    "-a.com",
    "a-.com",
    "ab--c.com",
    "a_b.com",
    "a b.com",
    "[192.0.2.1]",
    "x." + "a" * 64 + ".com",
    ".".join(["abcdefghi"] * 30),
    "com",
    "test",
    "mail.test",
    "zero\u200dwidth.com",
    "",
]


@contextmanager
def uncached() -> Iterator[None]:
    """``email_validator`` with its own domain check, as if ``email_check`` were not there."""
    flow, name = email_check._FLOW, "validate_email_domain_name"
    setattr(flow, name, email_check.library_domain_check)
    try:
        yield
    finally:
        setattr(flow, name, email_check.remembered_domain_check)


def outcome(address: str) -> tuple[str, str]:
    try:
        return ("valid", email_check.normalized_email(address))
    except email_check.EmailNotValidError as error:
        return (type(error).__name__, str(error))


def assert_same(address: str) -> None:
    with uncached():
        expected = outcome(address)
    assert outcome(address) == expected  # the first time: the domain is checked and kept
    assert outcome(address) == expected  # then: from the cache


def test_known_addresses_answer_as_without_the_cache() -> None:
    for domain in DOMAINS:
        for local in LOCAL_PARTS:
            assert_same(f"{local}@{domain}")
    assert_same("no at sign")
    assert_same("two@@signs.com")


DOMAIN_TEXT = st.lists(
    st.sampled_from([*"abcxyz019-._", "xn--", "ü", "é", "ß", "ı", "Ａ", "א", "ب", "\u200d", " "]),
    max_size=40,
).map("".join)
"""Domains good and bad: labels, dots, dashes, Punycode prefixes, letters IDNA maps or refuses."""


@settings(max_examples=400, deadline=None)
@given(local=st.sampled_from(LOCAL_PARTS), domain=DOMAIN_TEXT)
def test_any_domain_answers_as_without_the_cache(local: str, domain: str) -> None:
    assert_same(f"{local}@{domain}")


def email(address: str) -> str:
    return str(validate_changes({"email": address}, region="FR")["email"])


def test_the_domain_check_is_remembered() -> None:
    """Fails if the library stops finding its domain check where the cache is put."""
    email("first@remembered-domain.fr")
    hits = email_check.cache_info().hits
    assert email("second@Remembered-Domain.fr") == "second@remembered-domain.fr"
    email("third@remembered-domain.fr")
    assert email_check.cache_info().hits >= hits + 1


def test_a_refused_address_keeps_its_reason() -> None:
    with uncached():
        expected = outcome("jean@nodot")
    assert expected[0] != "valid"
    for _ in range(2):
        try:
            email("jean@nodot")
        except FieldErrors as error:
            assert error.errors["email"].params["detail"] == expected[1]
        else:
            raise AssertionError("jean@nodot was accepted")
