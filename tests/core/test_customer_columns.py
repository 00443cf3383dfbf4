"""Header mapping and row reading of a customer import: pure rules, no database."""

from __future__ import annotations

from datetime import date

import pytest

from till.core.customer import Address
from till.core.customer_columns import (
    EXPORT_FIELDS,
    MappingError,
    map_columns,
    parse_mapping,
    target_for,
)
from till.core.customer_rows import CustomerRow, fold_rows, read_row
from till.errors import Reason, TillError

TODAY = date(2026, 6, 1)

SHOPIFY = [
    "Customer ID",
    "First Name",
    "Last Name",
    "Email",
    "Accepts Email Marketing",
    "Default Address Company",
    "Default Address Address1",
    "Default Address Address2",
    "Default Address City",
    "Default Address Province Code",
    "Default Address Country Code",
    "Default Address Zip",
    "Default Address Phone",
    "Phone",
    "Accepts SMS Marketing",
    "Total Spent",
    "Total Orders",
    "Note",
    "Tax Exempt",
    "Tags",
]
SQUARE = [
    "Reference ID",
    "Given Name",
    "Family Name",
    "Nickname",
    "Company Name",
    "Email Address",
    "Phone Number",
    "Street Address 1",
    "Street Address 2",
    "City",
    "State",
    "Postal Code",
    "Birthday",
    "Memo",
    "Square Customer ID",
    "Email Subscription Status",
    "First Visit",
]
FRENCH = [
    "Code client",
    "Civilité",
    "Nom",
    "Prénom",
    "Société",
    "Adresse",
    "Code postal",
    "Ville",
    "Pays",
    "Téléphone",
    "Portable",
    "E-mail",
    "Date de naissance",
    "N° TVA",
    "SIRET",
    "Carte fidélité",
    "Remarques",
]


def fields_of(headers: list[str]) -> dict[str, str]:
    return dict(map_columns(headers).headers)


def test_shopify_headers_map_to_fields():
    found = fields_of(SHOPIFY)
    assert found["Customer ID"] == "external_code:shopify"
    assert found["Default Address Address1"] == "address1"
    assert found["Default Address Zip"] == "postcode"
    assert found["Default Address Country Code"] == "country"
    assert found["Accepts SMS Marketing"] == "consent_sms"
    assert found["Tags"] == "targeting"
    assert found["Note"] == "notes"
    assert "Total Spent" in map_columns(SHOPIFY).ignored


def test_square_headers_map_to_fields():
    found = fields_of(SQUARE)
    assert (found["Given Name"], found["Family Name"]) == ("first_name", "last_name")
    assert found["Street Address 2"] == "address2"
    assert found["Email Subscription Status"] == "consent_email"
    assert found["Square Customer ID"] == "external_code:square"
    assert found["Birthday"] == "birth_date"
    assert set(map_columns(SQUARE).ignored) == {"State", "First Visit"}


def test_french_register_headers_map_to_fields():
    found = fields_of(FRENCH)
    assert found == {
        "Code client": "external_code:legacy",
        "Civilité": "title",
        "Nom": "last_name",
        "Prénom": "first_name",
        "Société": "company",
        "Adresse": "address1",
        "Code postal": "postcode",
        "Ville": "city",
        "Pays": "country",
        "Téléphone": "phone",
        "Portable": "mobile",
        "E-mail": "email",
        "Date de naissance": "birth_date",
        "N° TVA": "vat_number",
        "SIRET": "registration_number",
        "Carte fidélité": "card_number",
        "Remarques": "notes",
    }


def test_the_tills_own_columns_map_to_themselves():
    headers = [*EXPORT_FIELDS, "extra:Pointure", "external_code:Shopify", "address.2.city"]
    found = fields_of(headers)
    informational = {"created_at", "updated_at"}
    assert {h: f for h, f in found.items() if h not in informational} == {
        h: h for h in headers if h not in informational
    }
    assert set(map_columns(headers).ignored) == informational


def test_a_country_code_column_is_read_before_a_country_name_column():
    columns = map_columns(["Country", "Last Name", "Country Code"])
    row = read_row(["France", "Durand", "BE"], columns, region="FR", today=TODAY)
    assert isinstance(row, CustomerRow) and row.changes["country"] == "BE"
    # …and the name when the code is empty, translated to its code
    row = read_row(["Royaume-Uni", "Durand", ""], columns, region="FR", today=TODAY)
    assert isinstance(row, CustomerRow) and row.changes["country"] == "GB"


def test_headers_compare_folded():
    assert target_for("  PRÉNOM ") == ("first_name", target_for("prenom")[1])  # type: ignore[index]
    assert target_for("e_mail") is not None and target_for("e_mail")[0] == "email"  # type: ignore[index]
    assert target_for("Total Spent") is None


def test_a_file_with_no_known_column_is_refused():
    with pytest.raises(TillError, match="no column"):
        map_columns(["foo", "bar"])


def test_a_mapping_names_fields_and_overrides_the_automatic_one():
    mapping = parse_mapping({"Nom complet": "last_name", "Nom": "", "Réf": "external_code:Ancien"})
    columns = map_columns(["Nom", "Nom complet", "Réf"], mapping)
    assert dict(columns.headers) == {"Nom complet": "last_name", "Réf": "external_code:Ancien"}
    assert columns.ignored == ("Nom",)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ([1, 2], "table"),
        ({"A": "shoe_size"}, "not a customer field"),
        ({"A": 3}, "as text"),
        ({"": "last_name"}, "empty"),
        ({"x" * 300: "last_name"}, "too long"),
        ({"A\x1b[2J": "last_name"}, "control character"),
        ({"A": "address.0.city"}, "not a customer field"),
        ({"A": "address.1.shoe"}, "not a customer field"),
        ({"A": "id"}, "not a customer field"),
        ({f"c{n}": "notes" for n in range(501)}, "at most"),
    ],
)
def test_a_bad_mapping_is_refused_with_its_reason(data, reason):
    with pytest.raises(MappingError, match=reason):
        parse_mapping(data)


def test_a_toml_mapping_may_put_its_table_under_columns():
    assert parse_mapping({"columns": {"Nom": "last_name"}}) == {"Nom": "last_name"}


def read(headers: list[str], cells: list[str], **options):
    return read_row(cells, map_columns(headers), region="FR", today=TODAY, **options)


def test_a_phone_column_goes_to_the_mobile_or_the_landline_by_its_kind():
    mobile = read(["Nom", "Phone"], ["Durand", "06 12 34 56 78"])
    landline = read(["Nom", "Phone"], ["Durand", "01 45 67 89 01"])
    assert isinstance(mobile, CustomerRow) and isinstance(landline, CustomerRow)
    assert mobile.changes["mobile"] == "+33612345678" and "landline" not in mobile.changes
    assert landline.changes["landline"] == "+33145678901" and "mobile" not in landline.changes


def test_with_a_mobile_column_the_phone_column_is_the_landline():
    row = read(["Nom", "Téléphone", "Portable"], ["Durand", "0612345678", "0698765432"])
    assert isinstance(row, CustomerRow)
    assert (row.changes["mobile"], row.changes["landline"]) == ("+33698765432", "+33612345678")


def test_a_bad_row_names_each_bad_field():
    row = read(
        ["Nom", "Portable", "N° TVA", "E-mail", "Phone"],
        ["Durand", "12", "FR00000000000", "not-an-email", "999"],
    )
    assert isinstance(row, list)
    assert {name for name, _ in row} == {"mobile", "vat_number", "email", "landline"}


def test_spreadsheet_quotes_come_off_csv_values_only():
    row = read(["Nom", "Phone", "Zip"], ["'=Durand", "'+33612345678", "'01000"])
    assert isinstance(row, CustomerRow)
    assert row.changes["last_name"] == "=Durand"
    assert row.changes["mobile"] == "+33612345678"
    assert row.changes["postcode"] == "01000"
    kept = read(["Nom"], ["'=Durand"], spreadsheet_quotes=False)
    assert isinstance(kept, CustomerRow) and kept.changes["last_name"] == "'=Durand"
    plain = read(["Nom"], ["O'Brien"])
    assert isinstance(plain, CustomerRow) and plain.changes["last_name"] == "O'Brien"


def test_consent_words_of_shopify_and_square():
    headers = ["Nom", "Accepts Email Marketing", "Accepts SMS Marketing"]
    row = read(headers, ["Durand", "Subscribed", "no"])
    assert isinstance(row, CustomerRow)
    assert (row.changes["consent_email"], row.changes["consent_sms"]) == (True, False)
    bad = read(headers, ["Durand", "perhaps", ""])
    assert bad == [("consent_email", Reason("must be yes or no."))]


def test_empty_cells_give_no_value_and_an_empty_row_is_none():
    row = read(["Nom", "Prénom", "E-mail"], ["Durand", "", "  "])
    assert isinstance(row, CustomerRow) and row.changes == {"last_name": "Durand"}
    assert read(["Nom", "Prénom"], ["", ""]) is None


def test_control_characters_are_refused_and_markup_is_kept_as_text():
    bad = read(["Nom"], ["Du\x1b[31mrand"])
    assert isinstance(bad, list) and bad[0][0] == "last_name"
    row = read(["Nom"], ["[bold]Durand[/]"])
    assert isinstance(row, CustomerRow) and row.changes["last_name"] == "[bold]Durand[/]"


def test_extra_addresses_codes_and_consent_dates():
    headers = [
        "last_name",
        "consent_email",
        "consent_email_at",
        "address.1.kind",
        "address.1.line1",
        "address.1.country",
        "address.2.city",
        "external_code:Shopify",
        "extra:Pointure",
    ]
    row = read(
        headers,
        [
            "Durand",
            "yes",
            "2020-01-02T03:04:05+00:00",
            "delivery",
            "1 rue Haute",
            "Belgique",
            "",
            "123",
            "42",
        ],
    )
    assert isinstance(row, CustomerRow)
    assert row.addresses == (Address(kind="delivery", line1="1 rue Haute", country="BE"),)
    assert row.changes["external_codes"] == {"Shopify": "123"}
    assert row.changes["extra"] == {"Pointure": "42"}
    assert row.consents_at == {"consent_email": "2020-01-02T03:04:05+00:00"}
    no_kind = read([*headers[:1], "address.2.city"], ["Durand", "Lyon"])
    assert isinstance(no_kind, list) and no_kind[0][0] == "address.2.kind"


def test_a_card_number_must_look_like_one():
    assert isinstance(read(["Nom", "Carte"], ["Durand", "2901234567890"]), CustomerRow)
    bad = read(["Nom", "Carte"], ["Durand", "29 01<script>"])
    assert isinstance(bad, list) and bad[0][0] == "card_number"


def test_folded_rows_keep_the_earlier_values_and_add_up_tags_and_codes():
    first = CustomerRow(
        {"last_name": "Durand", "targeting": ("vip",), "external_codes": {"a": "1"}},
        addresses=(Address(kind="delivery", city="Lyon"),),
    )
    later = CustomerRow(
        {
            "last_name": "DURAND",
            "first_name": "Léa",
            "targeting": ("web",),
            "external_codes": {"a": "9", "b": "2"},
        },
        card_number="123",
        addresses=(Address(kind="Delivery", city="Nice"), Address(kind="billing")),
    )
    both = fold_rows(first, later)
    assert both.changes == {
        "last_name": "Durand",
        "first_name": "Léa",
        "targeting": ("vip", "web"),
        "external_codes": {"a": "1", "b": "2"},
    }
    assert both.card_number == "123"
    assert both.addresses == (Address(kind="delivery", city="Lyon"), Address(kind="billing"))
