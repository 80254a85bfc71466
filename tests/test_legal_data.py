"""Legal fidelity: the modelled article says exactly what the sources say.

Every wording in data/legal/ is compared with the source files in data/sources/ (and those with
the project's shared copies when they are present), every obligation and concept with the words
of the provision it cites, in every version.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from itertools import pairwise

import pytest
from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from cph_kg.namespaces import CPH, ELI, LAW, R349_2
from tests.generate import DEPARTEMENTS
from tests.helpers import ROOT

SOURCES = ROOT / "data" / "sources"
SHARED_SOURCES = ROOT.parent / "shared" / "sources"
VERSIONS = {
    URIRef(f"{R349_2}/version/2016-03-05"): "casf-r349-2@2016-03-04.md",
    URIRef(f"{R349_2}/version/2021-05-01"): "casf-r349-2@2021-05-01.md",
}
SUBDIVISIONS = ["I", "II", "II/1", "II/2", "III", "III/1", "III/2", "III/3", "III/4"]


def words(graph: Graph, work: URIRef) -> Literal | None:
    """The French text of a work: its expression's (eli:is_realized_by, then cph:text)."""
    return graph.value(graph.value(work, ELI.is_realized_by), CPH.text)  # type: ignore[return-value]


def test_texts_are_french_expressions_of_their_works(legal_graph: Graph) -> None:
    """ELI: the words belong to a language-bound expression, never to the work itself."""
    holders = set(legal_graph.subjects(CPH.text, None))
    assert len(holders) >= 30
    french = URIRef("http://publications.europa.eu/resource/authority/language/FRA")
    for expression in holders:
        assert (expression, RDF.type, ELI.LegalExpression) in legal_graph, expression
        assert legal_graph.value(expression, ELI.language) == french
        assert legal_graph.value(expression, ELI.title) is not None
        work = legal_graph.value(expression, ELI.realizes)
        assert (work, ELI.is_realized_by, expression) in legal_graph
        assert (work, RDF.type, ELI.LegalExpression) not in legal_graph
        assert str(expression) == f"{work}/fr"


def extract_body(name: str) -> str:
    """The text of an extract of the shared corpora (data/sources/extracts/)."""
    return (SOURCES / "extracts" / name).read_text(encoding="utf-8").split("---\n", 2)[2].strip()


def extract_front(name: str) -> str:
    """The front matter of an extract of the shared corpora."""
    return (SOURCES / "extracts" / name).read_text(encoding="utf-8").split("---\n", 2)[1]


def source_body(name: str) -> str:
    """The article text of a source file: what follows its YAML front matter."""
    return (SOURCES / name).read_text(encoding="utf-8").split("---\n", 2)[2].strip()


def test_a_legiarti_names_a_version_never_a_stable_article(legal_graph: Graph) -> None:
    """A Légifrance LEGIARTI identifies one version of a code article: it sits on that version.

    Articles of Journal officiel texts (text/…/article/N) have a single version and keep theirs.
    """
    holders = [
        subject
        for subject, value in legal_graph.subject_objects(ELI.id_local)
        if str(value).startswith("LEGIARTI")
    ]
    assert len(holders) >= 10
    for holder in holders:
        if "/text/" in str(holder):
            continue
        assert (holder, RDF.type, CPH.ArticleVersion) in legal_graph, holder
    linked = [  # a Légifrance page of a LEGIARTI is a version's page too
        subject
        for subject, page in legal_graph.subject_objects(RDFS.seeAlso)
        if "LEGIARTI" in str(page) and "/text/" not in str(subject)
    ]
    assert linked
    for holder in linked:
        assert (holder, RDF.type, CPH.ArticleVersion) in legal_graph, holder
    l349_4 = URIRef(f"{LAW['casf/L349-4']}/version/LEGIARTI000030951456")
    assert words(legal_graph, l349_4) == Literal(
        source_body("casf-l349-4@undated-LEGIARTI000030951456.md"), lang="fr"
    )


def test_vendored_sources_match_the_shared_copies() -> None:
    if not SHARED_SOURCES.is_dir():
        pytest.skip("the shared sources folder is not beside this checkout")
    for copy in sorted(SOURCES.glob("*.md")):
        if copy.name == "README.md":
            continue
        assert copy.read_bytes() == (SHARED_SOURCES / copy.name).read_bytes(), copy.name


@pytest.mark.parametrize("version", VERSIONS, ids=lambda v: v.rsplit("/", 1)[-1])
def test_version_text_is_the_source_text(legal_graph: Graph, version: URIRef) -> None:
    assert words(legal_graph, version) == Literal(source_body(VERSIONS[version]), lang="fr")


@pytest.mark.parametrize("version", VERSIONS, ids=lambda v: v.rsplit("/", 1)[-1])
def test_each_subdivision_wording_is_its_source_paragraph(
    legal_graph: Graph, version: URIRef
) -> None:
    paragraphs = [p for p in source_body(VERSIONS[version]).split("\n") if p.strip()]
    assert len(paragraphs) == len(SUBDIVISIONS)
    for number, paragraph in zip(SUBDIVISIONS, paragraphs, strict=True):
        wording = URIRef(f"{version}/{number}")
        assert words(legal_graph, wording) == Literal(paragraph, lang="fr")
        assert legal_graph.value(wording, ELI.is_member_of) == URIRef(f"{R349_2}/{number}")
        assert (wording, RDF.type, CPH.SubdivisionVersion) in legal_graph


def test_only_ii_2_differs_between_the_versions(legal_graph: Graph) -> None:
    """The sources say the one change is R. 311-24 -> R. 413-8 in II 2°."""
    old, new = VERSIONS
    changed = [
        number
        for number in SUBDIVISIONS
        if words(legal_graph, URIRef(f"{old}/{number}"))
        != words(legal_graph, URIRef(f"{new}/{number}"))
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


def test_each_wording_names_the_article_version_its_part_of_chain_ends_in(
    legal_graph: Graph,
) -> None:
    """cph:ofArticleVersion is the top of the eli:is_part_of chain, for every wording."""
    wordings = set(legal_graph.subjects(RDF.type, CPH.SubdivisionVersion))
    assert len(wordings) == 21  # R349-2's 2 × 9 and L349-2's 3
    for wording in wordings:
        top = wording
        while (top, RDF.type, CPH.ArticleVersion) not in legal_graph:
            top = legal_graph.value(top, ELI.is_part_of)
            assert top is not None, wording
        assert set(legal_graph.objects(wording, CPH.ofArticleVersion)) == {top}
    assert set(legal_graph.subjects(CPH.ofArticleVersion, None)) == wordings


def _wordings(legal_graph: Graph, provision: URIRef) -> list[str]:
    return [str(words(legal_graph, v)) for v in legal_graph.objects(provision, ELI.has_member)]


def test_obligations_quote_their_provision_in_every_version(legal_graph: Graph) -> None:
    obligations = list(legal_graph.subjects(RDF.type, CPH.Obligation))
    assert len(obligations) == 10  # nine of R349-2, one of L. 349-2, III
    for obligation in obligations:
        words = str(legal_graph.value(obligation, CPH.requirementText))
        provision = legal_graph.value(obligation, CPH.statedIn)
        wordings = _wordings(legal_graph, provision)
        assert len(wordings) == (1 if "/L349-2/" in str(provision) else 2)
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


def test_the_force_of_the_named_bodies_is_the_readings(legal_graph: Graph) -> None:
    """'notamment' governs the list of bodies in I, and nothing else in the article.

    That one obligation has no force of its own; each reading gives it one, and one reading is
    the default.
    """
    named = URIRef(f"{R349_2}/obligation/acteurs-nommes")
    assert legal_graph.value(named, CPH.normativeForce) is None
    assert str(legal_graph.value(named, CPH.requirementText)).startswith("notamment ")
    assert set(legal_graph.subjects(CPH.normativeForce, CPH.Indicative)) <= set(
        legal_graph.subjects(RDF.type, CPH.ForceAssignment)
    )
    forces = {}
    for reading in legal_graph.subjects(RDF.type, CPH.Reading):
        [assignment] = legal_graph.objects(reading, CPH.assigns)
        assert legal_graph.value(assignment, CPH.toObligation) == named
        forces[str(legal_graph.value(reading, SKOS.notation))] = (
            legal_graph.value(assignment, CPH.normativeForce),
            legal_graph.value(reading, CPH.defaultReading).toPython(),
        )
        assert legal_graph.value(reading, CPH.readsProvision) == URIRef(f"{R349_2}/I")
        words = str(legal_graph.value(reading, CPH.readsWords))
        assert all(words in wording for wording in _wordings(legal_graph, URIRef(f"{R349_2}/I")))
        for prop in (CPH.reasoning, CPH.authority, RDFS.label):
            assert {lit.language for lit in legal_graph.objects(reading, prop)} == {"fr", "en"}
        assert "Aucune décision de justice" in str(
            next(a for a in legal_graph.objects(reading, CPH.authority) if a.language == "fr")
        )
    assert forces == {
        "required": (CPH.Strict, True),
        "illustrative": (CPH.Indicative, False),
    }


def test_r349_2_is_based_on_l349_2_whose_text_is_the_source(legal_graph: Graph) -> None:
    l349_2 = LAW["casf/L349-2"]
    assert (R349_2, ELI.based_on, l349_2) in legal_graph
    [version] = legal_graph.objects(l349_2, ELI.has_member)
    assert words(legal_graph, version) == Literal(
        source_body("casf-l349-2@asof-2020-02-27.md"), lang="fr"
    )
    assert legal_graph.value(version, CPH.entryIntoForceCertainty) == CPH.Inferred
    assert legal_graph.value(version, ELI.first_date_entry_in_force).toPython() == date(2015, 7, 31)
    assert legal_graph.value(version, ELI.date_no_longer_in_force) is None  # not established
    for number in ("I", "II", "III"):
        wording = URIRef(f"{version}/{number}")
        assert str(words(legal_graph, wording)).startswith(f"{number}.-")


def test_r349_2_starts_the_day_after_the_jo_that_published_its_decree(legal_graph: Graph) -> None:
    """CRPA L. 221-2 and L. 221-3 (in the data, with their text): the day after publication."""
    decree = URIRef("https://w3id.org/cph-kg/text/decret/2016-253")
    published = legal_graph.value(decree, ELI.date_publication).toPython()
    first = next(iter(VERSIONS))
    start = legal_graph.value(first, ELI.first_date_entry_in_force).toPython()
    assert start - published == timedelta(days=1)
    basis = str(next(b for b in legal_graph.objects(first, CPH.dateBasis) if b.language == "fr"))
    assert "CRPA L. 221-2" in basis and "L. 221-3" in basis
    for article in ("crpa/L221-2", "crpa/L221-3"):
        [version] = legal_graph.objects(LAW[article], ELI.has_member)
        name = f"{article.replace('/', '-').lower()}@legi-2026.md"
        assert words(legal_graph, version) == Literal(extract_body(name), lang="fr")
    crpa = str(words(legal_graph, URIRef(f"{LAW['crpa/L221-2']}/version/2016-01-01")))
    assert "entre en vigueur le lendemain du jour" in crpa


def test_the_renaming_of_pole_emploi_is_dated_by_l5312_1(legal_graph: Graph) -> None:
    """C. trav. L. 5312-1 dates the renaming of Pôle emploi.

    The version resulting from loi n° 2023-1196, art. 6 starts on 1 January 2024 (LEGI), the day
    France Travail's name starts in the reference data, which holds the article's dated versions;
    the one before was last in force on 31 December 2023 (ELI's last day, not LEGI's dateFin).
    """
    article = LAW["ctrav/L5312-1"]
    front = extract_front("ctrav-l5312-1@legi-2026.md")
    starts = {
        str(legal_graph.value(v, ELI.id_local)): legal_graph.value(
            v, ELI.first_date_entry_in_force
        ).toPython()
        for v in legal_graph.objects(article, ELI.has_member)
    }
    last_three = {
        "LEGIARTI000047453532": date(2023, 9, 1),
        "LEGIARTI000048600658": date(2024, 1, 1),
        "LEGIARTI000053606086": date(2025, 1, 1),
    }
    assert {identifier: starts[identifier] for identifier in last_three} == last_three
    before = URIRef(f"{article}/version/2023-09-01")
    assert legal_graph.value(before, ELI.date_no_longer_in_force).toPython() == date(2023, 12, 31)
    for identifier, start in last_three.items():
        assert f"id: {identifier}, " in front and f"dateDebut: {start.isoformat()}" in front
    assert "entrent en vigueur le 1 er janvier 2024" in front
    renamed = URIRef(f"{article}/version/2024-01-01")
    assert legal_graph.value(renamed, ELI.commenced_by) == URIRef(
        "https://w3id.org/cph-kg/text/loi/2023-1196/article/6"
    )
    current = str(words(legal_graph, URIRef(f"{article}/version/2025-01-01")))
    assert current.startswith("I. - L'opérateur France Travail est une institution nationale")


def test_r311_24_is_not_said_renumbered(legal_graph: Graph) -> None:
    """What each version of R349-2 II 2° cites is the fact; the rest is a correspondence."""
    assert not any("renumber" in str(p) for p in legal_graph.predicates())
    [correspondence] = legal_graph.subjects(RDF.type, CPH.Correspondence)
    assert legal_graph.value(correspondence, CPH.correspondsFrom) == URIRef(
        f"{LAW['ceseda/R311-24']}/version/2016-07-03"
    )
    assert set(legal_graph.objects(correspondence, CPH.correspondsTo)) == {
        LAW["ceseda/R413-9"],
        LAW["ceseda/R413-13"],
    }
    assert legal_graph.value(correspondence, CPH.certainty) == CPH.Inferred
    first = source_body("ceseda-r311-24@2016-07-03.md").split("\n")[0]
    today = source_body("ceseda-r413-9@current.md").split("\n")[0]
    # the evidence: the first paragraph, word for word but for the numbering and the A1 mention
    assert (
        first.split("mentionné à l'article R. 311-21, ")[1][:120]
        == today.split("mentionné à l'article R. 413-3, ")[1][:120]
    )


def test_departements_are_the_101_of_the_insee_code(legal_graph: Graph) -> None:
    codes = {
        str(legal_graph.value(d, CPH.inseeCode))
        for d in legal_graph.subjects(RDF.type, CPH.Departement)
    }
    assert codes == set(DEPARTEMENTS)


def test_dct_source_is_always_an_iri_of_a_described_source(legal_graph: Graph) -> None:
    """A text or date names the file it was read from as a resource, never as a string.

    The resource (data/legal/sources.ttl) gives the file in the repository (cph:sourceFile)
    and where its text was seen; a concept scheme names the provision it is drawn from.
    """
    sources = set(legal_graph.objects(None, DCTERMS.source))
    assert sources and all(isinstance(s, URIRef) for s in sources)
    files = [s for s in sources if str(s).startswith("https://w3id.org/cph-kg/source/")]
    assert len(files) >= 15
    for source in files:
        assert (ROOT / str(legal_graph.value(source, CPH.sourceFile))).is_file(), source
    for other in sources - set(files):
        assert (other, RDF.type, None) in legal_graph, other  # described: a provision, a dataset


def test_the_sources_description_is_rebuilt_by_its_script() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "describe_sources.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_concept_scheme_is_defined(legal_graph: Graph, ontology_graph: Graph) -> None:
    """Each SKOS scheme says what it gathers, in French and in English."""
    graph = legal_graph + ontology_graph
    schemes = set(graph.subjects(RDF.type, SKOS.ConceptScheme))
    assert len(schemes) >= 10
    for scheme in schemes:
        languages = {d.language for d in graph.objects(scheme, SKOS.definition)}
        assert languages == {"fr", "en"}, scheme


def test_requires_names_concepts_and_requires_instance_of_classes(
    legal_graph: Graph, ontology_graph: Graph
) -> None:
    """Two properties, not one that mixes concepts and classes.

    An obligation requires a concept (a mission, an object, a named body's role), or an instance
    of a class (an agreement, an integration actor).
    """
    required = set(legal_graph.objects(None, CPH.requires))
    assert required and all(
        (c, RDF.type, SKOS.Concept) in legal_graph or (c, SKOS.inScheme, None) in legal_graph
        for c in required
    )
    classes = set(legal_graph.objects(None, CPH.requiresInstanceOf))
    assert classes == {CPH.ConventionDeCooperation, CPH.IntegrationActor}
    assert all((c, RDF.type, OWL.Class) in ontology_graph for c in classes)


def test_source_files_are_documented() -> None:
    readme = (SOURCES / "README.md").read_text(encoding="utf-8")
    for path in SOURCES.glob("*.md"):
        if path.name != "README.md":
            assert path.name in readme


def test_legal_data_is_in_the_project_namespace(legal_graph: Graph) -> None:
    """Everything described is cph-kg's, but the authority values ELI recommends.

    The Publications Office's language and country tables (French, France) are described with
    their ELI type (eli:Language, eli:AdministrativeArea) and labels, so that the data is
    readable and checkable on its own; nothing else outside the namespace is.
    """
    authority = "http://publications.europa.eu/resource/authority/"
    outside = {
        str(s)
        for s in legal_graph.subjects()
        if isinstance(s, URIRef) and not str(s).startswith("https://w3id.org/cph-kg/")
    }
    assert outside == {f"{authority}language/FRA", f"{authority}country/FRA"}


def test_legifrance_identifiers_are_those_the_sources_show() -> None:
    """Every LEGITEXT / LEGIARTI / JORFTEXT in the legal data is one a source records.

    The source is the shared sources README, or the front matter of an extract of the shared
    corpora. The reference data's legal bases (data/reference/legal-bases.ttl) carry identifiers
    from the legi-2026 corpus instead; tests/test_reference_data.py checks those against it.
    """
    readme = SHARED_SOURCES / "README.md"
    if not readme.is_file():
        pytest.skip("the shared sources folder is not beside this checkout")
    recorded = readme.read_text(encoding="utf-8") + "".join(
        path.read_text(encoding="utf-8") for path in (SOURCES / "extracts").glob("*.md")
    )
    legal = Graph()
    for path in sorted((ROOT / "data" / "legal").glob("*.ttl")):
        legal.parse(path)
    identifiers = {str(value) for value in legal.objects(None, ELI.id_local)}
    assert {
        "LEGITEXT000006074069",
        "LEGITEXT000006070158",
        "LEGIARTI000030951456",
        "LEGIARTI000042807434",
        "LEGIARTI000048583001",
        "JORFTEXT000048581935",
    } <= identifiers
    assert all(identifier in recorded for identifier in identifiers), identifiers


def test_the_extracts_are_rebuilt_by_their_script() -> None:
    """tools/extract_legal_sources.py rewrites data/sources/extracts/ byte for byte."""
    shared = ROOT.parent / "shared"
    if not (shared / "corpora" / "legi-2026").is_dir():
        pytest.skip("the shared corpora are not beside this checkout")
    before = {p.name: p.read_bytes() for p in (SOURCES / "extracts").glob("*.md")}
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "extract_legal_sources.py"), "--shared", str(shared)],
        check=True,
        capture_output=True,
    )
    assert {p.name: p.read_bytes() for p in (SOURCES / "extracts").glob("*.md")} == before


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
    assert words(legal_graph, version) == Literal(source_body(name), lang="fr")
    source = legal_graph.value(version, DCTERMS.source)
    assert source == URIRef(f"https://w3id.org/cph-kg/source/{name}")
    assert legal_graph.value(source, CPH.sourceFile) == Literal(f"data/sources/{name}")
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
    """The article starts on its 2021 version's valid_from; the current version is undated.

    The 2021 version, which the source names by its LEGIARTI, carries it.
    """
    partial = "ceseda-r413-13@2021-05-01-PARTIAL.md"
    assert legal_graph.value(R413_13, ELI.first_date_entry_in_force) == dated(
        source_date(partial, "valid_from")
    )
    assert legal_graph.value(R413_13, CPH.entryIntoForceCertainty) == CPH.Attested
    first = URIRef(f"{R413_13}/version/2021-05-01")
    assert set(legal_graph.objects(R413_13, ELI.has_member)) == {first, R413_13_CURRENT}
    assert legal_graph.value(first, ELI.id_local) == Literal("LEGIARTI000042807434")
    assert legal_graph.value(first, ELI.first_date_entry_in_force) == dated(
        source_date(partial, "valid_from")
    )
    assert legal_graph.value(R413_13, ELI.id_local) is None
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
    assert f"{expected} prévue à l'article R. 413-8" in str(words(legal_graph, citing[0]))
    # The actual subject is what the current text of R413-8 says; the better target trains.
    actual = {lit.language: str(lit) for lit in legal_graph.objects(DRIFT, term("actualSubject"))}
    assert set(actual) == {"fr", "en"}
    r413_8 = source_body("ceseda-r413-8@current.md")
    assert r413_8.startswith("L'entretien personnalisé")
    assert "entretien personnalisé" in actual["fr"] and "R. 413-9" in actual["fr"]
    assert "formation linguistique" not in r413_8
    assert "formation linguistique" in source_body("ceseda-r413-13@current.md")
    sources = sorted(
        str(legal_graph.value(s, CPH.sourceFile))
        for s in legal_graph.objects(DRIFT, DCTERMS.source)
    )
    assert sources == [
        "data/sources/casf-r349-2@2021-05-01.md",
        "data/sources/ceseda-r413-13@current.md",
        "data/sources/ceseda-r413-8@current.md",
    ]
    assert all((ROOT / s).is_file() for s in sources)
    for prop in (RDFS.label, RDFS.comment):
        assert {lit.language for lit in legal_graph.objects(DRIFT, prop)} == {"fr", "en"}
