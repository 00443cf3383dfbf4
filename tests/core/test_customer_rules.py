"""The customer record's rules, without a database."""

from datetime import date

import pytest

from till.core.customer import (
    ADDRESS_FIELDS,
    CONSENT_FIELDS,
    DETAIL_FIELDS,
    EDITABLE,
    IDENTITY_FIELDS,
    FieldErrors,
    customer_code,
    validate_changes,
)
from till.core.text import fold


def test_the_screen_groups_cover_every_editable_field_once():
    grouped = [*IDENTITY_FIELDS, *ADDRESS_FIELDS, *CONSENT_FIELDS, *DETAIL_FIELDS]
    assert sorted(grouped) == sorted(EDITABLE)


@pytest.mark.parametrize(
    ("field", "typed", "stored"),
    [
        ("mobile", "06 12 34 56 78", "+33612345678"),
        ("mobile", "+44 7911 123456", "+447911123456"),
        ("vat_number", "fr 40 303 265 045", "FR40303265045"),
        ("registration_number", "732 829 320 00074", "73282932000074"),
        ("registration_number", "732 829 320", "732829320"),
        ("activity_code", "4711f", "47.11F"),
        ("birth_date", "31/12/1980", "1980-12-31"),
        ("birth_date", "1980-12-31", "1980-12-31"),
        ("country", "fr", "FR"),
        ("language", "FR", "fr"),
        ("email", "Jean@Example.FR", "Jean@example.fr"),
        ("targeting", "garden, house ,garden", ("garden", "house")),
        # from a list (the web service, a pulled change) too: a tag never holds a comma, so
        # an export's "garden, house" reads back as the same two tags
        ("targeting", ["garden,house", "vip"], ("garden", "house", "vip")),
        ("consent_sms", "oui", True),
        ("last_name", "  de   la Tour ", "de la Tour"),
    ],
)
def test_values_are_normalised(field, typed, stored):
    changes = validate_changes({field: typed}, region="FR", today=date(2026, 11, 23))
    assert changes[field] == stored


@pytest.mark.parametrize(
    ("field", "typed", "reason"),
    [
        ("mobile", "12", "not a valid phone number"),
        ("vat_number", "FR40303265046", "checksum"),
        ("registration_number", "73282932000075", "not a valid SIRET"),
        ("activity_code", "47-11", "not an activity code"),
        ("birth_date", "30/02/1980", "not a date"),
        ("birth_date", "01/01/2030", "in the future"),
        ("email", "jean@", "after the @"),
        ("country", "France", "two-letter"),
        ("consent_sms", "maybe", "yes or no"),
        ("last_name", "x" * 81, "longer than 80"),
        ("notes", "bell\x07", "cannot be printed"),
        ("code", "C99-000001", "cannot be changed"),
        ("kind", "alien", "individual or business"),
    ],
)
def test_bad_values_are_refused_with_the_reason(field, typed, reason):
    with pytest.raises(FieldErrors) as refused:
        validate_changes({field: typed}, region="FR", today=date(2026, 11, 23))
    assert reason in str(refused.value.errors[field])


def test_codes_and_folding():
    assert customer_code(3, 42) == "C03-000042"
    assert fold("  Crème-Brûlée  Œuvre ") == "creme brulee oeuvre"
    assert fold("O'Brien") == "obrien" and fold("Łukasz Ørsted") == "lukasz orsted"
