"""Reading RDF files given by users, with errors that name the file, the line and the problem.

Each file is parsed into a graph of its own, and a batch is returned only when every file
parsed, so a bad file never leaves a caller with half of a batch. JSON-LD contexts are never
fetched: a document that names a remote ``@context`` is refused before rdflib sees it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph
from rdflib.exceptions import ParserError
from rdflib.plugins.parsers.notation3 import BadSyntax

from cph_kg.authoring import CONTEXT_IRI, read_json, read_yaml
from cph_kg.errors import InputError
from cph_kg.spreadsheet import read_csv

#: File extensions and the rdflib parser each one selects.
FORMATS_BY_SUFFIX: dict[str, str] = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".csv": "csv",
}

#: Names accepted by ``--format``, mapped to rdflib parser names.
FORMAT_NAMES: dict[str, str] = {
    "turtle": "turtle",
    "ntriples": "nt",
    "json-ld": "json-ld",
    "rdfxml": "xml",
    "yaml": "yaml",
    "csv": "csv",
}


def parser_for(path: Path, forced: str | None = None) -> str:
    """The rdflib parser for ``path``: the forced format name, else the one its suffix implies."""
    if forced is not None:
        try:
            return FORMAT_NAMES[forced]
        except KeyError:
            names = ", ".join(FORMAT_NAMES)
            raise InputError(path, f"unknown format {forced!r} (use one of {names})") from None
    try:
        return FORMATS_BY_SUFFIX[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(FORMATS_BY_SUFFIX))
        raise InputError(
            path, f"cannot tell the RDF syntax from the extension (known: {known}; or use --format)"
        ) from None


def read_text(path: Path) -> str:
    """The file's text, decoded as UTF-8 (a byte-order mark is allowed and dropped)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory, not a file") from None
    except PermissionError:
        raise InputError(path, "permission denied") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputError(path, "is not UTF-8 text", line) from None
    if not text.strip():
        raise InputError(path, "the file is empty")
    return text


@dataclass(frozen=True)
class Document:
    """A user's file, read and checked (UTF-8, not empty, no remote JSON-LD context)."""

    path: Path
    text: str
    fmt: str  # an rdflib parser name: turtle, nt, json-ld, xml


def read_document(path: Path | str, forced_format: str | None = None) -> Document:
    """Read a file and make every check that does not need an RDF parser."""
    path = Path(path)
    fmt = parser_for(path, forced_format)
    text = read_text(path)
    if fmt == "json-ld":
        _check_json_ld(path, text)
    if fmt == "xml":
        _check_xml_entities(path, text)
    return Document(path, text, fmt)


def parse_file(path: Path | str, forced_format: str | None = None) -> Graph:
    """Parse one file into a new graph, or raise :class:`InputError` saying where and why."""
    return parse_document(read_document(path, forced_format))


def parse_document(document: Document) -> Graph:
    """Parse a read document with rdflib, or raise :class:`InputError` saying where and why."""
    path, text, fmt = document.path, document.text, document.fmt
    if fmt == "yaml":
        return read_yaml(path, text)
    if fmt == "csv":  # strict here; read_rows() keeps the good rows of a bulk file
        graph, problems = read_csv(path, text)
        if problems:
            raise problems[0]
        return graph
    if fmt == "json-ld" and CONTEXT_IRI in text:
        return read_json(path, text)
    graph = Graph()
    try:
        graph.parse(data=text, format=fmt, publicID=path.resolve().as_uri())
    except BadSyntax as error:
        line = min(error.lines + 1, text.count("\n") + 1)
        raise InputError(path, f"Turtle syntax error: {error._why}", line) from None
    except ParserError as error:
        line = _first_bad_ntriples_line(text) if fmt == "nt" else None
        raise InputError(path, f"syntax error: {error}", line) from None
    except Exception as error:
        # rdflib's parsers raise many types (SAXParseException, ValueError, KeyError…) for
        # malformed input; each is the user's data being wrong, never a cph-kg failure.
        located = hasattr(error, "getLineNumber")  # xml.sax.SAXParseException
        line = error.getLineNumber() if located else None
        message = error.getMessage() if located else str(error)
        raise InputError(path, f"{_syntax_name(fmt)} syntax error: {message}", line) from None
    if len(graph) == 0:
        raise InputError(path, "contains no RDF triples")
    return graph


def read_rows(document: Document) -> tuple[Graph, list[InputError]]:
    """A document's graph and the rows left out.

    Only the CSV bulk format can leave rows out (its good rows are kept); every other format is
    all or nothing.
    """
    if document.fmt == "csv":
        return read_csv(document.path, document.text)
    return parse_document(document), []


def _syntax_name(fmt: str) -> str:
    return {"turtle": "Turtle", "nt": "N-Triples", "json-ld": "JSON-LD", "xml": "RDF/XML"}[fmt]


def _first_bad_ntriples_line(text: str) -> int | None:
    """N-Triples errors carry no line number; find it by parsing line by line."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            Graph().parse(data=line, format="nt")
        except Exception:
            return number
    return None


def _check_json_ld(path: Path, text: str) -> None:
    """Refuse JSON that does not parse, and any remote ``@context`` (it would be fetched)."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(path, f"JSON syntax error: {error.msg}", error.lineno) from None
    except RecursionError:
        raise InputError(path, "JSON nested too deeply") from None
    for found in _contexts(document):
        for reference in found if isinstance(found, list) else [found]:
            if isinstance(reference, str) and reference != CONTEXT_IRI:
                raise InputError(
                    path,
                    f"remote JSON-LD @context {reference!r} is not fetched; "
                    "inline the context in the document",
                    _line_of(text, reference),
                )


_ENTITY = re.compile(r"<!ENTITY\s+(%\s*)?([^\s>]+)\s+(.*?)>", re.DOTALL)


def _check_xml_entities(path: Path, text: str) -> None:
    """Refuse the DTD entities that make XML dangerous, before any parser sees them.

    External entities (SYSTEM, PUBLIC) would read files or URLs, and entities that refer to
    other entities can expand exponentially ("billion laughs"); both parsers cph-kg uses would
    try. Plain entities abbreviating namespace IRIs, as ontology editors write them, stay.
    """
    for match in _ENTITY.finditer(text):
        parameter, name, definition = match.groups()
        line = text.count("\n", 0, match.start()) + 1
        if parameter or re.match(r"(SYSTEM|PUBLIC)\b", definition.strip()):
            raise InputError(path, f"external XML entity {name!r} refused", line)
        if "&" in definition or "%" in definition:
            raise InputError(
                path, f"XML entity {name!r} refers to other entities: expansion refused", line
            )


def _contexts(node: object) -> Iterator[object]:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            if "@context" in current:
                yield current["@context"]
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)


def _line_of(text: str, needle: str) -> int | None:
    match = re.search(re.escape(json.dumps(needle)), text)
    return text.count("\n", 0, match.start()) + 1 if match else None
