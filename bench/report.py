"""Writes docs/performance.md: the figures of one run, the machine, the command."""

from __future__ import annotations

import os
import platform
import sqlite3
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from bench.common import REPO, Figure

DOC = REPO / "docs" / "performance.md"
COMMAND = "`make bench` (which runs `python -m bench.run`)"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> list[str]:
    return [
        f"- CPU: {cpu_model()}, {os.cpu_count()} cores (nproc)",
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"Textual {version('textual')}, Peewee {version('peewee')}",
        f"- {platform.system()} {platform.release()}",
    ]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def verdict(figure: Figure) -> str:
    if not figure.built:
        return "not built yet"
    return "yes" if figure.met else "**no**"


def table(figures: list[Figure]) -> list[str]:
    rows = [
        "| figure | measured | floor | ratio | target | met? |",
        "|---|---|---|---|---|---|",
    ]
    for figure in figures:
        cells = (
            figure.title,
            figure.measured,
            figure.floor,
            f"{figure.ratio:.2f}" if figure.built else "—",
            figure.target,
            verdict(figure),
        )
        rows.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return rows


def render(figures: list[Figure], elapsed: float, command: str = COMMAND) -> str:
    rows = table(figures)
    notes = [f"- {figure.title}: {note}" for figure in figures for note in figure.notes]
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join(
        [
            "# Performance",
            "",
            "Each figure is measured against a floor taken in the same run, on the same",
            "machine, so the ratio means more than the absolute time. These are measurements,",
            "never timed assertions in the test suite.",
            "",
            f"Produced by {command} on {when}, in {elapsed:.0f} s.",
            "",
            *rows,
            "",
            "## Notes",
            "",
            *notes,
            "",
            "## Machine",
            "",
            *machine(),
            "",
            "## What each figure measures",
            "",
            *(f"- {' '.join(figure.about.split())}" for figure in figures),
            "",
        ]
    )


OWN_SECTIONS = ("## Notes", "## Machine", "## What each figure measures")
"""The sections ``render`` writes after the table; any other section of the page is kept."""


def other_sections(doc: Path) -> list[str]:
    """The page's sections that ``render`` does not write (those of other runs, and prose)."""
    lines = doc.read_text(encoding="utf-8").splitlines() if doc.exists() else []
    kept: list[str] = []
    keeping = False
    for line in lines:
        if line.startswith("## "):
            keeping = line not in OWN_SECTIONS
        if keeping:
            kept.append(line)
    return kept


def write(figures: list[Figure], elapsed: float, doc: Path = DOC, command: str = COMMAND) -> Path:
    """The page's head, table, notes and machine, keeping the sections other runs wrote."""
    doc.parent.mkdir(parents=True, exist_ok=True)
    kept = other_sections(doc)
    text = render(figures, elapsed, command).rstrip("\n") + "\n"
    tail = "\n" + "\n".join(kept).rstrip("\n") + "\n" if kept else ""
    doc.write_text(text + tail, encoding="utf-8")
    return doc


def write_section(
    title: str,
    command: str,
    figures: list[Figure],
    elapsed: float,
    doc: Path = DOC,
    before: tuple[str, ...] = (),
) -> Path:
    """Put ``figures`` in their own ``## title`` section of docs/performance.md, replacing the
    section a previous run wrote (the rest of the page stays as it is); ``before``: lines
    between the command and the table."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = [
        f"Produced by {command} on {when}, in {elapsed:.0f} s.",
        "",
        *((*before, "") if before else ()),
        *table(figures),
        "",
        *(f"- {figure.title}: {note}" for figure in figures for note in figure.notes),
        "",
        *dict.fromkeys(f"- {' '.join(figure.about.split())}" for figure in figures),
    ]
    return replace_section(title, section, doc)


def replace_section(title: str, body: list[str], doc: Path = DOC) -> Path:
    """Put ``body`` under ``## title`` in ``doc``, replacing that section if a previous run
    wrote it (the rest of the page stays as it is)."""
    section = [f"## {title}", "", *body, ""]
    lines = doc.read_text(encoding="utf-8").splitlines() if doc.exists() else []
    heading = f"## {title}"
    if heading in lines:
        start = lines.index(heading)
        end = next(
            (n for n in range(start + 1, len(lines)) if lines[n].startswith("## ")), len(lines)
        )
        lines[start:end] = section
    else:
        lines += ["", *section] if lines and lines[-1] else section
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text("\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")
    return doc
