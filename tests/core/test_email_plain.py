"""Plain addresses checked without ``email_validator``'s reading come out as the library makes
them, and anything the library refuses is left to it."""

from email_validator import EmailNotValidError, validate_email
from hypothesis import example, given, settings
from hypothesis import strategies as st

import till.core.email_check  # noqa: F401  (the remembered domain check, as the till runs)
from till.core.email_plain import plain_email

WORD = st.text(alphabet="abcXYZ09_+-.é!'\"", min_size=0, max_size=12)
LABEL = st.sampled_from(
    ["example", "mail", "EXAMPLE", "xn--bcher-kva", "a-b", "-ab", "ab-", "a", "0", "local"]
)
TOP = st.sampled_from(["fr", "com", "FR", "local", "localhost", "invalid", "test", "c0m", "", "1"])


@st.composite
def addresses(draw: st.DrawFn) -> str:
    local = ".".join(draw(st.lists(WORD, min_size=1, max_size=3)))
    if draw(st.booleans()):
        local = draw(st.sampled_from(["Postmaster", "INFO", "Sales", "abuse"]))
    labels = [*draw(st.lists(LABEL, min_size=0, max_size=3)), draw(TOP)]
    domain = ".".join(labels)
    if draw(st.integers(0, 9)) == 0:  # near the length limits
        local = local + "a" * draw(st.integers(0, 80))
        domain = "b" * draw(st.integers(0, 70)) + "." + domain
    return f"{local}@{domain}"


def library(text: str) -> str | None:
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


@settings(max_examples=3_000)
@given(addresses())
@example("jean.dupont@example.fr")
@example("Postmaster@Example.FR")
@example("a@xn--bcher-kva.example")
@example("a..b@example.fr")
@example("a@example")
@example("a@localhost")
@example("a@b.local")
@example(f"{'a' * 64}@{'b' * 63}.{'c' * 63}.{'d' * 63}.fr")
@example(f"{'a' * 65}@example.fr")
def test_the_quick_way_gives_what_the_library_gives(text: str) -> None:
    quick = plain_email(text)
    if quick is not None:
        assert quick == library(text)


@settings(max_examples=1_000)
@given(
    st.text(alphabet="abcdefXYZ0189_+-", min_size=1, max_size=20),
    st.sampled_from(["example.fr", "Mail.Example.COM", "orange.fr"]),
)
def test_plain_addresses_take_the_quick_way(local: str, domain: str) -> None:
    text = f"{local}@{domain}"
    assert plain_email(text) == library(text) is not None
