"""The named queries of ``queries/``: their headers, their parameters, and safe binding.

A parameter value is turned into an RDF term of the declared type and bound with a ``VALUES``
block at the start of the query's WHERE group (:func:`cph_kg.sparql.text.bind_values`). User
input never becomes query text of its own: a value such as ``x" } ; DROP ALL ; #`` stays one
literal and cannot change the query, and the same mechanism works on the embedded store and on
any SPARQL 1.1 endpoint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rdflib import XSD, Literal, URIRef
from rdflib.term import Node

from cph_kg import resources
from cph_kg.errors import CphKgError, InputError, shown
from cph_kg.namespaces import DEPARTEMENT
from cph_kg.rdf.documents import read_bytes
from cph_kg.rdf.terms import iri_flaw
from cph_kg.sparql.text import bind_values, mask_comments, query_form

#: The largest query file read (Oxigraph's server takes bodies up to 128 MiB).
MAX_QUERY_BYTES = 128 * 1024 * 1024
TYPES = ("iri", "string", "date", "integer", "boolean", "departement")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_PARAM = re.compile(
    r"^#\s*Param:\s+(?P<name>\w+)\s+(?P<type>\w+)\s+"
    r"(?P<req>required|optional|default=\S+)\s+[—–-]+\s+(?P<text>.+)$"
)
_INSEE = re.compile(r"0[1-9]|1[0-9]|2[1-9AB]|[3-8][0-9]|9[0-5]|97[1-46]")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class Parameter:
    """A declared query parameter: its variable name, type, default and description."""

    name: str
    type: str
    required: bool
    default: str | None
    description: str

    def term(self, raw: str) -> Node:
        """Turn a value given on the command line into an RDF term of the declared type."""
        try:
            return _convert(self.type, raw)
        except ValueError as error:
            raise CphKgError(f"parameter {self.name}: {error}") from None


@dataclass(frozen=True)
class NamedQuery:
    """A query file of ``queries/`` (or any ``.rq`` file) with its parsed header."""

    name: str
    path: Path
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str

    @property
    def prefixes(self) -> dict[str, str]:
        """The PREFIX declarations of the query, prefix -> namespace."""
        code = mask_comments(self.text)
        return dict(re.findall(r"(?i)\bPREFIX\s+([\w.-]*):\s*<([^>]*)>", code))

    @property
    def form(self) -> str:
        """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``."""
        return query_form(self.text)

    def bind(self, values: dict[str, str]) -> str:
        """The query text with ``values`` (and defaults) bound in a trailing VALUES block."""
        declared = {p.name: p for p in self.parameters}
        unknown = sorted(set(values) - set(declared))
        if unknown:
            names = ", ".join(declared) or "none"
            raise CphKgError(f"query {self.name} has no parameter {unknown[0]} (it has: {names})")
        bound: dict[str, Node] = {}
        for parameter in self.parameters:
            raw = values.get(parameter.name, parameter.default)
            if raw is None:
                if parameter.required:
                    raise CphKgError(
                        f"query {self.name} needs --param {parameter.name}=… ({parameter.type})"
                    )
                continue
            bound[parameter.name] = parameter.term(raw)
        try:
            return bind_values(self.text, bound)
        except ValueError as error:
            raise CphKgError(f"query {self.name}: {error}") from None


def load(path: Path) -> NamedQuery:
    """Read a query file and its header; a malformed header names the file and line."""
    if "\0" in str(path):
        raise CphKgError(f"query file {shown(str(path))}: a file name cannot contain a NUL byte")
    try:
        text = read_bytes(path, MAX_QUERY_BYTES).decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(path, "is not a UTF-8 text file") from None
    return parse(path, text)


def parse(path: Path, text: str) -> NamedQuery:
    """A query's text and header (``path`` names it: a file, ``-`` or ``--query``)."""
    title, description, parameters = path.stem, [], []
    in_description = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        content = line[1:].strip()
        if content.startswith("Title:"):
            title, in_description = content.removeprefix("Title:").strip(), False
        elif content.startswith("Description:"):
            description, in_description = [content.removeprefix("Description:").strip()], True
        elif content.startswith("Param:"):
            in_description = False
            parameters.append(_parameter(path, number, line, text))
        elif in_description and line.startswith("#  ") and content:
            description.append(content)
        else:
            in_description = False
    return NamedQuery(
        name=path.stem,
        path=path,
        title=title,
        description=" ".join(description),
        parameters=tuple(parameters),
        text=text,
    )


def _parameter(path: Path, number: int, line: str, text: str) -> Parameter:
    match = _PARAM.match(line.strip())
    if not match:
        raise InputError(path, "malformed Param line (see queries/README.md)", number)
    name, kind, req = match["name"], match["type"], match["req"]
    if kind not in TYPES:
        raise InputError(
            path, f"unknown parameter type {kind!r} (one of {', '.join(TYPES)})", number
        )
    if not re.search(rf"\?{name}\b", text):
        raise InputError(path, f"parameter {name} is not a variable of the query", number)
    default = req.removeprefix("default=") if req.startswith("default=") else None
    return Parameter(name, kind, req == "required", default, match["text"].strip())


def _inside(path: Path, folder: Path) -> bool:
    """Whether ``path``, links followed, is a file of ``folder``."""
    return path.resolve().is_relative_to(folder.resolve())


def named_queries() -> dict[str, NamedQuery]:
    """Every query of ``queries/``, by name; a link that leads out of the folder is left out."""
    folder = resources.root() / "queries"
    return {path.stem: load(path) for path in sorted(folder.glob("*.rq")) if _inside(path, folder)}


def resolve(name_or_file: str) -> NamedQuery:
    """A named query, or a ``.rq`` file given by path.

    A name is a lower-case word with hyphens, looked up only among the files of ``queries/``:
    ``../../etc/passwd`` or a name with a NUL byte is simply an unknown name, and a link in
    ``queries/`` that leads out of it is refused before anything is read. (The command line
    also reads a query file of any extension: :func:`cph_kg.cli.query.query_from`.)
    """
    if name_or_file.endswith(".rq"):
        return load(Path(name_or_file))
    unknown = CphKgError(f"unknown query {shown(name_or_file)} (see cph-kg queries)")
    if len(name_or_file) > 200 or not _NAME.fullmatch(name_or_file):
        raise unknown
    folder = resources.root() / "queries"
    path = folder / f"{name_or_file}.rq"
    try:
        if not path.is_file():
            raise unknown
    except OSError:
        raise unknown from None
    if not _inside(path, folder):
        raise CphKgError(f"query {name_or_file!r} is a link out of queries/: refused")
    return load(path)


def _convert(kind: str, raw: str) -> Node:
    """The RDF term of ``kind`` that ``raw`` stands for; ValueError if it stands for none.

    Every check is on the whole value (a trailing newline is not forgiven), in ASCII where the
    type is ASCII, so what reaches the query is exactly one well-formed term.
    """
    if kind == "iri":
        if flaw := iri_flaw(raw):
            raise ValueError(f"{shown(raw)} is not an absolute IRI: {flaw}")
        return URIRef(raw)
    if kind == "departement":
        if not _INSEE.fullmatch(raw.upper()):
            raise ValueError(
                f"{shown(raw)} is not a département INSEE code (01–95, 2A, 2B, 971–976)"
            )
        return DEPARTEMENT[raw.upper()]
    if kind == "date":
        try:
            if not _DATE.fullmatch(raw):
                raise ValueError
            return Literal(date.fromisoformat(raw), datatype=XSD.date)
        except ValueError:
            raise ValueError(f"{shown(raw)} is not a date (YYYY-MM-DD)") from None
    if kind == "integer":
        try:
            if not _INTEGER.fullmatch(raw):
                raise ValueError
            return Literal(int(raw), datatype=XSD.integer)
        except ValueError:  # not digits, or more digits than Python converts
            raise ValueError(f"{shown(raw)} is not an integer") from None
    if kind == "boolean":
        if raw.lower() not in ("true", "false"):
            raise ValueError(f"{shown(raw)} is not true or false")
        return Literal(raw.lower() == "true", datatype=XSD.boolean)
    return Literal(raw)
