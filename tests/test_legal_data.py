"""Legal fidelity: the modelled article says exactly what the sources say.

Every wording in data/legal/ is compared with the source files in data/sources/ (and those with
the project's shared copies when they are present), every obligation and concept with the words
of the provision it cites, in every version.
"""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from cph_kg.namespaces import CPH, ELI, LAW, R349_2
from tests.conftest import ROOT

SOURCES = ROOT / "data" / "sources"
SHARED_SOURCES = ROOT.parent / "shared" / "sources"
VERSIONS = {
    URIRef(f"{R349_2}/version/2016-03-04"): "casf-r349-2@2016-03-04.md",
    URIRef(f"{R349_2}/version/2021-05-01"): "casf-r349-2@2021-05-01.md",
}
SUBDIVISIONS = ["I", "II", "II/1", "II/2", "III", "III/1", "III/2", "III/3", "III/4"]


def source_body(name: str) -> str:
    """The article text of a source file: what follows its YAML front matter."""
    return (SOURCES / name).read_text(encoding="utf-8").split("---\n", 2)[2].strip()


def test_vendored_sources_match_the_shared_copies() -> None:
    if not SHARED_SOURCES.is_dir():
        pytest.skip("the shared sources folder is not beside this checkout")
    for copy in sorted(SOURCES.glob("*.md")):
        if copy.name == "README.md":
            continue
        assert copy.read_bytes() == (SHARED_SOURCES / copy.name).read_bytes(), copy.name


@pytest.mark.parametrize("version", VERSIONS, ids=lambda v: v.rsplit("/", 1)[-1])
def test_version_text_is_the_source_text(legal_graph: Graph, version: URIRef) -> None:
    assert legal_graph.value(version, CPH.text) == Literal(
        source_body(VERSIONS[version]), lang="fr"
    )


@pytest.mark.parametrize("version", VERSIONS, ids=lambda v: v.rsplit("/", 1)[-1])
def test_each_subdivision_wording_is_its_source_paragraph(
    legal_graph: Graph, version: URIRef
) -> None:
    paragraphs = [p for p in source_body(VERSIONS[version]).split("\n") if p.strip()]
    assert len(paragraphs) == len(SUBDIVISIONS)
    for number, paragraph in zip(SUBDIVISIONS, paragraphs, strict=True):
        wording = URIRef(f"{version}/{number}")
        assert legal_graph.value(wording, CPH.text) == Literal(paragraph, lang="fr")
        assert legal_graph.value(wording, ELI.is_member_of) == URIRef(f"{R349_2}/{number}")
        assert (wording, RDF.type, CPH.SubdivisionVersion) in legal_graph


def test_only_ii_2_differs_between_the_versions(legal_graph: Graph) -> None:
    """The sources say the one change is R. 311-24 -> R. 413-8 in II 2°."""
    old, new = VERSIONS
    changed = [
        number
        for number in SUBDIVISIONS
        if legal_graph.value(URIRef(f"{old}/{number}"), CPH.text)
        != legal_graph.value(URIRef(f"{new}/{number}"), CPH.text)
    ]
    assert changed == ["II/2"]


def test_citations_follow_the_version(legal_graph: Graph) -> None:
    old, new = VERSIONS
    l349_2, r311_24, r413_8 = LAW["casf/L349-2"], LAW["ceseda/R311-24"], LAW["ceseda/R413-8"]
    assert set(legal_graph.objects(old, ELI.cites)) == {l349_2, r311_24}
    assert set(legal_graph.objects(new, ELI.cites)) == {l349_2, r413_8}
    assert set(legal_graph.objects(URIRef(f"{old}/II/2"), ELI.cites)) == {r311_24}
    assert set(legal_graph.objects(URIRef(f"{new}/II/2"), ELI.cites)) == {r413_8}
    assert set(legal_graph.objects(URIRef(f"{new}/I"), ELI.cites)) == {l349_2}


def test_dates_not_seen_in_a_source_are_marked_inferred(legal_graph: Graph) -> None:
    """No source dates either version: every date carries cph:Inferred and a stated basis."""
    for version in VERSIONS:
        assert legal_graph.value(version, ELI.first_date_entry_in_force) is not None
        assert legal_graph.value(version, CPH.entryIntoForceCertainty) == CPH.Inferred
        if legal_graph.value(version, ELI.date_no_longer_in_force) is not None:
            assert legal_graph.value(version, CPH.endOfForceCertainty) == CPH.Inferred
        assert {lit.language for lit in legal_graph.objects(version, CPH.dateBasis)} == {"fr", "en"}


def test_the_versions_follow_each_other(legal_graph: Graph) -> None:
    old, new = VERSIONS
    end = legal_graph.value(old, ELI.date_no_longer_in_force).toPython()
    start = legal_graph.value(new, ELI.first_date_entry_in_force).toPython()
    assert (start - end).days == 1


def test_subdivision_hierarchy(legal_graph: Graph) -> None:
    for number in SUBDIVISIONS:
        subdivision = URIRef(f"{R349_2}/{number}")
        parent = URIRef(f"{R349_2}/{number.rsplit('/', 1)[0]}") if "/" in number else R349_2
        assert legal_graph.value(subdivision, ELI.is_part_of) == parent
        assert (parent, ELI.has_part, subdivision) in legal_graph
        assert (subdivision, RDF.type, ELI.LegalResourceSubdivision) in legal_graph
        labels = {lit.language for lit in legal_graph.objects(subdivision, RDFS.label)}
        assert labels == {"fr", "en"}
        assert {
            legal_graph.value(v, ELI.is_member_of)
            for v in legal_graph.objects(subdivision, ELI.has_member)
        } == {subdivision}


def _wordings(legal_graph: Graph, provision: URIRef) -> list[str]:
    return [
        str(legal_graph.value(v, CPH.text)) for v in legal_graph.objects(provision, ELI.has_member)
    ]


def test_obligations_quote_their_provision_in_every_version(legal_graph: Graph) -> None:
    obligations = list(legal_graph.subjects(RDF.type, CPH.Obligation))
    assert len(obligations) == 9
    for obligation in obligations:
        words = str(legal_graph.value(obligation, CPH.requirementText))
        provision = legal_graph.value(obligation, CPH.statedIn)
        wordings = _wordings(legal_graph, provision)
        assert len(wordings) == 2
        assert all(words in wording for wording in wordings), obligation


def test_missions_and_objects_quote_their_provision_in_every_version(legal_graph: Graph) -> None:
    concepts = [
        *legal_graph.subjects(RDF.type, CPH.Mission),
        *legal_graph.subjects(RDF.type, CPH.ConventionObject),
    ]
    assert len(concepts) == 6
    for concept in concepts:
        definition = next(
            d for d in legal_graph.objects(concept, SKOS.definition) if d.language == "fr"
        )
        for wording in _wordings(legal_graph, legal_graph.value(concept, CPH.statedIn)):
            assert str(definition) in wording, concept


def test_only_the_named_bodies_are_indicative(legal_graph: Graph) -> None:
    """'notamment' governs the list of bodies in I, and nothing else in the article."""
    indicative = set(legal_graph.subjects(CPH.normativeForce, CPH.Indicative))
    assert indicative == {URIRef(f"{R349_2}/obligation/acteurs-nommes")}
    words = str(legal_graph.value(next(iter(indicative)), CPH.requirementText))
    assert words.startswith("notamment ")


def test_departements_are_the_101_of_the_insee_code(legal_graph: Graph) -> None:
    codes = {
        str(legal_graph.value(d, CPH.inseeCode))
        for d in legal_graph.subjects(RDF.type, CPH.Departement)
    }
    expected = {f"{n:02d}" for n in range(1, 96) if n != 20} | {
        "2A",
        "2B",
        "971",
        "972",
        "973",
        "974",
        "976",
    }
    assert codes == expected


def test_source_files_are_documented() -> None:
    readme = (SOURCES / "README.md").read_text(encoding="utf-8")
    for path in SOURCES.glob("*.md"):
        if path.name != "README.md":
            assert path.name in readme


def test_legal_data_is_in_the_project_namespace(legal_graph: Graph) -> None:
    for subject in legal_graph.subjects():
        if isinstance(subject, URIRef):
            assert str(subject).startswith("https://w3id.org/cph-kg/"), subject


def test_legifrance_identifiers_are_those_the_sources_show(legal_graph: Graph) -> None:
    """Every LEGITEXT / LEGIARTI in the legal data is one the sources README records."""
    readme = SHARED_SOURCES / "README.md"
    if not readme.is_file():
        pytest.skip("the shared sources folder is not beside this checkout")
    recorded = readme.read_text(encoding="utf-8")
    identifiers = {str(value) for value in legal_graph.objects(None, ELI.id_local)}
    assert {
        "LEGITEXT000006074069",
        "LEGITEXT000006070158",
        "LEGIARTI000030951456",
        "LEGIARTI000042807434",
    } <= identifiers
    assert all(identifier in recorded for identifier in identifiers)
