"""What erasing a person (GDPR) does to a customer's values, as plain rules shared by the till
(storage/customer_privacy.py, storage/remote_privacy.py) and the back office
(sync/server/privacy.py): which fields are personal, what they become, and how a change's
payload that carries them reads once they are erased.

Kept: the code (the anonymous key the sales and ledgers stay under), the kind, and the shop's
own classification (status, family, segment, price list, tax zone, discount, promotions,
export): they say nothing about who the person is, and the figures by segment still add up.
The business fields (legal form, industry, payment terms, invoicing) go with the company they
describe: a sole trader's are the person's, and nobody is invoiced under ``ANONYMISED``.
"""

from __future__ import annotations

from typing import Any

ANONYMOUS_NAME = "ANONYMISED"
"""The last name an anonymised customer goes by: what the screens and receipts show."""
ERASED = "(erased)"
"""What an erased value of the audit log reads: that a value was there, not what it was."""

ERASED_FIELDS: dict[str, Any] = {
    "title": "",
    "last_name": ANONYMOUS_NAME,
    "first_name": "",
    "nickname": "",
    "company": "",
    "job_title": "",
    "vat_number": "",
    "registration_number": "",
    "activity_code": "",
    "business_type": "",
    "industry": "",
    "payment_terms": "",
    "invoice_automatically": False,
    "email": "",
    "mobile": "",
    "landline": "",
    "birth_date": "",
    "gender": "",
    "language": "",
    "preferred_channel": "",
    "address1": "",
    "address2": "",
    "address3": "",
    "postcode": "",
    "city": "",
    "country": "",
    "id_document_number": "",
    "id_document_region": "",
    "id_document_expiry": "",
    "notes": "",
    "targeting": [],
    "extra": {},
    "external_codes": {},
    "consent_post": False,
    "consent_email": False,
    "consent_sms": False,
    "reconfirm": False,
    "card_number": "",
    "active": False,
}
"""Every field that is the person's (or leads to them: the card in their wallet), with the
value it takes, as a change's payload writes it (JSON). ``active``: an anonymised customer is
hidden from the default search."""

ERASED_DATES = ("consent_post_at", "consent_email_at", "consent_sms_at")
"""When each consent was given or withdrawn: personal too, and emptied."""

ADDRESS_LINES = ("line1", "line2", "line3", "postcode", "city", "country")
"""An extra address's personal fields; its kind (delivery, billing) is kept."""


def erased_fields(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` (a customer change's ``fields``) with every personal field erased."""
    return {name: ERASED_FIELDS.get(name, value) for name, value in values.items()}


def erased_address(payload: dict[str, Any]) -> dict[str, Any]:
    """A ``customer_address`` payload with its lines erased."""
    return {name: "" if name in ADDRESS_LINES else value for name, value in payload.items()}


def erased_header(header: dict[str, Any]) -> dict[str, Any]:
    """A receipt header (as a sale's payload or row keeps it) without the customer's name;
    the salted digest of a name (journal format 2) stays, its salt goes."""
    erased = dict(header)
    if erased.get("customer_name"):
        erased["customer_name"] = ""
    if erased.get("customer_name_salt"):
        erased["customer_name_salt"] = ""
    return erased


def erased_payload(entity: str, payload: dict[str, Any]) -> dict[str, Any]:
    """A change's payload as it reads once its customer is erased: the same change, with no
    personal value left. Erasing twice changes nothing more."""
    if entity == "customer":
        erased = dict(payload)
        if isinstance(payload.get("fields"), dict):
            erased["fields"] = erased_fields(payload["fields"])
        if isinstance(payload.get("address"), dict):  # a merge: the other's main address
            erased["address"] = erased_address(payload["address"])
        return erased
    if entity == "customer_address":
        return erased_address(payload)
    if entity == "sale" and isinstance(payload.get("receipt_header"), dict):
        return {**payload, "receipt_header": erased_header(payload["receipt_header"])}
    return payload


def same_change_erased(known: dict[str, Any], incoming: dict[str, Any], entity: str) -> bool:
    """Whether ``incoming`` is ``known`` (or ``known`` is ``incoming``) with a customer's
    personal values erased since: a till that anonymised a customer erases its unsent changes
    too, and sends them again as they now read."""
    return erased_payload(entity, known) == erased_payload(entity, incoming) and (
        erased_payload(entity, incoming) in (incoming, known)
    )
