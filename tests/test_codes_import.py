"""Code graphs in the store: import, hierarchy, citations, broken references, walks.

The fixture corpus (tests/fixtures/corpus-linked) is built from the project's sources: the
real R349-2 file with its two links, L349-1 to L349-4, R349-1, and CESEDA R311-24 (2009),
R413-8 and R413-13. Expected rows follow from those texts.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef

from cph_kg.cli import main
from cph_kg.codes.importer import codes_graph
from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.namespaces import CPH
from tests.corpora import ETALAB
from tests.helpers import CONFORMING
from tests.querying import (
    CASF,
    CESEDA,
    EDUCATION,
    R349,
    STORE_KINDS,
    V2016,
    V2021,
    exercises,
    opened,
    rows,
    shortcut_differences,
)

LINKED = Path(__file__).parent / "fixtures" / "corpus-linked"
BROKEN = Path(__file__).parent / "fixtures" / "corpus-linked-broken"

CHAPTER_IX = CASF["partie-legislative/livre-iii/titre-iv/chapitre-ix"]
OUT, IN = Literal("out"), Literal("in")
XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")


@pytest.fixture(scope="module", params=STORE_KINDS)
def kg(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[KnowledgeGraph]:
    """The example convention, the bundled law and the fixture corpus, in one store.

    ``server``: the same store served by a real Oxigraph server on 127.0.0.1.
    """
    location = tmp_path_factory.mktemp(f"codes-{request.param}") / "store"
    with KnowledgeGraph.open(location) as graph:
        graph.load([CONFORMING])
        summary = graph.import_codes([LINKED])
        assert summary.problems == []
    with opened(location, request.param) as graph:
        yield graph


def test_one_graph_per_code(kg: KnowledgeGraph) -> None:
    sizes = kg.info()
    assert codes_graph("casf").value in sizes
    assert codes_graph("ceseda").value in sizes


def test_r349_2_of_the_corpus_is_the_r349_2_of_the_law(kg: KnowledgeGraph) -> None:
    """Same IRI: the article of the corpus gains its place in the code and its text."""
    answer = kg.store.query(
        "PREFIX eli: <http://data.europa.eu/eli/ontology#> "
        f"SELECT DISTINCT ?parent WHERE {{ <{CASF['R349-2']}> eli:is_part_of ?parent }} "
        "ORDER BY ?parent"
    )
    assert [row[0] for row in answer.rows] == [
        URIRef("https://w3id.org/cph-kg/law/casf"),
        CASF["partie-reglementaire/livre-iii/titre-iv/chapitre-ix"],
    ]


@exercises("articles-of-level")
def test_articles_of_a_level(kg: KnowledgeGraph) -> None:
    assert rows(kg, "articles-of-level", level=str(CASF["partie-legislative"])) == [
        (CASF[n], Literal(n), CHAPTER_IX) for n in ("L349-1", "L349-2", "L349-3", "L349-4")
    ]


@exercises("citations-of-article")
def test_citations_of_r349_2(kg: KnowledgeGraph) -> None:
    link = CPH.Hyperlink
    assert rows(kg, "citations-of-article", article=str(CASF["R349-2"])) == [
        (OUT, CASF["L349-2"], Literal("L349-2"), Literal("L. 349-2", lang="fr"), None, link, None),
        (OUT, CASF["L349-2"], Literal("L349-2"), None, None, None, V2016),
        (OUT, CASF["L349-2"], Literal("L349-2"), None, None, None, V2021),
        (
            OUT,
            CESEDA["R311-24"],
            Literal("R311-24"),
            Literal(
                "article R. 311-24 du code de l'entrée et du séjour des étrangers et du droit "
                "d'asile",
                lang="fr",
            ),
            None,
            link,
            None,
        ),
        (OUT, CESEDA["R311-24"], Literal("R311-24"), None, None, None, V2016),
        # "La convention mentionnée au I": R349-2 II and III refer to its own I
        (
            OUT,
            CASF["R349-2"],
            Literal("R349-2"),
            Literal("I", lang="fr"),
            Literal("I"),
            CPH.PlainText,
            None,
        ),
        (OUT, CESEDA["R413-8"], Literal("R413-8"), None, None, None, V2021),
    ]


@exercises("citations-of-article")
def test_citations_made_to_and_by_r311_24(kg: KnowledgeGraph) -> None:
    text = CPH.PlainText
    assert rows(kg, "citations-of-article", article=str(CESEDA["R311-24"])) == [
        (
            IN,
            CASF["R349-2"],
            Literal("R349-2"),
            Literal(
                "article R. 311-24 du code de l'entrée et du séjour des étrangers et du droit "
                "d'asile",
                lang="fr",
            ),
            None,
            CPH.Hyperlink,
            None,
        ),
        (IN, CASF["R349-2"], Literal("R349-2"), None, None, None, V2016),
        (OUT, CESEDA["L311-9"], None, Literal("l'article L. 311-9", lang="fr"), None, text, None),
        (OUT, CESEDA["L314-2"], None, Literal("l'article L. 314-2", lang="fr"), None, text, None),
        (OUT, CESEDA["R311-23"], None, Literal("l'article R. 311-23", lang="fr"), None, text, None),
        (
            OUT,
            EDUCATION["D338-23"],
            None,
            Literal("l'article D. 338-23 du code de l'éducation", lang="fr"),
            None,
            text,
            None,
        ),
    ]


@exercises("citation-closure")
def test_citation_closure_of_r349_2(kg: KnowledgeGraph) -> None:
    casf, ceseda = (
        URIRef("https://w3id.org/cph-kg/law/casf"),
        URIRef("https://w3id.org/cph-kg/law/ceseda"),
    )
    assert rows(kg, "citation-closure", article=str(CASF["R349-2"])) == [
        # cited but absent from the corpus: no number, no code in the graph
        (CESEDA["L311-9"], None, None),
        (CESEDA["L314-2"], None, None),
        (CESEDA["L413-3"], None, None),
        (CESEDA["R311-23"], None, None),
        (CESEDA["R413-3"], None, None),
        (EDUCATION["D338-23"], None, None),
        (CASF["L349-2"], Literal("L349-2"), casf),
        (CESEDA["R311-24"], Literal("R311-24"), ceseda),
        (CESEDA["R413-8"], Literal("R413-8"), ceseda),
        # described by the legal data (the correspondence of R. 311-24's content), not imported
        (CESEDA["R413-9"], Literal("R413-9"), ceseda),
    ]


def test_the_closure_reads_shortcuts_that_agree_with_the_walk(kg: KnowledgeGraph) -> None:
    """cph:citesInSomeVersion and cph:partOfText say what the versions and the chains say."""
    assert shortcut_differences(kg) == {}


@exercises("broken-references")
def test_broken_references_show_what_the_2021_version_cites_instead(kg: KnowledgeGraph) -> None:
    """R349-2 II 2° cites R. 311-24 in 2016 and R. 413-8 in 2021: the replacement column.

    A fact of its text; the article imported from the corpus has no later version to tell.
    """
    found = rows(kg, "broken-references", code="https://w3id.org/cph-kg/law/casf")
    ended = Literal("no longer in force after 2021-04-30")
    absent = Literal("absent from the graph")
    assert found == [
        (CASF["L349-3"], CASF["L349-3"], None, None, None, CESEDA["L744-4"], None, absent, None),
        (
            CASF["R349-2"],
            CASF["R349-2"],
            None,
            None,
            None,
            CESEDA["R311-24"],
            Literal("R311-24"),
            ended,
            None,
        ),
        (
            R349["version/2016-03-05/II/2"],
            CASF["R349-2"],
            Literal("R. 349-2, II, 2°"),
            Literal("2016-03-05", datatype=XSD_DATE),
            Literal("2021-04-30", datatype=XSD_DATE),
            CESEDA["R311-24"],
            Literal("R311-24"),
            ended,
            CESEDA["R413-8"],
        ),
    ]


@exercises("convention-to-ceseda")
def test_walk_from_a_convention_to_the_ceseda(kg: KnowledgeGraph) -> None:
    convention = "https://w3id.org/cph-kg/convention/gironde-2019"
    d2016 = Literal("2016-03-05", datatype=XSD_DATE)
    d2021 = Literal("2021-05-01", datatype=XSD_DATE)
    r349_2 = CASF["R349-2"]
    assert rows(kg, "convention-to-ceseda", convention=convention) == [
        (r349_2, V2016, d2016, CESEDA["R311-24"], CESEDA["L311-9"], None),
        (r349_2, V2016, d2016, CESEDA["R311-24"], CESEDA["L314-2"], None),
        (r349_2, V2016, d2016, CESEDA["R311-24"], CESEDA["R311-23"], None),
        (r349_2, V2016, d2016, CESEDA["R311-24"], CESEDA["R311-24"], Literal("R311-24")),
        (r349_2, V2021, d2021, CESEDA["R413-8"], CESEDA["L413-3"], None),
        (r349_2, V2021, d2021, CESEDA["R413-8"], CESEDA["R413-3"], None),
        (r349_2, V2021, d2021, CESEDA["R413-8"], CESEDA["R413-8"], Literal("R413-8")),
        (r349_2, V2021, d2021, CESEDA["R413-8"], CESEDA["R413-9"], Literal("R413-9")),
    ]


@pytest.mark.slow
def test_importing_twice_gives_the_same_store(tmp_path: Path) -> None:
    with KnowledgeGraph.open(tmp_path / "store") as graph:
        graph.import_codes([LINKED])
        first = graph.info()
        graph.import_codes([LINKED])
        assert graph.info() == first


@pytest.mark.slow
def test_cli_import_reports_bad_files_and_goes_on(tmp_path: Path) -> None:
    runner = CliRunner(env={"CPH_KG_STORE": str(tmp_path / "store"), "CPH_KG_ENDPOINT": ""})
    result = runner.invoke(main, ["codes", "import", str(BROKEN)])
    assert result.exit_code == 1
    skipped = [line for line in result.stderr.splitlines() if line.startswith("cph-kg: skipped ")]
    assert len(skipped) >= 4
    assert "file(s) skipped" in result.stdout
    info = runner.invoke(main, ["store", "info"])
    assert "graph/codes/casf" in info.output  # the good file was imported


def test_cli_import_of_a_folder_that_is_no_corpus(tmp_path: Path) -> None:
    runner = CliRunner(env={"CPH_KG_STORE": str(tmp_path / "store"), "CPH_KG_ENDPOINT": ""})
    result = runner.invoke(main, ["codes", "import", str(tmp_path)])
    assert result.exit_code == 2
    assert "not a corpus cph-kg can read" in result.stderr


@pytest.mark.slow
def test_cli_check_lists_what_the_next_version_cites(tmp_path: Path) -> None:
    runner = CliRunner(env={"CPH_KG_STORE": str(tmp_path / "store"), "CPH_KG_ENDPOINT": ""})
    assert runner.invoke(main, ["codes", "import", str(LINKED)]).exit_code == 0
    result = runner.invoke(main, ["codes", "check", "-o", "csv"])
    assert result.exit_code == 0
    assert (
        "https://w3id.org/cph-kg/law/casf/R349-2/version/2016-03-05/II/2,"
        'https://w3id.org/cph-kg/law/casf/R349-2,"R. 349-2, II, 2°",2016-03-05,2021-04-30,'
        "https://w3id.org/cph-kg/law/ceseda/R311-24,R311-24,"
        "no longer in force after 2021-04-30,https://w3id.org/cph-kg/law/ceseda/R413-8"
    ) in result.stdout_bytes.decode()


@pytest.mark.slow
def test_a_generated_corpus_of_5000_articles(tmp_path: Path) -> None:
    """The importer streams a large linked corpus; counts equal what the generator wrote."""
    from tests.generate_corpus import generate

    written = generate(tmp_path / "corpus", articles=5000, seed=1)
    with KnowledgeGraph.open(tmp_path / "store") as graph:
        summary = graph.import_codes([tmp_path / "corpus"])
    assert sum(summary.articles.values()) == written["articles"] == 5000
    assert summary.citations["link"] == written["links"]
    assert len(summary.problems) == written["broken_links"]


@pytest.mark.slow
@pytest.mark.skipif(
    not ETALAB.is_dir(), reason="the etalab-2015 corpus is not beside this checkout"
)
def test_the_whole_etalab_codes(tmp_path: Path) -> None:
    with KnowledgeGraph.open(tmp_path / "store") as graph:
        summary = graph.import_codes([ETALAB])
        assert summary.problems == []
        assert dict(summary.articles) == {"casf": 2854, "ceseda": 957}
        assert dict(summary.levels) == {"casf": 854, "ceseda": 375}
        cited = rows(graph, "citations-of-article", article=str(CESEDA["R311-24"]))
    assert [(r[0], r[1], str(r[3])) for r in cited if r[0] == OUT] == [
        (OUT, EDUCATION["D338-23"], "l'article D. 338-23 du code de l'éducation"),  # absent
        (OUT, CESEDA["L311-9"], "l'article L. 311-9"),
        (OUT, CESEDA["L314-2"], "l'article L. 314-2"),
        (OUT, CESEDA["R311-23"], "l'article R. 311-23"),
    ]
