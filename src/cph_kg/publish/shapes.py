"""The shapes as their documentation shows them: each named shape and every statement it makes.

Nothing here knows which constraints cph-kg's shapes use: a shape is shown as its name and
message in the page's language, then each of its statements (the provision it enforces, the
obligation it expresses, the reading it applies under, its targets, path and constraints), with
IRIs as links and blank nodes (a qualified value shape, a path list) spelled out inside.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from cph_kg.publish.labels import Text, anchor, curie, label, pick
from cph_kg.publish.vocabulary import Link, Linker, named_shapes

#: Statements a shape's heading already shows.
_HEADING = (RDF.type, SH.name, SH.message)


@dataclass
class Value:
    """One value of a statement: a link, a text, a SPARQL query, or a nested description."""

    link: Link | None = None
    text: Text | None = None
    code: str | None = None
    items: list[Value] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)


@dataclass
class Statement:
    """A predicate of a shape and its values."""

    predicate: Link
    values: list[Value]


@dataclass
class ShapeDoc:
    """A named shape: its heading (name, message, kind) and its statements."""

    iri: str
    curie: str
    anchor: str
    kind: str
    name: Text | None
    message: Text | None
    statements: list[Statement]


def _value(graph: Graph, linker: Linker, node: Node, lang: str, depth: int = 0) -> Value:
    if isinstance(node, URIRef):
        return Value(link=linker.link(node))
    if isinstance(node, Literal):
        if node.datatype is None and node.language is None and "\n" in str(node):
            return Value(code=str(node).strip("\n"))
        return Value(text=Text(str(node), node.language))
    if (node, RDF.first, None) in graph:
        return Value(items=[_value(graph, linker, i, lang, depth) for i in Collection(graph, node)])
    if depth > 8:  # a cycle of blank nodes: shown as its label, not walked for ever
        return Value(text=Text(f"_:{node}", None))
    return Value(statements=statements(graph, linker, node, lang, depth=depth + 1))


def statements(
    graph: Graph,
    linker: Linker,
    subject: Node,
    lang: str,
    skip: tuple[URIRef, ...] = (),
    depth: int = 0,
) -> list[Statement]:
    """What ``subject`` states in ``graph``, but the predicates in ``skip``, by predicate."""
    found = []
    predicates = sorted(
        {p for p in graph.predicates(subject) if p not in skip},
        key=lambda p: curie(graph, p),
    )
    for predicate in predicates:
        objects = sorted(graph.objects(subject, predicate))
        literals = [o for o in objects if isinstance(o, Literal) and o.language]
        if literals and len(literals) == len(objects):  # one text per language: the page's
            chosen = pick(literals, lang)
            values = [Value(text=chosen)] if chosen else []
        else:
            values = [_value(graph, linker, o, lang, depth) for o in objects]
        found.append(Statement(linker.link(predicate), values))
    return found


def shape_docs(shapes: Graph, linker: Linker, lang: str) -> list[ShapeDoc]:
    """Every named shape of ``shapes``, node shapes first, then by IRI."""
    found = []
    for shape in named_shapes(shapes):
        kind = "node" if (shape, RDF.type, SH.NodeShape) in shapes else "property"
        found.append(
            ShapeDoc(
                iri=str(shape),
                curie=curie(shapes, shape),
                anchor=anchor(shape),
                kind=kind,
                name=label(shapes, shape, lang),
                message=pick(shapes.objects(shape, SH.message), lang),
                statements=statements(shapes, linker, shape, lang, skip=_HEADING),
            )
        )
    return sorted(found, key=lambda s: (s.kind != "node", s.iri))
