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

from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.query import Result
from rdflib.term import Node, Variable

from cph_kg.output_safety import json_safe, printable, rdf_safe, spreadsheet_cell

SOLUTION_FORMATS = ("table", "csv", "tsv", "json")
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


#: The lexical forms of xsd:boolean (XML Schema 2, 3.2.2.1) and the canonical one of each.
CANONICAL_BOOLEANS = {"true": "true", "1": "true", "false": "false", "0": "false"}


def normalise(term: Node | None) -> Node | None:
    """A literal typed xsd:string is the same as a simple literal; make it one.

    A boolean written ``1`` or ``0`` is the same value as ``true`` or ``false``: it is given
    its canonical form (an ill-formed one is left as it is).
    """
    if isinstance(term, Literal) and term.datatype in (XSD.string, RDF.langString):
        return Literal(str(term), lang=term.language)
    if isinstance(term, Literal) and term.datatype == XSD.boolean:
        canonical = CANONICAL_BOOLEANS.get(str(term))
        if canonical is not None and canonical != str(term):
            return Literal(canonical, datatype=XSD.boolean)
    return term


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
            f"a {type(result).__name__.lower()} result is written as table, csv, tsv or json"
        )
    if output == "table":
        return _table(result, prefixes or {})
    if isinstance(result, Boolean):
        if output == "json":
            return json.dumps({"head": {}, "boolean": result.value}) + "\n"
        return ("true" if result.value else "false") + "\n"
    if output == "csv":
        return _csv(result, raw_csv)
    if output == "tsv":
        return rdf_safe(_tsv(result))  # its terms are in Turtle syntax
    return json_safe(_rdflib_result(result).serialize(format="json").decode("utf-8")) + "\n"


def _rdflib_result(solutions: Solutions) -> Result:
    result = Result("SELECT")
    result.vars = [Variable(name) for name in solutions.variables]
    result.bindings = [
        {
            Variable(name): value
            for name, value in zip(solutions.variables, row, strict=True)
            if value is not None
        }
        for row in solutions.rows
    ]
    return result


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
    if isinstance(result, Boolean):
        return ("true" if result.value else "false") + "\n"
    namespaces = sorted(prefixes.items(), key=lambda item: -len(item[1]))
    cells = [[printable(_cell(value, namespaces)) for value in row] for row in result.rows]
    widths = [
        max([len(name) + 1] + [len(row[i]) for row in cells])
        for i, name in enumerate(result.variables)
    ]
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    header = (
        "| "
        + " | ".join(f"?{n}".ljust(w) for n, w in zip(result.variables, widths, strict=True))
        + " |"
    )
    body = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in cells
    ]
    count = f"{len(result.rows)} row{'s' if len(result.rows) != 1 else ''}"
    return "\n".join([rule, header, rule, *body, rule, count]) + "\n"


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
