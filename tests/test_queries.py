"""The named queries of ``queries/``, each run on a small known dataset with its exact answer.

The dataset is ``tests/fixtures/queries/conventions.ttl`` (its header tables what each fictional
convention gets wrong); it is loaded with the bundled law and validated, so the queries that read
the stored validation report see it. Every expected row below is worked out from that file and
from the law, not copied from a run: a test that fails shows a query that changed its answer.
Long texts (labels, messages, date bases) are read from the source files with rdflib, an
independent path from the store the queries run on.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import SH
from rdflib.term import Node

from cph_kg import CphKgError
from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.sparql import catalog
from cph_kg.sparql.results import Boolean, Triples
from tests import (
    test_codes_import,  # noqa: F401  (records the code-graph queries it runs)
    test_point_in_time_queries,  # noqa: F401  (records the point-in-time queries)
)
from tests.querying import (
    ASSOC,
    CAF,
    CASF,
    CENTRE,
    CESEDA,
    CONV,
    CPAM,
    CPH,
    DEP,
    EXERCISED,
    FT,
    MISSION,
    OBJECT,
    OBL,
    PE,
    R349,
    SHAPE,
    STORE_KINDS,
    V2016,
    V2021,
    columns,
    count,
    day,
    en,
    exercises,
    fr,
    opened,
    rows,
)

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "queries" / "conventions.ttl"

RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
SKOS_PREF = URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")

TRUE, FALSE = Literal(True), Literal(False)
INJECTION = 'x" } ; DROP ALL ; #'
INJECTION_TERM = '"x\\" } ; DROP ALL ; #"'  # the value as one quoted, escaped literal


@pytest.fixture(scope="module", params=STORE_KINDS)
def kg(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[KnowledgeGraph]:
    """The known dataset, loaded with the bundled law and validated (the report is stored).

    ``server``: the same store served by a real Oxigraph server on 127.0.0.1 and queried as a
    SPARQL 1.1 endpoint, so every expected row below holds on both.
    """
    location = tmp_path_factory.mktemp(f"queries-{request.param}") / "store"
    with KnowledgeGraph.open(location) as store:
        store.load([FIXTURE])
        store.validate()
    with opened(location, request.param) as store:
        yield store


@pytest.fixture(scope="module")
def source() -> Graph:
    """The law, reference data, shapes and ontology as the files say, read with rdflib."""
    graph = Graph()
    paths = [
        *sorted((ROOT / "data" / "legal").glob("*.ttl")),
        *sorted((ROOT / "data" / "reference").glob("*.ttl")),
        ROOT / "shapes" / "r349-2.ttl",
        ROOT / "ontology" / "cph.ttl",
    ]
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


def text(graph: Graph, subject: Node, predicate: Node, lang: str) -> Literal:
    """The one literal in ``lang`` that ``subject`` has for ``predicate`` in the source files."""
    values = [
        o
        for o in graph.objects(subject, predicate)
        if isinstance(o, Literal) and o.language == lang
    ]
    assert len(values) == 1, (subject, predicate, lang, values)
    return values[0]


# --- conventions per département and their conformity ------------------------------------------


@exercises("conventions-by-departement")
def test_conventions_by_departement(kg: KnowledgeGraph) -> None:
    assert columns(kg, "conventions-by-departement") == [
        "departement",
        "code",
        "name",
        "conventions",
        "conforming",
        "nonConforming",
        "notValidated",
    ]
    # 13: 2016 misses III 2° (violation), 2024 conforms. 33: both conform (2022 has only a
    # warning). 44: 2020 misses II 2° (violation), 2025 conforms with a warning.
    assert rows(kg, "conventions-by-departement") == [
        (DEP["13"], Literal("13"), fr("Bouches-du-Rhône"), count(2), count(1), count(1), count(0)),
        (DEP["33"], Literal("33"), fr("Gironde"), count(2), count(2), count(0), count(0)),
        (DEP["44"], Literal("44"), fr("Loire-Atlantique"), count(2), count(1), count(1), count(0)),
    ]
    assert rows(kg, "conventions-by-departement", departement="44") == [
        (DEP["44"], Literal("44"), fr("Loire-Atlantique"), count(2), count(1), count(1), count(0)),
    ]
    assert rows(kg, "conventions-by-departement", departement="69") == []


def test_conventions_never_validated_are_not_called_conforming(tmp_path: Path) -> None:
    """Without a stored report, no convention conforms: it was never examined."""
    with KnowledgeGraph.open(tmp_path / "store") as unvalidated:
        unvalidated.load([FIXTURE])
        answer = unvalidated.query("convention-conforms", convention=str(CONV["q-gironde-2017"]))
        assert answer == Boolean(False)
        assert rows(unvalidated, "conventions-by-departement", departement="33") == [
            (DEP["33"], Literal("33"), fr("Gironde"), count(2), count(0), count(0), count(2)),
        ]


@exercises("convention-conforms")
@pytest.mark.parametrize(
    ("convention", "conforms"),
    [
        ("q-gironde-2017", True),  # no finding at all
        ("q-gironde-2022", True),  # a warning only (no CPAM)
        ("q-loire-atlantique-2025", True),  # a warning only (no CAF)
        ("q-bouches-du-rhone-2016", False),  # violation III 2°
        ("q-loire-atlantique-2020", False),  # violation II 2°, plus a warning and an info
        ("q-not-in-the-store", False),
    ],
)
def test_convention_conforms(kg: KnowledgeGraph, convention: str, conforms: bool) -> None:
    assert kg.query("convention-conforms", convention=str(CONV[convention])) == Boolean(conforms)


@exercises("failed-provisions")
def test_failed_provisions(kg: KnowledgeGraph, source: Graph) -> None:
    def message(shape: URIRef, lang: str) -> Literal:
        return text(source, shape, SH.message, lang)

    assert columns(kg, "failed-provisions") == [
        "convention",
        "identifier",
        "provision",
        "reference",
        "severity",
        "shape",
        "focusNode",
        "value",
        "message",
    ]
    bdr16, gir22 = CONV["q-bouches-du-rhone-2016"], CONV["q-gironde-2022"]
    la20, la25 = CONV["q-loire-atlantique-2020"], CONV["q-loire-atlantique-2025"]
    i, ii2, iii2 = Literal("R. 349-2, I"), Literal("R. 349-2, II, 2°"), Literal("R. 349-2, III, 2°")
    la20_rows = [
        # Within a convention: by reference, then violations, warnings, informations.
        (
            la20,
            Literal("Q-loire-atlantique-2020"),
            R349["I"],
            i,
            SH.Warning,
            SHAPE["Convention-publicEmploymentService"],
            la20,
            None,
            message(SHAPE["Convention-publicEmploymentService"], "fr"),
        ),
        (
            la20,
            Literal("Q-loire-atlantique-2020"),
            R349["I"],
            i,
            SH.Info,
            SHAPE.ActorPresenceStated,
            la20,
            ASSOC["q-pont-des-langues"],
            message(SHAPE.ActorPresenceStated, "fr"),
        ),
        (
            la20,
            Literal("Q-loire-atlantique-2020"),
            R349["II/2"],
            ii2,
            SH.Violation,
            SHAPE["Convention-mission-languageTraining"],
            la20,
            None,
            message(SHAPE["Convention-mission-languageTraining"], "fr"),
        ),
    ]
    assert rows(kg, "failed-provisions") == [
        (
            bdr16,
            Literal("Q-bouches-du-rhone-2016"),
            R349["III/2"],
            iii2,
            SH.Violation,
            SHAPE["Convention-object-meetings"],
            bdr16,
            None,
            message(SHAPE["Convention-object-meetings"], "fr"),
        ),
        (
            gir22,
            Literal("Q-gironde-2022"),
            R349["I"],
            i,
            SH.Warning,
            SHAPE["Convention-cpam"],
            gir22,
            None,
            message(SHAPE["Convention-cpam"], "fr"),
        ),
        *la20_rows,
        (
            la25,
            Literal("Q-loire-atlantique-2025"),
            R349["I"],
            i,
            SH.Warning,
            SHAPE["Convention-caf"],
            la25,
            None,
            message(SHAPE["Convention-caf"], "fr"),
        ),
    ]
    assert rows(kg, "failed-provisions", convention=str(la20)) == la20_rows
    assert rows(kg, "failed-provisions", convention=str(la20), lang="en") == [
        (*row[:-1], message(row[5], "en")) for row in la20_rows
    ]
    assert rows(kg, "failed-provisions", convention=str(CONV["q-gironde-2017"])) == []


@exercises("findings-by-provision")
def test_findings_by_provision(kg: KnowledgeGraph) -> None:
    assert columns(kg, "findings-by-provision") == [
        "provision",
        "reference",
        "severity",
        "conventions",
        "findings",
    ]
    assert rows(kg, "findings-by-provision") == [
        # Warnings on I: no CPAM (gironde-2022), no France Travail (loire-atlantique-2020),
        # no CAF (loire-atlantique-2025); the info: the association of loire-atlantique-2020.
        (R349["I"], Literal("R. 349-2, I"), SH.Warning, count(3), count(3)),
        (R349["I"], Literal("R. 349-2, I"), SH.Info, count(1), count(1)),
        (R349["II/2"], Literal("R. 349-2, II, 2°"), SH.Violation, count(1), count(1)),
        (R349["III/2"], Literal("R. 349-2, III, 2°"), SH.Violation, count(1), count(1)),
    ]


# --- the named bodies --------------------------------------------------------------------------


@exercises(
    "conventions-without-cpam", "conventions-without-caf", "conventions-without-france-travail"
)
def test_conventions_without_a_named_body(kg: KnowledgeGraph) -> None:
    for name in (
        "conventions-without-cpam",
        "conventions-without-caf",
        "conventions-without-france-travail",
    ):
        assert columns(kg, name) == ["convention", "identifier", "departement", "code", "date"]
    assert rows(kg, "conventions-without-cpam") == [
        (
            CONV["q-gironde-2022"],
            Literal("Q-gironde-2022"),
            DEP["33"],
            Literal("33"),
            day("2022-10-03"),
        ),
    ]
    assert rows(kg, "conventions-without-caf") == [
        (
            CONV["q-loire-atlantique-2025"],
            Literal("Q-loire-atlantique-2025"),
            DEP["44"],
            Literal("44"),
            day("2025-04-07"),
        ),
    ]
    assert rows(kg, "conventions-without-france-travail") == [
        (
            CONV["q-loire-atlantique-2020"],
            Literal("Q-loire-atlantique-2020"),
            DEP["44"],
            Literal("44"),
            day("2020-11-18"),
        ),
    ]
    assert rows(kg, "conventions-without-cpam", departement="33") == rows(
        kg, "conventions-without-cpam"
    )
    assert rows(kg, "conventions-without-cpam", departement="13") == []
    assert rows(kg, "conventions-without-caf", departement="33") == []


@exercises("named-bodies-by-convention")
def test_named_bodies_by_convention(kg: KnowledgeGraph) -> None:
    assert columns(kg, "named-bodies-by-convention") == [
        "convention",
        "identifier",
        "departement",
        "code",
        "franceTravail",
        "caf",
        "cpam",
    ]
    expected = [
        ("q-bouches-du-rhone-2016", "13", TRUE, TRUE, TRUE),
        ("q-bouches-du-rhone-2024", "13", TRUE, TRUE, TRUE),
        ("q-gironde-2017", "33", TRUE, TRUE, TRUE),
        ("q-gironde-2022", "33", TRUE, TRUE, FALSE),
        ("q-loire-atlantique-2020", "44", FALSE, TRUE, TRUE),
        ("q-loire-atlantique-2025", "44", TRUE, FALSE, TRUE),
    ]
    assert rows(kg, "named-bodies-by-convention") == [
        (CONV[name], Literal(name.replace("q-", "Q-", 1)), DEP[code], Literal(code), ft, caf, cpam)
        for name, code, ft, caf, cpam in expected
    ]
    assert rows(kg, "named-bodies-by-convention", departement="44") == [
        (CONV[name], Literal(name.replace("q-", "Q-", 1)), DEP[code], Literal(code), ft, caf, cpam)
        for name, code, ft, caf, cpam in expected
        if code == "44"
    ]


# --- parties, centres and actors -------------------------------------------------------------


KIND_FR = {
    CPH.CentreProvisoireHebergement: fr("centre provisoire d'hébergement"),
    CPH.AssociativeActor: fr("acteur associatif"),
    CPH.CaisseAllocationsFamiliales: fr("caisse d'allocations familiales"),
    CPH.CaissePrimaireAssuranceMaladie: fr("caisse primaire d'assurance maladie"),
    CPH.PublicEmploymentService: fr("opérateur public de l'emploi (Pôle emploi, France Travail)"),
}
KIND_EN = {
    CPH.CentreProvisoireHebergement: en("temporary accommodation centre (CPH)"),
    CPH.AssociativeActor: en("associative actor"),
    CPH.CaisseAllocationsFamiliales: en("family allowance fund (CAF)"),
    CPH.CaissePrimaireAssuranceMaladie: en("primary health insurance fund (CPAM)"),
    CPH.PublicEmploymentService: en("public employment service (Pôle emploi, France Travail)"),
}


@exercises("convention-signatories")
def test_convention_signatories(kg: KnowledgeGraph) -> None:
    assert columns(kg, "convention-signatories", convention=str(CONV["q-gironde-2017"])) == [
        "organisation",
        "label",
        "kind",
        "kindLabel",
        "concludes",
    ]
    # The concluding centre first, then the parties by name.
    assert rows(kg, "convention-signatories", convention=str(CONV["q-gironde-2017"])) == [
        (
            CENTRE["q-les-acacias-merignac"],
            fr("Centre provisoire d'hébergement Les Acacias (Mérignac)"),
            CPH.CentreProvisoireHebergement,
            KIND_FR[CPH.CentreProvisoireHebergement],
            TRUE,
        ),
        (
            ASSOC["q-accueil-gironde"],
            fr("Association Accueil Gironde"),
            CPH.AssociativeActor,
            KIND_FR[CPH.AssociativeActor],
            FALSE,
        ),
        (
            CAF["33"],
            fr("Caisse d'allocations familiales de la Gironde"),
            CPH.CaisseAllocationsFamiliales,
            KIND_FR[CPH.CaisseAllocationsFamiliales],
            FALSE,
        ),
        (
            CPAM["33"],
            fr("Caisse primaire d'assurance maladie de la Gironde"),
            CPH.CaissePrimaireAssuranceMaladie,
            KIND_FR[CPH.CaissePrimaireAssuranceMaladie],
            FALSE,
        ),
        (
            FT["33"],
            fr("France Travail (Gironde)"),
            CPH.PublicEmploymentService,
            KIND_FR[CPH.PublicEmploymentService],
            FALSE,
        ),
    ]
    # No France Travail here; names stay French, kinds follow the language asked for.
    assert rows(
        kg, "convention-signatories", convention=str(CONV["q-loire-atlantique-2020"]), lang="en"
    ) == [
        (
            CENTRE["q-l-estuaire-nantes"],
            fr("Centre provisoire d'hébergement L'Estuaire (Nantes)"),
            CPH.CentreProvisoireHebergement,
            KIND_EN[CPH.CentreProvisoireHebergement],
            TRUE,
        ),
        (
            ASSOC["q-pont-des-langues"],
            fr("Association Le Pont des langues"),
            CPH.AssociativeActor,
            KIND_EN[CPH.AssociativeActor],
            FALSE,
        ),
        (
            CAF["44"],
            fr("Caisse d'allocations familiales de la Loire-Atlantique"),
            CPH.CaisseAllocationsFamiliales,
            KIND_EN[CPH.CaisseAllocationsFamiliales],
            FALSE,
        ),
        (
            CPAM["44"],
            fr("Caisse primaire d'assurance maladie de la Loire-Atlantique"),
            CPH.CaissePrimaireAssuranceMaladie,
            KIND_EN[CPH.CaissePrimaireAssuranceMaladie],
            FALSE,
        ),
    ]
    assert rows(kg, "convention-signatories", convention=str(CONV["q-not-in-the-store"])) == []


@exercises("centres-without-convention")
def test_centres_without_convention(kg: KnowledgeGraph) -> None:
    assert columns(kg, "centres-without-convention") == ["centre", "label", "departement", "code"]
    vignes = (
        CENTRE["q-les-vignes-libourne"],
        fr("Centre provisoire d'hébergement Les Vignes (Libourne)"),
        DEP["33"],
        Literal("33"),
    )
    glycines = (
        CENTRE["q-les-glycines-reze"],
        fr("Centre provisoire d'hébergement Les Glycines (Rezé)"),
        DEP["44"],
        Literal("44"),
    )
    assert rows(kg, "centres-without-convention") == [vignes, glycines]
    assert rows(kg, "centres-without-convention", departement="44") == [glycines]
    assert rows(kg, "centres-without-convention", departement="13") == []


@exercises("actors-in-departement")
def test_actors_in_departement(kg: KnowledgeGraph) -> None:
    assert columns(kg, "actors-in-departement", departement="33") == [
        "organisation",
        "label",
        "kind",
        "kindLabel",
    ]
    # By kind (IRI order), then name: the association, CAF, CPAM, the three centres (two
    # with a convention, Les Vignes without), France Travail.
    gironde = [
        (ASSOC["q-accueil-gironde"], fr("Association Accueil Gironde"), CPH.AssociativeActor),
        (
            CAF["33"],
            fr("Caisse d'allocations familiales de la Gironde"),
            CPH.CaisseAllocationsFamiliales,
        ),
        (
            CPAM["33"],
            fr("Caisse primaire d'assurance maladie de la Gironde"),
            CPH.CaissePrimaireAssuranceMaladie,
        ),
        (
            CENTRE["q-le-phare-bordeaux"],
            fr("Centre provisoire d'hébergement Le Phare (Bordeaux)"),
            CPH.CentreProvisoireHebergement,
        ),
        (
            CENTRE["q-les-acacias-merignac"],
            fr("Centre provisoire d'hébergement Les Acacias (Mérignac)"),
            CPH.CentreProvisoireHebergement,
        ),
        (
            CENTRE["q-les-vignes-libourne"],
            fr("Centre provisoire d'hébergement Les Vignes (Libourne)"),
            CPH.CentreProvisoireHebergement,
        ),
        (FT["33"], fr("France Travail (Gironde)"), CPH.PublicEmploymentService),
        # Pôle emploi's unit, which France Travail replaced on 1 January 2024, stays present
        (PE["33"], fr("Pôle emploi (Gironde)"), CPH.PublicEmploymentService),
    ]
    assert rows(kg, "actors-in-departement", departement="33") == [
        (org, label, kind, KIND_FR[kind]) for org, label, kind in gironde
    ]
    # The association of Le Pont des langues states no département: it is in none.
    loire_atlantique = [
        (
            CAF["44"],
            fr("Caisse d'allocations familiales de la Loire-Atlantique"),
            CPH.CaisseAllocationsFamiliales,
        ),
        (
            CPAM["44"],
            fr("Caisse primaire d'assurance maladie de la Loire-Atlantique"),
            CPH.CaissePrimaireAssuranceMaladie,
        ),
        (
            CENTRE["q-l-estuaire-nantes"],
            fr("Centre provisoire d'hébergement L'Estuaire (Nantes)"),
            CPH.CentreProvisoireHebergement,
        ),
        (
            CENTRE["q-les-glycines-reze"],
            fr("Centre provisoire d'hébergement Les Glycines (Rezé)"),
            CPH.CentreProvisoireHebergement,
        ),
        (FT["44"], fr("France Travail (Loire-Atlantique)"), CPH.PublicEmploymentService),
        (PE["44"], fr("Pôle emploi (Loire-Atlantique)"), CPH.PublicEmploymentService),
    ]
    assert rows(kg, "actors-in-departement", departement="44", lang="en") == [
        (org, label, kind, KIND_EN[kind]) for org, label, kind in loire_atlantique
    ]
    # A département with reference bodies only (Rhône: no centre in the dataset).
    assert [row[0] for row in rows(kg, "actors-in-departement", departement="69")] == [
        CAF["69"],
        CPAM["69"],
        FT["69"],
        PE["69"],
    ]


# --- what each convention covers ---------------------------------------------------------------

CONCEPTS = [  # in the order of their provision references
    (R349["II/1"], "R. 349-2, II, 1°", MISSION["information-sensibilisation"], "II-1"),
    (R349["II/2"], "R. 349-2, II, 2°", MISSION["acces-formation-linguistique"], "II-2"),
    (R349["III/1"], "R. 349-2, III, 1°", OBJECT["role-des-acteurs"], "III-1"),
    (R349["III/2"], "R. 349-2, III, 2°", OBJECT["rencontres-regulieres"], "III-2"),
    (R349["III/3"], "R. 349-2, III, 3°", OBJECT["mission-de-conseil"], "III-3"),
    (R349["III/4"], "R. 349-2, III, 4°", OBJECT["accompagnement-ponctuel"], "III-4"),
]
CONVENTIONS = [  # in the order of their identifiers
    "q-bouches-du-rhone-2016",
    "q-bouches-du-rhone-2024",
    "q-gironde-2017",
    "q-gironde-2022",
    "q-loire-atlantique-2020",
    "q-loire-atlantique-2025",
]
MISSING = {
    ("q-bouches-du-rhone-2016", OBJECT["rencontres-regulieres"]),
    ("q-loire-atlantique-2020", MISSION["acces-formation-linguistique"]),
}


@exercises("convention-coverage")
def test_convention_coverage(kg: KnowledgeGraph) -> None:
    assert columns(kg, "convention-coverage") == [
        "convention",
        "identifier",
        "provision",
        "reference",
        "concept",
        "notation",
        "covered",
    ]

    def expected(name: str) -> list[tuple]:
        return [
            (
                CONV[name],
                Literal(name.replace("q-", "Q-", 1)),
                provision,
                Literal(reference),
                concept,
                Literal(notation),
                FALSE if (name, concept) in MISSING else TRUE,
            )
            for provision, reference, concept, notation in CONCEPTS
        ]

    assert rows(kg, "convention-coverage") == [
        row for name in CONVENTIONS for row in expected(name)
    ]
    assert rows(
        kg, "convention-coverage", convention=str(CONV["q-bouches-du-rhone-2016"])
    ) == expected("q-bouches-du-rhone-2016")


# --- dates ---------------------------------------------------------------------------------------

BY_DATE = [
    ("q-bouches-du-rhone-2016", "2016-09-20", "13"),
    ("q-gironde-2017", "2017-06-15", "33"),
    ("q-loire-atlantique-2020", "2020-11-18", "44"),
    ("q-gironde-2022", "2022-10-03", "33"),
    ("q-bouches-du-rhone-2024", "2024-02-05", "13"),
    ("q-loire-atlantique-2025", "2025-04-07", "44"),
]


@exercises("conventions-concluded-between")
def test_conventions_concluded_between(kg: KnowledgeGraph) -> None:
    def expected(*names: str) -> list[tuple]:
        return [
            (CONV[name], Literal(name.replace("q-", "Q-", 1)), day(date), DEP[code], Literal(code))
            for name, date, code in BY_DATE
            if name in names
        ]

    everything = [name for name, _, _ in BY_DATE]
    assert columns(kg, "conventions-concluded-between") == [
        "convention",
        "identifier",
        "date",
        "departement",
        "code",
    ]
    assert rows(kg, "conventions-concluded-between") == expected(*everything)
    # `after` is included and `before` excluded: 2024-02-05 is in the second window only.
    assert rows(
        kg, "conventions-concluded-between", after="2020-01-01", before="2024-02-05"
    ) == expected("q-loire-atlantique-2020", "q-gironde-2022")
    assert rows(kg, "conventions-concluded-between", after="2024-02-05") == expected(
        "q-bouches-du-rhone-2024", "q-loire-atlantique-2025"
    )
    assert rows(kg, "conventions-concluded-between", before="2016-09-20") == []
    assert rows(kg, "conventions-concluded-between", departement="33") == expected(
        "q-gironde-2017", "q-gironde-2022"
    )
    assert rows(
        kg, "conventions-concluded-between", after="2018-01-01", departement="33"
    ) == expected("q-gironde-2022")


@exercises("applicable-article-version")
def test_applicable_article_version(kg: KnowledgeGraph) -> None:
    assert columns(kg, "applicable-article-version") == [
        "convention",
        "identifier",
        "date",
        "version",
        "inForceFrom",
        "languageTrainingArticle",
        "languageTrainingReference",
    ]
    # The 2016 version runs to 2021-04-30 and cites R. 311-24; the 2021 one cites R. 413-8.
    old = (V2016, day("2016-03-04"), CESEDA["R311-24"], Literal("R. 311-24"))
    new = (V2021, day("2021-05-01"), CESEDA["R413-8"], Literal("R. 413-8"))
    expected = [
        (
            CONV[name],
            Literal(name.replace("q-", "Q-", 1)),
            day(date),
            *(old if date < "2021-05-01" else new),
        )
        for name, date, _ in BY_DATE
    ]
    assert rows(kg, "applicable-article-version") == expected
    assert rows(kg, "applicable-article-version", convention=str(CONV["q-gironde-2022"])) == [
        (CONV["q-gironde-2022"], Literal("Q-gironde-2022"), day("2022-10-03"), *new)
    ]


# --- the law -----------------------------------------------------------------------------------


@exercises("article-versions")
def test_article_versions(kg: KnowledgeGraph, source: Graph) -> None:
    assert columns(kg, "article-versions") == [
        "version",
        "label",
        "inForceFrom",
        "inForceFromCertainty",
        "noLongerInForce",
        "noLongerInForceCertainty",
        "dateBasis",
    ]
    for lang in ("fr", "en"):
        assert rows(kg, "article-versions", lang=lang) == [
            # Both dates of 2016 are inferred; the 2021 version has no known end.
            (
                V2016,
                text(source, V2016, RDFS_LABEL, lang),
                day("2016-03-04"),
                CPH.Inferred,
                day("2021-04-30"),
                CPH.Inferred,
                text(source, V2016, CPH.dateBasis, lang),
            ),
            (
                V2021,
                text(source, V2021, RDFS_LABEL, lang),
                day("2021-05-01"),
                CPH.Inferred,
                None,
                None,
                text(source, V2021, CPH.dateBasis, lang),
            ),
        ]
    assert rows(kg, "article-versions") == rows(kg, "article-versions", lang="fr")


@exercises("article-citations")
def test_article_citations(kg: KnowledgeGraph) -> None:
    assert columns(kg, "article-citations") == [
        "version",
        "inForceFrom",
        "cited",
        "citedReference",
        "citedLabel",
        "wording",
        "citingReference",
    ]
    l349 = (
        CASF["L349-2"],
        Literal("L. 349-2"),
        fr("Article L. 349-2 du code de l'action sociale et des familles"),
    )
    r311 = (
        CESEDA["R311-24"],
        Literal("R. 311-24"),
        fr(
            "Article R. 311-24 du code de l'entrée et du séjour des étrangers et du droit d'asile "
            "(numérotation antérieure au 1er mai 2021)"
        ),
    )
    r413 = (
        CESEDA["R413-8"],
        Literal("R. 413-8"),
        fr("Article R. 413-8 du code de l'entrée et du séjour des étrangers et du droit d'asile"),
    )
    # Each version cites L. 349-2 in its I and the language-training article in its II 2°.
    assert rows(kg, "article-citations") == [
        (V2016, day("2016-03-04"), *l349, R349["version/2016-03-04/I"], Literal("R. 349-2, I")),
        (
            V2016,
            day("2016-03-04"),
            *r311,
            R349["version/2016-03-04/II/2"],
            Literal("R. 349-2, II, 2°"),
        ),
        (V2021, day("2021-05-01"), *l349, R349["version/2021-05-01/I"], Literal("R. 349-2, I")),
        (
            V2021,
            day("2021-05-01"),
            *r413,
            R349["version/2021-05-01/II/2"],
            Literal("R. 349-2, II, 2°"),
        ),
    ]
    assert [row[4] for row in rows(kg, "article-citations", lang="en")] == [
        en("Article L. 349-2 of the Social Action and Families Code"),
        en("Article R. 311-24 of the CESEDA (numbering before 1 May 2021)"),
        en("Article L. 349-2 of the Social Action and Families Code"),
        en("Article R. 413-8 of the CESEDA"),
    ]


@exercises("obligations")
def test_obligations(kg: KnowledgeGraph, source: Graph) -> None:
    assert columns(kg, "obligations") == [
        "obligation",
        "label",
        "provision",
        "reference",
        "requirementText",
        "force",
        "forceLabel",
        "shape",
        "severity",
    ]
    # By reference, then obligation IRI, then shape IRI; only shapes with their own severity.
    # The named bodies ("notamment") are indicative and warned about; everything else is strict.
    structure = [
        (
            "acteurs-du-departement",
            "I",
            "R. 349-2, I",
            CPH.Strict,
            "ActorsInDepartement",
            SH.Violation,
        ),
        (
            "acteurs-du-departement",
            "I",
            "R. 349-2, I",
            CPH.Strict,
            "Convention-integrationActor",
            SH.Violation,
        ),
        ("acteurs-nommes", "I", "R. 349-2, I", CPH.Indicative, "Convention-caf", SH.Warning),
        ("acteurs-nommes", "I", "R. 349-2, I", CPH.Indicative, "Convention-cpam", SH.Warning),
        (
            "acteurs-nommes",
            "I",
            "R. 349-2, I",
            CPH.Indicative,
            "Convention-publicEmploymentService",
            SH.Warning,
        ),
        (
            "conclure-convention",
            "I",
            "R. 349-2, I",
            CPH.Strict,
            "Convention-concludedBy-cph",
            SH.Violation,
        ),
        (
            "conclure-convention",
            "I",
            "R. 349-2, I",
            CPH.Strict,
            "Convention-concludedBy-present",
            SH.Violation,
        ),
        (
            "rappeler-mission-information",
            "II/1",
            "R. 349-2, II, 1°",
            CPH.Strict,
            "Convention-mission-information",
            SH.Violation,
        ),
        (
            "rappeler-mission-formation-linguistique",
            "II/2",
            "R. 349-2, II, 2°",
            CPH.Strict,
            "Convention-mission-languageTraining",
            SH.Violation,
        ),
        (
            "objet-role-des-acteurs",
            "III/1",
            "R. 349-2, III, 1°",
            CPH.Strict,
            "Convention-object-roles",
            SH.Violation,
        ),
        (
            "objet-rencontres-regulieres",
            "III/2",
            "R. 349-2, III, 2°",
            CPH.Strict,
            "Convention-object-meetings",
            SH.Violation,
        ),
        (
            "objet-mission-de-conseil",
            "III/3",
            "R. 349-2, III, 3°",
            CPH.Strict,
            "Convention-object-advice",
            SH.Violation,
        ),
        (
            "objet-accompagnement-ponctuel",
            "III/4",
            "R. 349-2, III, 4°",
            CPH.Strict,
            "Convention-object-support",
            SH.Violation,
        ),
    ]
    force_label = {
        "fr": {CPH.Strict: fr("impérative"), CPH.Indicative: fr("indicative")},
        "en": {CPH.Strict: en("strict"), CPH.Indicative: en("indicative")},
    }
    for lang in ("fr", "en"):
        assert rows(kg, "obligations", lang=lang) == [
            (
                OBL[name],
                text(source, OBL[name], RDFS_LABEL, lang),
                R349[provision],
                Literal(reference),
                text(source, OBL[name], CPH.requirementText, "fr"),
                force,
                force_label[lang][force],
                SHAPE[shape],
                severity,
            )
            for name, provision, reference, force, shape, severity in structure
        ]


# --- a convention as a graph -----------------------------------------------------------------


@exercises("construct-convention")
def test_construct_convention(kg: KnowledgeGraph, source: Graph) -> None:
    convention = CONV["q-bouches-du-rhone-2016"]
    fixture = Graph().parse(FIXTURE, format="turtle")
    # The convention, its centre (described in the fixture), the three bodies, the département,
    # the two missions and three objects it has (not III 2°), from the files.
    expected = Graph()
    expected += fixture.triples((convention, None, None))
    expected += fixture.triples((CENTRE["q-la-calanque-marseille"], None, None))
    described = [
        FT["13"],
        CAF["13"],
        CPAM["13"],
        DEP["13"],
        MISSION["information-sensibilisation"],
        MISSION["acces-formation-linguistique"],
        OBJECT["role-des-acteurs"],
        OBJECT["mission-de-conseil"],
        OBJECT["accompagnement-ponctuel"],
        R349["III/2"],  # the provision its one finding names
    ]
    for subject in described:
        assert (subject, None, None) in source, subject
        expected += source.triples((subject, None, None))
    # The stored report says on which day it was judged and which version of R349-2 applied.
    expected.add((convention, CPH.evaluatedOn, Literal("2016-09-20", datatype=XSD.date)))
    expected.add((convention, CPH.appliedVersion, V2016))
    # Its one finding, as the stored report holds it.
    finding = BNode()
    shape = SHAPE["Convention-object-meetings"]
    for p, o in [
        (RDF.type, SH.ValidationResult),
        (SH.focusNode, convention),
        (SH.resultPath, CPH.hasObject),
        (SH.resultSeverity, SH.Violation),
        (SH.sourceConstraintComponent, SH.HasValueConstraintComponent),
        (SH.sourceShape, shape),
        (SH.resultMessage, text(source, shape, SH.message, "fr")),
        (SH.resultMessage, text(source, shape, SH.message, "en")),
        (CPH.concernsConvention, convention),
        (CPH.provision, R349["III/2"]),
    ]:
        expected.add((finding, p, o))

    result = kg.query("construct-convention", convention=str(convention))
    assert isinstance(result, Triples)
    if not isomorphic(result.graph, expected):
        _, missing, extra = graph_diff(to_isomorphic(expected), to_isomorphic(result.graph))
        pytest.fail(
            "construct-convention differs\nmissing:\n"
            + missing.serialize(format="nt")
            + "\nextra:\n"
            + extra.serialize(format="nt")
        )

    unknown = kg.query("construct-convention", convention=str(CONV["q-not-in-the-store"]))
    assert isinstance(unknown, Triples) and len(unknown.graph) == 0


# --- the catalog itself ---------------------------------------------------------------------


def test_every_query_has_a_title_a_description_and_a_test() -> None:
    queries = catalog.named_queries()
    names = {path.stem for path in (ROOT / "queries").glob("*.rq")}
    assert set(queries) == names
    assert len(names) >= 13
    for name, query in queries.items():
        assert query.title and query.title != name, f"{name}: no Title"
        assert len(query.description) > 40, f"{name}: no Description"
        assert query.form in ("SELECT", "ASK", "CONSTRUCT"), name
        assert (query.form == "CONSTRUCT") == name.startswith("construct-"), f"{name}: ODK naming"
        for parameter in query.parameters:
            assert parameter.description, f"{name}: parameter {parameter.name} is not described"
    assert sorted(names - EXERCISED) == [], "queries without a test"
    assert sorted(EXERCISED - names) == [], "tests of queries that do not exist"


@pytest.mark.parametrize("name", ["failed-provisions", "obligations", "article-versions"])
def test_a_hostile_string_parameter_is_one_literal(kg: KnowledgeGraph, name: str) -> None:
    before = kg.info()
    # The value is a language no message has: as a literal it matches nothing, and it cannot
    # close the query, run an update or comment out the rest.
    assert INJECTION_TERM in catalog.resolve(name).bind({"lang": INJECTION})
    assert rows(kg, name, lang=INJECTION) == []
    assert kg.info() == before
    assert len(rows(kg, name, lang="fr")) > 0


def test_a_hostile_iri_parameter_is_refused(kg: KnowledgeGraph) -> None:
    before = kg.info()
    with pytest.raises(CphKgError, match="not an absolute IRI"):
        kg.query("convention-conforms", convention=f"{CONV['q-gironde-2017']}> }} ; DROP ALL ; #")
    assert kg.info() == before
