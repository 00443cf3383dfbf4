"""Duplicate detection over a million customers (``storage.customer_duplicates.duplicate_pairs``)
against reading the same rows once with plain ``sqlite3``, each in a fresh child process
that reports its own time and peak resident set (``VmHWM``, as ``bench.import_child`` does).

The file is generated once into data/bench/ by raw ``sqlite3`` inserts (set-up, not measured)
on the schema the migrations make, with the search keys ``storage.customer_keys`` would store.
People are drawn as a chain's customers are: a few hundred common last names and a long tail
of rarer ones, common first names, half of them in 40 local postcodes (about 12,000 people
each: the big blocks) and half spread over the country; a unique mobile for most, an e-mail,
a landline, a date of birth or a company for some. 1% are planted duplicates of an earlier
customer, each kind of duplicate a shop makes: the same e-mail under a misspelt name, the
same mobile without the first name or with its initial, a typo in the last name at the same
postcode, a typo in the first name with the same postcode and date of birth, first and last
name swapped, the name in capitals without its accents. Recall is the share of planted pairs
reported at the default threshold (``PROBABLE``); pairs reported beyond them are namesakes
and households that the data holds by chance.

The child also reports its CPU time: on a machine shared with other work the wall time
waits for a CPU as well, on a quiet one it is close to the CPU time.

``python -m bench.duplicates`` runs it and writes its section of docs/performance.md.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from functools import cache
from pathlib import Path

from bench.common import REPO, Figure
from bench.report import write_section

COUNT = 1_000_000
SEED = 12
PLANTED_SHARE = 0.01
LOCAL_POSTCODES = 40
LOCAL_SHARE = 0.5
TARGET_SECONDS = 60.0
BUILD_VERSION = 2
"""Bump when the generated file changes."""
DIRECTORY = REPO / "data" / "bench"
PLANT_KINDS = (
    "email_typo",
    "mobile_no_first_name",
    "last_name_typo",
    "first_name_typo_birth_date",
    "swapped",
    "capitals",
)
CREATED_AT = "2026-01-05T09:00:00+00:00"


# --- the generated file --------------------------------------------------------------------


def database(count: int = COUNT, seed: int = SEED) -> Path:
    """The generated file, built if missing or from another version."""
    path = DIRECTORY / f"duplicates-{count}.db"
    stamp = path.with_suffix(".json")
    wanted = {"version": BUILD_VERSION, "count": count, "seed": seed}
    if path.exists() and stamp.exists() and json.loads(stamp.read_text()) == wanted:
        return path
    DIRECTORY.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    build(path, count, seed)
    print(f"built {path} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    stamp.write_text(json.dumps(wanted))
    return path


def build(path: Path, count: int, seed: int) -> None:
    from storage.db import close_database, open_database

    open_database(path)  # the schema the migrations make
    close_database()
    with closing(sqlite3.connect(path, isolation_level=None)) as connection:
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -200000"):
            connection.execute(f"PRAGMA {pragma}")
        table = connection.execute('PRAGMA table_info("customer")').fetchall()
        columns = [row[1] for row in table]
        empty = {row[1]: (0 if row[2] == "INTEGER" else "") for row in table if row[3]}
        empty["card_number"] = None
        indexes = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
            " AND tbl_name = 'customer' AND sql IS NOT NULL"
        ).fetchall()
        connection.execute("BEGIN")
        for name, _ in indexes:
            connection.execute(f'DROP INDEX "{name}"')
        connection.execute("CREATE TABLE bench_planted (original TEXT, duplicate TEXT, kind TEXT)")
        insert = (
            f"INSERT INTO customer ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        )
        batch, planted = [], []
        for num, person, plant in people(count, seed):
            row = {**empty, **person, "num": num}
            batch.append(tuple(row.get(column) for column in columns))
            if plant:
                planted.append(plant)
            if len(batch) >= 10_000:
                connection.executemany(insert, batch)
                batch.clear()
        connection.executemany(insert, batch)
        connection.executemany("INSERT INTO bench_planted VALUES (?, ?, ?)", planted)
        for _, sql in indexes:
            connection.execute(sql)
        connection.execute("COMMIT")
        connection.execute("PRAGMA journal_mode = WAL")


def _tail_names(rng: random.Random, count: int) -> list[str]:
    """Rarer surnames made of syllables: the long tail real files have."""
    starts = (
        "Bar Bel Ber Bou Cha Che Cou Dal Del Fer Gal Gar Jou Lab Lam Lan Mal Mar Mon Pel".split()
    )
    middles = "a e i o ou an en in on ar er or el al il".split()
    ends = "ard aud eau et ier in on ot ois ac as ey oux ault".split()
    names = {
        f"{rng.choice(starts)}{rng.choice(middles)}{rng.choice(['', 'r', 'l', 'n', 'v', 's'])}"
        f"{rng.choice(ends)}"
        for _ in range(count * 3)
    }
    return sorted(names)[:count]


def people(count: int, seed: int):
    """``(num, customer columns, planted pair or None)`` for each customer of the file."""
    from till.demo_people import COMPANY_WORDS, DOMAINS, FIRST_NAMES, LAST_NAMES

    rng = random.Random(seed)
    common = [name for name in LAST_NAMES if name]
    tail = _tail_names(rng, 20_000)
    local = [f"{rng.randint(1, 95):02d}{rng.randint(0, 9)}00" for _ in range(LOCAL_POSTCODES)]
    originals: list[dict[str, str]] = []
    for num in range(1, count + 1):
        plant = None
        if originals and rng.random() < PLANTED_SHARE:
            original = rng.choice(originals)
            kind = rng.choice(PLANT_KINDS)
            fields = planted(original, kind, rng)
        else:
            kind = ""
            last = rng.choice(common) if rng.random() < 0.4 else rng.choice(tail)
            fields = {
                "last_name": last,
                "first_name": rng.choice(FIRST_NAMES),
                "postcode": rng.choice(local)
                if rng.random() < LOCAL_SHARE
                else f"{rng.randint(1, 95):02d}{rng.randint(0, 999):03d}",
            }
            if rng.random() < 0.8:
                fields["mobile"] = f"+336{(num * 7_919 + 1_234_567) % 10**8:08d}"
            if rng.random() < 0.15:
                fields["landline"] = f"+331{(num * 104_729 + 7_654_321) % 10**8:08d}"
            if rng.random() < 0.6:
                email_name = f"{_ascii(fields['first_name'])}.{_ascii(last)}"
                fields["email"] = f"{email_name}{num}@{rng.choice(DOMAINS)}"
            if rng.random() < 0.25:
                fields["birth_date"] = (
                    f"{rng.randint(1940, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                )
            if rng.random() < 0.08:
                fields["kind"] = "business"
                fields["company"] = f"{rng.choice(COMPANY_WORDS)} {last}"
        customer_id = f"{num:012d}-bench"
        row = {
            **fields,
            "id": customer_id,
            "code": f"C01-{num:07d}",
            "kind": fields.get("kind", "individual"),
            "active": 1,
            "created_at": CREATED_AT,
            "updated_at": CREATED_AT,
            "targeting": "[]",
            "extra": "{}",
            **keys(fields),
        }
        if kind:
            plant = (original["id"], customer_id, kind)
        elif len(originals) < 200_000 or rng.random() < 0.2:
            originals.append({**fields, "id": customer_id})
        yield num, row, plant


def planted(original: dict[str, str], kind: str, rng: random.Random) -> dict[str, str]:
    """A second file for the person of ``original``, as a shop makes one."""
    last, first = original["last_name"], original["first_name"]
    fields = {"last_name": last, "first_name": first}
    if kind == "email_typo" and original.get("email"):
        fields.update(last_name=typo(last, rng), email=original["email"].upper())
    elif kind in ("email_typo", "mobile_no_first_name") and original.get("mobile"):
        fields.update(first_name=rng.choice(["", first[:1]]), mobile=original["mobile"])
    elif kind == "first_name_typo_birth_date":
        fields.update(
            first_name=typo(first, rng),
            postcode=original["postcode"],
            birth_date=original.get("birth_date", ""),  # none: the postcode alone
        )
    elif kind == "swapped":
        fields.update(last_name=first, first_name=last, postcode=original["postcode"])
    elif kind == "capitals":
        fields.update(
            last_name=_ascii(last).upper(),
            first_name=_ascii(first).upper(),
            postcode=original["postcode"],
        )
    else:  # last_name_typo, or a contact kind for someone without that contact
        fields.update(last_name=typo(last, rng), postcode=original["postcode"])
    return fields


def typo(name: str, rng: random.Random) -> str:
    """One keying slip: a letter replaced, dropped, doubled, or two swapped."""
    if len(name) < 2:
        return name
    at = rng.randrange(len(name) - 1)
    slip = rng.choice(("replace", "drop", "double", "swap"))
    if slip == "replace":
        return name[:at] + rng.choice("aeioustrnl") + name[at + 1 :]
    if slip == "drop":
        return name[:at] + name[at + 1 :]
    if slip == "double":
        return name[:at] + name[at] + name[at:]
    return name[:at] + name[at + 1] + name[at] + name[at + 2 :]


@cache
def _ascii(text: str) -> str:
    from till.core.text import fold

    return fold(text).replace(" ", "")


@cache
def _fold(text: str) -> str:
    from till.core.text import fold

    return fold(text)


def keys(fields: dict[str, str]) -> dict[str, str]:
    """The search-key columns, as ``storage.customer_keys.search_columns`` makes them."""
    from till.core.text import digits, fold_email

    last, first = _fold(fields["last_name"]), _fold(fields.get("first_name", ""))
    return {
        "name_key": f"{last} {first}".strip(),
        "alt_key": f"{first} {last}".strip() if first else "",
        "company_key": _fold(fields.get("company", "")),
        "email_key": fold_email(fields.get("email", "")),
        "phone_key": digits(fields.get("mobile", "")),
        "landline_key": digits(fields.get("landline", "")),
    }


# --- the measured children -----------------------------------------------------------------


def peak_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def child(kind: str, path: str, out: str) -> None:
    """``detect``: duplicate_pairs over the file, the pairs written to ``out``; ``read``: the
    floor, the same columns of every live customer read once. Prints one JSON line."""
    if kind == "read":
        started = time.perf_counter()
        with closing(sqlite3.connect(path)) as connection:
            rows = sum(
                1
                for _ in connection.execute(
                    "SELECT id, code, last_name, first_name, company, email_key, mobile,"
                    " landline, card_number, postcode, birth_date FROM customer WHERE active = 1"
                )
            )
        result = {"rows": rows, "seconds": time.perf_counter() - started, "peak_kb": peak_kb()}
    else:
        from storage.customer_duplicates import duplicate_pairs
        from storage.db import open_database

        open_database(path, create=False)
        before = peak_kb()
        started, cpu = time.perf_counter(), time.process_time()
        pairs = duplicate_pairs()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        result = {
            "pairs": len(pairs),
            "seconds": seconds,
            "cpu_seconds": cpu,
            "peak_kb": peak_kb(),
            "before_kb": before,
        }
        Path(out).write_text(json.dumps([[m.first_id, m.second_id] for m in pairs]))
    print(json.dumps(result))


def spawn(kind: str, path: Path, out: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.duplicates", "child", kind, str(path), str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the {kind} child failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def measure(count: int = COUNT) -> Figure:
    path = database(count)
    with tempfile.TemporaryDirectory(prefix="till-bench-") as tmp:
        out = Path(tmp) / "pairs.json"
        floor = spawn("read", path, out)
        detect = spawn("detect", path, out)
        found = {tuple(pair) for pair in json.loads(out.read_text())}
    with closing(sqlite3.connect(path)) as connection:
        planted = connection.execute(
            "SELECT original, duplicate, kind FROM bench_planted"
        ).fetchall()
    hits: dict[str, list[int]] = {}
    for original, duplicate, kind in planted:
        pair = tuple(sorted((original, duplicate)))
        hits.setdefault(kind, []).append(pair in found)
    recall = sum(sum(h) for h in hits.values()) / len(planted)
    per_kind = ", ".join(f"{kind} {sum(h) / len(h):.0%}" for kind, h in sorted(hits.items()))
    seconds = detect["seconds"]
    return Figure(
        title=f"Duplicate detection, {count:,} customers",
        measured=f"duplicate_pairs {seconds:.1f} s, peak {detect['peak_kb'] / 1024:.0f} MB",
        floor=f"reading the same rows once {floor['seconds']:.1f} s",
        ratio=seconds / floor["seconds"],
        target=f"under {TARGET_SECONDS:.0f} s",
        met=seconds < TARGET_SECONDS,
        about=__doc__ or "",
        notes=(
            f"{detect['cpu_seconds']:.1f} s of CPU time (the rest: waiting for a CPU on a shared"
            f" machine, and for the disk); load average {os.getloadavg()[0]:.1f} at the end",
            f"{detect['pairs']:,} pairs at score ≥ PROBABLE; {len(planted):,} planted "
            f"duplicates, recall {recall:.1%} ({per_kind})",
            f"peak resident set (VmHWM) {detect['peak_kb'] / 1024:.0f} MB, of which "
            f"{detect['before_kb'] / 1024:.0f} MB before detection started (interpreter, "
            f"modules, database opened); the floor's peak {floor['peak_kb'] / 1024:.0f} MB",
        ),
    )


def main() -> None:
    started = time.monotonic()
    figure = measure()
    print(figure.report(), flush=True)
    path = write_section(
        "Duplicates",
        "`python -m bench.duplicates`",
        [figure],
        time.monotonic() - started,
    )
    print(f"Wrote {path.relative_to(REPO)}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        child(*sys.argv[2:5])
    else:
        main()
