"""Checking an e-mail address with ``email_validator`` (no DNS lookup), the check of its part
after the @-sign remembered for each domain: a customer list of a hundred thousand rows holds
a few dozen domains, and that check (IDNA mapping and encoding) is most of an address's cost.

``email_validator.validate_email`` finds the domain check in its own module's namespace; it is
replaced there, once, by the same function behind a bounded cache. The check is a pure function
of its arguments (and of the library's list of special-use names, which nothing here changes),
so every address gets the same answer and the same error as without the cache; a refused
domain is not remembered and is checked again each time.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any

from email_validator import EmailNotValidError, validate_email

__all__ = ["EmailNotValidError", "normalized_email"]

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
    return validate_email(text, check_deliverability=False).normalized


cache_info = _checked.cache_info
setattr(_FLOW, "validate_email_domain_name", remembered_domain_check)  # noqa: B010
