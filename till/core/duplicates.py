"""The same person entered twice: who might be whom, how likely, and why.

Two customers are compared by ``compare``. Strong evidence is a shared loyalty card, external
code, e-mail or phone number; names alone are never enough, but names that match closely
(rapidfuzz, after folding accents and case) with the same postcode, date of birth or company
are a probable duplicate. Each match has a score from 0 to 100 and its reasons as stable codes
(``REASONS``), put into words at the edge by ``reasons_in_words``.

A file is never compared pair by pair: ``matches_among`` compares only people who share a
blocking key (``blocking_keys``). Contact keys (e-mail, phone digits, card, external code) put
together everyone holding the same value; a value held by more than ``SHARED_LIMIT`` people is
a placeholder (the shop's own phone typed for everyone), not evidence, and its block is
skipped. Name keys put together people with the same anchor (postcode, date of birth or
company) and:

- ``last``: the same folded last name and first initial (a typo after the first letter of
  the first name, or only its initial given; two people without a first name);
- ``first``: the same last name and last two letters of the first name (a typo at the start
  of the first name);
- ``start``: the same first three letters of the last and of the first name, in either order
  (a typo after the third letter of either, and first and last name swapped);
- ``end``: the same first three letters of the first name and last two or three letters of
  the last name (a typo in the first letters of the last name).

A single typo (a letter replaced, dropped, added, or two swapped) in a last name of six
letters or more always leaves the ``start`` or the ``end`` key intact; in one of five, all
but a swap of its third and fourth letters; a typo in a first name of three letters or more
leaves the ``last`` or the ``first`` key. A customer without a first name meets the others
of the same last name through a contact value only (``compare`` would pair them: the last
name key alone made blocks of every namesake of a town).

A name block can be large (every Martin of a town's postcode): its members are sorted so
that near names sit together (by first name in a ``last`` block, by name in a ``start``
block, by the last name read backwards in an ``end`` block) and each is compared with the
next ``WINDOW`` only. Comparisons grow with the number of people, never with its square.
In a name block, a pair whose names are not alike is passed over before the rest of
``compare``: if it shares a contact value too, it meets in that value's block.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import TYPE_CHECKING

from rapidfuzz.distance import OSA

from till.core.text import digits, fold, fold_email

if TYPE_CHECKING:
    from till.core.customer import Customer
    from till.core.customer_lookup import CustomerSummary

PROBABLE = 70
"""The score from which a pair is reported as a probable duplicate."""
NAME_CLOSE = 80
"""Name similarity (0–100) from which two names are "similar": one typo in a name of five
letters or more, not ``Jean`` against ``Joan`` or ``Jeanne``."""
NAME_ALIKE = 65
"""With the same date of birth, names this alike are similar: one typo in a short first name
(``Jean``, ``Jaen``, ``Jan``)."""
NAMES_DIFFER = 60
"""Below this name similarity, people sharing a phone or an e-mail are taken for two people
(a household, a company's switchboard), not one."""
UNKNOWN_FIRST_NAME = 90
"""How alike two first names are when one of them is missing: no contradiction, no proof."""
WINDOW = 20
"""In a name block, each person is compared with the next ``WINDOW`` in the block's order."""
SHARED_LIMIT = 20
"""A contact value (e-mail, phone, card, code) held by more people than this is a placeholder."""
ANCHORS = ("postcode", "birth_date", "company")
"""What a close name must share to be a probable duplicate; name keys are built per anchor."""

REASONS = {
    "same_email": "same e-mail",
    "same_phone": "same phone number",
    "same_card": "same loyalty card",
    "same_external_code": "same external code",
    "similar_name": "similar name",
    "same_postcode": "same postcode",
    "same_birth_date": "same date of birth",
    "same_company": "same company",
}
"""Every reason code, in the order reasons are listed, with its words."""

_STRONG = {"same_card": 95, "same_external_code": 95, "same_email": 90, "same_phone": 85}
"""The score of a shared contact value, before the names are considered."""
_ANCHOR_POINTS = {"same_birth_date": 20, "same_postcode": 10, "same_company": 10}
"""What a shared anchor adds to a similar name's 60 (30 at most)."""
_CONTACT_KINDS = frozenset({"email", "phone", "card", "code"})


@dataclass(frozen=True, slots=True)
class Person:
    """What the matcher reads of a customer (or of a row about to become one)."""

    id: str
    code: str = ""
    last_name: str = ""
    first_name: str = ""
    company: str = ""
    email: str = ""
    """Normalised as stored in the search key (``fold_email``)."""
    mobile: str = ""
    landline: str = ""
    card_number: str = ""
    postcode: str = ""
    birth_date: str = ""
    external_codes: tuple[tuple[str, str], ...] = ()
    """``(system, code)`` pairs."""


@dataclass(frozen=True)
class Match:
    """Two customers who may be one person: ``score`` 0–100 and the reason codes."""

    first_id: str
    second_id: str
    score: int
    reasons: tuple[str, ...]

    @property
    def words(self) -> str:
        return reasons_in_words(self.reasons)


@dataclass(frozen=True)
class PossibleDuplicate:
    """A match as the screens and the CLI show it: both customers, the score, the reasons."""

    first: CustomerSummary
    second: CustomerSummary
    score: int
    reasons: tuple[str, ...]

    @property
    def words(self) -> str:
        return reasons_in_words(self.reasons)


def person_of(customer: Customer) -> Person:
    return Person(
        id=customer.id,
        code=customer.code,
        last_name=customer.last_name,
        first_name=customer.first_name,
        company=customer.company,
        email=fold_email(customer.email),
        mobile=customer.mobile,
        landline=customer.landline,
        card_number=customer.card_number,
        postcode=customer.postcode,
        birth_date=customer.birth_date,
        external_codes=tuple(sorted(customer.external_codes.items())),
    )


def reasons_in_words(reasons: Iterable[str]) -> str:
    """``same e-mail, similar name``: the reasons as a cashier or a manager reads them."""
    return ", ".join(REASONS.get(reason, reason) for reason in reasons)


# --- normal forms --------------------------------------------------------------------------


@lru_cache(maxsize=1 << 16)
def _joined(text: str) -> str:
    """A name folded, its words run together: ``Le Gall`` and ``Legall`` are one name."""
    return fold(text).replace(" ", "")


@lru_cache(maxsize=1 << 16)
def _words(text: str) -> tuple[str, ...]:
    return tuple(fold(text).split())


@lru_cache(maxsize=1 << 16)
def postcode_key(text: str) -> str:
    """``sw1a 1aa``, ``SW1A1AA`` → ``sw1a1aa``: a postcode however it was typed."""
    return fold(text).replace(" ", "")


@lru_cache(maxsize=1 << 14)
def company_key(text: str) -> str:
    """The company folded, as the search key stores it."""
    return fold(text)


def _phones(person: Person) -> set[str]:
    return {number for number in (_digits(person.mobile), _digits(person.landline)) if number}


def _share_phone(a: Person, b: Person) -> bool:
    if all(number[:1] in ("+", "") for number in (a.mobile, a.landline, b.mobile, b.landline)):
        theirs = (b.mobile, b.landline)  # E.164 as stored: compared as they are
        return bool(a.mobile and a.mobile in theirs) or bool(a.landline and a.landline in theirs)
    theirs = (_digits(b.mobile), _digits(b.landline))
    return any(number and number in theirs for number in (_digits(a.mobile), _digits(a.landline)))


def _digits(phone: str) -> str:
    """The digits of a phone number; an E.164 one (as stored) without going letter by letter."""
    if not phone:
        return ""
    if phone[0] == "+" and phone.isascii() and phone[1:].isdigit():
        return phone[1:]
    return digits(phone)


def _anchor(person: Person, anchor: str) -> str:
    if anchor == "postcode":
        return postcode_key(person.postcode)
    if anchor == "birth_date":
        return person.birth_date
    return company_key(person.company)


# --- blocking ------------------------------------------------------------------------------


def contact_keys(person: Person) -> set[str]:
    """Keys of the values one person rarely shares with another: e-mail, phones, card, codes."""
    keys = {f"phone|{number}" for number in _phones(person)}
    if person.email:
        keys.add(f"email|{person.email}")
    if person.card_number:
        keys.add(f"card|{person.card_number}")
    keys.update(f"code|{system}\t{code}" for system, code in person.external_codes)
    return keys


def name_keys(person: Person, anchor: str) -> set[str]:
    """The ``last``, ``first``, ``start`` and ``end`` keys of ``person`` under one anchor
    (module doc)."""
    value = _anchor(person, anchor)
    last = _joined(person.last_name)
    if not value or not last:
        return set()
    first = _joined(person.first_name)
    at = f"{anchor}={value}"
    keys = {f"last|{at}|{last}|{first[:1]}"}
    if first:
        start = (last[:3], first[:3]) if last[:3] <= first[:3] else (first[:3], last[:3])
        keys.add(f"start|{at}|{start[0]}|{start[1]}")
        if len(first) > 2:
            keys.add(f"first|{at}|{last}|{first[-2:]}")
        # The last two letters for names of 4 to 6 letters, the last three from 5 letters on:
        # a dropped or added letter moves a name across 5 or 6, and it keeps a key it had.
        if 3 < len(last) <= 6:
            keys.add(f"end|{at}|{first[:3]}|{last[-2:]}")
        if len(last) >= 5:
            keys.add(f"end|{at}|{first[:3]}|{last[-3:]}")
    return keys


def blocking_keys(person: Person) -> set[str]:
    """Every block ``person`` belongs to: two people are compared only if they share one."""
    keys = contact_keys(person)
    for anchor in ANCHORS:
        keys |= name_keys(person, anchor)
    return keys


def anchored_keys(anchor: str) -> Callable[[Person], set[str]]:
    """The name keys of one anchor only, for ``matches_among`` over people sharing it."""
    return partial(name_keys, anchor=anchor)


def _block_order(kind: str) -> Callable[[Person], tuple[str, ...]]:
    if kind == "last":
        return lambda p: (_joined(p.first_name), p.id)
    if kind == "end":
        return lambda p: (_joined(p.last_name)[::-1], _joined(p.first_name), p.id)
    return lambda p: (_joined(p.last_name), _joined(p.first_name), p.id)


def block_pairs(key: str, members: list[Person]) -> Iterator[tuple[int, int]]:
    """Which pairs of one block are compared, as positions in ``members``: all of them in a
    contact block (none when it holds a placeholder), each person with the next ``WINDOW``
    in a name block's order."""
    kind = key.partition("|")[0]
    if kind in _CONTACT_KINDS:
        if len(members) <= SHARED_LIMIT:
            for i in range(len(members)):
                for j in range(i + 1, len(members)):
                    yield i, j
        return
    order = _block_order(kind)
    ordered = sorted(range(len(members)), key=lambda i: order(members[i]))
    for rank, i in enumerate(ordered):
        for j in ordered[rank + 1 : rank + 1 + WINDOW]:
            yield i, j


def _complete(key: str, size: int) -> bool:
    """Whether a block of ``size`` compares every pair it holds."""
    if key.partition("|")[0] in _CONTACT_KINDS:
        return size <= SHARED_LIMIT
    return size <= WINDOW + 1


def matches_among(
    people: Iterable[Person], keys: Callable[[Person], set[str]] = blocking_keys
) -> Iterator[Match]:
    """Every match among ``people``, each pair once, the lower id (the older customer) first.

    A pair sharing several blocks is compared in the first (by key) that compares all its
    pairs; a windowed block compares it only if no such block holds it."""
    everyone = list(people)
    held = [keys(person) for person in everyone]
    blocks: dict[str, list[int]] = {}
    for index, person_keys in enumerate(held):
        for key in person_keys:
            blocks.setdefault(key, []).append(index)
    shared_blocks = {key: members for key, members in blocks.items() if len(members) > 1}
    complete = {key for key, members in shared_blocks.items() if _complete(key, len(members))}
    reported: set[tuple[str, str]] = set()
    for key in sorted(shared_blocks):
        members = shared_blocks[key]
        by_name = key.partition("|")[0] not in _CONTACT_KINDS
        for i, j in block_pairs(key, [everyone[index] for index in members]):
            one, other = members[i], members[j]
            shared = held[one] & held[other]
            if len(shared) > 1 and min((k for k in shared if k in complete), default=key) != key:
                continue
            first, second = everyone[one], everyone[other]
            if second.id < first.id:
                first, second = second, first
            if (first.id, second.id) in reported:
                continue
            if by_name and name_similarity(first, second) < NAME_ALIKE:
                continue  # most pairs of a name block; one sharing a contact has its block
            match = compare(first, second)
            if match is not None:
                reported.add((first.id, second.id))
                yield match


# --- comparing -----------------------------------------------------------------------------


def _similarity(one: str, other: str) -> float:
    """0–100: how alike two folded name parts are, a typo (transposition too) costing one."""
    if not one or not other:
        return 0.0
    return 100 * OSA.normalized_similarity(one, other)


def _first_names(one: str, other: str) -> float:
    """Like ``_similarity``, but a missing first name, an initial (``J``) or a first word of
    a compound one (``Marie`` for ``Marie-Claire``) is close to the whole."""
    if not one or not other:
        return UNKNOWN_FIRST_NAME
    joined_one, joined_other = _joined(one), _joined(other)
    if joined_one == joined_other:
        return 100.0
    if len(joined_one) == 1 or len(joined_other) == 1:
        return UNKNOWN_FIRST_NAME if joined_one[:1] == joined_other[:1] else 0.0
    short, long = sorted((_words(one), _words(other)), key=len)
    if short and long[: len(short)] == short:
        return UNKNOWN_FIRST_NAME
    return _similarity(joined_one, joined_other)


def name_similarity(a: Person, b: Person) -> int:
    """0–100: both parts must be alike (their similarities multiply); swapped names count."""
    last_a, last_b = _joined(a.last_name), _joined(b.last_name)
    straight = _similarity(last_a, last_b) * _first_names(a.first_name, b.first_name) / 100
    if straight >= NAME_ALIKE or not (a.first_name and b.first_name):
        return round(straight)
    first_a, first_b = _joined(a.first_name), _joined(b.first_name)
    if last_a[:1] != first_b[:1] and first_a[:1] != last_b[:1]:
        return round(straight)  # not swapped either (most pairs: spared two comparisons)
    swapped = _similarity(last_a, first_b) * _similarity(first_a, last_b) / 100
    return round(max(straight, swapped))


def compare(a: Person, b: Person) -> Match | None:
    """Whether ``a`` and ``b`` may be one person: a match with its score and reasons, or None.

    A shared card, external code, e-mail or phone scores 85–95; 5 more for a similar name, for
    a second shared value, and for a shared postcode, date of birth or company; 35 less, below
    ``PROBABLE``, when the names clearly differ. Without one, a similar name scores 60, plus
    10 for the postcode, 10 for the company, 20 for the date of birth (30 at most), plus up to
    10 as the names get identical; a similar name sharing none of them, or different names
    sharing them, is no match. Symmetric: ``compare(b, a)`` scores the same."""
    if a.id and a.id == b.id:
        return None
    strong: list[tuple[str, int]] = []
    if a.email and a.email == b.email:
        strong.append(("same_email", _STRONG["same_email"]))
    if (a.mobile or a.landline) and (b.mobile or b.landline) and _share_phone(a, b):
        strong.append(("same_phone", _STRONG["same_phone"]))
    if a.card_number and a.card_number == b.card_number:
        strong.append(("same_card", _STRONG["same_card"]))
    if a.external_codes and b.external_codes and set(a.external_codes) & set(b.external_codes):
        strong.append(("same_external_code", _STRONG["same_external_code"]))
    names = name_similarity(a, b)
    if not strong and names < NAME_ALIKE:
        return None  # the common case in a name block: two people of one town
    anchors: list[tuple[str, int]] = []
    if a.postcode and b.postcode and postcode_key(a.postcode) == postcode_key(b.postcode):
        anchors.append(("same_postcode", _ANCHOR_POINTS["same_postcode"]))
    born = bool(a.birth_date) and a.birth_date == b.birth_date
    if born:
        anchors.append(("same_birth_date", _ANCHOR_POINTS["same_birth_date"]))
    if a.company and b.company and company_key(a.company) == company_key(b.company):
        anchors.append(("same_company", _ANCHOR_POINTS["same_company"]))
    if not strong and not anchors:
        return None
    similar = names >= (NAME_ALIKE if born else NAME_CLOSE)
    points = sum(value for _, value in anchors)
    if strong:
        score = max(value for _, value in strong) + 5 * (len(strong) - 1) + min(points, 10) // 2
        if similar:
            score += 5
        elif names < NAMES_DIFFER:
            score -= 35
    elif similar:
        score = 60 + min(points, 30) + max(names - NAME_CLOSE, 0) * 10 // (100 - NAME_CLOSE)
    else:
        return None
    found = [reason for reason, _ in strong]
    if similar:
        found.append("similar_name")
    found += [reason for reason, _ in anchors]
    reasons = tuple(reason for reason in REASONS if reason in found)
    return Match(a.id, b.id, max(0, min(score, 100)), reasons)
