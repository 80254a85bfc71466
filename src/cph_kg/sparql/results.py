"""Query results, the same whichever store answered, and their standard serialisations.

Every store turns its answers into rdflib terms: solutions for SELECT, a boolean for ASK, a
graph for CONSTRUCT and DESCRIBE. Literals are normalised the RDF 1.1 way (a simple literal has
no datatype) and a boolean is written in its canonical form (``true``, ``false``; Virtuoso
writes ``1`` and ``0``) so that the embedded store and a remote endpoint give equal rows.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import cast

from prettytable import PrettyTable
from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.query import Result
from rdflib.term import Identifier, Node, Variable

from cph_kg.output_safety import json_safe, printable, rdf_safe, spreadsheet_cell

SOLUTION_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = ("turtle", "ntriples", "json-ld")


@dataclass
class Solutions:
    """The answer to a SELECT: variables in order, and one tuple of terms (or None) per row."""

    variables: list[str]
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)

    def column(self, name: str) -> list[Node | None]:
        """The values of one variable, row by row."""
        index = self.variables.index(name)
        return [row[index] for row in self.rows]


@dataclass
class Boolean:
    """The answer to an ASK."""

    value: bool


@dataclass
class Triples:
    """The answer to a CONSTRUCT or DESCRIBE."""

    graph: Graph


QueryResult = Solutions | Boolean | Triples


def truncate(result: QueryResult, limit: int | None) -> QueryResult:
    """At most ``limit`` solutions (other results are returned as they are)."""
    if limit is not None and isinstance(result, Solutions):
        return Solutions(result.variables, result.rows[:limit])
    return result


def serialise(
    result: QueryResult,
    output: str,
    prefixes: dict[str, str] | None = None,
    raw_csv: bool = False,
) -> str:
    """The result in a SPARQL 1.1 results format, an RDF syntax, or a table for a terminal.

    ``prefixes`` (prefix -> namespace) shorten IRIs in tables, as the query wrote them; the
    standard formats always carry full IRIs. A table shows no character a terminal obeys
    (:func:`cph_kg.output_safety.printable`), nor do the RDF syntaxes, TSV and JSON, which
    write such characters as escapes meaning the same; a CSV cell that a spreadsheet would run as a
    formula gets a leading ``'`` unless ``raw_csv``
    (:func:`cph_kg.output_safety.spreadsheet_cell`).
    """
    if isinstance(result, Triples):
        if output not in GRAPH_FORMATS:
            raise ValueError(f"a graph result is written as {', '.join(GRAPH_FORMATS)}")
        fmt = {"turtle": "turtle", "ntriples": "nt", "json-ld": "json-ld"}[output]
        text = result.graph.serialize(format=fmt)
        return json_safe(text) if output == "json-ld" else rdf_safe(text)
    if output in GRAPH_FORMATS:
        raise ValueError(
            f"a {type(result).__name__.lower()} result is written as table, csv, tsv, json or xml"
        )
    if output == "table":
        return _table(result, prefixes or {})
    if output == "xml":
        return _xml(result)
    if isinstance(result, Boolean):
        if output == "json":
            return json.dumps({"head": {}, "boolean": result.value}) + "\n"
        return ("true" if result.value else "false") + "\n"
    if output == "csv":
        return _csv(result, raw_csv)
    if output == "tsv":
        return rdf_safe(_tsv(result))  # its terms are in Turtle syntax
    serialised = _rdflib_result(result).serialize(format="json")
    assert serialised is not None  # serialize() returns the bytes when given no destination
    return json_safe(serialised.decode("utf-8")) + "\n"


def _rdflib_result(solutions: Solutions) -> Result:
    result = Result("SELECT")
    result.vars = [Variable(name) for name in solutions.variables]
    result.bindings = [
        {
            Variable(name): cast(Identifier, value)
            for name, value in zip(solutions.variables, row, strict=True)
            if value is not None
        }
        for row in solutions.rows
    ]
    return result


#: Characters XML 1.0 cannot hold at all, even as a character reference.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Characters XML holds but a terminal obeys: written as character references.
_RAW_IN_XML = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _xml(result: Solutions | Boolean) -> str:
    """SPARQL Query Results XML Format (rdflib's writer, the W3C namespace).

    A value holding a character XML 1.0 cannot carry (an escape, a NUL) is refused rather
    than written as a document no XML parser reads; characters XML carries but a terminal
    obeys (C1 controls, bidirectional overrides) are written as character references.
    """
    if isinstance(result, Boolean):
        answer = Result("ASK")
        answer.askAnswer = result.value
    else:
        for row in result.rows:
            for value in row:
                bad = _NOT_XML.search(str(value)) if value is not None else None
                if bad:
                    raise ValueError(
                        f"a value holds U+{ord(bad.group()):04X}, which XML 1.0 cannot carry: "
                        "write json, csv or tsv"
                    )
        answer = _rdflib_result(result)
    serialised = answer.serialize(format="xml")
    assert serialised is not None  # serialize() returns the bytes when given no destination
    text = serialised.decode("utf-8")
    return _RAW_IN_XML.sub(lambda match: f"&#x{ord(match.group()):x};", text) + "\n"


def _csv(solutions: Solutions, raw: bool = False) -> str:
    """SPARQL 1.1 CSV: IRIs and literals as their plain text, blank nodes as _:label."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(solutions.variables)
    cell = str if raw else spreadsheet_cell
    for row in solutions.rows:
        writer.writerow(
            ["" if v is None else (f"_:{v}" if isinstance(v, BNode) else cell(str(v))) for v in row]
        )
    return buffer.getvalue()


def _tsv(solutions: Solutions) -> str:
    """SPARQL 1.1 TSV: ``?var`` headers, terms in Turtle syntax, tabs and newlines escaped."""
    lines = ["\t".join(f"?{name}" for name in solutions.variables)]
    for row in solutions.rows:
        lines.append("\t".join("" if v is None else _tsv_term(v) for v in row))
    return "\n".join(lines) + "\n"


#: What a TSV literal escapes, so that a row is one line and a cell one field.
_TSV_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _tsv_term(term: Node) -> str:
    """A term in Turtle syntax; a literal always short-quoted, its newlines and tabs escaped."""
    if not isinstance(term, Literal):
        return term.n3()
    text = f'"{str(term).translate(_TSV_ESCAPES)}"'
    if term.language:
        return f"{text}@{term.language}"
    return f"{text}^^<{term.datatype}>" if term.datatype else text


def _table(result: Solutions | Boolean, prefixes: dict[str, str]) -> str:
    """A table for a terminal, drawn by prettytable, which measures cells in terminal columns.

    Wide characters (CJK, emoji) take two columns and combining marks none: counted in
    characters, they would push the borders out of line. Each cell is :func:`printable`, so a
    newline in a literal is shown as an escape and a row stays one line.
    """
    if isinstance(result, Boolean):
        return ("true" if result.value else "false") + "\n"
    namespaces = sorted(prefixes.items(), key=lambda item: -len(item[1]))
    table = PrettyTable([f"?{name}" for name in result.variables])
    table.align = "l"
    table.add_rows([[printable(_cell(value, namespaces)) for value in row] for row in result.rows])
    count = f"{len(result.rows)} row{'s' if len(result.rows) != 1 else ''}"
    return f"{table.get_string()}\n{count}\n"


def _cell(value: Node | None, namespaces: list[tuple[str, str]]) -> str:
    if value is None:
        return ""
    if isinstance(value, URIRef):
        for prefix, namespace in namespaces:
            local = value[len(namespace) :]
            if value.startswith(namespace) and re.fullmatch(r"[\w./-]*", local):
                return f"{prefix}:{local}"
        return f"<{value}>"
    if isinstance(value, Literal):
        if value.language:
            return f"{value}@{value.language}"
        if value.datatype and value.datatype != XSD.string:
            short = str(value.datatype).replace(str(XSD), "xsd:")
            plain = short in ("xsd:integer", "xsd:date", "xsd:decimal", "xsd:boolean")
            return str(value) if plain else f"{value}^^{short}"
        return str(value)
    return f"_:{value}"
