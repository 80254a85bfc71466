"""The SHACL shapes of the reference data (shapes/reference/bodies.ttl).

The shipped data passes them; hand-made bodies that lack what they ask for fail them, each
with the result expected (focus node and constraint component), in pySHACL.
"""

from __future__ import annotations

from functools import cache

import pyshacl
import pytest
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from cph_kg.namespaces import CPH, ORG
from tests.helpers import BASE, CAF, CPAM, FT, REFERENCE, ROLE, ROOT, dep, org, reference


@pytest.mark.slow
def test_the_reference_data_passes_its_shapes() -> None:
    conforms, _, text = validate(reference())
    assert conforms, text


@cache
def shapes() -> Graph:
    return Graph().parse(ROOT / "shapes" / "reference" / "bodies.ttl")


@cache
def ontology() -> Graph:
    return Graph().parse(ROOT / "ontology" / "cph.ttl")


def validate(data: Graph) -> tuple[bool, Graph, str]:
    """Validate with pySHACL, the ontology beside the data as a store holds them.

    The ontology is added to the data rather than passed as ``ont_graph``: pySHACL deep-clones
    every ``owl:NamedIndividual`` of an ``ont_graph`` ten levels down without memory, and the
    ontology's concepts link to their schemes and back, which took 30 s a call (0.03 s so).
    """
    return pyshacl.validate(
        data + ontology(), shacl_graph=shapes(), inference="none", advanced=True
    )


def results(data: Graph, focus: str = "99") -> set[tuple[str, str]]:
    """(focus node, constraint component) of the shapes' results about ``focus``."""
    _, report, _ = validate(data)
    sh = "http://www.w3.org/ns/shacl#"
    return {
        (
            str(report.value(r, URIRef(sh + "focusNode"))).rsplit("/", 1)[-1],
            str(report.value(r, URIRef(sh + "sourceConstraintComponent"))).rsplit("#", 1)[-1],
        )
        for r in report.subjects(RDF.type, URIRef(sh + "ValidationResult"))
        if str(report.value(r, URIRef(sh + "focusNode"))).endswith("/" + focus)
    }


def body_graph(**changes: object) -> Graph:
    """One CAF as the reference data has it, with ``changes`` applied (None removes)."""
    graph = Graph()
    body, node = org("caf/99"), BNode("attribution")
    graph.add((dep("99"), RDF.type, CPH.Departement))
    triples = {
        "label": (body, SKOS.prefLabel, Literal("Caisse d'allocations familiales X", lang="fr")),
        "present": (body, CPH.presentIn, dep("99")),
        "basis": (body, CPH.legalBasis, URIRef(BASE + "law/css/L212-1")),
        "source": (body, DCTERMS.source, URIRef(BASE + "dataset/dila-2016")),
        "acts": (body, CPH.actsAs, CAF),
        "attributed": (body, CPH.roleAttribution, node),
        "type": (node, RDF.type, CPH.RoleAttribution),
        "role": (node, CPH.role, CAF),
        "role_basis": (node, CPH.legalBasis, URIRef(BASE + "law/css/L212-1")),
        "certainty": (node, CPH.certainty, CPH.Attested),
        "note_fr": (node, CPH.basisNote, Literal("note", lang="fr")),
        "note_en": (node, CPH.basisNote, Literal("note", lang="en")),
    }
    for name, triple in triples.items():
        change = changes.get(name, triple)
        if change is not None:
            graph.add(change)  # type: ignore[arg-type]
    return graph


def test_a_well_formed_body_passes_the_shapes() -> None:
    assert results(body_graph()) == set()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"present": None}, {("99", "MinCountConstraintComponent")}),
        ({"basis": None}, {("99", "MinCountConstraintComponent")}),
        ({"role": (BNode("attribution"), CPH.role, CPAM)}, {("99", "SPARQLConstraintComponent")}),
        (
            {"certainty": (BNode("attribution"), CPH.certainty, CPH.Strict)},
            {("99", "NodeConstraintComponent")},
        ),
        ({"note_en": None}, {("99", "NodeConstraintComponent")}),
        (
            {"acts": (org("caf/99"), CPH.actsAs, URIRef(ROLE + "prefecture"))},
            {("99", "InConstraintComponent"), ("99", "SPARQLConstraintComponent")},
        ),
    ],
    ids=[
        "no-presence",
        "no-legal-basis",
        "role-without-attribution",
        "bad-certainty",
        "note-not-bilingual",
        "unknown-role",
    ],
)
def test_a_body_missing_what_the_shapes_ask_fails(changes: dict, expected: set) -> None:
    assert results(body_graph(**changes)) == expected


def test_france_travail_with_a_change_event_fails_its_shape() -> None:
    graph = Graph()
    for path in ("france-travail.ttl",):
        graph.parse(REFERENCE / path)
    graph.add((FT, ORG.resultedFrom, URIRef(BASE + "org/event/france-travail-2024")))
    assert results(graph, "france-travail") == {("france-travail", "MaxCountConstraintComponent")}
