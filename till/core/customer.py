"""The customer record: its fields, and the rules that validate each one with a reason."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import date
from enum import StrEnum
from functools import cache
from typing import Any

from till.core.customer_business import BUSINESS_VALIDATORS
from till.core.text import clean_block, clean_line
from till.core.words import N_, Word
from till.errors import Reason, Refusal, TillError, reason_of


class CustomerKind(StrEnum):
    INDIVIDUAL = "individual"
    BUSINESS = "business"


class FieldErrors(TillError):
    """One or more fields were refused; ``errors`` maps each field to its reason, kept as
    data and worded where shown, with the field's label: ``E-mail: …; Mobile: …``."""

    def __init__(self, errors: dict[str, Reason]) -> None:
        self.errors = errors
        super().__init__("{refusals}", refusals=_Refusals(errors))

    def __reduce__(self) -> tuple[Any, ...]:
        return (FieldErrors, (self.errors,))


@dataclass(frozen=True)
class _Refusals:
    errors: dict[str, Reason]

    def __format__(self, spec: str) -> str:
        return format("; ".join(str(refused(k, v)) for k, v in self.errors.items()), spec)


def not_listed(value: str, allowed: list[str]) -> Reason:
    """Why ``value`` is refused where the shop keeps a list of values (status, family…)."""
    return Reason(N_("{value} is not one of {allowed}."), value=value, allowed=", ".join(allowed))


def field_label(name: str) -> str:
    """The label of field ``name``, worded where shown; a name without a label as it is."""
    return Word(LABELS[name]) if name in LABELS else name


def refused(name: str, reason: Reason) -> Reason:
    """``E-mail: has no @-sign.``: a refused field's label and reason, worded where shown."""
    return Reason(N_("{field}: {reason}"), field=field_label(name), reason=reason)


@dataclass(frozen=True)
class Address:
    """A postal address; the main one lives on the customer, extra ones have a kind."""

    kind: str = "main"
    line1: str = ""
    line2: str = ""
    line3: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    id: str = ""


@dataclass(frozen=True)
class Customer:
    """The whole customer file as the screens and the CLI read it."""

    id: str
    code: str
    kind: CustomerKind = CustomerKind.INDIVIDUAL
    title: str = ""
    last_name: str = ""
    first_name: str = ""
    nickname: str = ""
    company: str = ""
    job_title: str = ""
    vat_number: str = ""
    registration_number: str = ""
    activity_code: str = ""
    business_type: str = ""
    """The legal form, as written (SARL, SAS, EI…): free text, bounded."""
    industry: str = ""
    payment_terms: str = ""
    """``receipt``, ``eom``, ``net30``, ``net30eom``; empty: the shop's ``[invoice]`` terms."""
    invoice_automatically: bool = False
    """A business customer gets an invoice after each sale without asking."""
    email: str = ""
    mobile: str = ""
    landline: str = ""
    birth_date: str = ""
    gender: str = ""
    """``female``, ``male``, ``other`` or empty (till/core/customer_business.py)."""
    language: str = ""
    preferred_channel: str = ""
    """``email``, ``sms``, ``post`` or empty: how the customer likes to be reached."""
    address1: str = ""
    address2: str = ""
    address3: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    id_document_number: str = ""
    id_document_region: str = ""
    id_document_expiry: str = ""
    notes: str = ""
    status: str = ""
    family: str = ""
    segment: str = ""
    price_code: str = ""
    tax_zone: str = ""
    discount_percent: str = ""
    """A personal discount on everything, such as ``10`` or ``12.5``; empty for none."""
    discount_until: str = ""
    """The last day the personal discount applies (ISO date); empty: no end."""
    excluded_from_promotions: bool = False
    export_sale: bool = False
    targeting: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)
    external_codes: dict[str, str] = field(default_factory=dict)
    consent_post: bool = False
    consent_post_at: str = ""
    consent_email: bool = False
    consent_email_at: str = ""
    consent_sms: bool = False
    consent_sms_at: str = ""
    reconfirm: bool = False
    active: bool = True
    card_number: str = ""
    addresses: tuple[Address, ...] = ()
    created_at: str = ""
    updated_at: str = ""

    @property
    def display_name(self) -> str:
        return display_name(self.kind, self.last_name, self.first_name, self.company)

    @property
    def short_name(self) -> str:
        """First name and initial (``Zoé M.``): what a slip anyone may pick up shows."""
        return short_name(self.last_name, self.first_name)


def person_name(last_name: str, first_name: str) -> str:
    """``DUPONT Jean``: the last name in capitals, then the first name."""
    return " ".join(part for part in (last_name.upper(), first_name) if part)


def display_name(kind: str, last_name: str, first_name: str, company: str) -> str:
    """The one name a customer goes by on screen, on paper, at the kiosk and in the CLI:
    ``DUPONT Jean``, or for a business ``Dupont SARL (DUPONT Jean)``."""
    name = person_name(last_name, first_name)
    if kind == CustomerKind.BUSINESS and company:
        return f"{company} ({name})" if name else company
    return name


def short_name(last_name: str, first_name: str) -> str:
    """``Zoé M.``; the last name alone when there is no first name."""
    if not first_name:
        return last_name
    return f"{first_name} {last_name[:1]}.".strip() if last_name else first_name


EDITABLE = tuple(
    f.name
    for f in fields(Customer)
    if f.name
    not in {"id", "code", "addresses", "created_at", "updated_at", "card_number", "active"}
    and not f.name.endswith("_at")
)
"""Fields a person may change in the form. The code is generated and never editable; the
active flag changes only through deactivate and reactivate; the card comes with loyalty."""
_EDITABLE_NAMES = frozenset(EDITABLE)

IDENTITY_FIELDS = (
    "kind",
    "title",
    "last_name",
    "first_name",
    "nickname",
    "company",
    "mobile",
    "landline",
    "email",
    "birth_date",
    "gender",
    "language",
)
ADDRESS_FIELDS = ("address1", "address2", "address3", "postcode", "city", "country")
EXTRA_ADDRESS_FIELDS = ("kind", "line1", "line2", "line3", "postcode", "city", "country")
"""An extra address (delivery, billing…) as it is stored and synced, each field with its clock."""
SAY_WHICH_ADDRESS = N_("say which address this is (delivery, billing…).")
"""Why an extra address without a kind is refused."""
CONSENT_FIELDS = ("preferred_channel", "consent_post", "consent_email", "consent_sms", "reconfirm")
DETAIL_FIELDS = (
    "job_title",
    "vat_number",
    "registration_number",
    "activity_code",
    "business_type",
    "industry",
    "payment_terms",
    "invoice_automatically",
    "status",
    "family",
    "segment",
    "price_code",
    "tax_zone",
    "discount_percent",
    "discount_until",
    "excluded_from_promotions",
    "export_sale",
    "targeting",
    "extra",
    "external_codes",
    "id_document_number",
    "id_document_region",
    "id_document_expiry",
    "notes",
)
"""How the screens group the editable fields; together they are every one of them."""

DATE_FIELDS = frozenset({"birth_date", "id_document_expiry", "discount_until"})
"""Fields holding a day (ISO in storage), shown as the locale writes dates."""

LABELS = {  # English: screens show them through till.i18n._
    "kind": N_("Type"),
    "title": N_("Title"),
    "last_name": N_("Last name"),
    "first_name": N_("First name"),
    "nickname": N_("Nickname"),
    "company": N_("Company"),
    "job_title": N_("Job title"),
    "vat_number": N_("VAT number"),
    "registration_number": N_("Registration (SIRET)"),
    "activity_code": N_("Activity code (NAF)"),
    "business_type": N_("Legal form"),
    "industry": N_("Industry"),
    "payment_terms": N_("Payment terms"),
    "invoice_automatically": N_("Invoice automatically"),
    "gender": N_("Gender"),
    "preferred_channel": N_("Preferred channel"),
    "email": N_("E-mail"),
    "mobile": N_("Mobile"),
    "landline": N_("Landline"),
    "birth_date": N_("Date of birth"),
    "language": N_("Language"),
    "address1": N_("Address"),
    "address2": N_("Address line 2"),
    "address3": N_("Address line 3"),
    "postcode": N_("Postcode"),
    "city": N_("City"),
    "country": N_("Country"),
    "id_document_number": N_("ID document number"),
    "id_document_region": N_("ID document region"),
    "id_document_expiry": N_("ID document expiry"),
    "notes": N_("Notes"),
    "status": N_("Status"),
    "family": N_("Family"),
    "segment": N_("Segment"),
    "price_code": N_("Price code"),
    "tax_zone": N_("Tax zone"),
    "discount_percent": N_("Personal discount %"),
    "discount_until": N_("Discount until"),
    "excluded_from_promotions": N_("Excluded from promotions"),
    "export_sale": N_("Export (tax-free)"),
    "targeting": N_("Targeting"),
    "extra": N_("Extra fields"),
    "external_codes": N_("External codes"),
    "consent_post": N_("Accepts post"),
    "consent_email": N_("Accepts e-mail"),
    "consent_sms": N_("Accepts SMS"),
    "reconfirm": N_("Re-ask details at the till"),
    "card_number": N_("Loyalty card"),
    "active": N_("Active"),
}

TEXT_LIMITS = {
    "title": 20,
    "last_name": 80,
    "first_name": 80,
    "nickname": 80,
    "company": 120,
    "job_title": 80,
    "address1": 120,
    "address2": 120,
    "address3": 120,
    "postcode": 16,
    "city": 80,
    "id_document_number": 40,
    "id_document_region": 60,
    "notes": 4000,
    "status": 40,
    "family": 40,
    "segment": 40,
    "price_code": 40,
    "tax_zone": 40,
    "business_type": 40,
    "industry": 80,
}
MAX_FIELD_TEXT = 200
"""Characters of a text field with no limit of its own (an e-mail, a phone, a code), and of
each tag and each name and value of the extra fields and external codes."""
MAX_ENTRIES = 100
"""Tags, extra fields or external codes on one customer."""


def text_limit(name: str) -> int:
    """The most characters field ``name`` may hold: the same rule here and in sync payloads,
    so a customer the till saves is never refused by the back office."""
    return TEXT_LIMITS.get(name, MAX_FIELD_TEXT)


BOOLEAN_FIELDS = frozenset(
    {
        "excluded_from_promotions",
        "export_sale",
        "invoice_automatically",
        "consent_post",
        "consent_email",
        "consent_sms",
        "reconfirm",
        "active",
    }
)
CONSENTS = ("consent_post", "consent_email", "consent_sms")
_NAF = re.compile(r"^(\d{2})\.?(\d{2})([A-Z])$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def validate_changes(
    changes: dict[str, Any], *, region: str, today: date | None = None
) -> dict[str, Any]:
    """Check and normalise each field of ``changes``; refuse them all at once with reasons."""
    today = today or date.today()
    clean: dict[str, Any] = {}
    errors: dict[str, Reason] = {}
    for name, value in changes.items():
        try:
            clean[name] = _validate(name, value, region, today)
        except ValueError as error:
            errors[name] = reason_of(error)
    if "last_name" in clean and not clean["last_name"]:
        errors["last_name"] = Reason(N_("is required."))
    if errors:
        raise FieldErrors(errors)
    return clean


def _validate(name: str, value: Any, region: str, today: date) -> Any:
    if name not in _EDITABLE_NAMES:
        raise Refusal(N_("cannot be changed."))
    if name in BOOLEAN_FIELDS:
        return _boolean(value)
    if name == "kind":
        try:
            return CustomerKind(str(value).strip().lower())
        except ValueError:
            raise Refusal(N_("must be individual or business.")) from None
    if name == "targeting":
        # A tag never holds a comma: the form, the CLI and files write tags separated by
        # commas, so one would come back from an export as two.
        listed = [value] if isinstance(value, str) else list(value)
        tags = [part for item in listed for part in str(item).split(",")]
        kept = tuple(dict.fromkeys(t for t in (clean_line(str(x)) for x in tags) if t))
        _check_entries(len(kept), kept)
        return kept
    if name in ("extra", "external_codes"):
        if not isinstance(value, dict):
            raise Refusal(N_("must be a table of names and values."))
        pairs = ((clean_line(str(k)), clean_line(str(v))) for k, v in value.items())
        table = {k: v for k, v in pairs if k}
        _check_entries(len(table), (*table, *table.values()))
        return table
    text = clean_block(str(value)) if name == "notes" else clean_line(str(value))
    if not text:
        return ""
    if len(text) > text_limit(name):
        raise Refusal(N_("is longer than {most:,} characters."), most=text_limit(name))
    validator = _VALIDATORS.get(name)
    return validator(text, region, today) if validator else text


def _check_entries(entries: int, texts: tuple[str, ...]) -> None:
    if entries > MAX_ENTRIES:
        raise Refusal(N_("holds more than {most:,} entries."), most=MAX_ENTRIES)
    for text in texts:
        if len(text) > MAX_FIELD_TEXT:
            raise Refusal(
                N_("{text}… is longer than {most:,} characters."),
                text=text[:20],
                most=MAX_FIELD_TEXT,
            )


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "y", "yes", "true", "on", "oui", "x"}:
        return True
    if text in {"", "0", "n", "no", "false", "off", "non"}:
        return False
    raise Refusal(N_("must be yes or no."))


def _email(text: str, region: str, today: date) -> str:
    from till.core.email_check import EmailNotValidError, email_refusal, normalized_email

    try:
        return normalized_email(text)
    except EmailNotValidError as error:
        raise email_refusal(text, error) from None


def _phone(text: str, region: str, today: date) -> str:
    from till.core.phone_check import french_e164

    if quick := french_e164(text, region):
        return quick
    import phonenumbers

    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise Refusal(N_("{text} is not a phone number."), text=text) from None
    if not phonenumbers.is_valid_number(number):
        raise Refusal(
            N_("{text} is not a valid phone number for {region} or abroad (+…)."),
            text=text,
            region=region,
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _vat(text: str, region: str, today: date) -> str:
    from stdnum.eu import vat
    from stdnum.exceptions import ValidationError

    try:
        return vat.validate(text)
    except ValidationError as error:
        raise Refusal(
            N_("{text} is not a valid EU VAT number: {why}"), text=text, why=_number_fault(error)
        ) from None


def _siret(text: str, region: str, today: date) -> str:
    from stdnum.exceptions import ValidationError
    from stdnum.fr import siren, siret

    try:
        if len(siret.compact(text)) == 9:
            return siren.validate(text)
        return siret.validate(text)
    except ValidationError as error:
        raise Refusal(
            N_("{text} is not a valid SIRET or SIREN: {why}"), text=text, why=_number_fault(error)
        ) from None


def _number_fault(error: Exception) -> Word:
    """What is wrong with a VAT or SIRET number, by the kind of ``python-stdnum`` error."""
    from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength

    if isinstance(error, InvalidChecksum):
        return Word(N_("The number's checksum or check digit is invalid."))
    if isinstance(error, InvalidLength):
        return Word(N_("The number has an invalid length."))
    if isinstance(error, InvalidComponent):
        return Word(N_("One of the parts of the number are invalid or unknown."))
    return Word(N_("The number has an invalid format."))


NOT_A_DATE = N_("{text} is not a date: write 31/12/1980 or 1980-12-31.")


def _naf(text: str, region: str, today: date) -> str:
    match = _NAF.match(text.upper().replace(" ", ""))
    if not match:
        raise Refusal(N_("{text} is not an activity code such as 47.11F."), text=text)
    return f"{match[1]}.{match[2]}{match[3]}"


def _date(text: str) -> date:
    for separator in "/.-":
        parts = text.split(separator)
        if len(parts) == 3:
            break
    else:
        raise Refusal(NOT_A_DATE, text=text)
    try:
        if len(parts[0]) == 4:
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
        return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        raise Refusal(NOT_A_DATE, text=text) from None


def _birth_date(text: str, region: str, today: date) -> str:
    born = _date(text)
    if born > today:
        raise Refusal(N_("is in the future."))
    if born.year < today.year - 130:
        raise Refusal(N_("{text} is too long ago."), text=text)
    return born.isoformat()


def _expiry(text: str, region: str, today: date) -> str:
    return _date(text).isoformat()


def _percent(text: str, region: str, today: date) -> str:
    from till.core.money import parse_rate
    from till.core.pricing import format_percent
    from till.errors import InvalidSale

    try:
        bp = parse_rate(text)
    except InvalidSale as error:
        raise Refusal(error.message_id, **error.params) from None
    return format_percent(bp).removesuffix("%") if bp else ""


def _language(text: str, region: str, today: date) -> str:
    code = text.lower()
    if not _LANGUAGE.match(code):
        raise Refusal(N_("{text} is not a language code such as fr or en."), text=text)
    return code


def _country(text: str, region: str, today: date) -> str:
    code = text.upper()
    if not _COUNTRY.match(code):
        raise Refusal(N_("{text} is not a two-letter country code such as FR."), text=text)
    return code


_VALIDATORS = {
    "email": _email,
    "mobile": _phone,
    "landline": _phone,
    "vat_number": _vat,
    "registration_number": _siret,
    "activity_code": _naf,
    "birth_date": _birth_date,
    "id_document_expiry": _expiry,
    "discount_until": _expiry,
    "discount_percent": _percent,
    "language": _language,
    "country": _country,
    **BUSINESS_VALIDATORS,
}


def customer_code(till_no: int, number: int) -> str:
    """The customer code: ``C`` and the till number, then that till's own sequence."""
    return f"C{till_no:02d}-{number:06d}"


def shown(value: Any) -> str:
    """A field value as the audit log and the screens write it."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return str(value)


@cache
def format_phone(e164: str, region: str) -> str:
    """A stored number as people read it: national form at home, international abroad."""
    if not e164:
        return ""
    import phonenumbers

    number = phonenumbers.parse(e164)
    home = phonenumbers.region_code_for_number(number) == region
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if home
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


PRICE_FIELDS = frozenset(
    {"segment", "price_code", "discount_percent", "discount_until", "export_sale"}
)
"""Fields that change what the customer pays: changing them needs a manager."""
