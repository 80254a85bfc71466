"""Oxigraph's side of cph-kg's terms: the syntaxes it parses, its answers, its parse errors.

Conversions to and from rdflib are :mod:`cph_kg.rdf.rdflib_adapter`'s alone.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from cph_kg.errors import InputError

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


#: An RDF term as Oxigraph gives it (RDF-star triple terms aside: cph-kg has none).
Term = ox.NamedNode | ox.BlankNode | ox.Literal
#: What may stand as the subject of a triple.
Subject = ox.NamedNode | ox.BlankNode


def value(store: ox.Store, subject: Subject, predicate: ox.NamedNode) -> Term | None:
    """One object of ``subject predicate ?`` in any graph of ``store`` (None if there is none).

    The term lookups of :class:`rdflib.Graph` (``value``, ``objects``, ``subjects``) on an
    Oxigraph store: the law is read this way instead of as an rdflib graph.
    """
    for quad in store.quads_for_pattern(subject, predicate, None):
        return quad.object  # type: ignore[return-value]  # the law holds no triple term
    return None


def objects(store: ox.Store, subject: Subject, predicate: ox.NamedNode) -> list[Term]:
    """Every object of ``subject predicate ?`` in ``store``."""
    return [quad.object for quad in store.quads_for_pattern(subject, predicate, None)]  # type: ignore[misc]


def subjects(store: ox.Store, predicate: ox.NamedNode, value: Term) -> list[Subject]:
    """Every subject of ``? predicate value`` in ``store``."""
    return [quad.subject for quad in store.quads_for_pattern(None, predicate, value)]  # type: ignore[misc]


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
