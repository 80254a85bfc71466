"""The authoring format: one convention as YAML (or JSON), which is JSON-LD with cph-kg's context.

A person who knows the law and a spreadsheet writes field names (``signatories``, ``missions``)
and short codes (``caf:33``, ``dep:33``, ``II-1``); the bundled context
(``data/context/convention.jsonld``) maps them to the ontology, so the JSON form *is* JSON-LD
and the YAML form is the same document. Mistakes are reported before anything is loaded, with
the file, the line and a suggestion; YAML is read with the safe loader only.
"""

from __future__ import annotations

import calendar
import contextlib
import difflib
import json
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox
import yaml
from rdflib import RDF, BNode, Graph, URIRef

from cph_kg import resources, vocab
from cph_kg.errors import CphKgError, InputError, shown
from cph_kg.limits import MAX_NESTING, MAX_TERM_BYTES, too_deeply_nested
from cph_kg.namespaces import CPH, slugify
from cph_kg.rdf.terms import iri_character_flaw, iri_flaw

CONVENTION_FIELDS = (
    "id",
    "type",
    "identifier",
    "title",
    "description",
    "date",
    "departement",
    "centre",
    "centres",
    "signatories",
    "missions",
    "objects",
    "references",
    "effect",
    "end",
    "duration",
    "source",
    "avenants",
)
#: Fields of an avenant (or a renewal): what it changes in the convention, from its date of
#: effect (``effect``, required): parties, missions and objects added or withdrawn, a new end.
AVENANT_FIELDS = (
    "id",
    "type",
    "identifier",
    "date",
    "effect",
    "end",
    "addSignatories",
    "removeSignatories",
    "addMissions",
    "removeMissions",
    "addObjects",
    "removeObjects",
)
AVENANT_TYPES = ("Avenant", "Renewal")
AVENANT_LISTS = {
    "addSignatories": None,
    "removeSignatories": None,
    "addMissions": ("II-1", "II-2"),
    "removeMissions": ("II-1", "II-2"),
    "addObjects": ("III-1", "III-2", "III-3", "III-4"),
    "removeObjects": ("III-1", "III-2", "III-3", "III-4"),
}
ORGANISATION_FIELDS = ("id", "type", "name", "description", "presentIn", "manager")
ORGANISATION_TYPES = (
    "Centre",
    "Association",
    "InstitutionalActor",
    "CAF",
    "CPAM",
    "PublicEmploymentService",
)
MISSIONS = ("II-1", "II-2")
OBJECTS = ("III-1", "III-2", "III-3", "III-4")
LIST_FIELDS = ("signatories", "missions", "objects", "references")

#: Authoring prefixes that name the public employment operator by a name of its own: one body,
#: ``ft:{dép.}`` (France Travail's presence in the département), and the name the convention uses
#: recorded (``pe:33``: "Pôle emploi"). ``ft:33`` itself records no name: it is the body's code
#: at every date, as ``cph-kg convention new`` writes it.
OPERATOR_NAMES = {"pe": "Pôle emploi"}

#: The most nodes a YAML document may hold once its aliases are expanded: a convention has about
#: fifty, and a "billion laughs" of nested aliases is refused before anything expands it.
MAX_YAML_NODES = 10_000


@cache
def context() -> dict[str, Any]:
    """The bundled JSON-LD context (the value of its ``@context``)."""
    path = resources.root() / "data" / "context" / "convention.jsonld"
    found: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))["@context"]
    return found


@cache
def departement_codes() -> frozenset[str]:
    """The INSEE codes of the reference data (``data/reference/departements.ttl``)."""
    text = (resources.root() / "data" / "reference" / "departements.ttl").read_text("utf-8")
    return frozenset(re.findall(r'cph:inseeCode "([0-9AB]+)"', text))


def read_yaml(path: Path, text: str, today: date | None = None) -> Graph:
    """A YAML convention as RDF, after every check; :class:`InputError` on the first mistake.

    The document is composed first (no object is built), and refused when it nests deeper than
    :data:`~cph_kg.limits.MAX_NESTING`, when its aliases would expand it beyond
    :data:`MAX_YAML_NODES` nodes or when an alias refers to the node that holds it; only then is
    it loaded, safely.
    """
    try:
        loader = _Loader(text)  # its reader refuses a control character at once
        try:
            tree = loader.get_single_node()
            _check_tree(path, tree)
            # built from the tree already composed (yaml.load would scan the text again: 3.7 s
            # for a 9 MiB scalar); a SafeLoader builds no Python object
            document = loader.construct_document(tree) if tree is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else None
        raise InputError(path, f"YAML syntax error: {error.problem}", line) from None
    except yaml.YAMLError as error:
        raise InputError(path, f"YAML error: {error}") from None
    except RecursionError:
        raise InputError(path, "YAML nested too deeply") from None
    if not isinstance(document, dict):
        raise InputError(path, "a convention is a mapping of fields (identifier, date, …)")
    lines = _Lines(tree)
    check(path, document, lines, today or date.today())
    return to_graph(path, document)


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, except for scalars it would turn into Python errors.

    A date that does not exist (``2019-02-30``, ``0000-01-01``) and an integer longer than
    Python converts (4,300 digits) stay the text they were, which the checks then report with
    their line, instead of a ValueError from inside the loader.
    """

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_int(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


def _check_tree(path: Path, root: yaml.Node | None) -> None:
    """Size once aliases are expanded, depth, and cycles of a composed YAML document."""
    sizes: dict[int, tuple[int, int]] = {}  # id(node) -> (nodes, depth), aliases expanded
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)] if root is not None else []
    while stack:
        node, children_done = stack.pop()
        children = _children(node)
        if children_done:
            open_nodes.discard(id(node))
            counted = [sizes[id(child)] for child in children]
            size = 1 + sum(nodes for nodes, _ in counted)
            depth = 1 + max((deepest for _, deepest in counted), default=0)
            line = node.start_mark.line + 1
            if size > MAX_YAML_NODES:
                raise InputError(
                    path,
                    f"YAML aliases expand to more than {MAX_YAML_NODES} nodes: refused",
                    line,
                )
            if depth > MAX_NESTING:
                raise InputError(path, too_deeply_nested("YAML"), line)
            sizes[id(node)] = (size, depth)
            continue
        if id(node) in sizes:
            continue
        if id(node) in open_nodes:
            raise InputError(path, "a YAML alias refers to a node that holds it", None)
        open_nodes.add(id(node))
        stack.append((node, True))
        for child in children:
            if id(child) in open_nodes:
                line = child.start_mark.line + 1
                raise InputError(path, "a YAML alias refers to a node that holds it", line)
            if id(child) not in sizes:
                stack.append((child, False))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def read_json(path: Path, text: str, today: date | None = None) -> Graph:
    """A JSON convention naming cph-kg's context, as RDF, after the same checks as YAML."""
    document = json.loads(text)
    if not isinstance(document, dict):
        raise InputError(path, "a convention is a JSON object of fields (identifier, date, …)")
    document = {key: value for key, value in document.items() if key != "@context"}
    if isinstance(document.get("date"), str):
        with contextlib.suppress(ValueError):  # check() then reports it as not a date
            document["date"] = date.fromisoformat(document["date"])
    check(path, document, _Lines(None), today or date.today())
    return to_graph(path, document)


def check(path: Path, document: dict[str, Any], lines: Lines, today: date) -> None:
    """Every check a person can act on, in the order of the document."""
    _fields(path, document, CONVENTION_FIELDS, lines, ())
    _term_sizes(path, document, lines)
    _iri_values(path, document, lines)
    _placeholders(path, document, lines)
    for key in ("identifier", "departement"):
        if document.get(key) is None:
            raise InputError(path, f"missing field {key!r}", lines.of(()))
    _centres(path, document, lines)
    if "id" in document and not isinstance(document["id"], str):
        raise InputError(
            path, f"id is {shown(document['id'])}, not an IRI or a code", lines.of(("id",))
        )
    for key in ("identifier", "title", "source", "departement"):
        value = document.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, str | int)):
            raise InputError(
                path, f"{key} is {shown(value)}, not a piece of text", lines.of((key,))
            )
    for key in LIST_FIELDS:
        values = document.get(key)
        if values is not None and not isinstance(values, list):
            raise InputError(
                path, f"{key} is {shown(values)}, not a list ([a, b, …])", lines.of((key,))
            )
        for index, value in enumerate(values or []):
            if not isinstance(value, str) and not (
                key == "signatories" and isinstance(value, dict)
            ):
                raise InputError(
                    path,
                    f"{shown(value)} in {key} is not "
                    + ("a code or an organisation" if key == "signatories" else "a code"),
                    lines.of((key, index)),
                )
    signed = document.get("date")  # none: judged on the day it is validated, and said so
    if signed is not None and (not isinstance(signed, date) or isinstance(signed, datetime)):
        raise InputError(
            path,
            f"date {_as_written(signed)} is not a valid date written YYYY-MM-DD"
            " (DD/MM/YYYY in a CSV file)",
            lines.of(("date",)),
        )
    if signed is not None and signed > today:
        raise InputError(path, f"date {signed.isoformat()} is in the future", lines.of(("date",)))
    for key in ("effect", "end"):
        value = document.get(key)
        if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
            raise InputError(
                path,
                f"{key} {_as_written(value)} is not a valid date written YYYY-MM-DD",
                lines.of((key,)),
            )
    duration = document.get("duration")
    if duration is not None and not (isinstance(duration, str) and _DURATION.fullmatch(duration)):
        raise InputError(
            path,
            f"duration {shown(duration)} is not a duration in years, months and days (P3Y, P18M)",
            lines.of(("duration",)),
        )
    start = document.get("effect") or signed  # none without a date: nothing to compare
    end = document.get("end")
    if end is not None and start is not None and end < start:
        raise InputError(
            path, f"end {end.isoformat()} is before {start.isoformat()}", lines.of(("end",))
        )
    if (
        end is not None
        and duration is not None
        and start is not None
        and end != _end_of(start, duration)
    ):
        raise InputError(
            path,
            f"end {end.isoformat()} does not match duration {duration} from {start.isoformat()}"
            f" ({_end_of(start, duration).isoformat()})",
            lines.of(("end",)),
        )
    _departement(path, document["departement"], lines, ("departement",))
    for key, known in (("missions", MISSIONS), ("objects", OBJECTS)):
        for index, value in enumerate(document.get(key) or []):
            if value not in known:
                raise InputError(
                    path,
                    f"unknown provision {shown(value)} in {key}{suggest(str(value), known)}"
                    f" (one of {', '.join(known)})",
                    lines.of((key, index)),
                )
    key = "centres" if "centres" in document else "centre"
    centres = document[key] if isinstance(document[key], list) else [document[key]]
    organisations: list[tuple[str | int, ...]] = [
        (key, i) if key == "centres" else (key,)
        for i, centre in enumerate(centres)
        if isinstance(centre, dict)
    ]
    organisations += [
        ("signatories", i)
        for i, s in enumerate(document.get("signatories") or [])
        if isinstance(s, dict)
    ]
    for where in organisations:
        organisation = document[where[0]] if len(where) == 1 else document[where[0]][where[1]]  # type: ignore[index]
        _fields(path, organisation, ORGANISATION_FIELDS, lines, where)
        _description(path, organisation, lines, where)
        if "type" not in organisation:
            raise InputError(
                path,
                f"signatory {organisation.get('name') or organisation.get('id')!r} has no type"
                f" (one of {', '.join(ORGANISATION_TYPES)})",
                lines.of(where),
            )
        if organisation["type"] not in ORGANISATION_TYPES:
            raise InputError(
                path,
                f"unknown type {organisation['type']!r}"
                f"{suggest(str(organisation['type']), ORGANISATION_TYPES)}",
                lines.of((*where, "type")),
            )
        if "presentIn" in organisation:
            _departement(path, organisation["presentIn"], lines, (*where, "presentIn"))
    _avenants(path, document, lines, today)


def _avenants(path: Path, document: dict[str, Any], lines: Lines, today: date) -> None:
    """Each avenant: known fields, a date of effect, dates that are dates, codes from the lists.

    An avenant changes the convention from its date of effect (R349-2 is judged on the
    convention as amended on the day): without that date it could not be applied, so it is
    required here (the shapes report it as data quality in RDF input).
    """
    avenants = document.get("avenants")
    if avenants is None:
        return
    if not isinstance(avenants, list):
        raise InputError(
            path,
            f"avenants is {shown(avenants)}, not a list ([- effect: …])",
            lines.of(("avenants",)),
        )
    for index, avenant in enumerate(avenants):
        where = ("avenants", index)
        if not isinstance(avenant, dict):
            raise InputError(
                path, f"avenant {shown(avenant)} is not a mapping (effect: …)", lines.of(where)
            )
        _fields(path, avenant, AVENANT_FIELDS, lines, where)
        kind = avenant.get("type", "Avenant")
        if kind not in AVENANT_TYPES:
            raise InputError(
                path,
                f"unknown type {shown(kind)}{suggest(str(kind), AVENANT_TYPES)}"
                f" (one of {', '.join(AVENANT_TYPES)})",
                lines.of((*where, "type")),
            )
        if "id" in avenant and not isinstance(avenant["id"], str):
            raise InputError(
                path,
                f"id is {shown(avenant['id'])}, not an IRI or a code",
                lines.of((*where, "id")),
            )
        identifier = avenant.get("identifier")
        if identifier is not None and (
            isinstance(identifier, bool) or not isinstance(identifier, str | int)
        ):
            raise InputError(
                path,
                f"identifier is {shown(identifier)}, not a piece of text",
                lines.of((*where, "identifier")),
            )
        if avenant.get("effect") is None:
            raise InputError(
                path, "missing field 'effect' (the date the avenant takes effect)", lines.of(where)
            )
        for key in ("date", "effect", "end"):
            value = avenant.get(key)
            if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
                raise InputError(
                    path,
                    f"{key} {_as_written(value)} is not a valid date written YYYY-MM-DD",
                    lines.of((*where, key)),
                )
        if avenant.get("end") is not None and avenant["end"] < avenant["effect"]:
            raise InputError(
                path,
                f"end {avenant['end'].isoformat()} is before {avenant['effect'].isoformat()}",
                lines.of((*where, "end")),
            )
        signed = avenant.get("date")
        if signed is not None and signed > today:
            raise InputError(
                path, f"date {signed.isoformat()} is in the future", lines.of((*where, "date"))
            )
        if signed is not None and signed < document["date"]:
            raise InputError(
                path,
                f"date {signed.isoformat()} is before the convention's"
                f" ({document['date'].isoformat()})",
                lines.of((*where, "date")),
            )
        for key, known in AVENANT_LISTS.items():
            values = avenant.get(key)
            if values is None:
                continue
            if not isinstance(values, list):
                raise InputError(
                    path,
                    f"{key} is {shown(values)}, not a list ([a, b, …])",
                    lines.of((*where, key)),
                )
            for position, value in enumerate(values):
                if not isinstance(value, str):
                    raise InputError(
                        path,
                        f"{shown(value)} in {key} is not a code",
                        lines.of((*where, key, position)),
                    )
                if known is not None and value not in known:
                    raise InputError(
                        path,
                        f"unknown provision {shown(value)} in {key}{suggest(value, known)}"
                        f" (one of {', '.join(known)})",
                        lines.of((*where, key, position)),
                    )


def to_graph(path: Path, document: dict[str, Any]) -> Graph:
    """The RDF of a checked document: JSON-LD with the bundled context."""
    return to_graphs(path, [document])


def _node(document: dict[str, Any]) -> dict[str, Any]:
    """The JSON-LD node of a checked document.

    The public employment operator is one body whatever its name: ``pe:33`` and ``ft:33`` both
    make ``ft:33`` (France Travail's presence in the Gironde) a party; ``pe:33`` also records
    that the convention names it "Pôle emploi" (a ``cph:PartyNaming``), which the shapes judge
    against the body's dated names on the date of conclusion. A duration
    gives the end date it implies (the day before the same date ``duration`` later).
    """
    data = dict(document)
    data.setdefault("type", "Convention")
    data.setdefault("id", f"conv:{slugify(str(document['identifier']))}")
    if "centres" in data:  # several centres concluding jointly: each is cph:concludedBy
        data["centre"] = data.pop("centres")
    if data.get("date") is not None:
        data["date"] = document["date"].isoformat()
    else:
        data.pop("date", None)
    for key in ("effect", "end"):
        if key in data:
            data[key] = document[key].isoformat()
    start = document.get("effect") or document.get("date")
    if "duration" in data and "end" not in data and start is not None:
        data["end"] = _end_of(start, data["duration"]).isoformat()
    signatories, naming = [], []
    for signatory in document.get("signatories") or []:
        prefix, _, local = signatory.partition(":") if isinstance(signatory, str) else ("", "", "")
        if prefix in OPERATOR_NAMES and local:
            body = f"ft:{local}"
            signatories.append(body)
            naming.append(
                {"type": "PartyNaming", "namedBody": body, "nameUsed": OPERATOR_NAMES[prefix]}
            )
        else:
            signatories.append(signatory)
    if "signatories" in data:
        data["signatories"] = signatories
    if document.get("avenants"):
        data["avenants"] = [
            _avenant_node(data["id"], index, avenant, naming)
            for index, avenant in enumerate(document["avenants"])
        ]
    if naming:
        data["naming"] = naming
    return data


def _avenant_node(
    convention: str, index: int, avenant: dict[str, Any], naming: list[dict[str, str]]
) -> dict[str, Any]:
    """The JSON-LD node of an avenant: ``{convention}/avenant-{n}`` unless it has an id.

    A body it adds by a name of the operator's (``pe:33``) is ``ft:33``, and the convention's
    naming records the name, as for the convention's own signatories.
    """
    data = dict(avenant)
    data.setdefault("type", "Avenant")
    data.setdefault("id", f"{convention}/avenant-{index + 1}")
    for key in ("date", "effect", "end"):
        if key in data:
            data[key] = avenant[key].isoformat()
    for key in ("addSignatories", "removeSignatories"):
        if key in data:
            data[key] = [_operator_body(code, naming) for code in avenant[key]]
    return data


def _operator_body(code: str, naming: list[dict[str, str]]) -> str:
    """``ft:33`` for ``pe:33`` (recording the name used in ``naming``), else the code."""
    prefix, _, local = code.partition(":")
    if prefix in OPERATOR_NAMES and local:
        body = f"ft:{local}"
        entry = {"type": "PartyNaming", "namedBody": body, "nameUsed": OPERATOR_NAMES[prefix]}
        if entry not in naming:
            naming.append(entry)
        return body
    return code


def json_ld_triples(path: Path, documents: list[dict[str, Any]]) -> list[ox.Triple]:
    """The triples of checked documents, read as one JSON-LD document by Oxigraph.

    Oxigraph's JSON-LD parser reads 10,000 rows in 0.5 s where rdflib's took 19 s; it is used
    for the bulk format, whose values are all text (the tests compare its triples with
    rdflib's). The same checks of IRIs apply.
    """
    data = {"@context": context(), "@graph": [_node(document) for document in documents]}
    try:
        quads = ox.parse(json.dumps(data, default=str).encode("utf-8"), ox.RdfFormat.JSON_LD)
        triples = [ox.Triple(quad.subject, quad.predicate, quad.object) for quad in quads]
    except (SyntaxError, ValueError) as error:
        raise InputError(path, f"cannot be read as RDF: {shown(str(error))}") from None
    well_formed: set[str] = set()  # the same IRIs recur in every row: each is checked once
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, ox.NamedNode) and term.value not in well_formed:
                if flaw := _iri_flaw(term.value):
                    raise InputError(path, _NOT_ABSOLUTE.format(shown(term.value), flaw))
                well_formed.add(term.value)
        if (
            isinstance(triple.subject, ox.BlankNode)
            and triple.predicate == vocab.RDF.type
            and triple.object == vocab.CPH.ConventionDeCooperation
        ):
            raise InputError(path, "a convention needs an IRI (its id is a blank node)")
    return triples


def to_graphs(path: Path, documents: list[dict[str, Any]]) -> Graph:
    """The RDF of checked documents, read as one JSON-LD document (its context read once)."""
    if not documents:
        return Graph()
    data = {"@context": context(), "@graph": [_node(document) for document in documents]}
    graph, text = Graph(), json.dumps(data, default=str)
    try:
        graph.parse(data=text, format="json-ld")
    except Exception as error:  # only rdflib runs here: a value the checks let through that
        # JSON-LD cannot read, whatever rdflib's JSON-LD processor raises for it
        raise InputError(path, f"cannot be read as RDF: {shown(str(error))}") from None
    if len(graph) == 0:
        raise InputError(path, "the document describes nothing")
    _check_iris(path, graph)
    return graph


_DURATION = re.compile(r"P(?=\d)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?")


def _end_of(start: date, duration: str) -> date:
    """The last day of a period of ``duration`` (years, months, days) that begins on ``start``."""
    match = _DURATION.fullmatch(duration)
    assert match is not None
    years, months, days = (int(part or 0) for part in match.groups())
    month = start.month - 1 + months
    year = start.year + years + month // 12
    month = month % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day) + timedelta(days=days) - timedelta(days=1)


#: What no IRI holds (SPARQL's and Turtle's IRIREF): controls, spaces, <>"{}|^` and backslash.
#: A ``.`` or ``..`` path segment: a relative step inside a code (``centres:../../x``).
_DOT_SEGMENT = re.compile(r"/\.\.?(?:[/?#]|$)")


_NOT_ABSOLUTE = (
    "{} is not an absolute IRI: {} (write a code such as centres:name, or a full http(s) IRI; "
    "relative references are refused)"
)


def _iri_flaw(iri: str) -> str | None:
    """Why ``iri`` is no absolute IRI a user may write; None if it is one.

    The rule of :func:`cph_kg.rdf.terms.iri_flaw`, and no IRI a relative reference made
    (JSON-LD resolves those against the working directory).
    """
    if flaw := iri_flaw(iri):
        return flaw
    if iri.startswith("file:") or _DOT_SEGMENT.search(iri):
        return "it was made from a relative reference"
    return None


def _check_iris(path: Path, graph: Graph) -> None:
    """Every node of an authoring document is a well-formed absolute IRI, conventions above all.

    JSON-LD resolves a relative reference (``centre: ../../etc/passwd``) against the working
    directory, into a ``file:`` IRI no one meant; a value such as ``<x>`` is no IRI at all; a
    convention that is a blank node (``id: _:x``) could not be judged. Each is refused,
    naming the value.
    """
    convention = (RDF.type, CPH.ConventionDeCooperation)
    for subject, predicate, value in graph:
        for term in (subject, predicate, value):
            if isinstance(term, URIRef) and (flaw := _iri_flaw(term)):
                raise InputError(path, _NOT_ABSOLUTE.format(shown(str(term)), flaw))
        if isinstance(subject, BNode) and (predicate, value) == convention:
            raise InputError(path, "a convention needs an IRI (its id is a blank node)")


def to_document(graph: Graph) -> dict[str, Any]:
    """The authoring document of the one convention in ``graph`` (RDF -> YAML round trip).

    Compacted with the bundled context; the organisations the graph describes are embedded
    where the convention names them, as a person writes them. RDF keeps no order, so lists
    come back sorted.
    """
    compacted = json.loads(graph.serialize(format="json-ld", context=context(), auto_compact=True))
    nodes = compacted.get("@graph", [compacted])
    for node in nodes:
        node.pop("@context", None)
    by_id = {node["id"]: node for node in nodes if "id" in node and not _is_convention(node)}
    conventions = [node for node in nodes if _is_convention(node)]
    if len(conventions) != 1:
        raise CphKgError(
            f"the convention is linked to {len(conventions) - 1} other convention(s) (as a "
            "party?), which the authoring format cannot hold: write turtle or ntriples"
        )
    [convention] = conventions
    for key in ("centre",):
        if isinstance(convention.get(key), str) and convention[key] in by_id:
            convention[key] = by_id[convention[key]]
    if isinstance(convention.get("centre"), list):  # a joint convention: a list, sorted
        convention["centres"] = sorted(
            (by_id.get(c, c) if isinstance(c, str) else c for c in convention.pop("centre")),
            key=lambda c: c["id"] if isinstance(c, dict) else c,
        )
    namings = [
        by_id.get(n.get("id"), n) if isinstance(n, dict) else n
        for n in convention.pop("naming", [])
    ]
    names = {n.get("namedBody"): n.get("nameUsed") for n in namings if isinstance(n, dict)}
    codes = {name: prefix for prefix, name in OPERATOR_NAMES.items()}
    if "signatories" in convention:
        convention["signatories"] = [
            _operator_code(s, names.get(s), codes) if isinstance(s, str) else s
            for s in convention["signatories"]
        ]
        convention["signatories"] = [
            by_id.get(s, s) if isinstance(s, str) else s for s in convention["signatories"]
        ]
    for key in ("signatories", "missions", "objects", "references"):
        if isinstance(convention.get(key), list):  # RDF keeps no order: a stable one
            convention[key] = sorted(
                convention[key], key=lambda v: v["id"] if isinstance(v, dict) else v
            )
    for key in ("effect", "end"):
        if key in convention:
            with contextlib.suppress(TypeError, ValueError):
                convention[key] = date.fromisoformat(convention[key])
    avenants = [
        _avenant_document(node, convention, names, codes)
        for node in nodes
        if _is_avenant(node) and node.get("amends") == convention.get("id")
    ]
    if avenants:
        convention["avenants"] = sorted(
            avenants, key=lambda a: (str(a.get("effect")), str(a.get("date")), a["id"])
        )
    if "date" in convention:
        # a valid date becomes a YAML date; an ill-formed one ("2019-02-30") stays the text it
        # was, for the reader of the document to see (reading it back says what is wrong)
        with contextlib.suppress(TypeError, ValueError):
            convention["date"] = date.fromisoformat(convention["date"])
    order = {key: index for index, key in enumerate(CONVENTION_FIELDS)}
    return dict(sorted(convention.items(), key=lambda item: order.get(item[0], len(order))))


def _operator_code(code: str, name: str | None, codes: dict[str, str]) -> str:
    """``pe:33`` for France Travail's unit of the Gironde named "Pôle emploi", else the code."""
    prefix, _, local = code.partition(":")
    if prefix == "ft" and name in codes:
        return f"{codes[name]}:{local}"
    return code


def _avenant_document(
    node: dict[str, Any], convention: dict[str, Any], names: dict[Any, Any], codes: dict[str, str]
) -> dict[str, Any]:
    """An avenant as the authoring format writes it, inside its convention."""
    avenant = {key: value for key, value in node.items() if key != "amends"}
    iri, code = str(avenant["id"]), str(convention.get("id", ""))
    expanded = _expanded(code)
    if expanded and iri.startswith(expanded + "/"):
        avenant["id"] = code + iri[len(expanded) :]
    for key in ("date", "effect", "end"):
        if key in avenant:
            with contextlib.suppress(TypeError, ValueError):
                avenant[key] = date.fromisoformat(avenant[key])
    for key in ("addSignatories", "removeSignatories"):
        if isinstance(avenant.get(key), list):
            avenant[key] = sorted(
                _operator_code(s, names.get(s), codes) if isinstance(s, str) else s
                for s in avenant[key]
            )
    for key in ("addMissions", "removeMissions", "addObjects", "removeObjects"):
        if isinstance(avenant.get(key), list):
            avenant[key] = sorted(avenant[key])
    order = {key: index for index, key in enumerate(AVENANT_FIELDS)}
    return dict(sorted(avenant.items(), key=lambda item: order.get(item[0], len(order))))


def _expanded(code: str) -> str:
    """The IRI a code such as ``conv:x`` stands for in the bundled context (else ``code``)."""
    prefix, _, local = code.partition(":")
    namespace = context().get(prefix)
    return namespace + local if isinstance(namespace, str) and local else code


def _is_avenant(node: dict[str, Any]) -> bool:
    """Whether a compacted node is an avenant or a renewal."""
    kind = node.get("type")
    return bool(set(kind if isinstance(kind, list) else [kind]) & set(AVENANT_TYPES))


def _is_convention(node: dict[str, Any]) -> bool:
    """Whether a compacted node is a convention (its type, or one of its types)."""
    kind = node.get("type")
    return "Convention" in (kind if isinstance(kind, list) else [kind])


def to_yaml(graph: Graph) -> str:
    """The authoring document of ``graph`` in YAML."""
    return yaml.safe_dump(to_document(graph), allow_unicode=True, sort_keys=False)


class Lines(Protocol):
    """Where a document's fields are, for error lines: a YAML file's nodes, a CSV row."""

    def of(self, where: tuple[str | int, ...]) -> int | None:
        """The line of the value at ``where`` (keys and list indexes)."""

    def key(self, where: tuple[str | int, ...], key: str) -> int | None:
        """The line of ``key`` in the mapping at ``where``."""


class _Lines:
    """Line numbers of the fields of a YAML document, by path (keys and list indexes)."""

    def __init__(self, tree: yaml.Node | None) -> None:
        self.tree = tree

    def _node(self, where: tuple[str | int, ...]) -> yaml.Node | None:
        node = self.tree
        for step in where:
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if k.value == step), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                node = node.value[step] if step < len(node.value) else None
            else:
                return None
        return node

    def of(self, where: tuple[str | int, ...]) -> int | None:
        """The line of the value at ``where``."""
        node = self._node(where)
        return node.start_mark.line + 1 if node is not None else None

    def key(self, where: tuple[str | int, ...], key: str) -> int | None:
        """The line of ``key`` in the mapping at ``where``."""
        node = self._node(where)
        if isinstance(node, yaml.MappingNode):
            for k, _ in node.value:
                if k.value == key:
                    line: int = k.start_mark.line + 1
                    return line
        return None


#: Fields whose values are IRIs or codes (``caf:33``), in a convention or an organisation.
_IRI_FIELDS = (
    "id",
    "departement",
    "centre",
    "signatories",
    "references",
    "presentIn",
    "manager",
    "avenants",
    "addSignatories",
    "removeSignatories",
)


def _strings(
    document: dict[str, Any], keys: tuple[str, ...] | None = None
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every string of ``document`` with the path to it (under ``keys`` only, if given).

    Walked without recursion, so that no document, however deep, can exhaust Python's stack.
    """
    stack: list[tuple[tuple[str | int, ...], object]] = [((), document)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            stack.extend(
                ((*where, key), item) for key, item in value.items() if keys is None or key in keys
            )
        elif isinstance(value, list):
            stack.extend(((*where, index), item) for index, item in enumerate(value))
        elif isinstance(value, str):
            yield where, value


def _iri_values(path: Path, document: dict[str, Any], lines: Lines) -> None:
    """No IRI or code holds a character no IRI may hold (``<x>``, a space, a quote…).

    A JSON-LD processor drops a value that does not expand to an IRI, silently: the convention
    would lose its centre or a party without a word. It is refused here, with its line.
    """
    for where, value in _strings(document, _IRI_FIELDS):
        if flaw := iri_character_flaw(value):
            raise InputError(
                path,
                f"{shown(value)} is not an absolute IRI or a code (caf:33, centres:name): {flaw}",
                lines.of(where),
            )


def _centres(path: Path, document: dict[str, Any], lines: Lines) -> None:
    """``centre`` (one) or ``centres`` (a list: several CPH concluding jointly), not both.

    Each centre is an IRI or code (``centres:les-tilleuls``) or an organisation; each becomes a
    ``cph:concludedBy`` of the convention, so that each centre's obligation is judged.
    """
    if "centre" in document and "centres" in document:
        raise InputError(
            path,
            "give centre (one centre) or centres (a list of them), not both",
            lines.key((), "centres"),
        )
    if "centres" in document:
        centres = document["centres"]
        if not isinstance(centres, list) or not centres:
            raise InputError(
                path,
                f"centres is {shown(centres)}: write a list of centres ([centres:a, centres:b])",
                lines.of(("centres",)),
            )
        for index, centre in enumerate(centres):
            if not isinstance(centre, str | dict):
                raise InputError(
                    path,
                    f"{shown(centre)} in centres is not an IRI (centres:…) or an organisation",
                    lines.of(("centres", index)),
                )
        return
    centre = document.get("centre")
    if centre is None:
        raise InputError(path, "missing field 'centre' (or 'centres')", lines.of(()))
    if not isinstance(centre, str | dict):
        raise InputError(
            path,
            f"centre is {shown(centre)}: write an IRI (centres:…) or an organisation",
            lines.of(("centre",)),
        )


#: What ``cph-kg convention new`` writes for the person to replace: CHANGE-ME, and an ellipsis
#: standing for a name (``Centre provisoire d'hébergement …``, ``assoc:…``).
_PLACEHOLDER = re.compile(r"CHANGE-ME|(?:^|[\s:])…(?:$|[\s,.])", re.IGNORECASE)


def _placeholders(path: Path, document: dict[str, Any], lines: Lines) -> None:
    """No value is still one of the template's placeholders: an unedited template is refused.

    Read as data, ``identifier: CHANGE-ME`` and a centre named "Centre provisoire
    d'hébergement …" would make a convention that conforms; they are the template asking to be
    filled in, and reading them says where.
    """
    found = [(where, value) for where, value in _strings(document) if _PLACEHOLDER.search(value)]
    if found:
        where, value = min(found, key=lambda item: lines.of(item[0]) or 0)
        name = ".".join(str(step) for step in where)
        raise InputError(
            path,
            f"{name} {shown(value)} is still a placeholder of the template: fill it in",
            lines.of(where),
        )


def _term_sizes(path: Path, document: dict[str, Any], lines: Lines) -> None:
    """No value may reach :data:`MAX_TERM_BYTES` (the limit of every other syntax).

    A store would accept a longer literal and then fail to read its own export back; the
    limit holds on every path into it. Values are walked without recursion.
    """
    for where, value in _strings(document):
        if len(value) >= MAX_TERM_BYTES // 4 and (
            len(value.encode("utf-8", "surrogatepass")) >= MAX_TERM_BYTES
        ):
            raise InputError(
                path,
                f"a value of {MAX_TERM_BYTES // 2**20} MiB or more, the most cph-kg reads",
                lines.of(where),
            )


def _fields(
    path: Path,
    mapping: dict[str, Any],
    allowed: tuple[str, ...],
    lines: Lines,
    where: tuple[str | int, ...],
) -> None:
    for key in mapping:
        if key not in allowed:
            raise InputError(
                path,
                f"unknown field {key!r}{suggest(str(key), allowed)}",
                lines.key(where, key),
            )


def _description(
    path: Path, node: dict[str, Any], lines: Lines, where: tuple[str | int, ...]
) -> None:
    """``description``: a text, or texts by language (``{fr: …, en: …}``), as RDF language maps."""
    value = node.get("description")
    texts = value if isinstance(value, dict) else {"fr": value}
    if value is not None and not all(
        isinstance(tag, str) and _LANGUAGE_TAG.fullmatch(tag) and isinstance(text, str)
        for tag, text in texts.items()
    ):
        raise InputError(
            path,
            f"description is {shown(value)}: write a text, or texts by language ({{fr: …, en: …}})",
            lines.of((*where, "description")),
        )


_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")


def _departement(path: Path, value: Any, lines: Lines, where: tuple[str | int, ...]) -> None:
    code = str(value).removeprefix("dep:")
    if not str(value).startswith("dep:") or code not in departement_codes():
        raise InputError(
            path,
            f"unknown département {value!r} (write dep: and the INSEE code, e.g. dep:33)",
            lines.of(where),
        )


def suggest(word: str, known: tuple[str, ...]) -> str:
    """`` (did you mean 'x'?)`` for the closest known word, or nothing."""
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _as_written(value: object) -> str:
    """A YAML value as its author wrote it, for an error line (never a Python ``repr``).

    ``date: [2015-01-10, 2019-03-12]`` is "a list of 2 values", not
    ``[datetime.date(2015, 1, 10), …]``; a date inside is shown as YYYY-MM-DD.
    """
    if isinstance(value, list):
        return f"(a list of {len(value)} values: one date only)"
    if isinstance(value, dict):
        return "(a mapping: one date only)"
    if isinstance(value, datetime):
        return f"{shown(value.isoformat(sep=' '))} (a date and time)"
    return shown(value)
