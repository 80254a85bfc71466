"""The ontology: documented in French and English, and reusing only terms that exist."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from cph_kg.namespaces import CPH
from tests.helpers import ROOT

ONTOLOGY_IRI = URIRef("https://w3id.org/cph-kg/ontology")
VENDOR = ROOT / "ontology" / "vendor"
REUSED = {
    "http://data.europa.eu/eli/ontology#": "eli.ttl",
    "http://www.w3.org/ns/org#": "org.ttl",
    "http://www.w3.org/2004/02/skos/core#": "skos.ttl",
    "http://www.w3.org/ns/prov#": "prov-o.ttl",
    "http://purl.org/dc/terms/": "dcterms.ttl",
    "http://schema.org/": "schemaorg-meta.ttl",
}
PROJECT_FILES = [
    *sorted((ROOT / "ontology").glob("*.ttl")),
    *sorted((ROOT / "shapes").rglob("*.ttl")),
    *sorted((ROOT / "data").rglob("*.ttl")),
]


@pytest.fixture(scope="module")
def project_graphs() -> dict[Path, Graph]:
    """Each project file parsed once for the module's tests, which only read them."""
    return {path: Graph().parse(path) for path in PROJECT_FILES}


def terms(ontology: Graph) -> list[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return sorted(
        {
            s
            for kind in kinds
            for s in ontology.subjects(RDF.type, kind)
            if str(s).startswith(str(CPH._NS))
        }
    )


def test_ontology_header(ontology_graph: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology_graph
    assert ontology_graph.value(ONTOLOGY_IRI, OWL.versionIRI) is not None


@pytest.mark.parametrize("prop", [RDFS.label, RDFS.comment])
def test_every_term_is_documented_in_french_and_english(
    ontology_graph: Graph, prop: URIRef
) -> None:
    for term in terms(ontology_graph):
        languages = {lit.language for lit in ontology_graph.objects(term, prop)}
        assert languages == {"fr", "en"}, (term, prop)


def test_every_term_is_defined_by_the_ontology(ontology_graph: Graph) -> None:
    for term in terms(ontology_graph):
        assert ontology_graph.value(term, RDFS.isDefinedBy) == ONTOLOGY_IRI, term


def test_python_namespace_matches_the_ontology(ontology_graph: Graph) -> None:
    declared = set(ontology_graph.subjects())
    for name in CPH.__annotations__:
        assert CPH[name] in declared, name


@pytest.mark.slow
def test_every_cph_term_used_is_declared(
    ontology_graph: Graph, project_graphs: dict[Path, Graph]
) -> None:
    """A typo in a cph: term anywhere in the data or shapes would be a silent new IRI."""
    declared = set(ontology_graph.subjects())
    for path, graph in project_graphs.items():
        used = {
            node
            for triple in graph
            for node in (triple[1], triple[2])
            if isinstance(node, URIRef) and str(node).startswith(str(CPH._NS))
        }
        used |= {o for o in graph.objects(None, RDF.type) if str(o).startswith(str(CPH._NS))}
        assert used - declared == set(), path.name


@pytest.mark.slow
@pytest.mark.parametrize("namespace", REUSED, ids=REUSED.get)
def test_reused_terms_exist_in_the_vendored_vocabulary(
    namespace: str, project_graphs: dict[Path, Graph]
) -> None:
    """Every ELI, ORG, SKOS, PROV and Dublin Core term the project uses is defined there."""
    defined = set(Graph().parse(VENDOR / REUSED[namespace]).subjects())
    for path, graph in project_graphs.items():
        if path.parent == VENDOR:
            continue
        used = {
            n for t in graph for n in t if isinstance(n, URIRef) and str(n).startswith(namespace)
        }
        assert used - defined == set(), path.name


def test_vendored_vocabularies_are_documented() -> None:
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    for name in REUSED.values():
        assert (VENDOR / name).is_file()
        assert name in readme
