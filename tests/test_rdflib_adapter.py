"""Oxigraph terms become the rdflib terms the public API promises, whichever way is taken."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import XSD, Literal, URIRef

from cph_kg.rdf.rdflib_adapter import normalise, to_rdflib

STRING = ox.NamedNode(str(XSD.string))


@pytest.mark.parametrize(
    "term",
    [
        ox.Literal("L211-1"),
        ox.Literal("L211-1", datatype=STRING),
        ox.Literal(""),
        # plain strings rdflib could be thought to touch: spaces, numbers, booleans, any script
        ox.Literal("  L. 211-1\t"),
        ox.Literal("1"),
        ox.Literal("true", datatype=STRING),
        ox.Literal("Code de la sécurité sociale\u00a0: article L. 211-1 \U0001f4dc"),
        ox.Literal("x" * 300),
        ox.Literal("Article R. 349-2", language="fr"),
        ox.Literal("2021-05-01", datatype=ox.NamedNode(str(XSD.date))),
        ox.Literal("1", datatype=ox.NamedNode(str(XSD.boolean))),
        ox.Literal("2020-02-30", datatype=ox.NamedNode(str(XSD.date))),  # ill-formed, kept
        ox.Literal("x", datatype=ox.NamedNode("urn:x:datatype")),
    ],
)
def test_a_literal_is_the_normalised_rdflib_literal(term: ox.Literal) -> None:
    """The shortcut for simple literals gives what the general conversion gives."""
    general = normalise(
        Literal(term.value, lang=term.language)
        if term.language
        else Literal(term.value, datatype=URIRef(term.datatype.value))
    )
    converted = to_rdflib(term)
    assert type(converted) is Literal
    assert (converted.n3(), converted.datatype, converted.language) == (
        general.n3(),
        general.datatype,
        general.language,
    )
    assert converted == general and hash(converted) == hash(general)
    assert (converted.value, converted.ill_typed) == (general.value, general.ill_typed)


def test_a_simple_literal_has_no_datatype() -> None:
    """RDF 1.1: a simple literal is an xsd:string; rdflib writes and compares it untyped."""
    converted = to_rdflib(ox.Literal("L211-1"))
    assert converted == Literal("L211-1")
    assert converted.datatype is None
