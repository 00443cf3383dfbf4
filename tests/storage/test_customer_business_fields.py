"""The business fields on a real file: migration m0027 on an old database, the VAT number
derived from a SIRET as the screen, the CLI and an import save it, the import columns, the
export and the erasure."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

from storage import customers
from storage.customer_export import export_customers
from storage.customer_import import ImportSettings, import_customer_file
from storage.customer_privacy import anonymise
from storage.db import close_database, migrate, open_database
from storage.migrations import numbered
from storage.models import database
from till.config import CustomerSettings, Settings
from till.customer_service import CustomerService

SIRET = "73282932000074"
VAT = "FR44732829320"
IMPORT = ImportSettings(actor="import (test)", till_no=1, region="FR")


def _service(vat_from_siret: bool) -> CustomerService:
    settings = Settings(customers=CustomerSettings(vat_from_siret=vat_from_siret))
    return CustomerService(settings, actor="test")


def test_m0027_adds_the_fields_to_an_old_file_with_their_defaults(tmp_path, monkeypatch):
    before = [(n, name) for n, name in numbered() if n < 27]
    monkeypatch.setattr("storage.migrations.numbered", lambda: before)
    open_database(tmp_path / "till.db")
    # A customer as version 26 wrote one: every column it had, none of the new ones.
    values = {
        name: 0 if kind == "INTEGER" else ""
        for _, name, kind, notnull, default, _ in database.execute_sql(
            'PRAGMA table_info("customer")'
        )
        if notnull and default is None and name != "num"
    }
    values.update(id="c1", code="C01-999999", last_name="Ancien", kind="individual")
    values.update(targeting="[]", extra="{}", active=1)
    assert "gender" not in values
    names = ", ".join(values)
    database.execute_sql(
        f"INSERT INTO customer ({names}) VALUES ({', '.join('?' * len(values))})",
        tuple(values.values()),
    )
    close_database()
    monkeypatch.undo()
    open_database(tmp_path / "till.db")
    try:
        assert migrate() >= 27
        again = customers.get_customer("c1")
        assert (again.gender, again.business_type, again.industry) == ("", "", "")
        assert (again.payment_terms, again.preferred_channel) == ("", "")
        assert again.invoice_automatically is False
        made = customers.create_customer(
            {"last_name": "Neuf", "gender": "f", "invoice_automatically": True},
            actor="t",
            till_no=1,
            region="FR",
        )
        assert customers.get_customer(made.id) == made
        assert (made.gender, made.invoice_automatically) == ("female", True)
    finally:
        close_database()


def test_a_siret_gives_the_vat_number_when_the_option_is_on(db_path):
    made = _service(True).create({"last_name": "Dupont", "registration_number": SIRET})
    assert made.vat_number == VAT
    assert customers.get_customer(made.id).vat_number == VAT


def test_the_option_off_leaves_the_vat_number_empty(db_path):
    made = _service(False).create({"last_name": "Dupont", "registration_number": SIRET})
    assert made.vat_number == ""
    later = _service(False).update(made.id, {"registration_number": SIRET[:9]})
    assert later.vat_number == ""


def test_an_edit_fills_an_empty_vat_number_and_never_overwrites_one(db_path):
    service = _service(True)
    empty = service.create({"last_name": "Vide"})
    assert service.update(empty.id, {"registration_number": SIRET}).vat_number == VAT
    typed = service.create({"last_name": "Saisi", "vat_number": "DE136695976"})
    after = service.update(typed.id, {"registration_number": SIRET})
    assert after.vat_number == "DE136695976"
    both = service.create(
        {"last_name": "Les deux", "registration_number": SIRET, "vat_number": "FR40303265045"}
    )
    assert both.vat_number == "FR40303265045"


def test_a_vat_number_cleared_on_purpose_stays_cleared(db_path):
    service = _service(True)
    made = service.create({"last_name": "Dupont", "registration_number": SIRET})
    assert service.update(made.id, {"vat_number": ""}).vat_number == ""
    assert service.update(made.id, {"city": "Lyon"}).vat_number == ""


def _csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows(rows)
    return path


def test_an_import_reads_the_new_columns_under_french_headers(db_path, tmp_path):
    path = _csv(
        tmp_path / "clients.csv",
        [
            [
                *("Nom", "Sexe", "Forme juridique", "Secteur", "Conditions de paiement"),
                *("Facture automatique", "Canal préféré", "SIRET"),
            ],
            ["Durand", "Femme", "SARL", "Boulangerie", "net 45 eom", "oui", "courrier", SIRET],
        ],
    )
    report = import_customer_file(path, replace(IMPORT, vat_from_siret=True))
    assert (report.created, report.refused) == (1, 0)
    (code,) = database.execute_sql("SELECT code FROM customer").fetchone()
    found = customers.find_by_code(code)
    assert found is not None
    assert (found.gender, found.business_type, found.industry) == ("female", "SARL", "Boulangerie")
    assert (found.payment_terms, found.preferred_channel) == ("net45eom", "post")
    assert found.invoice_automatically is True
    assert found.vat_number == VAT


def test_an_import_refuses_bad_terms_and_updates_only_an_empty_vat(db_path, tmp_path):
    on_file = customers.create_customer(
        {"last_name": "Martin", "email": "m@example.fr", "vat_number": "DE136695976"},
        actor="t",
        till_no=1,
        region="FR",
    )
    path = _csv(
        tmp_path / "clients.csv",
        [
            ["E-mail", "Nom", "SIRET", "Payment terms"],
            ["m@example.fr", "Martin", SIRET, "net30"],
            ["x@example.fr", "Bad", "", "net 90"],
        ],
    )
    report = import_customer_file(path, replace(IMPORT, vat_from_siret=True))
    assert (report.updated, report.refused) == (1, 1)
    assert report.errors[0]["field"] == "payment_terms"
    kept = customers.get_customer(on_file.id)
    assert (kept.vat_number, kept.payment_terms) == ("DE136695976", "net30")


def test_the_export_writes_the_new_columns_and_an_import_reads_them_back(db_path, tmp_path):
    customers.create_customer(
        {"last_name": "Roux", "gender": "other", "preferred_channel": "sms"},
        actor="t",
        till_no=1,
        region="FR",
    )
    path = tmp_path / "out.csv"
    export_customers(path)
    with path.open(encoding="utf-8") as file:
        (row,) = list(csv.DictReader(file))
    assert (row["gender"], row["preferred_channel"], row["invoice_automatically"]) == (
        "other",
        "sms",
        "no",
    )


def test_anonymising_erases_the_business_fields(db_path):
    made = customers.create_customer(
        {
            "last_name": "Petit",
            "kind": "business",
            "gender": "male",
            "business_type": "EI",
            "industry": "Plomberie",
            "payment_terms": "net30",
            "preferred_channel": "email",
            "invoice_automatically": True,
        },
        actor="t",
        till_no=1,
        region="FR",
    )
    anonymise(made.id, actor="t", approved_by="manager")
    erased = customers.get_customer(made.id)
    assert (erased.gender, erased.business_type, erased.industry) == ("", "", "")
    assert (erased.payment_terms, erased.preferred_channel) == ("", "")
    assert erased.invoice_automatically is False
