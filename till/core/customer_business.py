"""The customer file's business fields and the rules that check them (docs/customers.md,
"Business fields"): gender and preferred channel from short lists of codes, payment terms in
the invoice's syntax, and the French VAT number derived from a SIRET or SIREN."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from till.core.text import fold
from till.core.words import N_
from till.errors import Refusal

if TYPE_CHECKING:
    from till.core.customer import Customer

GENDERS = {"": N_("Not given"), "female": N_("Female"), "male": N_("Male"), "other": N_("Other")}
"""Stored code → the words a screen shows (marked, worded in the till's language)."""
_GENDER_SPELLINGS = {
    **{word: "female" for word in ("f", "female", "woman", "femme", "feminin", "w")},
    **{word: "male" for word in ("m", "male", "man", "homme", "masculin", "h")},
    **{word: "other" for word in ("other", "autre", "x", "o", "non binaire", "non binary")},
    **{word: "" for word in ("not given", "non renseigne", "unknown", "inconnu")},
}
"""What an import file or a person may type for each code, folded."""

CHANNELS = {"": N_("No preference"), "email": N_("E-mail"), "sms": N_("SMS"), "post": N_("Post")}
"""Stored code → words: how the customer prefers to be reached."""
CHANNEL_CONSENTS = {"email": "consent_email", "sms": "consent_sms", "post": "consent_post"}
_CHANNEL_SPELLINGS = {
    **{word: "email" for word in ("email", "e mail", "mail", "courriel")},
    **{word: "sms" for word in ("sms", "texto", "text")},
    **{word: "post" for word in ("post", "mail post", "courrier", "postal", "letter", "lettre")},
    **{word: "" for word in ("no preference", "sans preference", "none", "aucun")},
}

WORDED_CHOICES = {"gender": GENDERS, "preferred_channel": CHANNELS}
"""Fields holding a code from a fixed list, with each code's words."""


def _gender(text: str, region: str, today: date) -> str:
    code = _GENDER_SPELLINGS.get(fold(text))
    if code is None:
        raise Refusal(N_("{text} is not a gender: write female, male or other."), text=text)
    return code


def _channel(text: str, region: str, today: date) -> str:
    code = _CHANNEL_SPELLINGS.get(fold(text))
    if code is None:
        raise Refusal(N_("{text} is not a channel: write email, sms or post."), text=text)
    return code


def _payment_terms(text: str, region: str, today: date) -> str:
    from till.core.invoice import parse_terms

    return parse_terms(text).code  # a Refusal with the reason when not terms


BUSINESS_VALIDATORS = {
    "gender": _gender,
    "preferred_channel": _channel,
    "payment_terms": _payment_terms,
}
"""Registered with the other field checks (``till.core.customer._VALIDATORS``). The legal
form and the industry are free text, bounded and cleaned like every text field."""


def worded_choice(name: str, value: Any) -> str | None:
    """The English words (marked) for a coded field's value; None for another field or a
    code this version does not know (shown as it is, never looked up as a message)."""
    return WORDED_CHOICES.get(name, {}).get(str(value))


def channel_without_consent(customer: Customer) -> bool:
    """True when the preferred channel is one the customer has not consented to: kept (it
    is what they said), but no campaign uses it (campaigns go by consent alone)."""
    consent = CHANNEL_CONSENTS.get(customer.preferred_channel)
    return consent is not None and not getattr(customer, consent)


def vat_from_registration(
    clean: dict[str, Any], vat_number_now: str, *, enabled: bool
) -> dict[str, Any]:
    """``clean`` (fields already checked) with the French VAT number derived from the SIREN
    of a SIRET or SIREN it sets, when ``enabled`` and the customer is left without a VAT
    number (``vat_number_now``, unless ``clean`` sets one). Never overwrites one typed."""
    registration = clean.get("registration_number", "")
    if not enabled or not registration:
        return clean
    if clean.get("vat_number", vat_number_now):
        return clean
    from stdnum.exceptions import ValidationError
    from stdnum.fr import siren

    try:
        return {**clean, "vat_number": "FR" + siren.to_tva(siren.validate(registration[:9]))}
    except ValidationError:  # checked already; a SIRET's SIREN part is valid too
        return clean
