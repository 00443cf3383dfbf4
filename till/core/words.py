"""The marker of English words the domain defines and the screens and receipts show (a payment
method's name): ``pybabel extract`` reads ``N_("Cash")`` into the catalog, and ``till.i18n``
translates the word where it is shown. The domain itself never translates."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


def N_(message: str) -> str:
    """``message`` unchanged, marked for the translators' catalog."""
    return message


class Word(str):
    """A value of a message that is itself a word of the catalog (a role, a permission): it
    is worded in the reader's language when the message is, not when it is raised."""

    def __format__(self, spec: str) -> str:
        from till.i18n import _

        return format(_(str(self)), spec)


class OneOf(tuple[str, ...]):
    """Words of the catalog, said as alternatives: ``a manager or an admin``."""

    def __format__(self, spec: str) -> str:
        from till.i18n import _

        return format(_(" or ").join(_(word) for word in self), spec)


class Phrase(str):
    """A value of a message that is itself a message with values (``Z {number}``): ``str``
    says it in English, and it is worded in the reader's language when the message is."""

    message: str
    params: dict[str, Any]

    def __new__(cls, message: str, /, **params: Any) -> Phrase:
        from till.i18n import speaking

        with speaking("en"):  # its values may be words of the catalog too
            english = message.format(**params) if params else message
        phrase = super().__new__(cls, english)
        phrase.message, phrase.params = message, params
        return phrase

    def __format__(self, spec: str) -> str:
        from till.errors import worded

        return format(worded(self.message, self.params), spec)


class Listing(tuple[Any, ...]):
    """Values said as a list cut after the first ``shown``: ``a, b, c and 4 more``."""

    shown: int
    separator: str

    def __new__(cls, items: Iterable[Any], shown: int = 3, separator: str = ", ") -> Listing:
        listing = super().__new__(cls, items)
        listing.shown, listing.separator = shown, separator
        return listing

    def __format__(self, spec: str) -> str:
        from till.i18n import plural

        listed = self.separator.join(f"{item}" for item in self[: self.shown])
        more = len(self) - self.shown
        if more > 0:
            listed = plural(more, "{items} and {n} more", "{items} and {n} more", items=listed)
        return format(listed, spec)


@dataclass(frozen=True)
class Count:
    """A number and its noun, a value of a message: ``Count(2, "{n} try left", "{n} tries
    left")`` is worded through ``ngettext`` when the message is (*2 essais restants*, *1 essai
    restant*). ``pybabel extract -k Count:2,3`` reads both forms into the catalog."""

    number: int
    singular: str
    many: str

    def __format__(self, spec: str) -> str:
        from till.i18n import ngettext

        said = ngettext(self.singular, self.many, self.number)
        return format(said.format(n=self.number), spec)

    def __str__(self) -> str:
        return format(self, "")
