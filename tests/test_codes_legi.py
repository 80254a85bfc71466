"""The LEGI reader and the code graphs it gives: versions, amendments, links by id.

The sample (``data/samples/legi``, rebuilt by ``scripts/build_samples.py``) is the four LEGI
codes pruned to the titres of C. trav. L. 5312-1, C. séc. soc. L. 211-1, L. 212-1, L. 752-4 and
CRPA L. 221-2, and the articles their links cite; expected values below are LEGI's own.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal, Namespace, URIRef

from cph_kg.cli import main
from cph_kg.codes.importer import build, codes_graph, stream
from cph_kg.codes.legi import (
    LegiReader,
    parse_level_title,
    read_html,
    read_html_slowly,
    text_number,
)
from cph_kg.codes.model import Article, Level, Problem, Record
from cph_kg.knowledge_graph import KnowledgeGraph
from tests.helpers import ROOT
from tests.querying import STORE_KINDS, day, exercises, opened, rows, shortcut_differences

SAMPLE = ROOT / "data" / "samples" / "legi"
PARTIES = Path(__file__).parent / "fixtures" / "legal-basis" / "parties.ttl"
LAW = Namespace("https://w3id.org/cph-kg/law/")
TEXT = Namespace("https://w3id.org/cph-kg/text/")
CPH = Namespace("https://w3id.org/cph-kg/ontology#")
L5312_1 = LAW["ctrav/L5312-1"]
ATTESTED = CPH.Attested
CURRENT = "dates only: the corpus has no text of this version"


@pytest.fixture(scope="module")
def records() -> list[Record]:
    """Every record of the LEGI sample."""
    return list(LegiReader().read(SAMPLE))


def article(records: list[Record], code: str, number: str) -> Article:
    """One article of the sample."""
    found = [r for r in records if isinstance(r, Article) and (r.code, r.number) == (code, number)]
    assert len(found) == 1
    return found[0]


def test_detects_a_legi_folder_and_nothing_else(tmp_path: Path) -> None:
    reader = LegiReader()
    assert reader.detect(SAMPLE)
    assert not reader.detect(ROOT / "data" / "samples" / "etalab")
    assert not reader.detect(tmp_path)
    (tmp_path / "LEGITEXT000006072050.json").write_text("not json", encoding="utf-8")
    assert not reader.detect(tmp_path)


def test_the_sample_reads_without_problems(records: list[Record]) -> None:
    assert [r for r in records if isinstance(r, Problem)] == []
    articles = [r for r in records if isinstance(r, Article)]
    assert {a.code for a in articles} == {"ctrav", "css", "crpa", "crpm"}
    assert len(articles) >= 250


def test_l5312_1_every_version_and_the_text_of_the_current_one(records: list[Record]) -> None:
    l5312 = article(records, "ctrav", "L5312-1")
    assert l5312.legi_cid == "LEGIARTI000006903765"
    assert l5312.current == "LEGIARTI000053606086"
    assert len(l5312.versions) == 13
    first, second = l5312.versions[:2]
    # LEGI's first version was amended the day it began (MODIFIE_MORT_NE): never in force
    assert (first.legi_id, first.state, first.in_force) == (
        "LEGIARTI000006903765",
        "MODIFIE_MORT_NE",
        False,
    )
    assert (second.start, second.end, second.in_force) == (
        date(2008, 5, 1),
        date(2011, 1, 1),
        True,
    )
    renamed = [v for v in l5312.versions if v.start == date(2024, 1, 1)]
    assert [(v.legi_id, v.end) for v in renamed] == [("LEGIARTI000048600658", date(2025, 1, 1))]
    assert l5312.versions[-1].end is None  # 2999-01-01: no end
    assert l5312.text.startswith(
        "I. - L'opérateur France Travail est une institution nationale publique"
    )
    assert "\n\n1° Prospecter le marché du travail" in l5312.text  # each alinéa a paragraph
    assert l5312.nota is not None and "1 er janvier 2024" in l5312.nota


def test_l5312_1_amended_by_loi_2023_1196(records: list[Record]) -> None:
    (change,) = article(records, "ctrav", "L5312-1").amendments
    assert (change.kind, change.link_type, change.orientation) == (
        "modification",
        "MODIFICATION",
        "source",
    )
    assert (change.article, change.article_id, change.date) == (
        "6",
        "LEGIARTI000048583001",
        date(2023, 12, 20),
    )
    text = change.text
    assert (text.jorf_id, text.title, text.nature, text.number) == (
        "JORFTEXT000048581935",
        "LOI n°2023-1196 du 18 décembre 2023",
        "LOI",
        "2023-1196",
    )
    assert (text.signed, text.published) == (date(2023, 12, 18), date(2023, 12, 19))


def test_links_carry_the_cited_id_and_plain_text_citations_are_kept(
    records: list[Record],
) -> None:
    l5312 = article(records, "ctrav", "L5312-1")
    links = [c for c in l5312.citations if c.method == "link"]
    first = links[0]
    assert (first.number, first.code, first.legi_id, first.legi_text) == (
        "L161-22-1-5",
        "css",
        "LEGIARTI000047450597",
        "LEGITEXT000006073189",
    )
    education = links[1]  # a code cph-kg does not know: named from LEGI's table of codes
    assert (education.number, education.code, education.code_name) == (
        "L114-1",
        None,
        "Code de l'éducation",
    )
    # "au même article L. 146-9" is the CASF article just cited, which a link already gives
    texts = [c for c in l5312.citations if c.method == "text"]
    assert [(c.number, c.code, c.provision) for c in texts] == [(None, "ctrav", "II")]
    # a list whose link covers its first number: the second is found in the plain text
    l2242 = article(records, "ctrav", "L2242-20")
    assert [(c.number, c.code, c.method) for c in l2242.citations if c.number == "L2341-2"] == [
        ("L2341-2", "ctrav", "text")
    ]


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("Partie législative", ("partie", "législative", None)),
        ("Cinquième partie : L'emploi", ("partie", "Cinquième", "L'emploi")),
        (
            "Partie réglementaire - Décrets en Conseil d'Etat",
            ("partie", "réglementaire - Décrets en Conseil d'Etat", None),
        ),
        ("Livre III : Service public de l'emploi", ("livre", "III", "Service public de l'emploi")),
        (
            "Titre Ier : Le service public de l'emploi",
            ("titre", "Ier", "Le service public de l'emploi"),
        ),
        ("Chapitre II bis : Dispositions", ("chapitre", "II bis", "Dispositions")),
        ("Section 1 : Missions", ("section", "1", "Missions")),
        ("Sous-section 2 quater : Aides", ("sous-section", "2 quater", "Aides")),
        ("Paragraphe 1er : Principes", ("paragraphe", "1er", "Principes")),
        ("Chapitre 1er : Principes", ("chapitre", "Ier", "Principes")),
        ("Chapitre préliminaire : Définitions", ("chapitre", "préliminaire", "Définitions")),
        ("Section unique", ("section", "unique", None)),
        ("Annexes", ("annexe", "", None)),
        ("C - Dispositions communes.", ("division", "", "C - Dispositions communes.")),
    ],
)
def test_level_titles(heading: str, expected: tuple[str, str, str | None]) -> None:
    assert parse_level_title(heading) == expected


@pytest.mark.parametrize(
    ("title", "nature", "expected"),
    [
        ("LOI n°2023-1196 du 18 décembre 2023", "LOI", ("2023-1196", "LOI")),
        ("Décret n° 85-1353 du 17 décembre 1985", "DECRET", ("85-1353", "DECRET")),
        ("Décret 73-1046 1973-11-15", None, ("73-1046", "DECRET")),
        (
            "LOI organique n° 2010-704 du 28 juin 2010",
            "LOI_ORGANIQUE",
            ("2010-704", "LOI_ORGANIQUE"),
        ),
        ("Décision n°2021-928 QPC du 14 septembre 2021", "DECISION", ("2021-928 QPC", "DECISION")),
        # a report on an ordinance is not the ordinance: no number of its own
        (
            "Rapport relatif à l'ordonnance n° 2000-550 du 15 juin 2000",
            "RAPPORT",
            (None, "RAPPORT"),
        ),
        ("Ordonnance 2000-550 2000-06-15", "RAPPORT", (None, "RAPPORT")),
        # an arrêté is known by its date; a date is not a number
        ("Arrêté 2006-06-12", None, (None, "ARRETE")),
    ],
)
def test_text_numbers(
    title: str, nature: str | None, expected: tuple[str | None, str | None]
) -> None:
    assert text_number(title, nature) == expected


def test_levels_have_kind_number_segments_and_legi_ids(records: list[Record]) -> None:
    levels = [r for r in records if isinstance(r, Level)]
    chapter = next(
        lv
        for lv in levels
        if lv.legi_id
        and lv.code == "ctrav"
        and lv.path[-1] == "chapitre-ii"
        and lv.path[-2] == "titre-ier"
        and "livre-iii" in lv.path
    )
    assert chapter.path[:2] == ("partie-legislative", "partie-cinquieme")
    assert chapter.title == "Placement et accompagnement des demandeurs d'emploi."
    assert len({(lv.code, lv.path) for lv in levels}) == len(levels)  # one IRI per level


# --- the code graphs ------------------------------------------------------------------------


@pytest.fixture(scope="module", params=STORE_KINDS)
def kg(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[KnowledgeGraph]:
    """The LEGI sample and a convention whose parties have their legal basis, in one store."""
    location = tmp_path_factory.mktemp(f"legi-{request.param}") / "store"
    with KnowledgeGraph.open(location) as graph:
        graph.load([PARTIES])
        summary = graph.import_codes([SAMPLE])
        assert summary.problems == []
    with opened(location, request.param) as graph:
        yield graph


def test_one_graph_per_code(kg: KnowledgeGraph) -> None:
    sizes = kg.info()
    for code in ("ctrav", "css", "crpa", "crpm"):
        assert sizes[codes_graph(code).value] > 0


def test_the_closure_reads_shortcuts_that_agree_with_the_walk(kg: KnowledgeGraph) -> None:
    """Versions that cite, levels and JO texts cited by id: the shortcuts agree with the walk."""
    assert shortcut_differences(kg) == {}


@exercises("article-version-at")
def test_l5312_1_on_a_day_the_corpus_has_only_the_dates(kg: KnowledgeGraph) -> None:
    article = str(L5312_1)
    assert rows(kg, "article-version-at", article=article, date="2023-12-31") == [
        (
            L5312_1 + "/version/2023-09-01",
            day("2023-09-01"),
            ATTESTED,
            day("2023-12-31"),
            ATTESTED,
            None,
            Literal(CURRENT),
        )
    ]
    # the reference data (data/reference/legal-bases.ttl) states this version's text too, read
    # from the same HTML the same way: one text, one row
    (current,) = rows(kg, "article-version-at", article=article, date="2026-01-01")
    assert "\n\n1° Prospecter" in str(current[5])
    assert current[:5] == (L5312_1 + "/version/2025-01-01", day("2025-01-01"), ATTESTED, None, None)
    assert str(current[5]).startswith("I. - L'opérateur France Travail")
    assert current[6] == Literal("text of this version")
    # the version of 1 January 2024, when Pôle emploi became France Travail
    (renamed,) = rows(kg, "article-version-at", article=article, date="2024-01-01")
    assert renamed[:4] == (
        L5312_1 + "/version/2024-01-01",
        day("2024-01-01"),
        ATTESTED,
        day("2024-12-31"),
    )
    # a version never in force is never returned; it is named by its id
    assert rows(kg, "article-version-at", article=article, date="2008-04-30") == []


def test_version_iris_and_ids(kg: KnowledgeGraph) -> None:
    answer = kg.store.query(
        "PREFIX eli: <http://data.europa.eu/eli/ontology#> "
        f"SELECT ?version ?id WHERE {{ <{L5312_1}> eli:has_member ?version . "
        "?version eli:id_local ?id } ORDER BY ?id"
    )
    found = {str(v): str(i) for v, i in answer.rows}
    assert len(found) == 13
    assert found[f"{L5312_1}/version/2008-05-01"] == "LEGIARTI000018767051"
    assert found[f"{L5312_1}/version/LEGIARTI000006903765"] == "LEGIARTI000006903765"
    # the article carries its stable id, never a version's
    answer = kg.store.query(
        "PREFIX eli: <http://data.europa.eu/eli/ontology#> "
        f"SELECT ?id WHERE {{ <{L5312_1}> eli:id_local ?id }}"
    )
    assert answer.rows == []


@exercises("article-amendments")
def test_what_changed_l5312_1_when_and_by_which_text(kg: KnowledgeGraph) -> None:
    assert rows(kg, "article-amendments", article=str(L5312_1)) == [
        (
            L5312_1 + "/version/2025-01-01",
            day("2025-01-01"),
            Literal("modification", lang="en"),
            day("2023-12-20"),
            TEXT["loi/2023-1196"],
            Literal("LOI n°2023-1196 du 18 décembre 2023", lang="fr"),
            Literal("loi"),
            Literal("2023-1196"),
            Literal("JORFTEXT000048581935"),
            day("2023-12-18"),
            day("2023-12-19"),
            TEXT["loi/2023-1196/article/6"],
        )
    ]


def test_crpa_l221_2_created_by_codification(kg: KnowledgeGraph) -> None:
    found = rows(kg, "article-amendments", article=str(LAW["crpa/L221-2"]))
    assert [(r[2], r[4], r[11]) for r in found] == [
        (
            Literal("codification", lang="en"),
            TEXT["ordonnance/2015-1341"],
            TEXT["ordonnance/2015-1341/article/Annexe"],
        ),
        (
            Literal("creation", lang="en"),
            TEXT["ordonnance/2015-1341"],
            TEXT["ordonnance/2015-1341/article/Annexe"],
        ),
    ]


@exercises("citations-of-article")
def test_what_cites_css_l211_1(kg: KnowledgeGraph) -> None:
    cited_by = {
        (str(r[1]), r[5])
        for r in rows(kg, "citations-of-article", article=str(LAW["css/L211-1"]))
        if r[0] == Literal("in")
    }
    assert cited_by
    assert all(other.startswith(str(LAW)) for other, _ in cited_by)
    # links resolved by id: the link's LEGIARTI may be any version of the cited article
    answer = kg.store.query(
        "PREFIX cph: <https://w3id.org/cph-kg/ontology#> SELECT ?node ?id WHERE { "
        f"?node cph:citedResource <{LAW['css/L211-1']}> ; cph:linkTarget ?id }}"
    )
    assert answer.rows


def test_a_link_resolves_across_codes_by_id(kg: KnowledgeGraph) -> None:
    """L. 752-4 CSS links to CRPM L. 781-27 by a LEGIARTI id: the CRPM article, imported."""
    answer = kg.store.query(
        "PREFIX cph: <https://w3id.org/cph-kg/ontology#> "
        "PREFIX eli: <http://data.europa.eu/eli/ontology#> SELECT ?target WHERE { "
        f"?node cph:citingArticle <{LAW['css/L752-4']}> ; cph:linkTarget "
        '"LEGIARTI000032344742" ; cph:citedResource ?target . ?target eli:number ?n }'
    )
    assert [row[0] for row in answer.rows] == [LAW["crpm/L781-27"]]


@exercises("party-legal-basis")
def test_the_legal_basis_of_a_conventions_parties(kg: KnowledgeGraph) -> None:
    convention = "https://w3id.org/cph-kg/convention/legal-basis-2025"
    test = Namespace("https://w3id.org/cph-kg/test/")
    assert rows(kg, "party-legal-basis", convention=convention) == [
        (
            URIRef(convention),
            test["caf-971"],
            Literal("the body"),
            LAW["css/L212-1"],
            Literal("L212-1"),
            None,
            LAW["css/L212-1/version/2017-01-01"],
            day("2017-01-01"),
        ),
        (
            URIRef(convention),
            test["cgss-971"],
            Literal("its role"),
            LAW["css/L752-4"],
            Literal("L752-4"),
            ATTESTED,
            LAW["css/L752-4/version/2021-12-25"],
            day("2021-12-25"),
        ),
        (
            URIRef(convention),
            test["france-travail-971"],
            Literal("the body it is a unit of"),
            L5312_1,
            Literal("L5312-1"),
            None,
            L5312_1 + "/version/2025-01-01",
            day("2025-01-01"),
        ),
    ]


def test_every_term_of_the_code_graphs_is_declared() -> None:
    """A typo in a cph: or ELI term of the generated statements would be a silent new IRI."""
    from rdflib import Graph

    from cph_kg import resources

    used = set()
    with build(stream([SAMPLE])) as built:
        lines = [line for graph in built.graphs for line in built.lines(graph)]
    for line in lines:
        predicate = line.split("> <", 1)[1].split(">", 1)[0]
        used.add(predicate)
        if predicate.endswith("#type") or predicate.endswith("changeKind"):
            used.add(line.rsplit("<", 1)[1].split(">", 1)[0])
    ontology = Graph().parse(resources.root() / "ontology" / "cph.ttl")
    eli = Graph().parse(resources.root() / "ontology" / "vendor" / "eli.ttl")
    declared = {str(s) for s in ontology.subjects()} | {str(s) for s in eli.subjects()}
    known = ("http://www.w3.org/", "http://purl.org/dc/terms/")
    assert {t for t in used if not t.startswith(known)} - declared == set()


def test_each_statement_is_written_once() -> None:
    """An article citing one article twice states its eli:cites once: the loader pays per line."""
    with build(stream([SAMPLE])) as built:
        lines = built.quads.read_text(encoding="utf-8").splitlines()
    cites = [line for line in lines if "/ontology#cites> " in line]
    citations = [line for line in lines if line.split(" ", 3)[2].endswith("#Citation>")]
    # the sample has such articles: more citations than links stated, and each link once
    assert len(citations) > len(cites) > 0
    assert len(lines) == len(set(lines))


def test_cli_import_of_the_sample(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["codes", "import", str(SAMPLE), "--location", str(tmp_path / "store")]
    )
    assert result.exit_code == 0, result.output
    assert "ctrav: 92 articles" in result.output
    assert "versions" in result.output and "amendments" in result.output


def test_a_bad_code_file_is_one_problem_and_the_rest_is_read(tmp_path: Path) -> None:
    corpus = tmp_path / "legi"
    corpus.mkdir()
    (corpus / "LEGITEXT000006072050.json").write_text("{ not json", encoding="utf-8")
    unknown = {"type": "code", "data": {"id": "LEGITEXT000006070721"}, "children": []}
    (corpus / "LEGITEXT000006070721.json").write_text(json.dumps(unknown), encoding="utf-8")
    good = (SAMPLE / "LEGITEXT000031366350.json").read_bytes()
    (corpus / "LEGITEXT000031366350.json").write_bytes(good)
    records = list(LegiReader().read(corpus))
    problems = [r for r in records if isinstance(r, Problem)]
    assert [(p.source.name, p.reason.split(":")[0]) for p in problems] == [
        (
            "LEGITEXT000006070721.json",
            "LEGITEXT000006070721 (Code civil) is not a code cph-kg knows "
            "(casf, ceseda, css, ctrav, crpm, crpa)",
        ),
        ("LEGITEXT000006072050.json", "not JSON"),
    ]
    assert any(isinstance(r, Article) and r.code == "crpa" for r in records)


@exercises("article-changes")
def test_changes_of_l5312_1_from_its_real_dates(kg: KnowledgeGraph) -> None:
    """Only the current text is in LEGI: no words compared, the amending text recorded is given."""
    v2024, v2025 = L5312_1 + "/version/2024-01-01", L5312_1 + "/version/2025-01-01"
    assert rows(kg, "article-changes", article=str(L5312_1)) == [
        (
            v2024,
            v2025,
            day("2025-01-01"),
            ATTESTED,
            Literal("changed by (modification)"),
            None,
            None,
            TEXT["loi/2023-1196"],
        )
    ]


@pytest.mark.long  # four whole codes imported
@pytest.mark.slow  # the four whole codes
def test_the_four_whole_legi_codes(tmp_path: Path) -> None:
    """All of legi-2026: LEGI's counts, no problem, and links resolved by id at ≥ 99.5 %."""
    import tarfile

    from benchmarks.citation_resolution import found, truth
    from tests.corpora import LEGI_TARBALL, require

    with tarfile.open(require(LEGI_TARBALL)) as archive:
        members = [m for m in archive.getmembers() if m.name.startswith("package/data/LEGITEXT")]
        archive.extractall(tmp_path, members=members, filter="data")
    folder = tmp_path / "package" / "data"
    with build(stream([folder])) as built:
        made, _ = found(built, {legi_id for _, legi_id, _ in truth(folder)[0]})
    summary = built.summary
    assert summary.problems == []
    assert dict(summary.articles) == {"ctrav": 11545, "css": 7372, "crpm": 9724, "crpa": 474}
    assert sum(summary.versions.values()) == 67492
    assert sum(summary.levels.values()) == 11020
    assert sum(summary.amendments.values()) == 40083
    expected, _ = truth(folder)
    right = sum((expected & made).values())
    assert right / sum(made.values()) >= 0.995  # precision
    assert right / sum(expected.values()) >= 0.995  # recall


@pytest.mark.parametrize(
    "tree",
    [
        {"type": "code", "data": {"id": "LEGITEXT000031366350"}, "children": 3},
        {
            "type": "code",
            "data": {"id": "LEGITEXT000031366350"},
            "children": [{"type": "section", "data": [], "children": []}],
        },
        {
            "type": "code",
            "data": {"id": "LEGITEXT000031366350"},
            "children": [
                {
                    "type": "article",
                    "data": {
                        "num": "L1",
                        "articleVersions": [{"id": "X", "dateDebut": "soon"}],
                        "lienModifications": "none",
                    },
                }
            ],
        },
        [1, 2],
    ],
    ids=["children not a list", "data not an object", "fields of the wrong type", "not an object"],
)
def test_a_malformed_tree_is_one_problem(tmp_path: Path, tree: object) -> None:
    corpus = tmp_path / "legi"
    corpus.mkdir()
    (corpus / "LEGITEXT000031366350.json").write_text(json.dumps(tree), encoding="utf-8")
    records = list(LegiReader().read(corpus))
    problems = [r for r in records if isinstance(r, Problem)]
    assert len(problems) == 1 and "\n" not in problems[0].reason
    assert problems[0].reason.startswith("not a LEGI code tree")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Annexe 6-8", "Annexe-6-8"),
        ("annexe-1-1", "Annexe-1-1"),
        ("Annexe I à l'article R4312-1", "Annexe-I-a-l-article-R4312-1"),
        ("Annexe (3) à l'art. A931-11-11", "Annexe-3-a-l-art-A931-11-11"),
    ],
)
def test_annex_numbers_give_plain_iris(raw: str, expected: str) -> None:
    """LEGI numbers some annexes in words: the IRI keeps ASCII letters, digits and hyphens."""
    from cph_kg.codes.identifiers import article_number

    assert article_number(raw) == expected


#: LEGI's "no end", 2999-01-01, in milliseconds.
NO_END_MS = 32472144000000


def _annex(cid: str, text: str) -> dict[str, object]:
    """A LEGI article numbered "Annexe I", in force since 2020 (a link to the other one's id)."""
    return {
        "type": "article",
        "data": {
            "id": cid,
            "cid": cid,
            "num": "Annexe I",
            "etat": "VIGUEUR",
            "texteHtml": text,
            "articleVersions": [
                {"id": cid, "etat": "VIGUEUR", "dateDebut": 1577836800000, "dateFin": NO_END_MS}
            ],
        },
    }


def _two_annexes(first_chapter_first: bool) -> dict[str, object]:
    """A CRPA tree whose two chapters each end with an article numbered "Annexe I"."""
    link = (
        '<a href="/affichCodeArticle.do?cidTexte=LEGITEXT000031366350'
        '&idArticle=LEGIARTI000000000002">Annexe I</a>'
    )
    chapters = [
        {
            "type": "section",
            "data": {"id": "LEGISCTA000000000001", "title": "Chapitre Ier : Un"},
            "children": [_annex("LEGIARTI000000000001", f"<p>Voir {link}.</p>")],
        },
        {
            "type": "section",
            "data": {"id": "LEGISCTA000000000002", "title": "Chapitre II : Deux"},
            "children": [_annex("LEGIARTI000000000002", "<p>Texte deux.</p>")],
        },
    ]
    if not first_chapter_first:
        chapters.reverse()
    return {"type": "code", "data": {"id": "LEGITEXT000031366350"}, "children": chapters}


@pytest.mark.parametrize("first_chapter_first", [True, False], ids=["in order", "reversed"])
def test_articles_a_code_numbers_alike_get_distinct_stable_iris(
    tmp_path: Path, first_chapter_first: bool
) -> None:
    """Two "Annexe I" of one code are two articles, each named by its stable id, in any order."""
    corpus = tmp_path / "legi"
    corpus.mkdir()
    tree = _two_annexes(first_chapter_first)
    (corpus / "LEGITEXT000031366350.json").write_text(json.dumps(tree), encoding="utf-8")
    built = build(stream([corpus]))
    assert built.summary.problems == []
    assert built.summary.articles["crpa"] == 2
    with built:
        lines = "".join(built.lines(codes_graph("crpa")))
    one, two = (LAW[f"crpa/Annexe-I_LEGIARTI00000000000{n}"] for n in (1, 2))
    number = "<http://data.europa.eu/eli/ontology#number>"
    assert f'<{one}> {number} "Annexe-I" .\n' in lines
    assert f'<{two}> {number} "Annexe-I" .\n' in lines
    assert f"<{LAW['crpa/Annexe-I']}>" not in lines
    assert f'<{one}/version/2020-01-01/fr> <{CPH.text}> "Texte deux.' not in lines
    assert f'<{two}/version/2020-01-01/fr> <{CPH.text}> "Texte deux."@fr .\n' in lines
    # the link of the first annex carries the second's id: it cites the second, not itself
    cites = "<http://data.europa.eu/eli/ontology#cites>"
    assert f"<{one}/version/2020-01-01> {cites} <{two}> .\n" in lines


def test_two_articles_given_one_iri_are_a_problem_not_one_merged_article() -> None:
    """A reader that gives two articles one IRI: the second is reported, never merged."""
    twin = Article("crpa", "L1", (), "Texte.", source=Path("a.md"))
    with build([("linked", twin), ("linked", twin)]) as built:
        pass
    assert built.summary.articles["crpa"] == 1
    assert [p.reason for p in built.summary.problems] == [
        f"a second article {LAW['crpa/L1']}: skipped"
    ]
    # the same article read from two corpora is one article, in one graph
    with build([("linked", twin), ("etalab", twin)]) as built:
        pass
    assert built.summary.problems == []


def test_every_version_has_one_text_and_one_nota_in_the_reference_and_the_code_graphs(
    kg: KnowledgeGraph,
) -> None:
    """The reference data and the import state a version's text and note once, identically.

    (The legal data's extracts of CRPA L. 221-2 and L. 221-3, ``data/legal/other-codes.ttl``,
    are LEGI's plain ``texte`` word for word, a reading of its own: left out here.)
    """
    answer = kg.store.query(
        "PREFIX cph: <https://w3id.org/cph-kg/ontology#> "
        "PREFIX eli: <http://data.europa.eu/eli/ontology#> "
        "SELECT ?version ?p (COUNT(DISTINCT ?value) AS ?n) WHERE { "
        "VALUES ?p { cph:text cph:nota } ?version a cph:ArticleVersion . "
        "GRAPH ?g { { ?version ?p ?value } "
        "UNION { ?version eli:is_realized_by ?e . ?e ?p ?value } } "
        "FILTER (?g != <https://w3id.org/cph-kg/graph/legal>) } "
        "GROUP BY ?version ?p HAVING (COUNT(DISTINCT ?value) > 1)"
    )
    assert answer.rows == []
    # L. 5312-1's current text is stated once in the store, on the version's French expression,
    # by the reference data: the code graph leaves out what the bundled law states
    answer = kg.store.query(
        "PREFIX cph: <https://w3id.org/cph-kg/ontology#> SELECT ?g (COUNT(*) AS ?n) WHERE { "
        f"GRAPH ?g {{ ?s cph:text ?t }} VALUES ?s {{ <{L5312_1}/version/2025-01-01> "
        f"<{L5312_1}/version/2025-01-01/fr> }} }} GROUP BY ?g"
    )
    assert [(str(g), int(n)) for g, n in answer.rows] == [
        ("https://w3id.org/cph-kg/graph/reference", 1)
    ]
    answer = kg.store.query(
        "PREFIX eli: <http://data.europa.eu/eli/ontology#> SELECT ?g (COUNT(*) AS ?n) WHERE { "
        f"GRAPH ?g {{ <{L5312_1}> eli:has_member ?v }} }} GROUP BY ?g ORDER BY ?g"
    )
    # the eleven versions ever in force are the reference data's; the two LEGI lists that never
    # were (a mort-né, one ended the day it began) are the import's alone
    assert [(str(g), int(n)) for g, n in answer.rows] == [
        ("https://w3id.org/cph-kg/graph/codes/ctrav", 2),
        ("https://w3id.org/cph-kg/graph/reference", 11),
    ]


def _texts(folder: Path) -> list[str]:
    """Every article's ``texteHtml`` in the LEGI code files of ``folder``."""

    def walk(nodes: list[dict[str, object]]) -> Iterator[str]:
        for node in nodes:
            data = node.get("data")
            if node.get("type") == "article" and isinstance(data, dict):
                yield str(data.get("texteHtml") or "")
            yield from walk(node.get("children") or [])  # type: ignore[arg-type]

    return [
        html
        for path in sorted(folder.glob("LEGITEXT*.json"))
        for html in walk(json.loads(path.read_text(encoding="utf-8"))["children"])
    ]


@pytest.mark.parametrize(
    "html",
    [
        "",
        "a<br>b<BR />c<br/><br/>d",
        "<p>a</p><p>b<p>c",
        "x <!-- a comment --> y<?pi z?> w",
        "a&nbsp;b &amp; c &eacute; d&#160;e",
        "<div>a</div>b</div>c",
        "<p>a<div>b</div>c</p>",
        "<b>a</b> <i>b</i><sup>er</sup> <font size='2'>f</font> a < b <unknown>u</unknown>",
        "<table><tr><td>a</td><td>b</td></tr></table><ul><li>c</li></ul>",
        "a\x00b\x01c\x0cd",
        '<a href="https://www.legifrance.gouv.fr/affichCodeArticle.do?cidTexte=LEGITEXT000006073189'
        '&amp;idArticle=LEGIARTI000006740000" title="Code - art. L1 (V)">L.&nbsp;1</a> et <a>x</a>',
    ],
)
def test_lxml_reads_html_as_html_parser_does(html: str) -> None:
    """``read_html`` (libxml2) gives the text and links Python's ``html.parser`` gives."""
    fast, slow = read_html(html), read_html_slowly(html)
    assert (fast.text(), fast.links) == (slow.text(), slow.links)


def test_lxml_reads_every_text_of_the_sample_as_html_parser_does() -> None:
    texts = _texts(SAMPLE)
    assert len(texts) == 286
    differ = [
        html
        for html in texts
        if (a := read_html(html)).text() != (b := read_html_slowly(html)).text()
        or a.links != b.links
    ]
    assert differ == []
