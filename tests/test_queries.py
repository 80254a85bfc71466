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
from datetime import date
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
    test_query_bodies,  # noqa: F401  (records bodies-of-departement)
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
CONVENTIONS_DIR = ROOT / "data" / "conventions"
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
        "cannotBeAssessed",
        "notJudged",
        "notValidated",
    ]

    def row(code: str, name: str, *counts: int) -> tuple:
        return (DEP[code], Literal(code), fr(name), *(count(n) for n in counts))

    # Default reading (the named bodies are required). 13: 2016 misses III 2°, 2024 conforms.
    # 33: 2017 conforms, 2022 lacks the CPAM. 44: 2020 misses II 2° and France Travail, 2025
    # lacks the CAF.
    assert rows(kg, "conventions-by-departement") == [
        row("13", "Bouches-du-Rhône", 2, 1, 1, 0, 0, 0),
        row("33", "Gironde", 2, 1, 1, 0, 0, 0),
        row("44", "Loire-Atlantique", 2, 0, 2, 0, 0, 0),
    ]
    # Illustrative reading: a missing named body is a warning; only 2016 and 2020 fail.
    assert rows(kg, "conventions-by-departement", reading="illustrative") == [
        row("13", "Bouches-du-Rhône", 2, 1, 1, 0, 0, 0),
        row("33", "Gironde", 2, 2, 0, 0, 0, 0),
        row("44", "Loire-Atlantique", 2, 1, 1, 0, 0, 0),
    ]
    assert rows(kg, "conventions-by-departement", departement="44") == [
        row("44", "Loire-Atlantique", 2, 0, 2, 0, 0, 0),
    ]
    assert rows(kg, "conventions-by-departement", departement="69") == []


def test_conventions_never_validated_are_not_called_conforming(tmp_path: Path) -> None:
    """Without a stored report, no convention conforms: it was never examined."""
    with KnowledgeGraph.open(tmp_path / "store") as unvalidated:
        unvalidated.load([FIXTURE])
        answer = unvalidated.query("convention-conforms", convention=str(CONV["q-gironde-2017"]))
        assert answer == Boolean(False)
        assert rows(unvalidated, "conventions-by-departement", departement="33") == [
            (DEP["33"], Literal("33"), fr("Gironde"), *(count(n) for n in (2, 0, 0, 0, 0, 2))),
        ]


@exercises("convention-conforms")
@pytest.mark.parametrize(
    ("convention", "required", "illustrative"),
    [
        ("q-gironde-2017", True, True),  # no finding at all
        ("q-gironde-2022", False, True),  # no CPAM: a violation, or a warning
        ("q-loire-atlantique-2025", False, True),  # no CAF: a violation, or a warning
        ("q-bouches-du-rhone-2016", False, False),  # violation III 2°
        ("q-loire-atlantique-2020", False, False),  # violation II 2°, no France Travail, an info
        ("q-not-in-the-store", False, False),
    ],
)
def test_convention_conforms(
    kg: KnowledgeGraph, convention: str, required: bool, illustrative: bool
) -> None:
    iri = str(CONV[convention])
    assert kg.query("convention-conforms", convention=iri) == Boolean(required)
    assert kg.query("convention-conforms", convention=iri, reading="illustrative") == Boolean(
        illustrative
    )


@exercises("verdicts-by-reading", "readings-compared")
def test_verdicts_by_reading_and_readings_compared(kg: KnowledgeGraph) -> None:
    """Every validate --store keeps one report per reading: the verdicts can be compared."""
    assert columns(kg, "verdicts-by-reading") == [
        "convention",
        "identifier",
        "reading",
        "verdict",
        "verdictLabel",
        "judgedOn",
        "appliedVersion",
    ]
    gir22 = CONV["q-gironde-2022"]
    assert rows(kg, "verdicts-by-reading", convention=str(gir22), lang="en") == [
        (
            gir22,
            Literal("Q-gironde-2022"),
            Literal("illustrative"),
            CPH.Conforms,
            en("conforms"),
            day("2022-10-03"),
            V2021,
        ),
        (
            gir22,
            Literal("Q-gironde-2022"),
            Literal("required"),
            CPH.DoesNotConform,
            en("does not conform"),
            day("2022-10-03"),
            V2021,
        ),
    ]
    assert len(rows(kg, "verdicts-by-reading")) == 12  # six conventions, two readings
    assert columns(kg, "readings-compared") == [
        "convention",
        "identifier",
        "defaultReading",
        "defaultVerdict",
        "otherReading",
        "otherVerdict",
    ]
    assert rows(kg, "readings-compared") == [
        (
            CONV[name],
            Literal(name.replace("q-", "Q-", 1)),
            Literal("required"),
            CPH.DoesNotConform,
            Literal("illustrative"),
            CPH.Conforms,
        )
        for name in ("q-gironde-2022", "q-loire-atlantique-2025")
    ]


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
        "ruleKind",
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
            SH.Violation,
            CPH.LegalRequirement,
            SHAPE["Convention-publicEmploymentService-required"],
            la20,
            la20,
            message(SHAPE["Convention-publicEmploymentService-required"], "fr"),
        ),
        (
            la20,
            Literal("Q-loire-atlantique-2020"),
            R349["I"],
            i,
            SH.Info,
            CPH.DataQuality,
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
            CPH.LegalRequirement,
            SHAPE["Convention-mission-languageTraining"],
            la20,
            la20,
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
            CPH.LegalRequirement,
            SHAPE["Convention-object-meetings"],
            bdr16,
            bdr16,
            message(SHAPE["Convention-object-meetings"], "fr"),
        ),
        (
            gir22,
            Literal("Q-gironde-2022"),
            R349["I"],
            i,
            SH.Violation,
            CPH.LegalRequirement,
            SHAPE["Convention-cpam-required"],
            gir22,
            gir22,
            message(SHAPE["Convention-cpam-required"], "fr"),
        ),
        *la20_rows,
        (
            la25,
            Literal("Q-loire-atlantique-2025"),
            R349["I"],
            i,
            SH.Violation,
            CPH.LegalRequirement,
            SHAPE["Convention-caf-required"],
            la25,
            la25,
            message(SHAPE["Convention-caf-required"], "fr"),
        ),
    ]
    assert rows(kg, "failed-provisions", convention=str(la20)) == la20_rows
    assert rows(kg, "failed-provisions", convention=str(la20), lang="en") == [
        (*row[:-1], message(row[6], "en")) for row in la20_rows
    ]
    illustrative = rows(kg, "failed-provisions", convention=str(la20), reading="illustrative")
    assert [row[6] for row in illustrative] == [
        SHAPE["Convention-publicEmploymentService-illustrative"],
        SHAPE.ActorPresenceStated,
        SHAPE["Convention-mission-languageTraining"],
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
        # Violations of I (default reading): no CPAM (gironde-2022), no France Travail
        # (loire-atlantique-2020), no CAF (loire-atlantique-2025); the info: the association of
        # loire-atlantique-2020.
        (R349["I"], Literal("R. 349-2, I"), SH.Violation, count(3), count(3)),
        (R349["I"], Literal("R. 349-2, I"), SH.Info, count(1), count(1)),
        (R349["II/2"], Literal("R. 349-2, II, 2°"), SH.Violation, count(1), count(1)),
        (R349["III/2"], Literal("R. 349-2, III, 2°"), SH.Violation, count(1), count(1)),
    ]
    assert rows(kg, "findings-by-provision", reading="illustrative")[0] == (
        R349["I"],
        Literal("R. 349-2, I"),
        SH.Warning,
        count(3),
        count(3),
    )


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


@exercises("centres-without-convention-in-force")
def test_centres_without_convention_in_force(kg: KnowledgeGraph) -> None:
    assert columns(kg, "centres-without-convention-in-force", on="2020-01-01") == [
        "centre",
        "label",
        "departement",
        "code",
        "day",
        "lastConvention",
        "lastEnd",
    ]

    def centre(name: str, label: str, code: str, on: str, last: str | None) -> tuple:
        return (
            CENTRE[name],
            fr(f"Centre provisoire d'hébergement {label}"),
            DEP[code],
            Literal(code),
            day(on),
            CONV[last] if last else None,
            None,
        )

    # On 1 January 2020: L'Estuaire's first convention is of November 2020, Le Phare's of
    # 2022; Les Vignes and Les Glycines conclude none. (No convention of the dataset has an end.)
    assert rows(kg, "centres-without-convention-in-force", on="2020-01-01") == [
        centre("q-le-phare-bordeaux", "Le Phare (Bordeaux)", "33", "2020-01-01", "q-gironde-2022"),
        centre("q-les-vignes-libourne", "Les Vignes (Libourne)", "33", "2020-01-01", None),
        centre(
            "q-l-estuaire-nantes",
            "L'Estuaire (Nantes)",
            "44",
            "2020-01-01",
            "q-loire-atlantique-2025",
        ),
        centre("q-les-glycines-reze", "Les Glycines (Rezé)", "44", "2020-01-01", None),
    ]
    today = rows(kg, "centres-without-convention-in-force", departement="44")
    assert [row[0] for row in today] == [CENTRE["q-les-glycines-reze"]]


def test_centres_without_convention_in_force_follow_ends_and_renewals(tmp_path: Path) -> None:
    """The expired and the renewed conventions of the examples, on days around their ends."""
    files = [CONVENTIONS_DIR / "non-conforming" / name for name in ("expired.ttl", "amended.ttl")]
    with KnowledgeGraph.open(tmp_path / "store") as store:
        store.load(files)

        def without(on: str) -> list:
            return [row[0] for row in rows(store, "centres-without-convention-in-force", on=on)]

        port, chartrons = CENTRE["le-port-de-la-lune-bordeaux"], CENTRE["les-chartrons-bordeaux"]
        assert without("2019-06-02") == [chartrons]  # concluded on 3 June
        assert without("2021-12-31") == []
        assert without("2022-01-01") == [port]  # the expired one ended on 31 December 2021
        assert without("2022-06-10") == [port]  # the other renewed from 3 June 2022
        assert without("2026-01-01") == [port, chartrons]  # renewed until 31 December 2025


@exercises("centre-conventions-in-force")
def test_centre_conventions_in_force_and_their_verdict_on_the_day(tmp_path: Path) -> None:
    """Does a centre have a conforming convention in force on a day? The amended example.

    conv:amended (Les Chartrons) is concluded on 3 June 2019 without the CPAM and without the
    regular meetings; its avenant adds both from 1 January 2020; it ends on 2 June 2022 and is
    renewed from 3 June 2022 until 31 December 2025. The verdict shown is the stored report's
    only when it judged the convention on the day asked.
    """
    files = [CONVENTIONS_DIR / "non-conforming" / name for name in ("expired.ttl", "amended.ttl")]
    chartrons, port = CENTRE["les-chartrons-bordeaux"], CENTRE["le-port-de-la-lune-bordeaux"]
    amended, expired = CONV["amended"], CONV["expired"]
    with KnowledgeGraph.open(tmp_path / "store") as store:
        store.load(files)
        assert columns(store, "centre-conventions-in-force", centre=str(chartrons)) == [
            "convention",
            "identifier",
            "day",
            "start",
            "end",
            "verdict",
        ]

        def in_force(centre: URIRef, on: str, reading: str = "required") -> list[tuple]:
            return rows(
                store, "centre-conventions-in-force", centre=str(centre), on=on, reading=reading
            )

        store.validate()  # each convention judged on its date of conclusion
        amended_row = (amended, Literal("EX-amended"), day("2019-06-03"), day("2019-06-03"))
        assert in_force(chartrons, "2019-06-02") == []
        assert in_force(chartrons, "2019-06-03") == [
            (*amended_row, day("2022-06-02"), CPH.DoesNotConform)
        ]
        assert in_force(chartrons, "2019-06-03", "illustrative") == [
            (*amended_row, day("2022-06-02"), CPH.DoesNotConform)  # the meetings are missing
        ]
        on_2020 = (amended, Literal("EX-amended"), day("2020-06-01"), day("2019-06-03"))
        assert in_force(chartrons, "2020-06-01") == [(*on_2020, day("2022-06-02"), None)]
        store.validate(as_of=date(2020, 6, 1))  # as amended that day: the CPAM, the meetings
        assert in_force(chartrons, "2020-06-01") == [(*on_2020, day("2022-06-02"), CPH.Conforms)]
        renewed = (amended, Literal("EX-amended"), day("2022-06-10"), day("2019-06-03"))
        assert in_force(chartrons, "2022-06-10") == [(*renewed, day("2025-12-31"), None)]
        assert in_force(chartrons, "2026-01-01") == []
        assert in_force(port, "2021-12-31") == [
            (
                expired,
                Literal("EX-expired"),
                day("2021-12-31"),
                day("2019-01-07"),
                day("2021-12-31"),
                None,
            )
        ]
        assert in_force(port, "2022-01-01") == []


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
        # Pôle emploi and France Travail are one body: one unit, named by its dated names
        (FT["33"], fr("France Travail (Gironde)"), CPH.PublicEmploymentService),
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
    ]
    assert rows(kg, "actors-in-departement", departement="44", lang="en") == [
        (org, label, kind, KIND_EN[kind]) for org, label, kind in loire_atlantique
    ]
    # A département with reference bodies only (Rhône: no centre in the dataset).
    assert [row[0] for row in rows(kg, "actors-in-departement", departement="69")] == [
        CAF["69"],
        CPAM["69"],
        FT["69"],
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
        "article",
        "version",
        "inForceFrom",
        "languageTrainingArticle",
        "languageTrainingReference",
    ]
    # The 2016 version runs to 2021-04-30 and cites R. 311-24; the 2021 one cites R. 413-8.
    r349 = CASF["R349-2"]
    old = (r349, V2016, day("2016-03-05"), CESEDA["R311-24"], Literal("R. 311-24"))
    new = (r349, V2021, day("2021-05-01"), CESEDA["R413-8"], Literal("R. 413-8"))
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


def test_applicable_article_version_before_r349_2(tmp_path: Path) -> None:
    """A convention of 2015 is governed by L. 349-2, on which R349-2 is based."""
    with KnowledgeGraph.open(tmp_path / "store") as store:
        store.load([CONVENTIONS_DIR / "conforming" / "l349-2-2015-09.ttl"])
        assert rows(store, "applicable-article-version") == [
            (
                CONV["l349-2-2015-09"],
                Literal("EX-l349-2-2015-09"),
                day("2015-09-15"),
                CASF["L349-2"],
                CASF["L349-2/version/2015-07-31"],
                day("2015-07-31"),
                None,
                None,
            )
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
                day("2016-03-05"),
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
        (V2016, day("2016-03-05"), *l349, R349["version/2016-03-05/I"], Literal("R. 349-2, I")),
        (
            V2016,
            day("2016-03-05"),
            *r311,
            R349["version/2016-03-05/II/2"],
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
        "reading",
        "force",
        "forceLabel",
        "shape",
        "severity",
    ]
    # By reference, then obligation IRI, reading and shape IRI; only shapes with a severity.
    # The named bodies ("notamment") have the force each reading gives them, and each reading
    # its own shapes; everything else is strict (information shapes say what the text allows).
    l349 = CASF["L349-2/obligation/conclure-conventions"]
    strict, indicative = CPH.Strict, CPH.Indicative
    structure = [
        (
            l349,
            CASF["L349-2/III"],
            "L. 349-2, III",
            None,
            strict,
            "Centre-conventionInForce-L349-2",
            SH.Violation,
        ),
        (
            l349,
            CASF["L349-2/III"],
            "L. 349-2, III",
            None,
            strict,
            "Convention-L349-2-concludedBy-cph",
            SH.Violation,
        ),
        (
            l349,
            CASF["L349-2/III"],
            "L. 349-2, III",
            None,
            strict,
            "Convention-L349-2-concludedBy-present",
            SH.Violation,
        ),
        (
            l349,
            CASF["L349-2/III"],
            "L. 349-2, III",
            None,
            strict,
            "Convention-L349-2-integrationActor",
            SH.Violation,
        ),
        (
            "acteurs-du-departement",
            "I",
            "R. 349-2, I",
            None,
            strict,
            "Convention-actorElsewhere",
            SH.Info,
        ),
        (
            "acteurs-du-departement",
            "I",
            "R. 349-2, I",
            None,
            strict,
            "Convention-integrationActor",
            SH.Violation,
        ),
        (
            "acteurs-nommes",
            "I",
            "R. 349-2, I",
            "illustrative",
            indicative,
            "Convention-caf-illustrative",
            SH.Warning,
        ),
        (
            "acteurs-nommes",
            "I",
            "R. 349-2, I",
            "illustrative",
            indicative,
            "Convention-cpam-illustrative",
            SH.Warning,
        ),
        (
            "acteurs-nommes",
            "I",
            "R. 349-2, I",
            "illustrative",
            indicative,
            "Convention-publicEmploymentService-illustrative",
            SH.Warning,
        ),
        (
            "acteurs-nommes",
            "I",
            "R. 349-2, I",
            "required",
            strict,
            "Convention-caf-required",
            SH.Violation,
        ),
        (
            "acteurs-nommes",
            "I",
            "R. 349-2, I",
            "required",
            strict,
            "Convention-cpam-required",
            SH.Violation,
        ),
        (
            "acteurs-nommes",
            "I",
            "R. 349-2, I",
            "required",
            strict,
            "Convention-publicEmploymentService-required",
            SH.Violation,
        ),
        (
            "conclure-convention",
            "I",
            "R. 349-2, I",
            None,
            strict,
            "Centre-conventionInForce",
            SH.Violation,
        ),
        (
            "conclure-convention",
            "I",
            "R. 349-2, I",
            None,
            strict,
            "Convention-concludedBy-cph",
            SH.Violation,
        ),
        (
            "conclure-convention",
            "I",
            "R. 349-2, I",
            None,
            strict,
            "Convention-concludedBy-otherCentre",
            SH.Info,
        ),
        (
            "conclure-convention",
            "I",
            "R. 349-2, I",
            None,
            strict,
            "Convention-concludedBy-present",
            SH.Violation,
        ),
        (
            "rappeler-mission-information",
            "II/1",
            "R. 349-2, II, 1°",
            None,
            strict,
            "Convention-mission-information",
            SH.Violation,
        ),
        (
            "rappeler-mission-formation-linguistique",
            "II/2",
            "R. 349-2, II, 2°",
            None,
            strict,
            "Convention-mission-languageTraining",
            SH.Violation,
        ),
        (
            "objet-role-des-acteurs",
            "III/1",
            "R. 349-2, III, 1°",
            None,
            strict,
            "Convention-object-roles",
            SH.Violation,
        ),
        (
            "objet-rencontres-regulieres",
            "III/2",
            "R. 349-2, III, 2°",
            None,
            strict,
            "Convention-object-meetings",
            SH.Violation,
        ),
        (
            "objet-mission-de-conseil",
            "III/3",
            "R. 349-2, III, 3°",
            None,
            strict,
            "Convention-object-advice",
            SH.Violation,
        ),
        (
            "objet-accompagnement-ponctuel",
            "III/4",
            "R. 349-2, III, 4°",
            None,
            strict,
            "Convention-object-support",
            SH.Violation,
        ),
    ]
    force_label = {
        "fr": {CPH.Strict: fr("impérative"), CPH.Indicative: fr("indicative")},
        "en": {CPH.Strict: en("strict"), CPH.Indicative: en("indicative")},
    }
    for lang in ("fr", "en"):
        expected = []
        for name, provision, reference, reading, force, shape, severity in structure:
            obligation = name if isinstance(name, URIRef) else OBL[name]
            expected.append(
                (
                    obligation,
                    text(source, obligation, RDFS_LABEL, lang),
                    provision if isinstance(provision, URIRef) else R349[provision],
                    Literal(reference),
                    text(source, obligation, CPH.requirementText, "fr"),
                    Literal(reading) if reading else None,
                    force,
                    force_label[lang][force],
                    SHAPE[shape],
                    severity,
                )
            )
        assert rows(kg, "obligations", lang=lang) == expected


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
    # The stored report's assessment: the day it was judged on, the version of R349-2
    # applied, the reading and the verdict.
    assessment = BNode()
    for p, o in [
        (RDF.type, CPH.Assessment),
        (CPH.assessed, convention),
        (CPH.verdict, CPH.DoesNotConform),
        (CPH.readingApplied, URIRef(f"{R349}reading/organismes-nommes-requis")),
        (CPH.evaluatedOn, Literal("2016-09-20", datatype=XSD.date)),
        (CPH.appliedVersion, V2016),
    ]:
        expected.add((assessment, p, o))
    # Its one finding, as the stored report holds it.
    finding = BNode()
    shape = SHAPE["Convention-object-meetings"]
    for p, o in [
        (RDF.type, SH.ValidationResult),
        (SH.focusNode, convention),
        (SH.resultPath, CPH.hasObject),
        (SH.value, convention),
        (SH.resultSeverity, SH.Violation),
        (SH.sourceConstraintComponent, SH.SPARQLConstraintComponent),
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
    no_such_reading = kg.query("construct-convention", convention=str(convention), reading="lax")
    assert isinstance(no_such_reading, Triples) and len(no_such_reading.graph) == 0


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
