"""Checking an e-mail address with ``email_validator`` (no DNS lookup), the check of its part
after the @-sign remembered for each domain: a customer list of a hundred thousand rows holds
a few dozen domains, and that check (IDNA mapping and encoding) is most of an address's cost.

``email_validator.validate_email`` finds the domain check in its own module's namespace; it is
replaced there, once, by the same function behind a bounded cache. The check is a pure function
of its arguments (and of the library's list of special-use names, which nothing here changes),
so every address gets the same answer and the same error as without the cache; a refused
domain is not remembered and is checked again each time.

The library's reasons are English sentences; ``email_refusal`` says them in the catalog's
words, so a French till refuses an address in French.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any

from email_validator import EmailNotValidError, validate_email

from till.core.words import N_
from till.errors import Refusal

__all__ = ["EmailNotValidError", "email_refusal", "normalized_email"]

DOMAINS_REMEMBERED = 4_096
"""At most this many domains (each at most 255 characters) stay in the cache."""

_FLOW = importlib.import_module("email_validator.validate_email")
library_domain_check = _FLOW.validate_email_domain_name
"""The library's own domain check, uncached."""


@lru_cache(maxsize=DOMAINS_REMEMBERED)
def _checked(
    domain: str, test_environment: bool, globally_deliverable: bool
) -> tuple[tuple[str, Any], ...]:
    result = library_domain_check(
        domain, test_environment=test_environment, globally_deliverable=globally_deliverable
    )
    return tuple(result.items())


def remembered_domain_check(
    domain: str, test_environment: bool = False, globally_deliverable: bool = True
) -> dict[str, Any]:
    """``validate_email_domain_name``, remembered: a fresh dict each call, as the library's."""
    return dict(_checked(domain, test_environment, globally_deliverable))


def normalized_email(text: str) -> str:
    """The address as ``email_validator`` normalizes it; EmailNotValidError when refused."""
    from till.core.email_plain import plain_email

    return plain_email(text) or validate_email(text, check_deliverability=False).normalized


_SAID = frozenset(
    (
        N_("An email address must have an @-sign."),
        N_("There must be something before the @-sign."),
        N_("There must be something after the @-sign."),
        N_("There can't be anything after the email address."),
        N_("The part after the @-sign is not valid. It should have a period."),
        N_("The part after the @-sign is not valid. It is not within a valid top-level domain."),
        N_(
            "The part after the @-sign is a special-use or reserved name that cannot be used"
            " with email."
        ),
        N_("An email address cannot have two periods in a row."),
        N_("An email address cannot have a period and a hyphen next to each other."),
        N_("An email address cannot start with a period."),
        N_("An email address cannot end with a period."),
        N_("An email address cannot have a period immediately before the @-sign."),
        N_("An email address cannot have a period immediately after the @-sign."),
        N_("An email address cannot end with a hyphen."),
        N_("An email address cannot have a hyphen immediately after the @-sign."),
    )
)
"""The library's reasons (email-validator 2) that the catalog says, in the same English."""
_GISTS = (
    N_("The email address contains invalid characters before the @-sign."),
    N_("The part after the @-sign contains invalid characters."),
    N_("Internationalized characters before the @-sign are not supported."),
    N_("The email address is too long."),
)
"""Reasons the library follows with a detail (which characters, how many bytes): what the
catalog says of each, found by its words before the final period."""


def email_refusal(text: str, error: EmailNotValidError) -> Refusal:
    """Why ``text`` is not an e-mail address, in the catalog's words: the library's reason, or
    its gist, or that the address is not valid. The library's own English is kept among the
    values (``detail``)."""
    detail = str(error)
    if detail in _SAID:
        return Refusal(detail, detail=detail)
    gist = next((gist for gist in _GISTS if detail.startswith(gist[:-1])), None)
    if gist is not None:
        return Refusal(gist, detail=detail)
    return Refusal(N_("{text} is not a valid e-mail address."), text=text, detail=detail)


cache_info = _checked.cache_info
setattr(_FLOW, "validate_email_domain_name", remembered_domain_check)  # noqa: B010
