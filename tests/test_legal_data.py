"""Legal fidelity: the modelled article says exactly what the sources say.

Every wording in data/legal/ is compared with the source files in data/sources/ (and those with
the project's shared copies when they are present), every obligation and concept with the words
of the provision it cites, in every version.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

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


def test_legifrance_identifiers_are_those_the_sources_show() -> None:
    """Every LEGITEXT / LEGIARTI in the legal data is one the sources README records.

    The reference data's legal bases (data/reference/legal-bases.ttl) carry identifiers from
    the legi-2026 corpus instead; tests/test_reference_data.py checks those against it.
    """
    readme = SHARED_SOURCES / "README.md"
    if not readme.is_file():
        pytest.skip("the shared sources folder is not beside this checkout")
    recorded = readme.read_text(encoding="utf-8")
    legal = Graph()
    for path in sorted((ROOT / "data" / "legal").glob("*.ttl")):
        legal.parse(path)
    identifiers = {str(value) for value in legal.objects(None, ELI.id_local)}
    assert {
        "LEGITEXT000006074069",
        "LEGITEXT000006070158",
        "LEGIARTI000030951456",
        "LEGIARTI000042807434",
    } <= identifiers
    assert all(identifier in recorded for identifier in identifiers)


# --- Point in time: the versions of old CESEDA R311-24, R413-8, R413-13 and the drift ----------

CESEDA_LAW = "https://w3id.org/cph-kg/law/ceseda"
R311_24 = URIRef(f"{CESEDA_LAW}/R311-24")
R413_8 = URIRef(f"{CESEDA_LAW}/R413-8")
R413_13 = URIRef(f"{CESEDA_LAW}/R413-13")
R311_24_VERSIONS = {
    URIRef(f"{R311_24}/version/2006-12-31"): "ceseda-r311-24@2006-12-31.md",
    URIRef(f"{R311_24}/version/2009-03-28"): "ceseda-r311-24@2009-03-28.md",
    URIRef(f"{R311_24}/version/2016-07-03"): "ceseda-r311-24@2016-07-03.md",
}
R413_13_CURRENT = URIRef(f"{R413_13}/version/asof-2026-02")
POINT_IN_TIME_VERSIONS = {**R311_24_VERSIONS, R413_13_CURRENT: "ceseda-r413-13@current.md"}
DRIFT = URIRef(f"{R349_2}/drift/formation-linguistique-R413-8")
DRIFT_TERMS = "https://w3id.org/cph-kg/ontology#"


def front_matter(name: str) -> dict[str, str]:
    """The YAML front matter of a source file, as ``key: value`` lines (values as written)."""
    header = (SOURCES / name).read_text(encoding="utf-8").split("---\n", 2)[1]
    fields = {}
    for line in header.splitlines():
        key, _, value = line.partition(": ")
        fields[key] = value
    return fields


def source_date(name: str, key: str) -> date | None:
    """The date a front-matter field starts with, or None when the source says it is unknown."""
    value = front_matter(name)[key]
    return None if value.startswith("unknown") else date.fromisoformat(value.split()[0])


def dated(value: date | None) -> Literal | None:
    return None if value is None else Literal(value.isoformat(), datatype=XSD.date)


@pytest.mark.parametrize("version", POINT_IN_TIME_VERSIONS, ids=lambda v: v.split("/law/")[-1])
def test_point_in_time_version_text_is_its_source_text(legal_graph: Graph, version: URIRef) -> None:
    name = POINT_IN_TIME_VERSIONS[version]
    assert legal_graph.value(version, CPH.text) == Literal(source_body(name), lang="fr")
    assert legal_graph.value(version, DCTERMS.source) == Literal(f"data/sources/{name}")
    assert (version, RDF.type, CPH.ArticleVersion) in legal_graph
    work = legal_graph.value(version, ELI.is_member_of)
    assert (work, ELI.has_member, version) in legal_graph
    assert (work, RDF.type, ELI.ComplexWork) in legal_graph
    assert legal_graph.value(version, ELI.number) == legal_graph.value(work, ELI.number)
    assert legal_graph.value(version, ELI.is_part_of) == URIRef(CESEDA_LAW)
    assert {lit.language for lit in legal_graph.objects(version, RDFS.label)} == {"fr", "en"}
    assert {lit.language for lit in legal_graph.objects(version, CPH.dateBasis)} == {"fr", "en"}


def test_r311_24_has_exactly_its_three_versions(legal_graph: Graph) -> None:
    assert set(legal_graph.objects(R311_24, ELI.has_member)) == set(R311_24_VERSIONS)
    assert set(legal_graph.subjects(ELI.is_member_of, R311_24)) == set(R311_24_VERSIONS)
    # No citation is modelled on them: the code graphs give the article's citations.
    for version in R311_24_VERSIONS:
        assert legal_graph.value(version, ELI.cites) is None


@pytest.mark.parametrize("version", R311_24_VERSIONS, ids=lambda v: v.rsplit("/", 1)[-1])
def test_r311_24_dates_are_those_of_the_front_matter(legal_graph: Graph, version: URIRef) -> None:
    """valid_from is the first day in force; valid_to the first day no longer in force.

    ELI's eli:date_no_longer_in_force is the last day in force: the day before valid_to.
    Dates the front matter gives are attested; the 2016 version's end, which it does not give,
    is the stable article's inferred end (the day before the 2021 recodification).
    """
    name = R311_24_VERSIONS[version]
    start, end = source_date(name, "valid_from"), source_date(name, "valid_to")
    assert start is not None
    assert legal_graph.value(version, ELI.first_date_entry_in_force) == dated(start)
    assert legal_graph.value(version, CPH.entryIntoForceCertainty) == CPH.Attested
    if end is not None:
        assert legal_graph.value(version, ELI.date_no_longer_in_force) == dated(
            end - timedelta(days=1)
        )
        assert legal_graph.value(version, CPH.endOfForceCertainty) == CPH.Attested
    else:
        assert legal_graph.value(version, ELI.date_no_longer_in_force) == legal_graph.value(
            R311_24, ELI.date_no_longer_in_force
        )
        assert legal_graph.value(version, ELI.date_no_longer_in_force) == dated(date(2021, 4, 30))
        assert legal_graph.value(version, CPH.endOfForceCertainty) == CPH.Inferred
        assert legal_graph.value(R311_24, CPH.endOfForceCertainty) == CPH.Inferred


def test_r311_24_versions_follow_each_other(legal_graph: Graph) -> None:
    """Each source's valid_to is the next one's valid_from: one version ends the day before.

    In ELI terms (eli:date_no_longer_in_force is the last day in force), the end of one version
    is the day before the start of the next.
    """
    versions = sorted(
        R311_24_VERSIONS,
        key=lambda v: legal_graph.value(v, ELI.first_date_entry_in_force).toPython(),
    )
    assert versions == list(R311_24_VERSIONS)
    for old, new in pairwise(versions):
        assert source_date(R311_24_VERSIONS[old], "valid_to") == source_date(
            R311_24_VERSIONS[new], "valid_from"
        )
        end = legal_graph.value(old, ELI.date_no_longer_in_force).toPython()
        start = legal_graph.value(new, ELI.first_date_entry_in_force).toPython()
        assert start - end == timedelta(days=1)


def test_r413_8_came_into_force_with_the_recodification_inferred(legal_graph: Graph) -> None:
    assert front_matter("ceseda-r413-8@current.md")["valid_from"] == "unknown"
    assert legal_graph.value(R413_8, ELI.first_date_entry_in_force) == dated(date(2021, 5, 1))
    assert legal_graph.value(R413_8, CPH.entryIntoForceCertainty) == CPH.Inferred
    bases = {lit.language: str(lit) for lit in legal_graph.objects(R413_8, CPH.dateBasis)}
    assert set(bases) == {"fr", "en"}
    assert "2020-1734" in bases["fr"] and "2020-1734" in bases["en"]
    assert legal_graph.value(R413_8, ELI.date_no_longer_in_force) is None


def test_r413_13_dates_are_those_of_its_sources(legal_graph: Graph) -> None:
    """The article starts on the 2021 version's valid_from; the current version is undated."""
    partial = "ceseda-r413-13@2021-05-01-PARTIAL.md"
    assert legal_graph.value(R413_13, ELI.first_date_entry_in_force) == dated(
        source_date(partial, "valid_from")
    )
    assert legal_graph.value(R413_13, CPH.entryIntoForceCertainty) == CPH.Attested
    assert set(legal_graph.objects(R413_13, ELI.has_member)) == {R413_13_CURRENT}
    current = front_matter("ceseda-r413-13@current.md")
    assert current["valid_from"] == current["valid_to"] == "unknown"
    for prop in (
        ELI.first_date_entry_in_force,
        ELI.date_no_longer_in_force,
        CPH.entryIntoForceCertainty,
        CPH.endOfForceCertainty,
    ):
        assert legal_graph.value(R413_13_CURRENT, prop) is None
    # The current text is not the 2021 one, whose legible part differs from it.
    legible = source_body(partial).split("[... TRUNCATED", 1)[0].rsplit(".", 1)[0]
    assert legible.replace("\n", "") not in source_body("ceseda-r413-13@current.md")
    # The LEGIARTI of the 2021 version is not given to the current one.
    assert legal_graph.value(R413_13_CURRENT, ELI.id_local) is None


def test_the_reference_drift_of_r349_2_ii_2(legal_graph: Graph) -> None:
    def term(name: str) -> URIRef:
        return URIRef(DRIFT_TERMS + name)

    assert (DRIFT, RDF.type, term("ReferenceDrift")) in legal_graph
    provision = legal_graph.value(DRIFT, term("citingProvision"))
    cited = legal_graph.value(DRIFT, term("citedArticle"))
    assert (provision, cited) == (URIRef(f"{R349_2}/II/2"), R413_8)
    assert legal_graph.value(DRIFT, term("betterTarget")) == R413_13
    # The citing words: a wording of the provision cites the article and names the subject.
    expected = legal_graph.value(DRIFT, term("expectedSubject"))
    assert expected == Literal("formation linguistique", lang="fr")
    citing = [
        wording
        for wording in legal_graph.objects(provision, ELI.has_member)
        if (wording, ELI.cites, cited) in legal_graph
    ]
    assert citing == [URIRef(f"{R349_2}/version/2021-05-01/II/2")]
    assert f"{expected} prévue à l'article R. 413-8" in str(legal_graph.value(citing[0], CPH.text))
    # The actual subject is what the current text of R413-8 says; the better target trains.
    actual = {lit.language: str(lit) for lit in legal_graph.objects(DRIFT, term("actualSubject"))}
    assert set(actual) == {"fr", "en"}
    r413_8 = source_body("ceseda-r413-8@current.md")
    assert r413_8.startswith("L'entretien personnalisé")
    assert "entretien personnalisé" in actual["fr"] and "R. 413-9" in actual["fr"]
    assert "formation linguistique" not in r413_8
    assert "formation linguistique" in source_body("ceseda-r413-13@current.md")
    sources = sorted(str(s) for s in legal_graph.objects(DRIFT, DCTERMS.source))
    assert sources == [
        "data/sources/casf-r349-2@2021-05-01.md",
        "data/sources/ceseda-r413-13@current.md",
        "data/sources/ceseda-r413-8@current.md",
    ]
    assert all((ROOT / s).is_file() for s in sources)
    for prop in (RDFS.label, RDFS.comment):
        assert {lit.language for lit in legal_graph.objects(DRIFT, prop)} == {"fr", "en"}
