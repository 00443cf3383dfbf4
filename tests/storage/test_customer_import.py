"""Importing customer lists from real files: encodings, delimiters, spreadsheets, the exports
of other systems, bad rows, duplicates, idempotence, --strict, --dry-run, size and hostile
input."""

from __future__ import annotations

import csv
import json
import time
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import Workbook

from storage import customers, loyalty
from storage.customer_import import (
    CustomerImportReport,
    ImportSettings,
    import_customer_file,
    load_mapping,
)
from storage.models import database
from storage.table_files import open_table
from till.core.customer_columns import MappingError
from till.errors import TillError

SETTINGS = ImportSettings(actor="import (test)", till_no=1, region="FR")


def write_csv(path: Path, rows: list[list[str]], *, encoding="utf-8", delimiter=",") -> Path:
    with path.open("w", encoding=encoding, newline="") as file:
        csv.writer(file, delimiter=delimiter).writerows(rows)
    return path


def run(path: Path, settings: ImportSettings = SETTINGS, **options) -> CustomerImportReport:
    return import_customer_file(path, settings, **options)


def counts(report: CustomerImportReport) -> tuple[int, int, int, int, int]:
    return report.created, report.updated, report.merged, report.skipped, report.refused


def table_counts() -> dict[str, int]:
    return {
        table: database.execute_sql(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        for table in ("customer", "audit_log", "outbox", "field_clock", "customer_address")
    }


def by_name(last_name: str) -> customers.Customer:
    code = database.execute_sql(
        "SELECT code FROM customer WHERE last_name = ?", (last_name,)
    ).fetchone()[0]
    found = customers.find_by_code(code)
    assert found is not None
    return found


FRENCH_ROWS = [
    [
        "Nom",
        "Prénom",
        "Société",
        "Adresse",
        "Code postal",
        "Ville",
        "Pays",
        "Téléphone",
        "Portable",
        "Courriel",
        "Date de naissance",
        "N° TVA",
        "Remarques",
    ],
    [
        "Lefèvre",
        "Zoé",
        "",
        "3 rue de l'Église",
        "01000",
        "Bourg",
        "France",
        "01 45 67 89 01",
        "06 12 34 56 78",
        "zoe@exemple.fr",
        "31/12/1980",
        "",
        "Préfère l'été",
    ],
    [
        "Mørk",
        "Noël",
        "Café Ñandú",
        "",
        "69001",
        "Lyon",
        "FR",
        "",
        "",
        "noel@exemple.fr",
        "",
        "FR00000000000",
        "",
    ],
    ["Brun", "Léa", "", "", "", "", "", "", "12 34", "lea@exemple.fr", "", "", ""],
    ["", "Anne", "", "", "", "", "", "", "", "anne@exemple.fr", "", "", ""],
]


def test_latin1_semicolons_and_french_headers(db_path, tmp_path):
    path = write_csv(tmp_path / "clients.csv", FRENCH_ROWS, encoding="latin-1", delimiter=";")
    with open_table(path) as table:
        assert (table.encoding, table.delimiter) == ("cp1252", ";")
    report = run(path)
    assert counts(report) == (1, 0, 0, 0, 3)
    assert {(e["row"], e["field"]) for e in report.errors} == {
        (3, "vat_number"),
        (4, "mobile"),
        (5, "last_name"),
    }
    zoe = by_name("Lefèvre")
    assert (zoe.first_name, zoe.address1, zoe.postcode, zoe.country) == (
        "Zoé",
        "3 rue de l'Église",
        "01000",
        "FR",
    )
    assert (zoe.mobile, zoe.landline, zoe.birth_date) == (
        "+33612345678",
        "+33145678901",
        "1980-12-31",
    )
    assert zoe.notes == "Préfère l'été"


def test_utf8_with_a_byte_order_mark(db_path, tmp_path):
    rows = [["Last Name", "First Name", "Email"], ["Ōtani", "Shōhei", "shohei@example.jp"]]
    path = write_csv(tmp_path / "bom.csv", rows, encoding="utf-8-sig")
    with open_table(path) as table:
        assert table.encoding == "utf_8_sig" and table.header[0] == "Last Name"
    assert counts(run(path)) == (1, 0, 0, 0, 0)
    assert by_name("Ōtani").email == "shohei@example.jp"


def test_tabs_are_detected(db_path, tmp_path):
    path = write_csv(
        tmp_path / "t.tsv", [["Nom", "Prénom"], ["Durand", "Paul, Jean"]], delimiter="\t"
    )
    assert counts(run(path)) == (1, 0, 0, 0, 0)
    assert by_name("Durand").first_name == "Paul, Jean"


def test_xlsx_with_numeric_looking_phones_and_postcodes(db_path, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Nom", "Portable", "Code postal", "Date de naissance"])
    sheet.append(["Formatted", 612345678, 1000, None])
    sheet["B2"].number_format = "0000000000"
    sheet["C2"].number_format = "00000"
    sheet.append(["Plain", 612345679, 75001, None])
    sheet.append(["Float", 698765432.0, "69001", None])
    from datetime import datetime

    sheet["D2"] = datetime(1980, 12, 31)
    path = tmp_path / "clients.xlsx"
    book.save(path)
    with open_table(path) as table:
        rows = [cells for _, cells in table.rows]
    assert rows[0][1:3] == ["0612345678", "01000"]
    assert rows[1][1] == "612345679" and rows[2][1] == "698765432"
    assert counts(run(path)) == (3, 0, 0, 0, 0)
    formatted = by_name("Formatted")
    assert (formatted.mobile, formatted.postcode, formatted.birth_date) == (
        "+33612345678",
        "01000",
        "1980-12-31",
    )
    assert by_name("Plain").mobile == "+33612345679"


SHOPIFY = [
    [
        "Customer ID",
        "First Name",
        "Last Name",
        "Email",
        "Accepts Email Marketing",
        "Default Address Company",
        "Default Address Address1",
        "Default Address City",
        "Default Address Country Code",
        "Default Address Zip",
        "Phone",
        "Accepts SMS Marketing",
        "Total Spent",
        "Note",
        "Tags",
    ],
    [
        "'7001",
        "Ana",
        "Silva",
        "ana@example.com",
        "yes",
        "",
        "1 Main St",
        "Porto",
        "PT",
        "'4000",
        "'+351912345678",
        "no",
        "12.50",
        "",
        "vip, newsletter",
    ],
    [
        "'7002",
        "Bo",
        "Berg",
        "bo@example.com",
        "no",
        "Berg AB",
        "",
        "Lund",
        "SE",
        "'22100",
        "",
        "yes",
        "0.00",
        "Allergic to nuts",
        "",
    ],
]


def test_a_shopify_export(db_path, tmp_path):
    path = write_csv(tmp_path / "customers_export.csv", SHOPIFY)
    report = run(path)
    assert counts(report) == (2, 0, 0, 0, 0)
    assert "Total Spent" in report.ignored_columns
    ana = by_name("Silva")
    assert ana.external_codes == {"shopify": "7001"}
    assert (ana.mobile, ana.postcode, ana.country) == ("+351912345678", "4000", "PT")
    assert (ana.consent_email, ana.consent_sms, ana.targeting) == (
        True,
        False,
        ("vip", "newsletter"),
    )
    bo = by_name("Berg")
    assert (bo.company, bo.notes, bo.consent_sms) == ("Berg AB", "Allergic to nuts", True)


def test_a_square_export(db_path, tmp_path):
    rows = [
        [
            "Reference ID",
            "Given Name",
            "Family Name",
            "Email Address",
            "Phone Number",
            "Street Address 1",
            "City",
            "State",
            "Postal Code",
            "Birthday",
            "Memo",
            "Square Customer ID",
            "Email Subscription Status",
        ],
        [
            "R-1",
            "Chris",
            "Doe",
            "chris@example.com",
            "01 45 67 89 01",
            "2 Elm St",
            "Paris",
            "",
            "75002",
            "1990-05-17",
            "likes jazz",
            "SQ123",
            "subscribed",
        ],
    ]
    report = run(write_csv(tmp_path / "square.csv", rows))
    assert counts(report) == (1, 0, 0, 0, 0)
    chris = by_name("Doe")
    assert chris.external_codes == {"reference": "R-1", "square": "SQ123"}
    assert (chris.landline, chris.mobile) == ("+33145678901", "")  # a fixed line
    assert (chris.birth_date, chris.notes, chris.consent_email) == (
        "1990-05-17",
        "likes jazz",
        True,
    )
    assert chris.consent_email_at  # dated when given


def test_rows_repeating_a_key_are_folded_into_one_customer(db_path, tmp_path):
    rows = [
        ["Nom", "Prénom", "E-mail", "Portable", "Tags"],
        ["Durand", "Paul", "paul@example.com", "", "vip"],
        ["DURAND", "", "PAUL@example.com", "0612345678", "web"],  # same e-mail, any case
        ["Durand", "Paul", "", "06 12 34 56 78", ""],  # the mobile the row above gave
        ["Martin", "Eva", "eva@example.com", "", ""],
    ]
    report = run(write_csv(tmp_path / "dups.csv", rows), chunk_rows=2)  # across chunks too
    assert counts(report) == (2, 0, 2, 0, 0)
    paul = customers.find_by_contact("paul@example.com", "")
    assert paul is not None
    assert (paul.last_name, paul.mobile, paul.targeting) == (
        "Durand",  # the first row's spelling stands; the later ones fill and add
        "+33612345678",
        ("vip", "web"),
    )
    assert table_counts()["customer"] == 2


def test_a_row_matching_a_customer_on_file_updates_it(db_path, tmp_path):
    on_file = customers.create_customer(
        {"last_name": "Roux", "email": "roux@example.com", "city": "Nantes", "postcode": "44000"},
        actor="t",
        till_no=1,
        region="FR",
    )
    card = loyalty.issue_card(on_file.id, actor="t", till_no=1)
    rows = [
        ["Nom", "E-mail", "Ville", "Carte", "Prénom", "Code postal"],
        ["Roux", "ROUX@example.com", "", "", "Jules", ""],  # by e-mail; empty city kept
        ["Roux", "", "Brest", card, "Paul", "29000"],  # by card: an earlier row's customer
        ["Roux", "other@example.com", "", "", "Jules", "44000"],  # no key on file: new
    ]
    report = run(write_csv(tmp_path / "upd.csv", rows))
    assert counts(report) == (1, 1, 1, 0, 0)
    after = customers.get_customer(on_file.id)
    # the second row, folded into the first, fills what is empty and replaces nothing
    assert (after.first_name, after.city, after.postcode) == ("Jules", "Nantes", "44000")
    assert after.card_number == card
    assert report.duplicates and report.duplicates[0]["row"] == 4
    assert report.duplicates[0]["matches"][0]["code"] == on_file.code


def test_a_card_or_external_code_of_another_customer_refuses_the_row(db_path, tmp_path):
    one = customers.create_customer(
        {"last_name": "Un", "email": "un@example.com", "external_codes": {"legacy": "A1"}},
        actor="t",
        till_no=1,
        region="FR",
    )
    two = customers.create_customer({"last_name": "Deux"}, actor="t", till_no=1, region="FR")
    card = loyalty.issue_card(two.id, actor="t", till_no=1)
    rows = [["Nom", "E-mail", "Carte", "Code client"], ["Un", "un@example.com", card, ""]]
    report = run(write_csv(tmp_path / "c.csv", rows))
    # the card is the stronger key: the row goes to Deux, whose e-mail it would change
    assert counts(report) == (0, 1, 0, 0, 0)
    assert customers.get_customer(two.id).email == "un@example.com"
    rows = [["Nom", "Carte", "Code client"], ["Deux", card, "A1"]]
    report = run(write_csv(tmp_path / "d.csv", rows))
    assert report.refused == 1 and report.errors[0]["field"] == "external_codes"
    assert customers.get_customer(two.id).external_codes == {}
    assert customers.get_customer(one.id).external_codes == {"legacy": "A1"}


def test_reimporting_the_same_file_writes_nothing(db_path, tmp_path):
    rows = [
        *FRENCH_ROWS[:2],
        ["Durand", "Paul", "", "", "", "", "", "", "0698765432", "", "", "", ""],
        ["Durand", "Pierre", "", "", "", "", "", "", "06 98 76 54 32", "", "", "", "x"],
    ]
    path = write_csv(tmp_path / "again.csv", rows, encoding="latin-1", delimiter=";")
    first = run(path, chunk_rows=3)  # the folded row in a later chunk than its first
    assert counts(first) == (2, 0, 1, 0, 0)
    assert (by_name("Durand").first_name, by_name("Durand").notes) == ("Paul", "x")
    before = table_counts()
    second = run(path, chunk_rows=3)
    assert (second.created, second.updated, second.refused) == (0, 0, 0)
    assert (second.merged, second.skipped) == (1, 2)
    assert table_counts() == before


def test_strict_imports_nothing_when_a_row_is_bad(db_path, tmp_path):
    path = write_csv(tmp_path / "strict.csv", FRENCH_ROWS, encoding="latin-1", delimiter=";")
    before = table_counts()
    report = run(path, strict=True)
    assert report.strict_refused and report.refused == 3 and report.created == 1
    assert table_counts() == before
    good = write_csv(tmp_path / "good.csv", FRENCH_ROWS[:2], encoding="latin-1", delimiter=";")
    assert counts(run(good, strict=True)) == (1, 0, 0, 0, 0)
    assert table_counts()["customer"] == 1


def test_a_dry_run_counts_the_same_and_writes_nothing(db_path, tmp_path):
    customers.create_customer(
        {"last_name": "Roux", "email": "roux@example.com"}, actor="t", till_no=1, region="FR"
    )
    rows = [
        ["Nom", "E-mail", "Ville"],
        ["Roux", "roux@example.com", "Brest"],
        ["Neuf", "neuf@example.com", ""],
        ["Neuf", "neuf@example.com", "Nice"],
        ["", "vide@example.com", ""],
    ]
    path = write_csv(tmp_path / "dry.csv", rows)
    before = table_counts()
    dry = run(path, replace(SETTINGS, dry_run=True), chunk_rows=2)
    assert table_counts() == before
    real = run(path, chunk_rows=2)
    assert counts(dry) == counts(real) == (1, 1, 1, 0, 1)


def test_creation_writes_what_the_form_writes(db_path, tmp_path):
    fields = {
        "last_name": "Forme",
        "first_name": "Ève",
        "email": "eve@example.com",
        "mobile": "+33612345678",
        "consent_email": True,
        "targeting": ("vip",),
        "external_codes": {"shop": "S1"},
    }
    by_form = customers.create_customer(fields, actor="a", till_no=1, region="FR")
    rows = [
        [
            "last_name",
            "first_name",
            "email",
            "mobile",
            "consent_email",
            "targeting",
            "external_code:shop",
        ],
        ["Import", "Ève", "eve2@example.com", "+33698765432", "yes", "vip", "S2"],
    ]
    run(write_csv(tmp_path / "same.csv", rows), replace(SETTINGS, actor="a"))
    by_file = by_name("Import")

    def written(customer) -> tuple:
        audit = database.execute_sql(
            "SELECT action, actor, field, old_value FROM audit_log WHERE entity_id = ?"
            " ORDER BY field",
            (customer.id,),
        ).fetchall()
        clocks = database.execute_sql(
            "SELECT field FROM field_clock WHERE entity_id = ? ORDER BY field", (customer.id,)
        ).fetchall()
        outbox = database.execute_sql(
            "SELECT entity, operation, payload FROM outbox WHERE entity_id = ?", (customer.id,)
        ).fetchall()
        (entity, operation, payload), *more = outbox
        payload = json.loads(payload)
        words = database.execute_sql(
            "SELECT COUNT(*) FROM customer_fts WHERE customer_fts MATCH ?",
            (f'"{customer.first_name}" AND "{customer.code.replace("-", "")}"',),
        ).fetchone()[0]
        return (
            audit,
            clocks,
            (entity, operation, sorted(payload), sorted(payload["fields"]), more),
            words,
        )

    assert written(by_file) == written(by_form)
    assert by_file.consent_email_at and by_file.external_codes == {"shop": "S2"}
    assert customers.find_by_contact("", "+33698765432") == by_file


def test_ten_thousand_rows(db_path, tmp_path):
    header = ["First Name", "Last Name", "Email", "Phone", "Zip", "Tags"]
    rows = [header] + [
        [f"Jean{n}", f"Nom{n}", f"p{n}@example.com", f"+336{n:08d}", f"{75000 + n % 20}", "vip"]
        for n in range(10_000)
    ]
    rows.append(["Jean7", "Nom7", "P7@EXAMPLE.COM", "", "", "web"])  # folded into row 9
    path = write_csv(tmp_path / "big.csv", rows)
    seen: list[int] = []
    settings = replace(SETTINGS, find_duplicates=False)  # the matcher has its own benchmark
    started = time.monotonic()
    report = run(path, settings, on_progress=lambda r: seen.append(r.rows))
    assert counts(report) == (10_000, 0, 1, 0, 0)
    assert seen[0] == 1_001 and len(seen) == 11  # a thousand rows per transaction
    assert customers.customer_count() == 10_000
    assert by_name("Nom7").targeting == ("vip", "web")
    assert time.monotonic() - started < 120  # a hang would show here, not a benchmark


def test_hostile_rows_are_refused_one_by_one(db_path, tmp_path):
    rows = [
        ["Nom", "Prénom", "Remarques"],
        ["Bell\x07", "Ring", ""],
        ["[red]Rouge[/]", "<script>alert(1)</script>", "ok"],
        ["Long", "x" * 100_000, ""],
        ["Notes", "", "y" * 5_000],
        ["\u202eNomInversé", "", ""],
        ["Fin", "", ""],
    ]
    path = write_csv(tmp_path / "hostile.csv", rows)
    report = run(path)
    assert counts(report) == (2, 0, 0, 0, 4)
    assert {e["row"] for e in report.errors} == {2, 4, 5, 6}
    assert by_name("[red]Rouge[/]").first_name == "<script>alert(1)</script>"


def test_a_line_that_never_ends_is_refused_without_filling_memory(db_path, tmp_path):
    path = tmp_path / "endless.csv"
    with path.open("w") as file:
        file.write("Nom,Prénom\nAvant,Un\n")
        file.write("z" * 3_000_000)  # no line break: past the line bound
        file.write("\nAprès,Deux\n")
    report = run(path)
    assert counts(report) == (2, 0, 0, 0, 1)
    assert "longer than" in str(report.errors[0]["message"])


@pytest.mark.parametrize(
    "content",
    [b"\x00" * 200_000, bytes(range(256)) * 300, b"PK\x03\x04not really a zip"],
)
def test_binary_junk_is_refused_whole(db_path, tmp_path, content):
    path = tmp_path / "junk.csv"
    path.write_bytes(content)
    with pytest.raises(TillError):
        run(path)
    assert table_counts()["customer"] == 0


def test_a_device_that_never_ends_is_refused(db_path):
    """/dev/zero is on every Linux the till runs on: an endless file of NUL bytes."""
    with pytest.raises(TillError, match="NUL"):
        run(Path("/dev/zero"))


def test_mapping_files(db_path, tmp_path):
    toml = tmp_path / "map.toml"
    toml.write_text('"Client" = "last_name"\n"Réf" = "external_code:ancien"\n', encoding="utf-8")
    assert load_mapping(toml) == {"Client": "last_name", "Réf": "external_code:ancien"}
    path = write_csv(tmp_path / "m.csv", [["Client", "Réf"], ["Mappé", "42"]])
    report = run(path, replace(SETTINGS, mapping=load_mapping(toml)))
    assert counts(report) == (1, 0, 0, 0, 0)
    assert by_name("Mappé").external_codes == {"ancien": "42"}
    bad = tmp_path / "bad.json"
    bad.write_text('{"Client": "shoe_size"}', encoding="utf-8")
    with pytest.raises(MappingError, match="shoe_size"):
        load_mapping(bad)
    huge = tmp_path / "huge.json"
    huge.write_text("[" * 100_000, encoding="utf-8")
    with pytest.raises(MappingError):
        load_mapping(huge)


def test_a_row_of_a_customer_merged_away_goes_to_the_survivor(db_path, tmp_path):
    survivor = customers.create_customer({"last_name": "Reste"}, actor="t", till_no=1, region="FR")
    gone = customers.create_customer(
        {"last_name": "Parti", "email": "parti@example.com"}, actor="t", till_no=1, region="FR"
    )
    with database.atomic():  # what a merge leaves behind (storage/customer_merge.py)
        database.execute_sql(
            "UPDATE customer SET merged_into = ? WHERE id = ?", (survivor.id, gone.id)
        )
    path = write_csv(
        tmp_path / "m.csv", [["Nom", "E-mail", "Ville"], ["X", "parti@example.com", "Metz"]]
    )
    assert counts(run(path)) == (0, 1, 0, 0, 0)
    assert customers.get_customer(survivor.id).city == "Metz"
    assert customers.get_customer(gone.id).city == ""


def test_the_write_lock_is_free_between_chunks(db_path, tmp_path):
    """What lets a screen run the import in a worker while the till sells: after each
    chunk is reported, another connection can take the write lock at once."""
    import sqlite3

    rows = [["Nom", "E-mail"]] + [[f"N{n}", f"n{n}@example.com"] for n in range(25)]
    path = write_csv(tmp_path / "lock.csv", rows)
    taken: list[int] = []

    def sell_meanwhile(report: CustomerImportReport) -> None:
        other = sqlite3.connect(db_path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # raises "database is locked" if it is held
            other.execute("ROLLBACK")
            taken.append(report.created)
        finally:
            other.close()

    run(path, replace(SETTINGS, find_duplicates=False), chunk_rows=10, on_progress=sell_meanwhile)
    assert taken == [10, 20, 25]


def test_rows_with_no_contact_match_by_their_whole_identity(db_path, tmp_path):
    rows = [
        ["Nom", "Prénom", "Code postal", "Téléphone", "Remarques"],
        ["Sans", "Contact", "75001", "01 45 67 89 01", ""],
        ["Sans", "Contact", "75001", "01 45 67 89 01", "revenu"],  # the same person again
        ["Sans", "Contact", "69001", "01 45 67 89 01", ""],  # another postcode: another one
    ]
    path = write_csv(tmp_path / "keyless.csv", rows)
    assert counts(run(path, chunk_rows=2)) == (2, 0, 1, 0, 0)
    before = table_counts()
    assert counts(run(path, chunk_rows=2)) == (0, 0, 1, 2, 0)
    assert table_counts() == before


def test_a_row_reaching_a_customer_the_file_made_by_another_key_is_merged(db_path, tmp_path):
    rows = [
        ["Nom", "Prénom", "E-mail", "Code postal"],
        ["Sans", "Mobile", "sans@example.com", "75001"],
        ["Autre", "", "autre@example.com", ""],
        ["Sans", "Mobile", "", "75001"],  # no key: its identity finds the first row's customer
    ]
    report = run(write_csv(tmp_path / "later.csv", rows), chunk_rows=2)
    assert counts(report) == (2, 0, 1, 0, 0)


def test_an_xlsx_whose_shared_text_would_not_fit_in_memory_is_refused_unread(
    db_path, tmp_path, monkeypatch
):
    """openpyxl streams the sheets but reads the shared strings whole: a file that would
    hold more of them than the cap is refused before openpyxl opens it."""
    import openpyxl

    from storage import table_files
    from till.errors import ImportRowError

    book = Workbook()
    book.active.append(["Nom", "Prénom"])
    for n in range(300):
        book.active.append([f"Client{n:05d}", f"Prénom{n:05d}"])
    path = tmp_path / "clients.xlsx"
    book.save(path)
    monkeypatch.setattr(table_files, "MAX_XLSX_LOADED_BYTES", 4096)

    def never(*args, **options):
        raise AssertionError("openpyxl opened a spreadsheet that was over the cap")

    monkeypatch.setattr(openpyxl, "load_workbook", never)
    with pytest.raises(ImportRowError, match="save it as CSV"), open_table(path):
        pass


def test_the_duplicates_of_a_chunk_are_sought_together(db_path, tmp_path, monkeypatch):
    import storage.customer_duplicates as finder

    header = ["Nom", "Prénom", "Code postal", "Date de naissance", "Société", "Courriel"]
    people = [
        [f"Nom{n:02d}", f"Prénom{n:02d}", "75011", f"{n % 28 + 1:02d}/03/1980", f"Cie {n}", ""]
        for n in range(60)
    ]
    people.insert(30, ["Nom07", "Prenom07", "75011", "", "", "nom07@example.com"])  # a typo
    reads: list[str] = []
    execute = finder.database.execute_sql

    def counted(sql, *args):
        if finder.LIVE in sql:
            reads.append(sql)
        return execute(sql, *args)

    monkeypatch.setattr(finder.database, "execute_sql", counted)
    report = run(write_csv(tmp_path / "chunk.csv", [header, *people]))
    assert report.created == 61
    # the later row of a pair in one chunk reports it, naming the earlier row's customer
    assert [(found["row"], len(found["matches"])) for found in report.duplicates] == [(32, 1)]
    [match] = report.duplicates[0]["matches"]
    earlier = execute("SELECT code FROM customer WHERE first_name = 'Prénom07'").fetchone()[0]
    assert (match["code"], match["reasons"]) == (earlier, ["similar_name", "same_postcode"])
    # a read per kind of index range and per 50 people, not several reads for each person
    assert 0 < len(reads) <= 12
