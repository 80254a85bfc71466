"""Crossing between rdflib and Oxigraph: terms one way and the other, and parse errors.

cph-kg parses and queries with Oxigraph (fast, native) but hands rdflib terms to its users and
to pySHACL; the conversions live here so the store and the validator agree on them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import overload

import pyoxigraph as ox
from rdflib import RDF, XSD, BNode, Literal, URIRef
from rdflib.term import Node

from cph_kg.errors import InputError

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


#: rdflib parser names (:mod:`cph_kg.rdf.documents`) that Oxigraph parses itself.
OXIGRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "json-ld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
}

#: The syntaxes with named graphs; cph-kg merges them into the document's triples.
QUAD_FORMATS = ("nquads", "trig")


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
        return normalise(Literal(term.value, datatype=URIRef(term.datatype.value)))
    raise TypeError(f"unexpected term {term!r}")


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


def to_oxigraph_triple(subject: Node, predicate: Node, value: Node) -> ox.Triple:
    """The Oxigraph triple for three rdflib terms (a term out of its place is a TypeError)."""
    return ox.Triple(
        _subject(to_oxigraph(subject)), _predicate(to_oxigraph(predicate)), to_oxigraph(value)
    )


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


def solutions(answer: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> ox.QuerySolutions:
    """The solutions of a SELECT query cph-kg wrote (anything else is a cph-kg bug)."""
    if not isinstance(answer, ox.QuerySolutions):
        raise TypeError(f"a SELECT query answered {type(answer).__name__}")
    return answer


def syntax_error(path: Path, error: SyntaxError) -> InputError:
    """Oxigraph's parse error as one line naming the file and line.

    "Parser error at line 3 column 1: The prefix … (line 3)" becomes "syntax error: The
    prefix …" at line 3.
    """
    message = str(error).split(": ", 1)[-1] if "Parser error" in str(error) else str(error)
    message = re.sub(r"\s*\(line \d+\)$", "", message)
    return InputError(path, f"syntax error: {message}", error.lineno)
