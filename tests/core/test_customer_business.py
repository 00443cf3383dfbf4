"""The business fields' rules (till/core/customer_business.py), without a database."""

import pytest

from till.core.customer import Customer, FieldErrors, validate_changes
from till.core.customer_business import channel_without_consent, vat_from_registration

SIRET = "73282932000074"
"""A valid SIRET: its SIREN 732829320 gives the VAT number FR44732829320."""


def _clean(name: str, value: object) -> object:
    return validate_changes({name: value}, region="FR")[name]


def _refused(name: str, value: object) -> str:
    with pytest.raises(FieldErrors) as refused:
        validate_changes({name: value}, region="FR")
    return str(refused.value.errors[name])


@pytest.mark.parametrize(
    ("name", "typed", "stored"),
    [
        ("gender", "Femme", "female"),
        ("gender", "M", "male"),
        ("gender", " autre ", "other"),
        ("gender", "", ""),
        ("gender", "Non renseigné", ""),
        ("preferred_channel", "Sans préférence", ""),
        ("preferred_channel", "E-mail", "email"),
        ("preferred_channel", "courrier", "post"),
        ("preferred_channel", "SMS", "sms"),
        ("payment_terms", "Net 30", "net30"),
        ("payment_terms", "net45EOM", "net45eom"),
        ("payment_terms", "receipt", "receipt"),
        ("payment_terms", "", ""),
        ("business_type", "  SARL ", "SARL"),
        ("industry", "Boulangerie", "Boulangerie"),
        ("invoice_automatically", "oui", True),
        ("invoice_automatically", "", False),
    ],
)
def test_each_field_is_stored_as_a_code_or_clean_text(name, typed, stored):
    assert _clean(name, typed) == stored


@pytest.mark.parametrize(
    ("name", "typed", "why"),
    [
        ("gender", "Mme", "is not a gender: write female, male or other"),
        ("preferred_channel", "pigeon", "is not a channel: write email, sms or post"),
        ("payment_terms", "net90", "French law allows 1 to 60 days"),
        ("payment_terms", "whenever", "is not payment terms"),
        ("invoice_automatically", "maybe", "must be yes or no"),
        ("business_type", "S" * 41, "longer than 40 characters"),
        ("industry", "x" * 81, "longer than 80 characters"),
        ("gender", "f" * 10_000, "longer than 200 characters"),
    ],
)
def test_a_bad_value_is_refused_with_its_reason(name, typed, why):
    assert why in _refused(name, typed)


@pytest.mark.parametrize("name", ["business_type", "industry", "gender", "payment_terms"])
def test_control_characters_never_reach_the_file(name):
    # An escape sequence would act on the terminal that shows the file: refused, not stored.
    assert "control character" in _refused(name, "SAS\x1b[2J")


def test_vat_is_filled_from_a_siret_or_a_siren_when_enabled_and_empty():
    assert vat_from_registration({"registration_number": SIRET}, "", enabled=True) == {
        "registration_number": SIRET,
        "vat_number": "FR44732829320",
    }
    siren_only = vat_from_registration({"registration_number": SIRET[:9]}, "", enabled=True)
    assert siren_only["vat_number"] == "FR44732829320"


def test_vat_is_left_alone_when_disabled_typed_already_or_without_a_siret():
    changes = {"registration_number": SIRET}
    assert vat_from_registration(changes, "", enabled=False) == changes
    assert vat_from_registration(changes, "FR40303265045", enabled=True) == changes
    typed = {**changes, "vat_number": "DE136695976"}
    assert vat_from_registration(typed, "", enabled=True) == typed
    assert vat_from_registration({"city": "Lyon"}, "", enabled=True) == {"city": "Lyon"}


def test_an_invalid_siret_is_refused_before_any_vat_is_derived():
    assert "not a valid SIRET" in _refused("registration_number", "73282932000075")
    assert vat_from_registration({"registration_number": "123"}, "", enabled=True) == {
        "registration_number": "123"
    }


def test_a_preferred_channel_without_its_consent_is_kept_but_said():
    customer = Customer(id="c", code="C01-000001", preferred_channel="sms")
    assert channel_without_consent(customer)
    assert not channel_without_consent(
        Customer(id="c", code="C", preferred_channel="sms", consent_sms=True)
    )
    assert not channel_without_consent(Customer(id="c", code="C"))
