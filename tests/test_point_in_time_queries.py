"""The point-in-time queries, each run on a small known dataset with its exact answer.

The dataset is ``tests/fixtures/queries/point-in-time.ttl`` (three fictional conventions that
refer to CESEDA articles; its header tables what each must give), loaded with the bundled law,
and the code graphs of ``tests/fixtures/corpus-linked`` (imported articles: their citations are
undated). Every expected row is worked out from those files and from ``data/legal/``, not copied
from a run; texts are read from ``data/sources/``, an independent path from the store.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import RDFS, Graph, Literal, Namespace, URIRef

from cph_kg.knowledge_graph import KnowledgeGraph
from tests.helpers import ROOT
from tests.querying import (
    CASF,
    CESEDA,
    CONV,
    CPH,
    EDUCATION,
    R349,
    STORE_KINDS,
    V2016,
    V2021,
    columns,
    day,
    exercises,
    opened,
    rows,
)

FIXTURE = Path(__file__).parent / "fixtures" / "queries" / "point-in-time.ttl"
LINKED = Path(__file__).parent / "fixtures" / "corpus-linked"
SOURCES = ROOT / "data" / "sources"

R311 = Namespace("https://w3id.org/cph-kg/law/ceseda/R311-24/")

R311_2006, R311_2009, R311_2016 = (
    R311["version/2006-12-31"],
    R311["version/2009-03-28"],
    R311["version/2016-07-03"],
)
R413_13_CURRENT = CESEDA["R413-13/version/asof-2026-02"]
DRIFT = R349["drift/formation-linguistique-R413-8"]
ATTESTED, INFERRED = CPH.Attested, CPH.Inferred


def body(name: str) -> Literal:
    """The text of a source file after its front matter, as the law files give it."""
    text = (SOURCES / name).read_text(encoding="utf-8").split("---\n", 2)[2].strip()
    return Literal(text, lang="fr")


@pytest.fixture(scope="module", params=STORE_KINDS)
def kg(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[KnowledgeGraph]:
    """The fixture conventions, the bundled law and the fixture code graphs, in one store.

    ``server``: the same store served by a real Oxigraph server on 127.0.0.1 and queried as a
    SPARQL 1.1 endpoint, so every expected row below holds on both.
    """
    location = tmp_path_factory.mktemp(f"point-in-time-{request.param}") / "store"
    with KnowledgeGraph.open(location) as store:
        store.load([FIXTURE])
        assert store.import_codes([LINKED]).problems == []
    with opened(location, request.param) as store:
        yield store


# --- article-version-at ------------------------------------------------------------------------

#: What ``article-version-at`` says of a version whose text the graph has.
WITH_TEXT = Literal("text of this version")


@exercises("article-version-at")
def test_article_version_at(kg: KnowledgeGraph) -> None:
    assert columns(kg, "article-version-at", article=str(CESEDA["R311-24"]), date="2010-01-01") == [
        "version",
        "inForceFrom",
        "inForceFromCertainty",
        "noLongerInForce",
        "noLongerInForceCertainty",
        "text",
        "textStatus",
    ]
    v2006 = (
        R311_2006,
        day("2006-12-31"),
        ATTESTED,
        day("2009-03-27"),
        ATTESTED,
        body("ceseda-r311-24@2006-12-31.md"),
        WITH_TEXT,
    )
    v2009 = (
        R311_2009,
        day("2009-03-28"),
        ATTESTED,
        day("2016-07-02"),
        ATTESTED,
        body("ceseda-r311-24@2009-03-28.md"),
        WITH_TEXT,
    )
    v2016 = (
        R311_2016,
        day("2016-07-03"),
        ATTESTED,
        day("2021-04-30"),
        INFERRED,
        body("ceseda-r311-24@2016-07-03.md"),
        WITH_TEXT,
    )
    r311 = str(CESEDA["R311-24"])
    # Both ends of a version are days in force; the next version starts the day after.
    assert rows(kg, "article-version-at", article=r311, date="2006-12-31") == [v2006]
    assert rows(kg, "article-version-at", article=r311, date="2009-03-27") == [v2006]
    assert rows(kg, "article-version-at", article=r311, date="2009-03-28") == [v2009]
    # The day R349-2 was published, R. 311-24 read as in 2009 (contrat d'accueil et d'intégration).
    assert rows(kg, "article-version-at", article=r311, date="2016-03-04") == [v2009]
    assert rows(kg, "article-version-at", article=r311, date="2016-07-03") == [v2016]
    assert rows(kg, "article-version-at", article=r311, date="2021-04-30") == [v2016]
    # Before its first version and after the recodification: no version.
    assert rows(kg, "article-version-at", article=r311, date="2006-12-30") == []
    assert rows(kg, "article-version-at", article=r311, date="2021-05-01") == []


@exercises("article-version-at")
def test_article_version_at_for_r349_2_and_an_undated_version(kg: KnowledgeGraph) -> None:
    r349 = str(CASF["R349-2"])
    assert rows(kg, "article-version-at", article=r349, date="2026-11-27") == [
        (
            V2021,
            day("2021-05-01"),
            INFERRED,
            None,
            None,
            body("casf-r349-2@2021-05-01.md"),
            WITH_TEXT,
        )
    ]
    assert rows(kg, "article-version-at", article=r349, date="2021-04-30") == [
        (
            V2016,
            day("2016-03-05"),
            INFERRED,
            day("2021-04-30"),
            INFERRED,
            body("casf-r349-2@2016-03-04.md"),
            WITH_TEXT,
        )
    ]
    # R413-13's one modelled version has no known date: it is never said to be in force.
    r413_13 = str(CESEDA["R413-13"])
    assert rows(kg, "article-version-at", article=r413_13, date="2026-02-01") == []
    # An article without versions (imported, or only described) has none to give.
    assert rows(kg, "article-version-at", article=str(CESEDA["R413-8"]), date="2026-02-01") == []


# --- article-changes ---------------------------------------------------------------------------


@exercises("article-changes")
def test_article_changes_of_r349_2(kg: KnowledgeGraph) -> None:
    assert columns(kg, "article-changes") == [
        "previous",
        "next",
        "date",
        "dateCertainty",
        "change",
        "provision",
        "reference",
        "cited",
    ]
    pair = (V2016, V2021, day("2021-05-01"), INFERRED)
    ii_2 = (R349["II/2"], Literal("R. 349-2, II, 2°"))
    expected = [
        (*pair, Literal("citation added"), *ii_2, CESEDA["R413-8"]),
        (*pair, Literal("citation removed"), *ii_2, CESEDA["R311-24"]),
        (*pair, Literal("wording changed"), *ii_2, None),
    ]
    assert rows(kg, "article-changes") == expected
    assert rows(kg, "article-changes", article=str(CASF["R349-2"])) == expected


@exercises("article-changes")
def test_article_changes_of_versions_without_subdivisions(kg: KnowledgeGraph) -> None:
    """R311-24's versions have no modelled wordings or citations: their whole text changed."""
    changed = Literal("text changed")
    assert rows(kg, "article-changes", article=str(CESEDA["R311-24"])) == [
        (R311_2006, R311_2009, day("2009-03-28"), ATTESTED, changed, None, None, None),
        (R311_2009, R311_2016, day("2016-07-03"), ATTESTED, changed, None, None, None),
    ]
    # One version, or none: no pair.
    assert rows(kg, "article-changes", article=str(CESEDA["R413-13"])) == []
    assert rows(kg, "article-changes", article=str(CESEDA["R413-8"])) == []


# --- outdated-references -----------------------------------------------------------------------


@exercises("outdated-references")
def test_outdated_references_on_each_conventions_date(kg: KnowledgeGraph) -> None:
    assert columns(kg, "outdated-references") == [
        "convention",
        "identifier",
        "date",
        "checkedOn",
        "article",
        "reference",
        "problem",
        "boundary",
        "boundaryCertainty",
        "replacement",
    ]
    # 2019 cites R413-8 before the recodification; 2022 cites R311-24 after it; 2020 is right.
    assert rows(kg, "outdated-references") == [
        (
            CONV["pit-rhone-2019"],
            Literal("PIT-rhone-2019"),
            day("2019-09-10"),
            day("2019-09-10"),
            CESEDA["R413-8"],
            Literal("R. 413-8"),
            Literal("not yet in force"),
            day("2021-05-01"),
            INFERRED,
            None,
        ),
        (
            CONV["pit-gironde-2022"],
            Literal("PIT-gironde-2022"),
            day("2022-03-01"),
            day("2022-03-01"),
            CESEDA["R311-24"],
            Literal("R. 311-24"),
            Literal("no longer in force"),
            day("2021-04-30"),
            INFERRED,
            CESEDA["R413-8"],
        ),
    ]
    only = rows(kg, "outdated-references", convention=str(CONV["pit-gironde-2020"]))
    assert only == []


@exercises("outdated-references")
def test_outdated_references_on_a_chosen_day(kg: KnowledgeGraph) -> None:
    def r311_outdated(name: str, date: str, on: str) -> tuple:
        return (
            CONV[name],
            Literal(name.replace("pit-", "PIT-", 1)),
            day(date),
            day(on),
            CESEDA["R311-24"],
            Literal("R. 311-24"),
            Literal("no longer in force"),
            day("2021-04-30"),
            INFERRED,
            CESEDA["R413-8"],
        )

    # Today, both references to R311-24 are outdated and the one to R413-8 is not.
    assert rows(kg, "outdated-references", on="2026-11-27") == [
        r311_outdated("pit-gironde-2020", "2020-06-15", "2026-11-27"),
        r311_outdated("pit-gironde-2022", "2022-03-01", "2026-11-27"),
    ]

    # In 2010, R. 311-24 was in force (from 2006-12-31, attested by its first version), while
    # R349-2 (from 2016-03-05, inferred, the start of its first version) and R413-8 were not.
    def not_yet(
        name: str, date: str, article: URIRef, reference: str, start: str, on: str = "2010-01-01"
    ) -> tuple:
        return (
            CONV[name],
            Literal(name.replace("pit-", "PIT-", 1)),
            day(date),
            day(on),
            article,
            Literal(reference),
            Literal("not yet in force"),
            day(start),
            INFERRED,
            None,
        )

    r349 = (CASF["R349-2"], "R. 349-2", "2016-03-05")
    r413 = (CESEDA["R413-8"], "R. 413-8", "2021-05-01")
    assert rows(kg, "outdated-references", on="2010-01-01") == [
        not_yet("pit-gironde-2020", "2020-06-15", *r349),
        not_yet("pit-gironde-2022", "2022-03-01", *r349),
        not_yet("pit-rhone-2019", "2019-09-10", *r349),
        not_yet("pit-rhone-2019", "2019-09-10", *r413),
    ]
    # The first day of the recodification, and the last day of R. 311-24.
    assert rows(kg, "outdated-references", on="2021-05-01") == [
        r311_outdated("pit-gironde-2020", "2020-06-15", "2021-05-01"),
        r311_outdated("pit-gironde-2022", "2022-03-01", "2021-05-01"),
    ]
    assert rows(kg, "outdated-references", on="2021-04-30") == [
        not_yet("pit-rhone-2019", "2019-09-10", *r413, on="2021-04-30")
    ]


# --- article-timeline --------------------------------------------------------------------------


@exercises("article-timeline")
def test_article_timeline_of_r311_24(kg: KnowledgeGraph) -> None:
    assert columns(kg, "article-timeline", article=str(CESEDA["R311-24"])) == [
        "date",
        "certainty",
        "event",
        "version",
        "other",
        "via",
    ]
    assert rows(kg, "article-timeline", article=str(CESEDA["R311-24"])) == [
        (day("2006-12-31"), ATTESTED, Literal("in force from"), R311_2006, None, None),
        (day("2009-03-27"), ATTESTED, Literal("last day in force"), R311_2006, None, None),
        (day("2009-03-28"), ATTESTED, Literal("in force from"), R311_2009, None, None),
        # R349-2 as published cites it in II 2° (the date of that version is inferred)
        (day("2016-03-05"), INFERRED, Literal("cited by"), V2016, CASF["R349-2"], R349["II/2"]),
        (day("2016-07-02"), ATTESTED, Literal("last day in force"), R311_2009, None, None),
        (day("2016-07-03"), ATTESTED, Literal("in force from"), R311_2016, None, None),
        # where its content is found after the recodification: a correspondence, not a renumbering
        (
            day("2021-04-30"),
            INFERRED,
            Literal("content found in"),
            R311_2016,
            CESEDA["R413-13"],
            None,
        ),
        (
            day("2021-04-30"),
            INFERRED,
            Literal("content found in"),
            R311_2016,
            CESEDA["R413-9"],
            None,
        ),
        (day("2021-04-30"), INFERRED, Literal("article's last day in force"), None, None, None),
        (day("2021-04-30"), INFERRED, Literal("last day in force"), R311_2016, None, None),
        # the imported code graphs: R349-2's corpus file links to it; its 2009 text cites four
        (None, None, Literal("cited by (undated)"), None, CASF["R349-2"], None),
        (None, None, Literal("cites (undated)"), None, CESEDA["L311-9"], None),
        (None, None, Literal("cites (undated)"), None, CESEDA["L314-2"], None),
        (None, None, Literal("cites (undated)"), None, CESEDA["R311-23"], None),
        (None, None, Literal("cites (undated)"), None, EDUCATION["D338-23"], None),
    ]


@exercises("article-timeline")
def test_article_timeline_of_r349_2_r413_8_and_r413_13(kg: KnowledgeGraph) -> None:
    first_r413_13 = URIRef(f"{CESEDA['R413-13']}/version/2021-05-01")
    i, ii_2 = R349["I"], R349["II/2"]
    assert rows(kg, "article-timeline", article=str(CASF["R349-2"])) == [
        (day("2016-03-05"), INFERRED, Literal("in force from"), V2016, None, None),
        (day("2016-03-05"), INFERRED, Literal("cites"), V2016, CASF["L349-2"], i),
        (day("2016-03-05"), INFERRED, Literal("cites"), V2016, CESEDA["R311-24"], ii_2),
        (day("2021-04-30"), INFERRED, Literal("last day in force"), V2016, None, None),
        (day("2021-05-01"), INFERRED, Literal("in force from"), V2021, None, None),
        (day("2021-05-01"), INFERRED, Literal("cites"), V2021, CASF["L349-2"], i),
        (day("2021-05-01"), INFERRED, Literal("cites"), V2021, CESEDA["R413-8"], ii_2),
        # its corpus file (the 2016 text) links to L. 349-2 and R. 311-24; "au I" is itself
        (None, None, Literal("cites (undated)"), None, CASF["L349-2"], None),
        (None, None, Literal("cites (undated)"), None, CESEDA["R311-24"], None),
    ]
    assert rows(kg, "article-timeline", article=str(CESEDA["R413-8"])) == [
        (day("2021-05-01"), INFERRED, Literal("article in force from"), None, None, None),
        (day("2021-05-01"), INFERRED, Literal("cited by"), V2021, CASF["R349-2"], ii_2),
        (None, None, Literal("cites (undated)"), None, CESEDA["L413-3"], None),
        (None, None, Literal("cites (undated)"), None, CESEDA["R413-3"], None),
        (None, None, Literal("cites (undated)"), None, CESEDA["R413-9"], None),
    ]
    assert rows(kg, "article-timeline", article=str(CESEDA["R413-13"])) == [
        (day("2021-04-30"), INFERRED, Literal("content from"), R311_2016, CESEDA["R311-24"], None),
        (day("2021-05-01"), ATTESTED, Literal("article in force from"), None, None, None),
        # its first version, which the source names by its LEGIARTI
        (day("2021-05-01"), ATTESTED, Literal("in force from"), first_r413_13, None, None),
        (day("2021-12-31"), INFERRED, Literal("last day in force"), first_r413_13, None, None),
        (None, None, Literal("cites (undated)"), None, CESEDA["L413-6"], None),
        (None, None, Literal("cites (undated)"), None, CESEDA["R413-9"], None),
        (None, None, Literal("version, dates unknown"), R413_13_CURRENT, None, None),
    ]


# --- reference-drifts --------------------------------------------------------------------------


@exercises("reference-drifts")
def test_reference_drifts(kg: KnowledgeGraph) -> None:
    names = [
        "drift",
        "citingProvision",
        "citingReference",
        "wording",
        "wordingFrom",
        "citedArticle",
        "citedReference",
        "expectedSubject",
        "actualSubject",
        "betterTarget",
        "betterReference",
        "sources",
        "comment",
    ]
    assert columns(kg, "reference-drifts") == names
    law = Graph().parse(ROOT / "data" / "legal" / "ceseda-r413.ttl")

    def text(predicate: URIRef, lang: str) -> Literal:
        values = [o for o in law.objects(DRIFT, predicate) if o.language == lang]
        assert len(values) == 1
        return values[0]

    sources = [
        "data/sources/casf-r349-2@2021-05-01.md",
        "data/sources/ceseda-r413-13@current.md",
        "data/sources/ceseda-r413-8@current.md",
    ]
    for lang in ("fr", "en"):
        found = rows(kg, "reference-drifts", lang=lang)
        assert len(found) == 1
        row = dict(zip(names, found[0], strict=True))
        # SPARQL leaves the order of GROUP_CONCAT open: compare the sources as a set.
        assert sorted(str(row.pop("sources")).split(" ; ")) == sources
        assert row == {
            "drift": DRIFT,
            "citingProvision": R349["II/2"],
            "citingReference": Literal("R. 349-2, II, 2°"),
            "wording": R349["version/2021-05-01/II/2"],
            "wordingFrom": day("2021-05-01"),
            "citedArticle": CESEDA["R413-8"],
            "citedReference": Literal("R. 413-8"),
            "expectedSubject": Literal("formation linguistique", lang="fr"),
            "actualSubject": text(CPH.actualSubject, lang),
            "betterTarget": CESEDA["R413-13"],
            "betterReference": Literal("R. 413-13"),
            "comment": text(RDFS.comment, lang),
        }
    assert rows(kg, "reference-drifts") == rows(kg, "reference-drifts", lang="fr")
