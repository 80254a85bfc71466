"""The bulk format: one convention per row of a CSV file, as a spreadsheet exports it.

UTF-8 with or without a byte-order mark, ``;`` or ``,`` between fields, dates ``2019-03-12`` or
``12/03/2019``. Each row becomes an authoring document (:mod:`cph_kg.authoring.format`) and goes
through the same checks; a bad row is reported with its line and left out, the good rows are
kept, and the caller says that some failed.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from cph_kg.authoring.format import check, json_ld_triples, suggest
from cph_kg.errors import InputError, shown
from cph_kg.output_safety import from_spreadsheet_cell
from cph_kg.rdf.rdflib_adapter import rdflib_graph

#: The columns of the bulk format, in the order ``cph-kg convert`` writes them.
COLUMNS = (
    "identifier",
    "title",
    "date",
    "departement",
    "centre",
    "centre_name",
    "signatories",
    "missions",
    "objects",
    "references",
    "source",
)
REQUIRED = ("identifier", "date", "departement", "centre")
_FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class RowPlace:
    """Locates every field of a row on its line (what :func:`authoring.check` asks for)."""

    def __init__(self, line: int) -> None:
        self.line = line

    def of(self, where: tuple[str | int, ...]) -> int:
        """The row's line, whatever the field."""
        return self.line

    def key(self, where: tuple[str | int, ...], key: str) -> int:
        """The row's line, whatever the key."""
        return self.line


def read_csv(path: Path, text: str, today: date | None = None) -> tuple[Graph, list[InputError]]:
    """The conventions of the good rows as an rdflib graph, and one error per bad row.

    See :func:`read_csv_triples`, which the commands use (it builds no rdflib terms).
    """
    triples, problems = read_csv_triples(path, text, today)
    return rdflib_graph(triples), problems


def read_csv_triples(
    path: Path, text: str, today: date | None = None
) -> tuple[list[ox.Triple], list[InputError]]:
    """The conventions of the good rows, and one error per bad row (with its line).

    A file whose structure is broken (a quote never closed, a field past the csv module's
    limit, a header that is not the bulk format's) is refused whole: no row of it can be
    trusted.
    """
    header = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter, strict=True)
    columns = _csv_step(path, reader, lambda: reader.fieldnames, 1) or []
    if len(columns) == 1 and columns[0] not in COLUMNS:
        raise InputError(
            path, f"the header {shown(columns[0])} is one column: separate fields with ; or ,", 1
        )
    for column in columns:
        if column not in COLUMNS:
            raise InputError(path, f"unknown column {shown(column)}{suggest(column, COLUMNS)}", 1)
    missing = [column for column in REQUIRED if column not in columns]
    if missing:
        raise InputError(path, f"missing column {missing[0]!r} (columns: {', '.join(COLUMNS)})", 1)
    rows: list[tuple[int, dict[str, Any]]] = []
    problems: list[InputError] = []
    seen: dict[str, int] = {}
    while True:
        start = reader.line_num + 1
        row = _csv_step(path, reader, lambda: next(reader, None), start)
        if row is None:
            break
        line = reader.line_num
        try:
            document = row_document(row)
            identifier = str(document["identifier"])
            if identifier in seen:
                raise InputError(
                    path, f"identifier {identifier!r} is also on line {seen[identifier]}", line
                )
            check(path, document, RowPlace(line), today or date.today())
            rows.append((line, document))
            seen[identifier] = line
        except InputError as error:
            problems.append(error)
    triples, late = _triples_of(path, rows)
    problems = sorted(problems + late, key=lambda problem: problem.line or 0)
    if not triples and problems:
        raise problems[0]
    if not triples:
        raise InputError(path, "holds no row")
    return triples, problems


def _triples_of(
    path: Path, rows: list[tuple[int, dict[str, Any]]]
) -> tuple[list[ox.Triple], list[InputError]]:
    """The RDF of the checked rows, read as one JSON-LD document; and the rows refused then.

    One document for all rows, read by Oxigraph's JSON-LD parser: rdflib's processed the
    context once per row and built Python terms for every triple, which made CSV input ten
    times slower than Turtle (the triples are the same: ``tests/robustness/
    test_user_mistakes.py`` compares them with rdflib's, row by row). Should the whole fail (a
    value the checks let through and JSON-LD refuses, an IRI that is not one), each row is read
    on its own, so that every bad row is named with its line and the good ones are kept.
    """
    try:
        return json_ld_triples(path, [document for _, document in rows]), []
    except InputError:
        pass
    triples, problems = [], []
    for line, document in rows:
        try:
            triples += json_ld_triples(path, [document])
        except InputError as error:
            problems.append(InputError(path, error.problem, line))
    return triples, problems


def _csv_step(path: Path, reader: csv.DictReader[str], step: Callable[[], Any], line: int) -> Any:
    """One step of the csv reader; its errors become the file's, on the row's first line."""
    try:
        return step()
    except csv.Error as error:
        reason = {
            "unexpected end of data": "a quoted field is never closed",
        }.get(str(error), str(error))
        if str(error).startswith("field larger than field limit"):
            reason = f"a field is longer than {csv.field_size_limit()} characters"
        raise InputError(path, f"CSV syntax error: {reason}", line) from None


def row_document(row: dict[str, str | None]) -> dict[str, Any]:
    """An authoring document from a row: lists split on spaces or |, codes completed."""
    cells = {key: from_spreadsheet_cell((value or "").strip()) for key, value in row.items() if key}
    document: dict[str, Any] = {}
    for key in ("identifier", "title", "source"):
        if cells.get(key):
            document[key] = cells[key]
    if cells.get("date"):
        document["date"] = _date(cells["date"])
    if cells.get("departement"):
        code = cells["departement"].removeprefix("dep:")
        document["departement"] = f"dep:{code}"
    if cells.get("centre"):
        centre = cells["centre"] if ":" in cells["centre"] else f"centres:{cells['centre']}"
        if cells.get("centre_name"):
            document["centre"] = {
                "id": centre,
                "type": "Centre",
                "name": cells["centre_name"],
                "presentIn": document.get("departement"),
            }
        else:
            document["centre"] = centre
    for key in ("signatories", "missions", "objects", "references"):
        if cells.get(key):
            document[key] = [item for item in re.split(r"[\s|]+", cells[key]) if item]
    return document


def _date(text: str) -> date | str:
    """ISO or French (day/month/year) dates; anything else is left for the check to report."""
    french = _FRENCH_DATE.match(text)
    try:
        if french:
            day, month, year = (int(part) for part in french.groups())
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        return text
