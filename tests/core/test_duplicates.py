"""The duplicate matcher: reasons, scores, typos, and blocks that never compare all pairs."""

from __future__ import annotations

import random
import string

from hypothesis import given
from hypothesis import strategies as st

from till.core import duplicates
from till.core.customer import Customer
from till.core.duplicates import (
    PROBABLE,
    SHARED_LIMIT,
    WINDOW,
    Person,
    blocking_keys,
    compare,
    matches_among,
    person_of,
    reasons_in_words,
)


def person(id: str, last: str = "Dupont", first: str = "Jean", **fields: str) -> Person:
    return Person(id=id, code=f"C-{id}", last_name=last, first_name=first, **fields)


def test_the_same_email_or_phone_under_the_same_name_is_strong():
    by_email = compare(person("a", email="jean@ex.fr"), person("b", email="jean@ex.fr"))
    assert by_email is not None and by_email.reasons == ("same_email", "similar_name")
    # a mobile on one file may be the landline typed on the other
    by_phone = compare(person("a", mobile="+33612345678"), person("b", landline="+33612345678"))
    assert by_phone is not None and by_phone.reasons == ("same_phone", "similar_name")
    assert by_email.score > by_phone.score >= 90


def test_a_card_or_an_external_code_is_the_strongest():
    card = compare(
        person("a", card_number="2900000000017"), person("b", card_number="2900000000017")
    )
    code = compare(
        person("a", external_codes=(("shopify", "123"),)),
        person("b", last="Dupond", external_codes=(("shopify", "123"), ("square", "9"))),
    )
    assert card is not None and card.reasons == ("same_card", "similar_name")
    assert code is not None and code.reasons == ("same_external_code", "similar_name")
    assert card.score == 100
    other_system = compare(
        person("a", external_codes=(("shopify", "123"),)),
        person("b", first="Paul", external_codes=(("square", "123"),)),
    )
    assert other_system is None


def test_close_names_need_a_postcode_a_birth_date_or_a_company():
    def score(**fields: str) -> int | None:
        match = compare(person("a", **fields), person("b", last="Dupond", **fields))
        return match.score if match else None

    assert score() is None  # names alone are not enough
    by_postcode = compare(person("a", postcode="75011"), person("b", postcode="75 011"))
    assert by_postcode is not None and by_postcode.reasons == ("similar_name", "same_postcode")
    company = compare(person("a", company="Dupont SARL"), person("b", company="DUPONT S.A.R.L."))
    assert company is None  # "sarl" and "s a r l" fold apart: only the same company counts
    assert score(company="Boulangerie Dupont") == score(postcode="75011")
    assert score(birth_date="1980-05-02") > score(postcode="75011") >= PROBABLE
    assert score(postcode="75011", birth_date="1980-05-02") > score(birth_date="1980-05-02")


def test_a_typo_scores_below_the_same_name_yet_is_probable():
    def score(last: str, first: str) -> int:
        match = compare(person("a", postcode="69003"), person("b", last, first, postcode="69003"))
        assert match is not None, (last, first)
        return match.score

    assert score("Dupont", "Jean") > score("Dupnot", "Jean") >= PROBABLE
    assert score("DUPONT", "jean") == score("Dupont", "Jean")  # case
    assert score("Jean", "Dupont") == score("Dupont", "Jean")  # swapped
    assert score("Dupont", "") >= PROBABLE  # no first name on one file
    assert score("Dupont", "J") >= PROBABLE  # its initial


def test_accents_case_and_spaces_do_not_matter():
    one = person("a", "Le Gall", "Zoé", postcode="29000")
    other = person("b", "LEGALL", "ZOE", postcode="29000")
    match = compare(one, other)
    assert match is not None and match.score == 80  # as alike as names can be, one anchor


def test_different_people_are_not_matched():
    home = {"postcode": "75011", "landline": "+33140000000"}
    assert compare(person("a", **home), person("b", "Durand", "Claire", postcode="75011")) is None
    assert compare(person("a", **home), person("b", first="Jeanne", postcode="75011")) is None
    household = compare(person("a", **home), person("b", first="Marie", **home))
    assert household is not None and household.score < PROBABLE  # a shared landline
    assert compare(person("a"), person("a")) is None  # the same customer


def test_with_the_same_birth_date_a_typo_in_a_short_first_name_still_counts():
    born = {"birth_date": "1988-04-16", "postcode": "08530"}
    match = compare(person("a", first="Jean", **born), person("b", first="Jan", **born))
    assert match is not None and match.score >= PROBABLE
    postcode_only = compare(
        person("a", postcode="08530"), person("b", first="Jan", postcode="08530")
    )
    assert postcode_only is None


def test_reasons_in_words():
    assert reasons_in_words(("same_email", "similar_name")) == "same e-mail, similar name"
    assert set(duplicates.REASONS) == {
        "same_email",
        "same_phone",
        "same_card",
        "same_external_code",
        "similar_name",
        "same_postcode",
        "same_birth_date",
        "same_company",
    }


def test_person_of_a_customer_keeps_the_normal_forms():
    customer = Customer(
        id="x",
        code="C01-000001",
        last_name="Dupont",
        email="Jean.Dupont@Example.FR",
        mobile="+33612345678",
        external_codes={"square": "9", "shopify": "1"},
    )
    found = person_of(customer)
    assert found.email == "jean.dupont@example.fr"
    assert found.external_codes == (("shopify", "1"), ("square", "9"))


def test_blocking_keys_catch_a_typo_anywhere_in_the_last_name():
    def share(last: str, other_last: str) -> set[str]:
        one = blocking_keys(person("a", last, postcode="75011"))
        return one & blocking_keys(person("b", other_last, postcode="75011"))

    for typo in ("Tupont", "Dpuont", "Dupnot", "Dupon", "Duppont", "Dupond"):
        assert share("Dupont", typo), typo
    assert not share("Dupont", "Martin")
    assert not blocking_keys(person("a")) & blocking_keys(person("b"))  # no anchor: no block
    keys = blocking_keys(person("a", email="j@ex.fr", mobile="+33612345678", card_number="29"))
    assert {"email|j@ex.fr", "phone|33612345678", "card|29"} <= keys


def test_matches_among_reports_each_pair_once_compared_once(monkeypatch):
    calls = count_calls(monkeypatch)
    same = {"email": "j@ex.fr", "mobile": "+33612345678", "postcode": "75011"}
    people = [person("b", **same, birth_date="1980-01-01"), person("a", **same)]
    [match] = matches_among(people)
    assert (match.first_id, match.second_id) == ("a", "b")  # the lower id first
    assert calls == [("a", "b")]


def test_a_placeholder_shared_by_many_is_not_evidence():
    shop_phone = "+33140000000"
    people = [
        person(f"{n:03d}", last=f"Name{n}", first="", mobile=shop_phone)
        for n in range(SHARED_LIMIT + 1)
    ]
    assert list(matches_among(people)) == []
    assert len(list(matches_among(people[:2]))) == 1  # two sharing it: compared


def test_a_postcode_of_thousands_is_never_compared_pair_by_pair(monkeypatch):
    """2,000 people in one postcode whose last names start with one of 12 and whose first
    names are one of 8 (the worst blocks a town makes), with 20 planted typos: comparisons
    stay near people × keys × WINDOW, a small share of all pairs."""
    rng = random.Random(4)
    stems = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard"]
    stems += ["Petitjean", "Durand", "Leroy", "Moreau", "Simon", "Laurent"]
    firsts = ["Jean", "Marie", "Pierre", "Nathalie", "Camille", "Lucas", "Emma", "Hugo"]

    def surname() -> str:  # Martinez, Bernardot…: a stem and a rarer ending
        return rng.choice(stems) + "".join(rng.choice("aeiourtnlsz") for _ in range(3))

    people = [
        person(f"{n:05d}", surname(), rng.choice(firsts), postcode="75011") for n in range(1980)
    ]
    planted = []
    for n in range(20):
        original = people[n * 50]
        last = original.last_name
        at = rng.randrange(1, len(last) - 1)
        typo = last[:at] + last[at + 1] + last[at] + last[at + 2 :]
        people.append(person(f"9{n:04d}", typo, original.first_name, postcode="75011"))
        planted.append((original.id, f"9{n:04d}"))
    calls = count_calls(monkeypatch)
    candidates = count_candidates(monkeypatch)
    found = {(m.first_id, m.second_id) for m in matches_among(people)}
    all_pairs = len(people) * (len(people) - 1) // 2
    assert len(calls) <= candidates[0] <= len(people) * 4 * WINDOW
    assert candidates[0] < all_pairs // 30
    assert len(set(calls)) == len(calls)  # no pair compared twice
    assert set(planted) <= found


def count_calls(monkeypatch) -> list[tuple[str, str]]:
    calls: list[tuple[str, str]] = []

    def counted(a: Person, b: Person):
        calls.append((a.id, b.id))
        return compare(a, b)

    monkeypatch.setattr(duplicates, "compare", counted)
    return calls


def count_candidates(monkeypatch) -> list[int]:
    """How many pairs the blocks put forward (each is then weighed by its names, or compared)."""
    counted = [0]
    pairs = duplicates.block_pairs

    def counting(key: str, members: list[Person]):
        for pair in pairs(key, members):
            counted[0] += 1
            yield pair

    monkeypatch.setattr(duplicates, "block_pairs", counting)
    return counted


def one_typo(name: str, slip: str, at: int, letter: str) -> str:
    at %= len(name) - 1
    if slip == "replace":
        return name[:at] + letter + name[at + 1 :]
    if slip == "drop":
        return name[:at] + name[at + 1 :]
    if slip == "add":
        return name[:at] + letter + name[at:]
    return name[:at] + name[at + 1] + name[at] + name[at + 2 :]


slips = st.sampled_from(["replace", "drop", "add", "swap"])
lowercase = st.text(string.ascii_lowercase, min_size=1, max_size=1)


@given(
    st.text(string.ascii_lowercase, min_size=6, max_size=14), slips, st.integers(0, 20), lowercase
)
def test_one_typo_in_a_long_last_name_leaves_a_shared_block(last, slip, at, letter):
    typed = one_typo(last, slip, at, letter)
    one = blocking_keys(person("a", last, "Jean", postcode="75011"))
    assert one & blocking_keys(person("b", typed, "Jean", postcode="75011"))


@given(
    st.text(string.ascii_lowercase, min_size=4, max_size=10), slips, st.integers(0, 20), lowercase
)
def test_one_typo_in_a_first_name_leaves_a_shared_block(first, slip, at, letter):
    typed = one_typo(first, slip, at, letter)
    one = blocking_keys(person("a", "Dupont", first, postcode="75011"))
    assert one & blocking_keys(person("b", "Dupont", typed, postcode="75011"))


names = st.text(string.ascii_letters + "éè -'", min_size=1, max_size=12)


@given(names, names, names, names, st.sampled_from(["", "75011"]))
def test_compare_is_symmetric(last_a, first_a, last_b, first_b, postcode):
    one = Person("a", last_name=last_a, first_name=first_a, postcode=postcode)
    other = Person("b", last_name=last_b, first_name=first_b, postcode=postcode)
    forth, back = compare(one, other), compare(other, one)
    assert (forth and (forth.score, forth.reasons)) == (back and (back.score, back.reasons))
    if forth:
        assert 0 <= forth.score <= 100
