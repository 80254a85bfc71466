"""Queries rewritten for speed on Oxigraph keep their answers on the cases the rewrite touches.

``conventions-without-*`` and ``named-bodies-by-convention`` find the bodies that play a role once,
in a sub-select (``cph:actsAs``, or ``?class rdfs:subClassOf*/cph:impliesRole … . ?body a
?class``), with their département, instead of following ``a/rdfs:subClassOf*`` from every party
(see ``benchmarks/query_latency.py``). What such a rewrite could get wrong: a body typed only
with a subclass declared in the data, two levels down; a body typed with a class and its
subclass, or with two of the named classes; a body that plays the role without the class (a
CGSS); a convention with two parties of one kind (no duplicate rows); a convention with no party
at all; a body of another département (it does not count).
``conventions-by-departement`` counts per département before it looks up the département's
code and names: a département with two names still gets one row per name, each with all its
conventions.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rdflib import Literal, URIRef

from cph_kg.knowledge_graph import KnowledgeGraph
from tests.querying import CONV, DEP, rows

DATA = """
@prefix cph:  <https://w3id.org/cph-kg/ontology#> .
@prefix dct:  <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix ex:   <https://example.org/forms/> .
@prefix conv: <https://w3id.org/cph-kg/convention/> .
@prefix dep:  <https://w3id.org/cph-kg/departement/> .
@prefix role: <https://w3id.org/cph-kg/concept/named-body/> .

ex:LocalFund rdfs:subClassOf cph:CaissePrimaireAssuranceMaladie .
ex:BranchOffice rdfs:subClassOf ex:LocalFund .

ex:cpam-deep a ex:BranchOffice ; cph:presentIn dep:33 .                  # two levels down
ex:cpam-both a cph:CaissePrimaireAssuranceMaladie , ex:LocalFund ;       # class and subclass
    cph:presentIn dep:33 .
ex:caf-and-cpam a cph:CaisseAllocationsFamiliales , cph:CaissePrimaireAssuranceMaladie ;
    cph:presentIn dep:33 .
ex:employment a cph:PublicEmploymentService ; cph:presentIn dep:33 .
ex:other a cph:AssociativeActor ; cph:presentIn dep:33 .
ex:general-fund cph:actsAs role:caisse-primaire-assurance-maladie ;
    cph:presentIn dep:33 .                                               # the role, no class

conv:f-deep a cph:ConventionDeCooperation ; dct:identifier "F-deep" ;
    cph:departement dep:33 ; cph:dateOfConclusion "2020-01-01"^^xsd:date ;
    cph:party ex:cpam-deep , ex:employment .
conv:f-twice a cph:ConventionDeCooperation ; dct:identifier "F-twice" ;
    cph:departement dep:33 ; cph:dateOfConclusion "2020-01-02"^^xsd:date ;
    cph:party ex:cpam-both , ex:cpam-deep , ex:caf-and-cpam .
conv:f-none a cph:ConventionDeCooperation ; dct:identifier "F-none" ;
    cph:departement dep:33 ; cph:dateOfConclusion "2020-01-03"^^xsd:date .
conv:f-other a cph:ConventionDeCooperation ; dct:identifier "F-other" ;
    cph:departement dep:33 ; cph:dateOfConclusion "2020-01-04"^^xsd:date ;
    cph:party ex:other , ex:employment .
conv:f-role a cph:ConventionDeCooperation ; dct:identifier "F-role" ;
    cph:departement dep:33 ; cph:dateOfConclusion "2020-01-05"^^xsd:date ;
    cph:party ex:general-fund , ex:employment .

# a département with two names and no INSEE code; its party is present in the Gironde only
ex:elsewhere rdfs:label "Ailleurs"@fr , "Elsewhere"@en .
conv:f-elsewhere a cph:ConventionDeCooperation ; dct:identifier "F-elsewhere" ;
    cph:departement ex:elsewhere ; cph:party ex:employment .
"""

TRUE, FALSE = Literal(True), Literal(False)


@pytest.fixture(scope="module")
def kg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeGraph]:
    """The conventions above, with the bundled law (which declares the named classes)."""
    folder = tmp_path_factory.mktemp("query-forms")
    data = folder / "forms.ttl"
    data.write_text(DATA, encoding="utf-8")
    with KnowledgeGraph.open(folder / "store") as graph:
        graph.load([data])
        yield graph


def without(kg: KnowledgeGraph, name: str) -> list[str]:
    """The identifiers a conventions-without-* query lists, in its order."""
    return [str(row[1]) for row in rows(kg, name)]


def test_conventions_without_a_body_follow_subclasses_and_keep_bare_conventions(
    kg: KnowledgeGraph,
) -> None:
    # ordered by INSEE code (none first), date, identifier
    assert without(kg, "conventions-without-cpam") == ["F-elsewhere", "F-none", "F-other"]
    assert without(kg, "conventions-without-caf") == [
        "F-elsewhere",
        "F-deep",
        "F-none",
        "F-other",
        "F-role",
    ]
    assert without(kg, "conventions-without-france-travail") == [
        "F-elsewhere",
        "F-twice",
        "F-none",
    ]
    none = rows(kg, "conventions-without-cpam")[1]
    assert none[0] == CONV["f-none"]
    assert none[2:4] == (DEP["33"], Literal("33"))


def test_named_bodies_one_row_per_convention_with_subclasses(kg: KnowledgeGraph) -> None:
    assert [
        (str(row[1]), row[4], row[5], row[6]) for row in rows(kg, "named-bodies-by-convention")
    ] == [
        ("F-elsewhere", FALSE, FALSE, FALSE),
        ("F-deep", TRUE, FALSE, TRUE),
        ("F-none", FALSE, FALSE, FALSE),
        ("F-other", TRUE, FALSE, FALSE),
        ("F-role", TRUE, FALSE, TRUE),
        ("F-twice", FALSE, TRUE, TRUE),
    ]


def test_conventions_by_departement_counts_once_per_name(kg: KnowledgeGraph) -> None:
    elsewhere = URIRef("https://example.org/forms/elsewhere")
    one, five, zero = Literal(1), Literal(5), Literal(0)
    found = rows(kg, "conventions-by-departement")
    # no INSEE code comes first; the two names of one département in either order
    assert sorted(found[:2], key=lambda row: str(row[2])) == [
        (elsewhere, None, Literal("Ailleurs", lang="fr"), one, zero, zero, zero, zero, one),
        (elsewhere, None, Literal("Elsewhere", lang="en"), one, zero, zero, zero, zero, one),
    ]
    assert found[2:] == [
        (DEP["33"], Literal("33"), Literal("Gironde", lang="fr"), five, *[zero] * 4, five),
    ]
