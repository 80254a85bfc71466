"""Reading RDF files given by users, with errors that name the file, the line and the problem.

Each file is parsed into a graph of its own, and a batch is returned only when every file
parsed, so a bad file never leaves a caller with half of a batch. Nothing is fetched: a JSON-LD
document that names a remote ``@context`` or ``@import`` is refused before a parser sees it, and
so is an RDF/XML document with an external DTD or entity, or entities that expand.

N-Quads (``.nq``) and TriG (``.trig``) are read as the other syntaxes are: the statements of
every graph of the file, default and named, are merged into the document's triples, since
cph-kg puts each source in a named graph of its own. ``validate`` and ``load`` parse every RDF
syntax with Oxigraph (:func:`load_document`, :func:`oxigraph_statements`); :func:`parse_file`,
which ``convert`` and the API use, parses Turtle, JSON-LD and RDF/XML with rdflib, after the
same checks.

Limits, the same for ``validate`` and ``load`` (each is a constant below): no literal or IRI of
:data:`MAX_TERM_BYTES` or more, no nesting deeper than :data:`MAX_NESTING`, no XML entity
expansion beyond the document's own size.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast
from xml.sax import SAXParseException

import pyoxigraph as ox
from rdflib import Graph
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from cph_kg.errors import InputError
from cph_kg.limits import MAX_NESTING, MAX_TERM_BYTES, too_deeply_nested
from cph_kg.namespaces import CONTEXT_IRI
from cph_kg.rdf.rdflib_adapter import to_rdflib
from cph_kg.rdf.terms import (
    OXIGRAPH_FORMATS,
    QUAD_FORMATS,
    solutions,
    syntax_error,
)

#: File extensions and the rdflib parser each one selects.
FORMATS_BY_SUFFIX: dict[str, str] = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".nq": "nquads",
    ".trig": "trig",
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
    "nquads": "nquads",
    "trig": "trig",
    "json-ld": "json-ld",
    "rdfxml": "xml",
    "yaml": "yaml",
    "csv": "csv",
}


#: Syntaxes in which a raw NUL character is never valid (Turtle and N-Triples allow one in a
#: string): a file of these holding one is binary, not text.
BINARY_IF_NUL = ("json-ld", "xml", "yaml", "csv")


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


#: The largest file read: a file of 50,000 conventions is about 150 MB; a bigger one, or one
#: that grows while it is read, is refused rather than read until memory runs out.
MAX_FILE_BYTES = 1024 * 1024 * 1024

#: What an operating-system error on opening a user's file means, in words.
_OPEN_ERRORS = {
    errno.ENOENT: "no such file",
    errno.EISDIR: "is a directory, not a file",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ELOOP: "is a loop of symbolic links",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.ENAMETOOLONG: "the file name is too long",
}


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The content of a regular file, at most ``limit`` bytes; anything else is refused.

    A FIFO, a device (``/dev/zero``) or a socket could block for ever or never end: the file is
    opened without waiting (``O_NONBLOCK``) and refused unless it is a regular file. Every
    failure is an :class:`InputError` naming the file.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        reason = _OPEN_ERRORS.get(error.errno or 0, error.strerror or type(error).__name__)
        raise InputError(path, reason) from None
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        if stat.S_ISDIR(mode):
            raise InputError(path, "is a directory, not a file")
        raise InputError(
            path, "is not a regular file (a FIFO, a device or a socket): cph-kg reads files"
        )
    with os.fdopen(descriptor, "rb") as handle:
        try:
            raw = handle.read(limit + 1)
        except OSError as error:
            raise InputError(path, f"cannot be read: {error.strerror or error}") from None
    if len(raw) > limit:
        raise InputError(path, f"is larger than {limit // 2**20} MiB, the most cph-kg reads")
    return raw


def read_text(path: Path) -> str:
    """The file's text, decoded as UTF-8 (a byte-order mark is allowed and dropped)."""
    raw = read_bytes(path)
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
    fmt: str  # a value of FORMATS_BY_SUFFIX: turtle, nt, nquads, trig, json-ld, xml, yaml, csv


def read_document(path: Path | str, forced_format: str | None = None) -> Document:
    """Read a file and make every check that does not need an RDF parser."""
    path = Path(path)
    fmt = parser_for(path, forced_format)
    text = read_text(path)
    if fmt in BINARY_IF_NUL and "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputError(path, "holds NUL bytes: a binary file, not text", line)
    if fmt == "json-ld":
        _check_json_ld(path, text)
    if fmt == "xml":
        _check_xml_entities(path, text)
        _check_xml_nesting(path, text)
    if fmt in ("turtle", "trig"):
        _check_turtle_nesting(path, text)
    return Document(path, text, fmt)


def parse_rdf(document: Document) -> Graph:
    """Parse a document in an RDF syntax, or raise :class:`InputError` saying where and why.

    N-Triples, N-Quads and TriG by Oxigraph (their named graphs merged); Turtle, JSON-LD and
    RDF/XML by rdflib, after Oxigraph has checked a file large enough to hold a term beyond
    :data:`MAX_TERM_BYTES` (Oxigraph refuses it at once, where rdflib could take minutes).
    The authoring formats are read by :func:`cph_kg.authoring.reading.parse_document`.
    """
    path, text, fmt = document.path, document.text, document.fmt
    graph = Graph()
    if fmt in ("nt", *QUAD_FORMATS):
        for statement in oxigraph_statements(document):
            graph.add(
                (
                    _rdflib_term(path, statement.subject),
                    _rdflib_term(path, statement.predicate),
                    _rdflib_term(path, statement.object),
                )
            )
    else:
        if len(text) >= MAX_TERM_BYTES // 4 and len(text.encode("utf-8")) >= MAX_TERM_BYTES:
            for _ in oxigraph_statements(document):  # refuses a term beyond the limit
                pass
        _parse_with_rdflib(graph, document)
    if len(graph) == 0:
        raise InputError(path, "contains no RDF triples")
    return graph


def _parse_with_rdflib(graph: Graph, document: Document) -> None:
    path, text, fmt = document.path, document.text, document.fmt
    try:
        graph.parse(data=text, format=fmt, publicID=path.resolve().as_uri())
    except BadSyntax as error:
        line = min(error.lines + 1, text.count("\n") + 1)
        raise InputError(path, f"Turtle syntax error: {error._why}", line) from None
    except RecursionError:
        raise InputError(path, too_deeply_nested(_syntax_name(fmt))) from None
    except SAXParseException as error:  # RDF/XML that is not well-formed XML
        message, where = error.getMessage(), error.getLineNumber()
        raise InputError(path, f"{_syntax_name(fmt)} syntax error: {message}", where) from None
    except Exception as error:
        # Only rdflib's parser runs in this try, and it raises many types (ValueError,
        # KeyError…) for malformed input: each is the user's data being wrong. A cph-kg bug
        # cannot hide here.
        raise InputError(path, f"{_syntax_name(fmt)} syntax error: {error}") from None


def oxigraph_statements(document: Document) -> Iterator[ox.Triple | ox.Quad]:
    """The triples (or quads) of an RDF document as Oxigraph parses them.

    A syntax error, or a term of :data:`MAX_TERM_BYTES` or more, is an :class:`InputError` with
    the file and, for a syntax error, the line.
    """
    data = document.text.encode("utf-8")
    large = len(data) >= MAX_TERM_BYTES
    with _parse_errors(document.path):
        for statement in ox.parse(
            data, OXIGRAPH_FORMATS[document.fmt], base_iri=document.path.resolve().as_uri()
        ):
            if large and any(
                len(getattr(term, "value", "")) >= MAX_TERM_BYTES // 4
                and len(term.value.encode("utf-8")) >= MAX_TERM_BYTES
                for term in (statement.subject, statement.predicate, statement.object)
            ):
                raise _term_too_long(document.path)
            yield statement


def load_document(store: ox.Store, document: Document, graph: ox.NamedNode) -> None:
    """Parse an RDF document straight into ``graph`` of a scratch Oxigraph store.

    Oxigraph's own loader is used where it can be (no Python object per triple: for a 10,000
    convention file, 0.5 s instead of 1.2 s); a file with named graphs (N-Quads, TriG), whose
    every graph goes to ``graph``, goes through :func:`oxigraph_statements`. A term of
    :data:`MAX_TERM_BYTES` or more is then looked for with one query over the graph (Oxigraph
    itself refuses terms of 16 MiB or more while parsing). The store is the run's scratch store
    (:mod:`cph_kg.validation.collection`): a refused document leaves nothing anyone reads.
    """
    if document.fmt in QUAD_FORMATS:
        store.extend(
            ox.Quad(t.subject, t.predicate, t.object, graph) for t in oxigraph_statements(document)
        )
        return
    with _parse_errors(document.path):
        store.load(
            cast(IO[str], _TextReader(document.text)),  # what Oxigraph calls: read(size)
            OXIGRAPH_FORMATS[document.fmt],
            base_iri=document.path.resolve().as_uri(),
            to_graph=graph,
        )
    if len(document.text) >= MAX_TERM_BYTES // 4 and (
        may_hold_long_term(document) and _holds_long_term(store, graph)
    ):
        raise _term_too_long(document.path)


class _TextReader:
    """A text handed to Oxigraph a slice at a time, as a text file is (Oxigraph encodes it).

    Handing it the whole text encoded held a second copy of the document while the store was
    built: 183 MB more at the peak of parsing 50,000 conventions.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._at = 0

    def read(self, size: int = -1) -> str:
        """The next ``size`` characters (all that are left if ``size`` is negative)."""
        end = len(self._text) if size < 0 else self._at + size
        chunk = self._text[self._at : end]
        self._at += len(chunk)
        return chunk


def may_hold_long_term(document: Document) -> bool:
    """False when the text alone shows that no term can reach :data:`MAX_TERM_BYTES`.

    In N-Triples every term lies within one line and takes at least one character of text per
    character of its value, so such a term needs a line of ``MAX_TERM_BYTES // 4`` characters
    or more. Any such line contains a newline-free window of half that length starting at a
    multiple of half that length; looking at those few windows (80 for a 160 MB file) rules
    the query out in microseconds. Other syntaxes (multi-line literals) always get the query.
    """
    if document.fmt != "nt":
        return True
    text, half = document.text, MAX_TERM_BYTES // 8
    return any(text.find("\n", start, start + half) == -1 for start in range(0, len(text), half))


def _holds_long_term(store: ox.Store, graph: ox.NamedNode) -> bool:
    """Whether a term of ``graph`` has :data:`MAX_TERM_BYTES` UTF-8 bytes or more.

    One scan finds the statements with a candidate by characters (a character is at most four
    bytes: 0.13 s for 200,000 triples); the candidates' bytes are counted here.
    """
    shortest = MAX_TERM_BYTES // 4
    long_term = " || ".join(
        f"(!isBlank(?{v}) && STRLEN(STR(?{v})) >= {shortest})" for v in ("s", "p", "o")
    )
    candidates = solutions(
        store.query(
            f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} FILTER ({long_term}) }}"
        )
    )
    return any(
        len(term.value.encode("utf-8")) >= MAX_TERM_BYTES
        for row in candidates
        for term in row
        if not isinstance(term, ox.BlankNode)
    )


@contextlib.contextmanager
def _parse_errors(path: Path) -> Iterator[None]:
    """Oxigraph's parse errors as one-line input errors.

    A syntax error names its line; a term past Oxigraph's parse buffer (16 MiB) is a term too
    long. Any other memory error is not the document's fault and goes on.
    """
    try:
        yield
    except SyntaxError as error:
        raise syntax_error(path, error) from None
    except MemoryError as error:
        if "buffer maximal size" not in str(error):
            raise
        raise _term_too_long(path) from None


def _term_too_long(path: Path) -> InputError:
    return InputError(
        path,
        f"holds a literal or IRI of {MAX_TERM_BYTES // 2**20} MiB or more, the most cph-kg reads",
    )


def _rdflib_term(path: Path, term: object) -> Node:
    if isinstance(term, ox.Triple):
        raise InputError(path, "RDF 1.2 triple terms (<< … >>) are not supported")
    return to_rdflib(term)  # type: ignore[return-value]


def _syntax_name(fmt: str) -> str:
    return {
        "turtle": "Turtle",
        "nt": "N-Triples",
        "nquads": "N-Quads",
        "trig": "TriG",
        "json-ld": "JSON-LD",
        "xml": "RDF/XML",
    }[fmt]


def _check_json_ld(path: Path, text: str) -> None:
    """Refuse JSON that does not parse or nests too deeply, and anything that would be fetched.

    A JSON-LD processor fetches a ``@context`` or ``@import`` given as an IRI, wherever it
    stands: at the top, in a list of contexts, in a term's scoped context. Only the bundled
    context's IRI is allowed (it is resolved from the bundled file).
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(path, f"JSON syntax error: {error.msg}", error.lineno) from None
    except RecursionError:
        raise InputError(path, "JSON nested too deeply") from None
    if _json_depth(document) > MAX_NESTING:
        raise InputError(path, too_deeply_nested("JSON"))
    for keyword, found in _references(document):
        for reference in found if isinstance(found, list) else [found]:
            if isinstance(reference, str) and reference != CONTEXT_IRI:
                raise InputError(
                    path,
                    f"remote JSON-LD {keyword} {reference!r} is not fetched; "
                    "inline the context in the document",
                    _line_of(text, reference),
                )


def _json_depth(node: object) -> int:
    deepest, stack = 0, [(node, 1)]
    while stack:
        current, depth = stack.pop()
        if isinstance(current, dict | list):
            deepest = max(deepest, depth)
            values = current.values() if isinstance(current, dict) else current
            stack.extend((value, depth + 1) for value in values)
    return deepest


def _references(node: object) -> Iterator[tuple[str, object]]:
    """Every value of ``@context`` and ``@import`` in a JSON document."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            for keyword in ("@context", "@import"):
                if keyword in current:
                    yield keyword, current[keyword]
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)


def _line_of(text: str, needle: str) -> int | None:
    match = re.search(re.escape(json.dumps(needle)), text)
    return text.count("\n", 0, match.start()) + 1 if match else None


_EXTERNAL_DTD = re.compile(r"<!DOCTYPE\s+[^\s>\[]+\s+(?:SYSTEM|PUBLIC)\b")
_ENTITY = re.compile(
    r"""<!ENTITY\s+(?P<parameter>%\s+)?(?P<name>[^\s>]+)\s+"""
    r"""(?:(?P<external>SYSTEM|PUBLIC)\b|"(?P<double>[^"]*)"|'(?P<single>[^']*)')"""
)


def _check_xml_entities(path: Path, text: str) -> None:
    """Refuse the DTD features that make XML dangerous, before any parser sees them.

    An external DTD or entity (SYSTEM, PUBLIC) would read a file or a URL; a parameter entity
    rewrites the DTD; an entity that refers to other entities can expand exponentially
    ("billion laughs"), and one long entity used many times quadratically. Oxigraph's parser
    would try each (and abort the process on the last). Plain entities abbreviating namespace
    IRIs, as ontology editors write them, stay, as long as they add fewer characters than the
    document holds.
    """
    if (external := _EXTERNAL_DTD.search(text)) is not None:
        line = text.count("\n", 0, external.start()) + 1
        raise InputError(path, "external XML DTD refused (it would be read)", line)
    added = 0
    for start in (m.start() for m in re.finditer(r"<!ENTITY\b", text)):
        line = text.count("\n", 0, start) + 1
        declaration = _ENTITY.match(text, start)
        if declaration is None:
            raise InputError(path, "malformed XML entity declaration refused", line)
        name = declaration["name"]
        if declaration["external"]:
            raise InputError(path, f"external XML entity {name!r} refused", line)
        if declaration["parameter"]:
            raise InputError(path, f"XML parameter entity {name!r} refused", line)
        value = declaration["double"] or declaration["single"] or ""
        if "&" in value or "%" in value:
            raise InputError(
                path, f"XML entity {name!r} refers to other entities: expansion refused", line
            )
        if "<" in value:
            raise InputError(path, f"XML entity {name!r} holds markup: refused", line)
        added += len(value) * text.count(f"&{name};")
    if added > len(text):
        raise InputError(
            path,
            f"XML entities would add {added} characters to a document of {len(text)}: "
            "expansion refused",
        )


#: What the nesting scan of Turtle and TriG skips (strings, IRIs, comments, escapes) or counts.
_TURTLE_TOKENS = re.compile(
    r'"""(?:[^"\\]++|\\.|"(?!""))*+"""'
    r"|'''(?:[^'\\]++|\\.|'(?!''))*+'''"
    r'|"(?:[^"\\\n]++|\\.)*+"'
    r"|'(?:[^'\\\n]++|\\.)*+'"
    r"|<[^<>\s]*+>"
    r"|#[^\n]*+"
    r"|\\."
    r"|[\[\](){}]",
    re.DOTALL,
)


def _check_turtle_nesting(path: Path, text: str) -> None:
    """Refuse Turtle or TriG nested deeper than :data:`MAX_NESTING` (``[ [ [`` or ``( ( (``)."""
    depth = 0
    for token in _TURTLE_TOKENS.finditer(text):
        kind = token.group()
        if kind in ("[", "(", "{"):
            depth += 1
            if depth > MAX_NESTING:
                line = text.count("\n", 0, token.start()) + 1
                raise InputError(path, too_deeply_nested("Turtle", "levels of [ ( {"), line)
        elif kind in ("]", ")", "}"):
            depth = max(depth - 1, 0)


#: What the nesting scan of XML skips (comments, CDATA, processing instructions, the DTD) or
#: counts (start, end and empty-element tags; attribute values may hold '>').
_XML_TOKENS = re.compile(
    r"<!--.*?-->"
    r"|<!\[CDATA\[.*?\]\]>"
    r"|<\?.*?\?>"
    r"|<!DOCTYPE(?:[^\[>]|\[.*?\])*>"
    r"""|<(?P<end>/?)[^\s/>!?]+(?:[^>"']|"[^"]*"|'[^']*')*?(?P<empty>/?)>""",
    re.DOTALL,
)


def _check_xml_nesting(path: Path, text: str) -> None:
    """Refuse XML elements nested deeper than :data:`MAX_NESTING`.

    Oxigraph's RDF/XML parser takes time quadratic in the depth (20,000 levels, 9 s; 100,000
    would be minutes, from a 4 MB file).
    """
    depth = 0
    for token in _XML_TOKENS.finditer(text):
        if token["end"] is None:
            continue
        if token["end"]:
            depth = max(depth - 1, 0)
        elif not token["empty"]:
            depth += 1
            if depth > MAX_NESTING:
                line = text.count("\n", 0, token.start()) + 1
                raise InputError(path, too_deeply_nested("XML", "elements"), line)
