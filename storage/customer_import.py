"""Importing a customer list (CSV or XLSX): each row checked with the screen's rules, matched
with the customers on file, and written a chunk at a time, so the till goes on selling while a
list of a hundred thousand imports and a screen can show the progress after each chunk.

What each row counts as (every row read counts once):

- ``created``: it made a new customer (exactly as ``create_customer`` does: audit, outbox,
  field clocks, search keys);
- ``updated``: it matched a customer on file before the import and changed something;
- ``merged``: it repeated the key of an earlier row of the same file (e-mail, mobile, card,
  external code or till code), or reached the customer an earlier row made or matched, and
  was folded into that customer, whether it changed anything or not. The first row of a
  person stands: a folded row only fills fields still empty and adds tags, extra fields,
  external codes and addresses of new kinds, so importing the file again changes nothing
  whatever the order of its chunks;
- ``skipped``: it matched a customer on file and changed nothing (a second import of the
  same file skips every row it does not merge), or every cell it has was empty;
- ``errors``: it was refused, one entry per bad field (``{row, field, message}``).

A row matches a customer on file by, in this order: the till's own code, the loyalty card,
an external code, the e-mail (folded), the mobile (its digits); a row with none of these by
its whole identity (name, postcode, birth date, company and landline all the same). An empty
cell leaves the field as it is: an import fills and changes, it never empties.
``duplicates`` lists, for each customer created, the probable duplicates the duplicate finder
sees (reported, never merged).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from storage import customers
from storage.customers import (
    LISTED_FIELDS,
    NewCustomer,
    check_external_codes,
    get_customers,
    insert_customers,
    list_values,
)
from storage.imports import CHUNK_ROWS, chunks
from storage.models import LoyaltyCard, database
from storage.table_files import Row, open_table
from till.core.customer import (
    Address,
    Customer,
    FieldErrors,
    not_listed,
    validate_changes,
)
from till.core.customer_business import vat_from_registration
from till.core.customer_columns import (
    MAX_MAPPING_BYTES,
    Columns,
    MappingError,
    map_columns,
    parse_mapping,
)
from till.core.customer_rows import CustomerRow, fold_rows, read_row
from till.core.text import digits, fold, fold_email
from till.core.words import N_
from till.errors import Reason, TillError, reason_of

log = logging.getLogger(__name__)

MAX_REPORTED = 1_000
"""Errors and duplicates kept in the report (all are counted, and all go to ``on_error``)."""

_SEP = "\x1f"
_NEW = "new:"
"""A customer a dry run would create: ``new:ROW``."""


@dataclass
class CustomerImportReport:
    """What an import did (or, for a dry run, would do), so far."""

    created: int = 0
    updated: int = 0
    merged: int = 0
    skipped: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    """The first ``MAX_REPORTED`` problems: ``{row, field, message}``, the message a
    ``Reason`` worded where it is shown (``as_json`` words it)."""
    error_count: int = 0
    refused: int = 0
    """Rows refused (a row with three bad fields is one row, three errors)."""
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    """The first ``MAX_REPORTED`` new customers with probable duplicates on file."""
    duplicate_count: int = 0
    rows: int = 0
    """The last row (line, for a CSV) read and dealt with."""
    done: float | None = None
    columns: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False
    strict_refused: bool = False
    """``--strict`` found bad rows, so nothing was imported."""

    def as_json(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "merged": self.merged,
            "skipped": self.skipped,
            "refused": self.refused,
            "errors": [{**error, "message": str(error["message"])} for error in self.errors],
            "error_count": self.error_count,
            "duplicates": self.duplicates,
            "duplicate_count": self.duplicate_count,
            "columns": self.columns,
            "ignored_columns": self.ignored_columns,
            "dry_run": self.dry_run,
            "imported": not self.dry_run and not self.strict_refused,
        }


@dataclass(frozen=True)
class ImportSettings:
    """Who imports, on which till, with which rules."""

    actor: str
    till_no: int
    region: str
    mapping: Mapping[str, str] | None = None
    dry_run: bool = False
    today: date | None = None
    find_duplicates: bool = True
    """Look for probable duplicates of each customer created (reported, never merged)."""
    vat_from_siret: bool = False
    """``[customers] vat_from_siret``: a SIRET or SIREN without a VAT number gives the French
    one (never over a VAT number on file or in the row)."""


def import_customer_file(
    path: Path,
    settings: ImportSettings,
    *,
    strict: bool = False,
    on_progress: Callable[[CustomerImportReport], None] = lambda report: None,
    on_error: Callable[[int, str, Reason], None] = lambda row, name, message: None,
    chunk_rows: int = CHUNK_ROWS,
) -> CustomerImportReport:
    """Import the customers of the CSV or XLSX file at ``path``; TillError when the file
    cannot be read at all. With ``strict``, the file is first read as a dry run and nothing
    is written if any row is refused. ``on_progress`` hears the report after each chunk (each
    committed in its own transaction); ``on_error`` each problem (row, field, message)."""
    if strict and not settings.dry_run:
        check = _run(path, replace(settings, dry_run=True), on_error, lambda r: None, chunk_rows)
        if check.refused:
            check.strict_refused = True
            check.dry_run = False
            return check
    return _run(path, settings, on_error, on_progress, chunk_rows)


def _run(
    path: Path,
    settings: ImportSettings,
    on_error: Callable[[int, str, Reason], None],
    on_progress: Callable[[CustomerImportReport], None],
    chunk_rows: int,
) -> CustomerImportReport:
    report = CustomerImportReport(dry_run=settings.dry_run)
    with open_table(path) as table:
        columns = map_columns(table.header, settings.mapping)
        report.columns = dict(columns.headers)
        report.ignored_columns = list(columns.ignored)
        spreadsheet_quotes = table.kind == "csv"
        importer = _Importer(settings, columns, report, on_error, spreadsheet_quotes)
        try:
            for chunk in chunks(table.rows, chunk_rows):
                importer.chunk(chunk)
                report.rows = chunk[-1][0]
                report.done = table.position()
                on_progress(report)
        finally:
            importer.keys.close()
    return report


class _FileKeys:
    """The keys of every row taken so far (e-mail, mobile, card, codes, and the customer
    each row went to) and the customer they lead to, in a temporary table of this connection
    rather than in memory: a later row with one of them is folded into that customer."""

    def __init__(self) -> None:
        database.execute_sql(
            "CREATE TEMP TABLE IF NOT EXISTS customer_import_keys"
            " (key TEXT PRIMARY KEY, target TEXT NOT NULL) WITHOUT ROWID"
        )
        database.execute_sql("DELETE FROM temp.customer_import_keys")

    def lookup(self, keys: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for start in range(0, len(keys), 5_000):
            part = keys[start : start + 5_000]
            marks = ",".join("?" * len(part))
            sql = f"SELECT key, target FROM temp.customer_import_keys WHERE key IN ({marks})"
            found.update(database.execute_sql(sql, part).fetchall())
        return found

    def store(self, pairs: list[tuple[str, str]]) -> None:
        # Inside the chunk's transaction when it writes (the keys go with its rows); a
        # deferred one of its own for a dry run, which never takes the write lock.
        with database.atomic(lock_type="DEFERRED"):
            database.cursor().executemany(
                "INSERT OR IGNORE INTO temp.customer_import_keys VALUES (?, ?)", pairs
            )

    def held(self, target: str) -> dict[str, Any]:
        """What ``hold`` kept for a dry run's customer to be."""
        found = self.lookup([f"held{_SEP}{target}"])
        return json.loads(next(iter(found.values()))) if found else {}

    def hold(self, values: list[tuple[str, dict[str, Any]]]) -> None:
        """Keep the tags, extra fields and codes of a dry run's customers to be, which later
        rows of theirs add to."""
        pairs = [(f"held{_SEP}{target}", json.dumps(held)) for target, held in values]
        with database.atomic(lock_type="DEFERRED"):
            database.cursor().executemany(
                "INSERT OR REPLACE INTO temp.customer_import_keys VALUES (?, ?)", pairs
            )

    def close(self) -> None:
        database.execute_sql("DROP TABLE IF EXISTS temp.customer_import_keys")


_UNIONS = ("targeting", "extra", "external_codes")
"""The fields the rows of one customer add up (``fold_rows``)."""


def _unions(changes: dict[str, Any]) -> dict[str, Any]:
    return {name: changes[name] for name in _UNIONS if changes.get(name)}


def load_mapping(path: Path) -> dict[str, str]:
    """A mapping file (TOML when its name ends in ``.toml``, else JSON): column name → field,
    checked (``parse_mapping``). TillError when it cannot be used."""
    import tomllib

    with path.open("rb") as file:
        data = file.read(MAX_MAPPING_BYTES + 1)
    if len(data) > MAX_MAPPING_BYTES:
        raise MappingError(
            N_("{file}: a mapping file is at most {most:,} bytes."),
            file=path,
            most=MAX_MAPPING_BYTES,
        )
    try:
        text = data.decode("utf_8_sig")
        table = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, json.JSONDecodeError) as error:
        kind = "TOML" if path.suffix.lower() == ".toml" else "JSON"
        raise MappingError(
            N_("{file}: not a readable {kind} mapping file ({reason})."),
            file=path,
            kind=kind,
            reason=str(error),
        ) from None
    except RecursionError:
        raise MappingError(N_("{file}: the mapping file nests too deeply."), file=path) from None
    try:
        return parse_mapping(table)
    except MappingError as error:
        raise MappingError(N_("{file}: {reason}"), file=path, reason=error) from None


def row_keys(row: CustomerRow) -> list[str]:
    """The keys a row matches customers by, strongest first."""
    keys = []
    if row.code:
        keys.append(f"code{_SEP}{row.code}")
    if row.card_number:
        keys.append(f"card{_SEP}{row.card_number}")
    for system, code in sorted(row.changes.get("external_codes", {}).items()):
        keys.append(f"ext{_SEP}{system}{_SEP}{code}")
    if email := row.changes.get("email"):
        keys.append(f"email{_SEP}{fold_email(email)}")
    if phone := digits(row.changes.get("mobile", "")):
        keys.append(f"phone{_SEP}{phone}")
    if not keys:
        keys.append(f"who{_SEP}{_SEP.join(identity(row.changes))}")
    return keys


def identity(fields: dict[str, Any]) -> tuple[str, str, str, str, str]:
    """What a row with no e-mail, mobile, card or code is matched by: all of its folded name,
    postcode, birth date, company and landline, as the customer table stores them (its
    ``name_key``, ``company_key`` and ``landline_key``), so that importing such a row again
    finds the customer it made."""
    last, first = fold(fields.get("last_name", "")), fold(fields.get("first_name", ""))
    return (
        f"{last} {first}".strip(),
        fields.get("postcode", ""),
        fields.get("birth_date", ""),
        fold(fields.get("company", "")),
        digits(fields.get("landline", "")),
    )


def _stored_keys(keys: list[str]) -> dict[str, str]:
    """The customer on file each key leads to (a merged-away one's survivor)."""
    by_kind: dict[str, list[str]] = {}
    for key in keys:
        kind, _, value = key.partition(_SEP)
        by_kind.setdefault(kind, []).append(value)
    found: dict[str, tuple[str, str | None]] = {}

    def query(kind: str, sql: str, values: list[Any]) -> None:
        for value, customer_id, merged_into in database.execute_sql(sql, values):
            found.setdefault(f"{kind}{_SEP}{value}", (customer_id, merged_into))

    for kind, column in (("code", "code"), ("email", "email_key"), ("phone", "phone_key")):
        values = sorted(set(by_kind.get(kind, [])))
        if values:
            marks = ",".join("?" * len(values))
            query(
                kind,
                f"SELECT {column}, id, merged_into FROM customer WHERE {column} IN ({marks})"
                " ORDER BY merged_into IS NOT NULL, code",
                values,
            )
    names = sorted({value.split(_SEP, 1)[0] for value in by_kind.get("who", [])})
    if names:
        marks = ",".join("?" * len(names))
        rows = database.execute_sql(
            "SELECT name_key, postcode, birth_date, company_key, landline_key, id, merged_into"
            f" FROM customer WHERE name_key IN ({marks}) ORDER BY merged_into IS NOT NULL, code",
            names,
        )
        for *who, customer_id, merged_into in rows:
            found.setdefault(f"who{_SEP}{_SEP.join(who)}", (customer_id, merged_into))
    cards = sorted(set(by_kind.get("card", [])))
    if cards:
        marks = ",".join("?" * len(cards))
        query(
            "card",
            "SELECT l.number, c.id, c.merged_into FROM loyalty_card l"
            f" JOIN customer c ON c.id = l.customer_id WHERE l.number IN ({marks})"
            " UNION ALL SELECT card_number, id, merged_into FROM customer"
            f" WHERE card_number IN ({marks})",
            cards + cards,
        )
    pairs = sorted({tuple(v.split(_SEP, 1)) for v in by_kind.get("ext", [])})
    if pairs:
        rows = ",".join("(?, ?)" for _ in pairs)
        query(
            "ext",
            f"SELECT e.system || '{_SEP}' || e.code, c.id, c.merged_into"
            " FROM customer_external_code e JOIN customer c ON c.id = e.customer_id"
            f" WHERE (e.system, e.code) IN (VALUES {rows})",
            [part for pair in pairs for part in pair],
        )
    if any(merged for _, merged in found.values()):
        from storage.customer_pointer import survivor_id

        return {k: survivor_id(i) if m else i for k, (i, m) in found.items()}
    return {key: customer_id for key, (customer_id, _) in found.items()}


class _Importer:
    """Writes (or, for a dry run, weighs) the rows of one file, a chunk at a time."""

    def __init__(
        self,
        settings: ImportSettings,
        columns: Columns,
        report: CustomerImportReport,
        on_error: Callable[[int, str, Reason], None],
        spreadsheet_quotes: bool,
    ) -> None:
        self.settings = settings
        self.columns = columns
        self.report = report
        self.on_error = on_error
        self.spreadsheet_quotes = spreadsheet_quotes
        self.keys = _FileKeys()
        self.allowed = {name: list_values(name) for name in LISTED_FIELDS}
        self.today = settings.today or date.today()

    # --- one chunk ----------------------------------------------------------------------

    def chunk(self, chunk: list[Row]) -> None:
        rows: list[tuple[int, CustomerRow]] = []
        for number, cells in chunk:
            if isinstance(cells, str):
                self._refuse(number, [("", Reason(cells))])
                continue
            checked = read_row(
                cells,
                self.columns,
                region=self.settings.region,
                today=self.today,
                spreadsheet_quotes=self.spreadsheet_quotes,
            )
            if checked is None:
                self.report.skipped += 1
            elif isinstance(checked, list):
                self._refuse(number, checked)
            else:
                rows.append((number, checked))
        if not rows:
            return
        if self.settings.dry_run:
            self._chunk_rows(rows)
        else:
            with database.atomic():
                self._chunk_rows(rows)

    def _chunk_rows(self, rows: list[tuple[int, CustomerRow]]) -> None:
        keys = {number: row_keys(row) for number, row in rows}
        every = sorted({key for row in keys.values() for key in row})
        taken = self.keys.lookup(every)
        stored = _stored_keys([key for key in every if key not in taken])
        touched = self.keys.lookup([f"id{_SEP}{i}" for i in set(stored.values())])
        taken.update(touched)
        cache = get_customers(sorted(set(stored.values())))
        pending: dict[str, tuple[int, CustomerRow]] = {}
        new_keys: list[tuple[str, str]] = []
        for number, row in rows:
            target, folded = None, False
            for key in keys[number]:
                if key in taken:
                    target, folded = taken[key], True
                    break
            if target is None:
                for key in keys[number]:
                    if key in stored:
                        target = stored[key]
                        folded = f"id{_SEP}{target}" in taken
                        break
            try:
                target = self._apply(number, row, target, folded, cache, pending)
            except FieldErrors as error:
                self._refuse(number, list(error.errors.items()))
                continue
            except TillError as error:
                self._refuse(number, [("", reason_of(error))])
                continue
            for key in (*keys[number], f"id{_SEP}{target}"):
                if key not in taken:
                    taken[key] = target
                    new_keys.append((key, target))
        made = self._create(pending)
        kept = []
        for key, target in new_keys:
            if target in made:  # a customer created with the chunk: its id is known now
                key = f"id{_SEP}{made[target]}" if key == f"id{_SEP}{target}" else key
                target = made[target]
            kept.append((key, target))
        self.keys.store(kept)

    def _apply(
        self,
        number: int,
        row: CustomerRow,
        target: str | None,
        folded: bool,
        cache: dict[str, Customer],
        pending: dict[str, tuple[int, CustomerRow]],
    ) -> str:
        """Weigh one row: a customer to create (written with the chunk's others), a row
        folded into an earlier one, or an update written now. The id of its customer (for
        a customer to be, ``new:ROW``)."""
        if target is None:
            if not row.changes.get("last_name"):
                required = Reason(N_("is required to add a customer."))
                raise FieldErrors({"last_name": required})
            self._check_new(row)
            target = f"{_NEW}{number}"
            pending[target] = (number, row)
            self.report.created += 1
            return target
        if target in pending:  # an earlier row of this chunk creates it
            first, earlier = pending[target]
            self._check_new(row)
            together = fold_rows(earlier, row)
            self._check_unions(together)
            pending[target] = (first, together)
            self.report.merged += 1
            return target
        if target.startswith(_NEW):  # a dry run's customer to be, from an earlier chunk
            self._check_new(row)
            together = fold_rows(CustomerRow(self.keys.held(target)), row)
            self._check_unions(together)
            self.keys.hold([(target, _unions(together.changes))])
            self.report.merged += 1
            return target
        before = cache.get(target) or get_customers([target]).get(target)
        if before is None:
            raise TillError(N_("the customer this row matches is no longer on file."))
        changes = changed_fields(before, row, fill_only=folded)
        if "registration_number" in changes:
            changes = vat_from_registration(
                changes, before.vat_number, enabled=self.settings.vat_from_siret
            )
        self._check_lists(changes)
        if folded:  # fills only: the earlier row's card, state and addresses stand
            held = {address.kind.casefold() for address in before.addresses}
            row = replace(
                row,
                card_number="" if before.card_number else row.card_number,
                active=None,
                addresses=tuple(a for a in row.addresses if a.kind.casefold() not in held),
            )
        wrote = self._update(row, before, changes, cache)
        if folded:
            self.report.merged += 1
        elif wrote:
            self.report.updated += 1
        else:
            self.report.skipped += 1
        return target

    def _check_new(self, row: CustomerRow) -> None:
        self._check_lists(row.changes)
        self._check_card(row.card_number, None)
        check_external_codes("", row.changes.get("external_codes", {}))

    def _create(self, pending: dict[str, tuple[int, CustomerRow]]) -> dict[str, str]:
        """Write the chunk's new customers (a dry run only reports them): each one's id by
        its ``new:ROW`` name."""
        if not pending:
            return {}
        numbers = [number for number, _ in pending.values()]
        if self.settings.dry_run:
            to_be = []
            for number, row in pending.values():
                values = {k: v for k, v in row.changes.items() if k != "external_codes"}
                to_be.append(
                    Customer(
                        id=f"{_NEW}{number}",
                        code="",
                        **values,
                        external_codes=row.changes.get("external_codes", {}),
                        card_number=row.card_number,
                    )
                )
            held = [(f"{_NEW}{n}", _unions(row.changes)) for n, row in pending.values()]
            self.keys.hold([(target, values) for target, values in held if values])
            self._duplicates(numbers, to_be)
            return {}
        at = datetime.now(UTC).isoformat()
        actor = self.settings.actor
        fill = self.settings.vat_from_siret
        made = insert_customers(
            [
                NewCustomer(
                    vat_from_registration(row.changes, "", enabled=fill), at, row.consents_at
                )
                for _, row in pending.values()
            ],
            actor=actor,
            till_no=self.settings.till_no,
        )
        for (_, row), customer in zip(pending.values(), made, strict=True):
            if row.card_number:
                _give_card(customer.id, row.card_number, None, actor, at)
            if row.active is False:
                customers.set_active(customer.id, False, actor=actor)
            for address in row.addresses:
                customers.save_address(customer.id, address, actor=actor)
        self._duplicates(numbers, made)
        return {name: customer.id for name, customer in zip(pending, made, strict=True)}

    def _update(
        self,
        row: CustomerRow,
        before: Customer,
        changes: dict[str, Any],
        cache: dict[str, Customer],
    ) -> bool:
        """Write what the row changes on ``before``'s customer; whether anything changed."""
        card = row.card_number if row.card_number != before.card_number else ""
        if card:
            self._check_card(card, before.id)
            card = "" if _card_owner(card) == before.id else card  # an old card of theirs
        active = row.active if row.active is not None and row.active != before.active else None
        addresses = _address_changes(before.addresses, row.addresses)
        if not (changes or card or active is not None or addresses):
            return False
        if self.settings.dry_run:  # refuse what update_customer would, or --strict trusts it
            validate_changes(changes, region=self.settings.region)
            check_external_codes(before.id, changes.get("external_codes", {}))
            cache[before.id] = replace(before, **changes)
            return True
        actor, region = self.settings.actor, self.settings.region
        with database.atomic():
            if changes:
                customers.update_customer(before.id, changes, actor=actor, region=region)
            at = datetime.now(UTC).isoformat()
            if card:
                _give_card(before.id, card, before.card_number, actor, at)
            if active is not None:
                customers.set_active(before.id, active, actor=actor)
            for address in addresses:
                customers.save_address(before.id, address, actor=actor)
        cache.pop(before.id, None)  # read again if a later row of the chunk needs it
        return True

    # --- checks -------------------------------------------------------------------------

    def _check_lists(self, changes: dict[str, Any]) -> None:
        """The fields with a list of values (status, family…) hold one of them, when the shop
        keeps one: the rule ``create_customer`` applies, with the lists read once."""
        errors = {}
        for name, allowed in self.allowed.items():
            value = changes.get(name)
            if value and allowed and value not in allowed:
                errors[name] = not_listed(value, allowed)
        if errors:
            raise FieldErrors(errors)

    def _check_unions(self, row: CustomerRow) -> None:
        """The tags, extra fields and codes rows of one customer add up to stay within a
        customer's bounds: the write (``update_customer``) would refuse them, and a dry run,
        which ``--strict`` trusts, must refuse what the write will."""
        validate_changes(_unions(row.changes), region=self.settings.region)

    def _check_card(self, number: str, customer_id: str | None) -> None:
        owner = _card_owner(number) if number else None
        if owner is not None and owner != customer_id:
            taken = Reason(N_("card {number} belongs to another customer."), number=number)
            raise FieldErrors({"card_number": taken})

    # --- what the report says -----------------------------------------------------------

    def _refuse(self, number: int, problems: Iterable[tuple[str, Reason]]) -> None:
        self.report.refused += 1
        for name, message in problems:
            self.report.error_count += 1
            if len(self.report.errors) < MAX_REPORTED:
                self.report.errors.append({"row": number, "field": name, "message": message})
            self.on_error(number, name, message)

    def _duplicates(self, numbers: list[int], made: list[Customer]) -> None:
        """Report the probable duplicates of the customers a chunk created, row ``numbers``
        (never merge them)."""
        if not self.settings.find_duplicates:
            return
        for number, customer, found in zip(numbers, made, probable_duplicates(made), strict=True):
            if found:
                self.report.duplicate_count += 1
            if found and len(self.report.duplicates) < MAX_REPORTED:
                self.report.duplicates.append(
                    {"row": number, "code": customer.code, "matches": found}
                )


def probable_duplicates(made: Sequence[Customer]) -> list[list[dict[str, Any]]]:
    """For each customer just created, in order, the customers on file the duplicate finder
    pairs with it (code, score, reasons), but those created after it in ``made``: they
    report the pair themselves. All empty when the finder is not installed."""
    try:
        from storage.customer_duplicates import matches_for_many
        from till.core.duplicates import person_of
    except ImportError:
        return [[] for _ in made]
    place = {customer.id: at for at, customer in enumerate(made)}
    pairs = []
    for at, (customer, matches) in enumerate(
        zip(made, matches_for_many([person_of(c) for c in made]), strict=True)
    ):
        for match in matches:
            other = match.second_id if match.first_id == customer.id else match.first_id
            if other != customer.id and place.get(other, at) <= at:
                pairs.append((at, other, match))
    codes = _codes({other for _, other, _ in pairs})
    found: list[list[dict[str, Any]]] = [[] for _ in made]
    for at, other, match in pairs:
        if other in codes:
            found[at].append(
                {"code": codes[other], "score": match.score, "reasons": list(match.reasons)}
            )
    return found


def _codes(ids: set[str]) -> dict[str, str]:
    """The code of each customer id given."""
    wanted = sorted(ids)
    codes: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        part = wanted[start : start + 500]
        sql = f"SELECT id, code FROM customer WHERE id IN ({','.join('?' * len(part))})"
        codes.update(database.execute_sql(sql, part).fetchall())
    return codes


def changed_fields(before: Customer, row: CustomerRow, *, fill_only: bool) -> dict[str, Any]:
    """The editable fields ``row`` changes on ``before``: tags, extra fields and external
    codes are added to what the customer has, never taken away. With ``fill_only`` (a row
    folded into an earlier one) only empty fields are filled and no name or code replaced."""
    changes: dict[str, Any] = {}
    for name, value in row.changes.items():
        old = getattr(before, name)
        if name in ("extra", "external_codes"):
            value = {**value, **old} if fill_only else {**old, **value}
        elif name == "targeting":
            value = tuple(dict.fromkeys((*old, *value)))
        elif fill_only and old:
            continue
        if value != old:
            changes[name] = value
    return changes


def _address_changes(held: tuple[Address, ...], given: tuple[Address, ...]) -> list[Address]:
    """The addresses to save: one of a kind the customer has (same kind, any case) replaces
    it when it differs; one of a new kind is added."""
    by_kind = {address.kind.casefold(): address for address in held}
    saved = []
    for address in given:
        old = by_kind.get(address.kind.casefold())
        if old is None:
            saved.append(address)
        elif replace(address, id=old.id, kind=old.kind) != old:
            saved.append(replace(address, id=old.id, kind=old.kind))
    return saved


def _card_owner(number: str) -> str | None:
    """The customer a card was given to (even one since replaced), or who holds it."""
    row = database.execute_sql(
        "SELECT customer_id FROM loyalty_card WHERE number = ?"
        " UNION ALL SELECT id FROM customer WHERE card_number = ? LIMIT 1",
        (number, number),
    ).fetchone()
    return row[0] if row else None


def _give_card(customer_id: str, number: str, previous: str | None, actor: str, at: str) -> None:
    """The customer's card becomes ``number`` (a card from the old system), as issuing a card
    does: the card they had is blocked."""
    if previous:
        LoyaltyCard.update(status="blocked", blocked_at=at).where(
            LoyaltyCard.number == previous
        ).execute()
    LoyaltyCard.insert(
        number=number, customer=customer_id, status="active", issued_at=at, blocked_at=""
    ).execute()
    customers.set_card_number(customer_id, number, actor=actor, at=at)
