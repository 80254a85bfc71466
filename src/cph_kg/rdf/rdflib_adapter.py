"""The one crossing between Oxigraph's terms, cph-kg's term model, and rdflib's.

cph-kg parses, stores, queries and reports with Oxigraph terms. rdflib is used only where a
dependency needs it (pySHACL validates rdflib graphs and the shape compiler reads the shapes
graph; ``convert`` compacts JSON-LD with rdflib) and where the public API hands rdflib terms to
its users (query results, ``ValidationOutcome.report_graph``, ``Validator.validate_graph``).
Every conversion between the two goes through this module, so both sides agree on literals
(xsd:string, canonical booleans) and a conversion is easy to find and to count.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, overload

import pyoxigraph as ox
from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from cph_kg import vocab

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


@overload
def to_rdflib(term: None) -> None: ...
@overload
def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node: ...
@overload
def to_rdflib(term: object) -> Node | None: ...
def to_rdflib(term: object) -> Node | None:
    """The rdflib term for an Oxigraph term (None stays None: an unbound variable).

    An RDF-star triple term has no rdflib counterpart: a TypeError, like any other object.
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype == vocab.XSD.string:
            # what normalise makes of it, built once: a typed Literal first cost 7× as much
            # (an answer of thousands of article numbers spent most of its time here).
            # rdflib's normalisation of a plain string gives back the same string: skipping it
            # builds the same Literal in 1.7 µs instead of 2.7
            return Literal(term.value, normalize=False)
        return normalise(Literal(term.value, datatype=URIRef(term.datatype.value)))
    raise TypeError(f"unexpected term {term!r}")


def to_uriref(name: ox.NamedNode) -> URIRef:
    """The rdflib IRI of an Oxigraph one: a graph name as the public API hands it out."""
    return URIRef(name.value)


class RdflibTerms:
    """:func:`to_rdflib` remembering each term it converted.

    Answers repeat terms (départements, dates, booleans, shapes), and building an rdflib
    Literal is what costs most in a conversion: each distinct Oxigraph term (equal only if the
    same RDF term) is converted once.
    """

    def __init__(self) -> None:
        self._known: dict[object, Node | None] = {}

    def __call__(self, term: object) -> Node | None:
        """The rdflib term for ``term``, converted on first use."""
        known = self._known.get(term, _MISSING)
        if known is _MISSING:
            known = self._known[term] = to_rdflib(term)
        return known  # type: ignore[return-value]


_MISSING = object()


def rdflib_graph(triples: Iterable[ox.Triple | ox.Quad]) -> Graph:
    """An rdflib graph of Oxigraph triples (of quads, their triples: the graph name is dropped)."""
    graph = Graph()
    term = RdflibTerms()
    for triple in triples:
        graph.add((term(triple.subject), term(triple.predicate), term(triple.object)))  # type: ignore[arg-type]
    return graph


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The Oxigraph term for an rdflib term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unexpected term {term!r}")


class OxigraphTerms:
    """:func:`to_oxigraph` remembering each term it converted; Oxigraph terms pass as they are.

    A validation report repeats few terms many times (its predicates, shapes, severities,
    conventions): at 10,000 conventions, 66,000 triples of about 25,000 distinct terms.
    """

    def __init__(self) -> None:
        self._known: dict[Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}

    def __call__(self, term: Node | ox.NamedNode | ox.BlankNode | ox.Literal) -> Any:
        """The Oxigraph term for ``term``, converted on first use."""
        if isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal):
            return term
        known = self._known.get(term)
        if known is None:
            known = self._known[term] = to_oxigraph(term)
        return known


def to_oxigraph_triple(subject: Node, predicate: Node, value: Node) -> ox.Triple:
    """The Oxigraph triple for three rdflib terms (a term out of its place is a TypeError)."""
    return ox.Triple(
        _subject(to_oxigraph(subject)), _predicate(to_oxigraph(predicate)), to_oxigraph(value)
    )


def oxigraph_triples(graph: Graph) -> list[ox.Triple]:
    """The triples of an rdflib graph as Oxigraph triples."""
    return [to_oxigraph_triple(s, p, o) for s, p, o in graph]


def to_oxigraph_quad(subject: Node, predicate: Node, value: Node, graph: ox.NamedNode) -> ox.Quad:
    """The Oxigraph quad for three rdflib terms in ``graph``."""
    return ox.Quad(
        _subject(to_oxigraph(subject)),
        _predicate(to_oxigraph(predicate)),
        to_oxigraph(value),
        graph,
    )


def _subject(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> ox.NamedNode | ox.BlankNode:
    if isinstance(term, ox.Literal):
        raise TypeError(f"a literal is no subject: {term!r}")
    return term


def _predicate(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> ox.NamedNode:
    if not isinstance(term, ox.NamedNode):
        raise TypeError(f"a predicate is an IRI: {term!r}")
    return term
