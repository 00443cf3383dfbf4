"""Which customer field each column of an import file fills: the till's own column names
(what ``till export customers`` writes), common French and English header names, the
customer exports of Shopify, Square and a typical French register, or a mapping file.

Column names (and mapping targets) are the fields of ``till.core.customer.Customer`` and:

- ``phone``: a number that is the mobile when it is a mobile number (or when no other
  column gives the mobile), else the landline;
- ``code``: the till's own customer code, only to find a customer already on file;
- ``external_code:SYSTEM``: the customer's code in another system (``external_code:shopify``);
- ``extra:NAME``: one of the shop's extra fields;
- ``address.N.FIELD``: the N-th extra address (``FIELD``: kind, line1, line2, line3,
  postcode, city, country).

Headers are compared folded (case, accents, punctuation and spacing do not matter), and a
Shopify ``Default Address`` prefix is ignored. When two columns fill the same field, the one
whose name comes first in ``ALIASES`` wins (``Country Code`` before ``Country``)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields

from till.core.customer import EDITABLE, EXTRA_ADDRESS_FIELDS, MAX_ENTRIES, Customer
from till.core.text import clean_line, fold
from till.core.words import N_
from till.errors import TillError

PHONE = "phone"
CODE = "code"
EXTERNAL_CODE = "external_code:"
EXTRA = "extra:"
ADDRESS = "address."

LEGACY_SYSTEM = "legacy"
"""The system name the previous register's own customer code is kept under."""

EXPORT_FIELDS = tuple(
    f.name for f in fields(Customer) if f.name not in {"id", "addresses", "extra", "external_codes"}
)
"""The fixed columns of an export, in order: every field of a customer but its id; extra
fields, external codes and extra addresses follow as columns of their own."""

INFORMATION_ONLY = frozenset({"created_at", "updated_at"})
"""Exported for the reader; an import leaves them to the till."""

_IMPORTABLE = frozenset(
    {*EDITABLE, PHONE, CODE, "card_number", "active"}
    | {f"{c}_at" for c in ("consent_post", "consent_email", "consent_sms")}
) - {"external_codes", "extra"}

# (field, header names). Earlier entries win when two columns fill the same field.
ALIASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("last_name", ("last name", "lastname", "surname", "family name", "nom", "nom de famille")),
    ("first_name", ("first name", "firstname", "given name", "forename", "prenom")),
    ("title", ("civilite", "salutation")),
    ("nickname", ("surnom",)),
    (
        "company",
        ("company", "company name", "organisation", "organization", "societe", "raison sociale"),
    ),
    ("company", ("entreprise",)),
    ("job_title", ("fonction", "poste")),
    (
        "vat_number",
        (
            "vat",
            "vat id",
            "tva",
            "n tva",
            "no tva",
            "numero de tva",
            "numero tva",
            "tva intracommunautaire",
            "n tva intracommunautaire",
            "no tva intracommunautaire",
        ),
    ),
    ("registration_number", ("siret", "siren", "n siret", "no siret", "numero siret")),
    ("activity_code", ("naf", "code naf", "ape", "code ape")),
    (
        "business_type",
        ("legal form", "business type", "company type", "forme juridique", "statut juridique"),
    ),
    ("industry", ("sector", "secteur", "secteur d activite", "activite")),
    (
        "payment_terms",
        (
            "payment terms",
            "terms",
            "conditions de paiement",
            "conditions de reglement",
            "delai de paiement",
        ),
    ),
    (
        "invoice_automatically",
        ("auto invoice", "facture automatique", "facturation automatique"),
    ),
    ("gender", ("sex", "sexe", "genre")),
    (
        "preferred_channel",
        ("contact preference", "preferred contact", "canal prefere", "canal de contact"),
    ),
    (
        "email",
        (
            "email",
            "e mail",
            "email address",
            "e mail address",
            "mail",
            "courriel",
            "adresse e mail",
            "adresse email",
            "adresse mail",
        ),
    ),
    (
        "mobile",
        (
            "mobile phone",
            "mobile number",
            "cell",
            "cell phone",
            "portable",
            "tel portable",
            "telephone portable",
            "gsm",
        ),
    ),
    ("landline", ("fixe", "tel fixe", "telephone fixe", "home phone", "work phone")),
    (PHONE, ("phone number", "telephone", "tel", "numero de telephone")),
    (
        "birth_date",
        (
            "birthday",
            "date of birth",
            "dob",
            "date de naissance",
            "naissance",
            "ne le",
            "nee le",
            "anniversaire",
        ),
    ),
    ("language", ("langue", "locale")),
    (
        "address1",
        (
            "address",
            "address 1",
            "address line 1",
            "street address 1",
            "street address",
            "adresse",
            "adresse 1",
            "adresse1",
            "rue",
        ),
    ),
    (
        "address2",
        (
            "address 2",
            "address line 2",
            "street address 2",
            "adresse 2",
            "adresse2",
            "complement d adresse",
            "complement adresse",
            "complement",
        ),
    ),
    ("address3", ("address 3", "address line 3", "adresse 3", "adresse3")),
    (
        "postcode",
        ("post code", "postal code", "zip", "zip code", "zipcode", "code postal", "cp"),
    ),
    ("city", ("town", "ville", "commune", "localite")),
    ("country", ("country code", "code pays")),
    ("country", ("country", "pays")),
    (
        "notes",
        ("note", "memo", "remarques", "remarque", "observations", "commentaire", "commentaires"),
    ),
    ("targeting", ("tags", "tag", "groups", "etiquettes", "ciblage")),
    (
        "consent_email",
        (
            "accepts email marketing",
            "email subscription status",
            "accepts marketing",
            "newsletter",
            "opt in email",
            "accepte email",
            "accepte e mail",
            "accepte les e mails",
        ),
    ),
    (
        "consent_sms",
        ("accepts sms marketing", "sms subscription status", "opt in sms", "accepte sms"),
    ),
    ("consent_post", ("accepte courrier", "opt in courrier", "accepts post")),
    (
        "card_number",
        (
            "loyalty card",
            "card",
            "carte fidelite",
            "carte de fidelite",
            "n carte",
            "no carte",
            "numero de carte",
            "carte",
        ),
    ),
    ("discount_percent", ("remise", "discount")),
    ("discount_until", ("remise jusqu au",)),
    (
        f"{EXTERNAL_CODE}{LEGACY_SYSTEM}",
        (
            "code client",
            "n client",
            "no client",
            "numero client",
            "numero de client",
            "customer code",
            "customer number",
        ),
    ),
    (f"{EXTERNAL_CODE}shopify", ("customer id",)),
    (f"{EXTERNAL_CODE}square", ("square customer id",)),
    (f"{EXTERNAL_CODE}reference", ("reference id",)),
)

SHOPIFY_PREFIXES = ("default address ",)

MAX_MAPPING_BYTES = 64 * 1024
MAX_MAPPING_ENTRIES = 500
MAX_HEADER_CHARS = 200
MAX_COLUMNS = 1_000
"""Columns of an import file read; any further ones are ignored (and listed as such)."""

_ADDRESS = re.compile(r"^address\.(\d{1,3})\.([a-z0-9_]+)$")


class MappingError(TillError):
    """A mapping file that cannot be used, and why."""


def header_key(header: str) -> str:
    """A header as it is compared: folded, ``E-mail`` and ``e mail`` alike."""
    return fold(header[:MAX_HEADER_CHARS])


def _aliases() -> dict[str, tuple[str, int]]:
    table: dict[str, tuple[str, int]] = {}
    own = [(name, (name,)) for name in sorted(_IMPORTABLE)]
    for rank, (name, header) in enumerate(
        (name, header) for name, headers in (*ALIASES, *own) for header in headers
    ):
        table.setdefault(header_key(header), (name, rank))
    return table


_BY_HEADER = _aliases()
_RANK_OWN_DYNAMIC = -1
"""``extra:…``, ``external_code:…`` and ``address.N.…`` columns are the till's own: first."""


def check_target(name: str) -> str:
    """``name`` if it is a field a column can fill (see the module's docstring), else
    MappingError saying why. ``""`` means: ignore the column."""
    if name == "" or name in _IMPORTABLE or name == PHONE:
        return name
    for prefix in (EXTERNAL_CODE, EXTRA):
        if name.startswith(prefix):
            rest = name[len(prefix) :]
            try:
                cleaned = clean_line(rest)
            except ValueError as error:
                raise MappingError(
                    N_("{field!r} {reason}"), field=name[:40], reason=str(error)
                ) from None
            if not cleaned or len(cleaned) > MAX_HEADER_CHARS:
                raise MappingError(
                    N_("{field!r} needs a name after {prefix!r}."), field=name[:40], prefix=prefix
                )
            return prefix + cleaned
    match = _ADDRESS.match(name)
    if match and 1 <= int(match[1]) <= MAX_ENTRIES and match[2] in EXTRA_ADDRESS_FIELDS:
        return name
    raise MappingError(N_("{field!r} is not a customer field."), field=name[:40])


def target_for(header: str) -> tuple[str, int] | None:
    """The field a column named ``header`` fills, and its rank; None if not recognised."""
    text = header.strip().lstrip("\ufeff")
    lowered = text.lower()
    for prefix in (EXTERNAL_CODE, EXTRA):
        if lowered.startswith(prefix):
            try:
                return check_target(prefix + text[len(prefix) :]), _RANK_OWN_DYNAMIC
            except MappingError:
                return None
    if _ADDRESS.match(lowered):
        try:
            return check_target(lowered), _RANK_OWN_DYNAMIC
        except MappingError:
            return None
    key = header_key(text)
    found = _BY_HEADER.get(key)
    for prefix in SHOPIFY_PREFIXES:
        if found is None and key.startswith(prefix):
            found = _BY_HEADER.get(key[len(prefix) :])
    return found


@dataclass(frozen=True)
class Columns:
    """Which column of the file fills which field."""

    targets: tuple[tuple[int, str], ...]
    """(column index, field), in priority order: the first non-empty cell for a field wins."""
    ignored: tuple[str, ...] = ()
    """Headers no field was found for, or whose field another column already fills."""
    headers: Mapping[str, str] = field(default_factory=dict)
    """Each header used and the field it fills."""

    def has(self, name: str) -> bool:
        return any(target == name for _, target in self.targets)


def map_columns(headers: Sequence[str], mapping: Mapping[str, str] | None = None) -> Columns:
    """The fields the columns named ``headers`` fill: from ``mapping`` (header → field, as
    ``parse_mapping`` returns it) for the headers it names, automatically for the others.
    TillError when no column names a customer field."""
    by_key = {header_key(k): v for k, v in (mapping or {}).items()}
    found: list[tuple[int, int, str]] = []
    ignored: list[str] = []
    for index, header in enumerate(headers[:MAX_COLUMNS]):
        key = header_key(header)
        if key in by_key:
            target: tuple[str, int] | None = (by_key[key], -2)
        else:
            target = target_for(header)
        if target is None or not target[0]:
            if header.strip():
                ignored.append(header.strip())
            continue
        found.append((target[1], index, target[0]))
    ignored.extend(h.strip() for h in headers[MAX_COLUMNS:] if h.strip())
    found.sort()  # two columns for one field are both read, the better-ranked first
    targets = tuple((index, name) for _, index, name in found)
    used = {headers[index].strip(): name for index, name in targets}
    if not targets:
        raise TillError(
            N_(
                "no column of the file names a customer field (such as last_name, Nom, "
                "Last Name, Email): give a header row, or a mapping file with --mapping."
            )
        )
    return Columns(targets, tuple(ignored), used)


def parse_mapping(data: object) -> dict[str, str]:
    """A mapping file's table (``{"Header in the file": "field"}``) checked: every target a
    field (``check_target``), bounded in size; MappingError says what is wrong."""
    if isinstance(data, dict) and set(data) == {"columns"} and isinstance(data["columns"], dict):
        data = data["columns"]  # a TOML file may put the table under [columns]
    if not isinstance(data, dict):
        raise MappingError(N_("a mapping file holds a table of column name = field name."))
    if len(data) > MAX_MAPPING_ENTRIES:
        raise MappingError(
            N_("a mapping file holds at most {most} columns."), most=MAX_MAPPING_ENTRIES
        )
    mapping: dict[str, str] = {}
    for header, target in data.items():
        if not isinstance(header, str) or not isinstance(target, str):
            raise MappingError(N_("each entry must be a column name and a field name, as text."))
        if not header.strip() or len(header) > MAX_HEADER_CHARS:
            raise MappingError(
                N_("column name {column!r} is empty or too long."), column=header[:40]
            )
        try:
            clean_line(header)
        except ValueError as error:
            raise MappingError(
                N_("column name {column!r} {reason}"), column=header[:40], reason=str(error)
            ) from None
        mapping[header] = check_target(target.strip())
    return mapping
