"""The marker of English words the domain defines and the screens and receipts show (a payment
method's name): ``pybabel extract`` reads ``N_("Cash")`` into the catalog, and ``till.i18n``
translates the word where it is shown. The domain itself never translates."""

from __future__ import annotations


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
