"""The linked corpus reader: the fixture corpus read exactly, bad files reported, a large corpus.

The fixture corpus (tests/fixtures/corpus-linked) is built from the legal sources: its R349-2
is the original corpus file, byte for byte, so the reader's text of it must be the source text.
The generated corpus checks that nothing is lost at scale: every article, level and link the
generator wrote is read back, and every broken link it planted is reported.
"""

from __future__ import annotations

import re
import shutil
import time
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from cph_kg.cli import main
from cph_kg.codes import linked
from cph_kg.codes.linked import LinkedReader, parse_level_slug, read_article
from cph_kg.codes.model import Article, Citation, CorpusReader, Level, Problem, Record
from tests.generate_corpus import generate
from tests.helpers import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "corpus-linked"
BROKEN = ROOT / "tests" / "fixtures" / "corpus-linked-broken"
SOURCES = ROOT / "data" / "sources"
SHARED_SOURCES = ROOT.parent / "shared" / "sources"
CASF = "code-de-laction-sociale-et-des-familles"
CESEDA = "code-de-lentree-et-du-sejour-des-etrangers-et-du-droit-dasile"
CHAPTER_IX = (
    "livre-iii-action-sociale-et-medico-sociale-mise-en-oeuvre-par-des-etablissements-et-des-"
    "services/titre-iv-dispositions-specifiques-a-certaines-categories-detablissements/"
    "chapitre-ix-centres-provisoires-dhebergement"
)
R349_2_FILE = FIXTURE / CASF / "partie-reglementaire" / CHAPTER_IX / "r349-2.md"

LIVRE_III = "Action sociale et medico sociale mise en oeuvre par des etablissements et des services"
TITRE_IV = "Dispositions specifiques a certaines categories detablissements"
CPH = "Centres provisoires dhebergement"
LEG = ("partie-legislative", "livre-iii", "titre-iv", "chapitre-ix")
REG = ("partie-reglementaire", "livre-iii", "titre-iv", "chapitre-ix")
OLD_CESEDA = (
    "partie-reglementaire",
    "livre-iii",
    "titre-ier",
    "chapitre-ier",
    "section-2",
    "sous-section-1",
)
NEW_CESEDA = ("partie-reglementaire", "livre-iv", "titre-ier", "chapitre-iii")

#: Every level of the fixture corpus, in reading order: (code, path, kind, number, title).
LEVELS = [
    ("casf", LEG[:1], "partie", "législative", None),
    ("casf", LEG[:2], "livre", "III", LIVRE_III),
    ("casf", LEG[:3], "titre", "IV", TITRE_IV),
    ("casf", LEG, "chapitre", "IX", CPH),
    ("casf", REG[:1], "partie", "réglementaire", None),
    ("casf", REG[:2], "livre", "III", LIVRE_III),
    ("casf", REG[:3], "titre", "IV", TITRE_IV),
    ("casf", REG, "chapitre", "IX", CPH),
    ("ceseda", OLD_CESEDA[:1], "partie", "réglementaire", None),
    ("ceseda", OLD_CESEDA[:2], "livre", "III", "Le sejour en france"),
    ("ceseda", OLD_CESEDA[:3], "titre", "Ier", "Les titres de sejour"),
    ("ceseda", OLD_CESEDA[:4], "chapitre", "Ier", "Dispositions generales"),
    (
        "ceseda",
        OLD_CESEDA[:5],
        "section",
        "2",
        "Dispositions relatives a lintegration dans la societe francaise",
    ),
    (
        "ceseda",
        OLD_CESEDA,
        "sous-section",
        "1",
        "Dispositions relatives au contrat daccueil et dintegration",
    ),
    ("ceseda", NEW_CESEDA[:2], "livre", "IV", "Le sejour en france"),
    ("ceseda", NEW_CESEDA[:3], "titre", "Ier", "Dispositions generales"),
    ("ceseda", NEW_CESEDA, "chapitre", "III", "Integration republicaine"),
    (
        "ceseda",
        (*NEW_CESEDA, "section-3"),
        "section",
        "3",
        "Entretien personnalise de debut de parcours dintegration republicaine",
    ),
    ("ceseda", (*NEW_CESEDA, "section-4"), "section", "4", "Formation linguistique"),
]

#: Every article of the fixture corpus, in reading order, and the source of its text.
ARTICLES = [
    ("casf", "L349-1", LEG, "casf-l349-1@asof-2020-02-27.md"),
    ("casf", "L349-2", LEG, "casf-l349-2@asof-2020-02-27.md"),
    ("casf", "L349-3", LEG, "casf-l349-3@asof-2020-02-27-PARTIAL.md"),
    ("casf", "L349-4", LEG, "casf-l349-4@undated-LEGIARTI000030951456.md"),
    ("casf", "R349-1", REG, "casf-r349-1@undated-lexbase.md"),
    ("casf", "R349-2", REG, "casf-r349-2@2016-03-04.md"),
    ("ceseda", "R311-24", OLD_CESEDA, "ceseda-r311-24@2009-03-28.md"),
    ("ceseda", "R413-8", (*NEW_CESEDA, "section-3"), "ceseda-r413-8@current.md"),
    ("ceseda", "R413-13", (*NEW_CESEDA, "section-4"), "ceseda-r413-13@current.md"),
]


def source_body(name: str) -> str:
    """The text of a source file after its front matter (vendored copy first, else shared)."""
    for folder in (SOURCES, SHARED_SOURCES):
        if (folder / name).is_file():
            return (folder / name).read_text(encoding="utf-8").split("---\n", 2)[2].strip()
    pytest.skip(f"source {name} is neither in data/sources nor beside this checkout")


def expected_text(name: str) -> str:
    """The source text as the fixture README says it was put in the corpus.

    Sources copied from web pages lost their blank lines (each line is a paragraph), one lost
    its paragraph breaks altogether (glued at "républicaine.Lorsque"), one is truncated.
    """
    body = source_body(name).split("[... TRUNCATED")[0]
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    paragraphs = [p for line in lines for p in re.split(r"(?<=\.)(?=[A-ZÀ-Ý])", line)]
    return "\n\n".join(paragraphs)


@pytest.fixture(scope="module")
def fixture_records() -> list[Record]:
    """Everything read from the fixture corpus, once."""
    return list(LinkedReader().read(FIXTURE))


def articles_of(records: list[Record]) -> dict[str, Article]:
    """The articles read, by number."""
    return {r.number: r for r in records if isinstance(r, Article)}


def test_the_reader_is_a_corpus_reader() -> None:
    reader: CorpusReader = LinkedReader()
    assert reader.name == "linked"


def test_detects_a_corpus_a_code_folder_and_nothing_else(tmp_path: Path) -> None:
    reader = LinkedReader()
    assert reader.detect(FIXTURE)
    assert reader.detect(FIXTURE / CESEDA)
    assert reader.detect(BROKEN)
    assert not reader.detect(tmp_path)
    assert not reader.detect(FIXTURE.parent)  # holds corpora, not codes
    etalab = tmp_path / "code-de-l-action-sociale-et-des-familles" / "partie-reglementaire"
    etalab.mkdir(parents=True)
    (etalab / "article-r349-2.md").write_text("# Article R349-2\n\nLes centres provisoires…\n")
    assert not reader.detect(tmp_path)


def test_the_r349_2_corpus_file_is_the_original() -> None:
    assert R349_2_FILE.read_bytes() == (SOURCES / "casf-r349-2@2016-03-04.corpus.md").read_bytes()


def test_levels_are_read_with_normalised_paths_and_slug_titles(
    fixture_records: list[Record],
) -> None:
    levels = [r for r in fixture_records if isinstance(r, Level)]
    assert [(lv.code, lv.path, lv.kind, lv.number, lv.title) for lv in levels] == LEVELS
    chapter = next(lv for lv in levels if lv.path == REG)
    assert chapter.source == R349_2_FILE.parent


def test_articles_are_read_in_order_and_nothing_is_wrong(fixture_records: list[Record]) -> None:
    assert [r for r in fixture_records if isinstance(r, Problem)] == []
    articles = [r for r in fixture_records if isinstance(r, Article)]
    assert [(a.code, a.number, a.parent) for a in articles] == [a[:3] for a in ARTICLES]
    assert articles_of(fixture_records)["R349-2"].source == R349_2_FILE


def test_r349_2_text_is_exactly_the_source_text(fixture_records: list[Record]) -> None:
    text = articles_of(fixture_records)["R349-2"].text
    assert text == source_body("casf-r349-2@2016-03-04.md")


@pytest.mark.parametrize("number, source", [(a[1], a[3]) for a in ARTICLES], ids=lambda v: v)
def test_every_text_is_its_source_text(
    fixture_records: list[Record], number: str, source: str
) -> None:
    assert articles_of(fixture_records)[number].text == expected_text(source)


def test_r349_2_cites_its_two_links_once_each(fixture_records: list[Record]) -> None:
    citations = articles_of(fixture_records)["R349-2"].citations
    links = [c for c in citations if c.method == "link"]
    assert links == [
        Citation("L349-2", "casf", "link", "L. 349-2"),
        Citation(
            "R311-24",
            "ceseda",
            "link",
            "article R. 311-24 du code de l'entrée et du séjour des étrangers et du droit d'asile",
        ),
    ]
    cited = Counter((c.number, c.code) for c in citations)
    assert cited[("L349-2", "casf")] == 1
    assert cited[("R311-24", "ceseda")] == 1


def test_text_citations_that_repeat_a_link_are_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a stand-in extractor, whatever the real one finds: links win, the rest is kept."""
    found = [
        Citation("L349-2", "casf", "text", "l'article L. 349-2"),
        Citation("R311-24", "ceseda", "text", "article R. 311-24 du code de l'entrée…"),
        Citation(None, "casf", "text", "au I", provision="I"),
        Citation("R311-24", "casf", "text", "R. 311-24"),  # another code: not the link's
    ]
    calls: list[tuple[str, str]] = []

    def extract(text: str, code: str) -> list[Citation]:
        calls.append((text, code))
        return found

    monkeypatch.setattr(linked, "extract", extract)
    records = list(LinkedReader().read(FIXTURE / CASF))
    article = articles_of(records)["R349-2"]
    assert (article.text, "casf") in calls
    assert [c.method for c in article.citations] == ["link", "link", "text", "text"]
    assert article.citations[2:] == tuple(found[2:])


def test_bad_files_are_one_problem_each_and_the_rest_is_read() -> None:
    records = list(LinkedReader().read(BROKEN))
    folder = BROKEN / CASF / "partie-reglementaire" / CHAPTER_IX
    problems = {
        p.source.relative_to(BROKEN).as_posix(): p.reason for p in records if isinstance(p, Problem)
    }
    assert problems == {
        f"{CASF}/partie-reglementaire/{CHAPTER_IX}/r349-3.md": "no '# Article' heading",
        f"{CASF}/partie-reglementaire/{CHAPTER_IX}/r349-4.md": "broken link 'https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000030951456'"
        " ('L. 349-4'): not /code-…/….md",
        f"{CASF}/partie-reglementaire/{CHAPTER_IX}/r349-5.md": (
            "HTML cannot be reduced to text: no <div> body"
        ),
        f"{CASF}/partie-reglementaire/{CHAPTER_IX}/r349-6.md": "not UTF-8: byte 0xe9 at offset 63",
        "code-de-leducation": "unknown code folder 'code-de-leducation': skipped",
    }
    assert all("\n" not in reason for reason in problems.values())
    articles = articles_of(records)
    assert sorted(articles) == ["R349-1", "R349-4"]
    assert articles["R349-4"].text == "Voir l'article L. 349-4."
    assert [c for c in articles["R349-4"].citations if c.method == "link"] == []
    assert articles["R349-1"].source == folder / "r349-1.md"
    assert [lv.path for lv in records if isinstance(lv, Level)] == [REG[:i] for i in range(1, 5)]


def test_a_skipped_folder_says_how_many_files_it_held(tmp_path: Path) -> None:
    """A level folder that names no level is skipped whole, and the summary says so."""
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE, corpus)
    odd = corpus / CASF / "partie-reglementaire" / "sans-niveau"
    odd.mkdir()
    shutil.copy(corpus / CASF / "partie-reglementaire" / CHAPTER_IX / "r349-2.md", odd / "r1.md")
    problems = [r for r in LinkedReader().read(corpus) if isinstance(r, Problem)]
    assert [(p.source, p.reason) for p in problems] == [
        (
            odd,
            "level folder 'sans-niveau' is not {kind}-{number}-…: skipped with the 1 article "
            "file(s) in it",
        )
    ]
    result = CliRunner().invoke(
        main, ["codes", "import", str(corpus), "--location", str(tmp_path / "store")]
    )
    assert result.exit_code == 1
    assert "0 file(s) skipped, and 1 folder(s) with every file in them" in result.stdout


def test_html_is_reduced_to_clean_paragraphs(tmp_path: Path) -> None:
    source = tmp_path / "l1-1.md"
    source.write_text(
        "# Article L. 1-1\n\n<div align='left'><br/>  Premier&nbsp;alin&eacute;a,\n  sur"
        " deux lignes <br/> puis une ligne <br/> <br/> <br/>Second &amp; dernier"
        " <a href='/code-de-leducation/partie-legislative/d1-2.md'>article D. 1-2 du code"
        " de l'éducation</a>.<br/><br/><br/><br/></div>\n",
        encoding="utf-8",
    )
    [article] = read_article(source, "casf", ())
    assert isinstance(article, Article)
    assert article.number == "L1-1"
    assert article.text == (
        "Premier alinéa, sur deux lignes\npuis une ligne\n\n"
        "Second & dernier article D. 1-2 du code de l'éducation."
    )
    assert [c for c in article.citations if c.method == "link"] == [
        Citation(
            "D1-2",
            None,
            "link",
            "article D. 1-2 du code de l'éducation",
            code_name="code-de-leducation",
        ),
    ]


@pytest.mark.parametrize(
    "body, reason",
    [
        ("<div align='left'>ouvert", "HTML cannot be reduced to text: <div> not closed"),
        (
            "avant <div align='left'>x</div>",
            "HTML cannot be reduced to text: text outside the <div>",
        ),
        (
            "<div align='left'>a</div><div>b</div>",
            "HTML cannot be reduced to text: more than one <div>",
        ),
    ],
)
def test_html_that_cannot_be_reduced_is_a_problem(tmp_path: Path, body: str, reason: str) -> None:
    source = tmp_path / "l1-1.md"
    source.write_text(f"# Article L1-1\n\n{body}", encoding="utf-8")
    assert list(read_article(source, "casf", ())) == [Problem(source, reason)]


@pytest.mark.parametrize(
    "slug, expected",
    [
        ("partie-legislative", ("partie", "législative", "partie-legislative", None)),
        ("titre-ier-les-titres-de-sejour", ("titre", "Ier", "titre-ier", "Les titres de sejour")),
        (
            "titre-ii-bis-dispositions-diverses",
            ("titre", "II bis", "titre-ii-bis", "Dispositions diverses"),
        ),
        ("sous-section-1-x", ("sous-section", "1", "sous-section-1", "X")),
        ("chapitre-unique", ("chapitre", "unique", "chapitre-unique", None)),
        (
            "livre-preliminaire-dispositions-communes",
            ("livre", "préliminaire", "livre-preliminaire", "Dispositions communes"),
        ),
        ("annexes", ("annexe", "", "annexe", None)),
        ("annexe", ("annexe", "", "annexe", None)),
        ("annexe-6-8-liste", ("annexe", "6-8", "annexe-6-8", "Liste")),
        ("paragraphe-1er-principes", ("paragraphe", "1er", "paragraphe-1er", "Principes")),
        ("1-structure-tarifaire", ("division", "1", "division-1", "Structure tarifaire")),
        ("section-v-1-regles", ("section", "V-1", "section-v-1", "Regles")),
        ("paragraphe-9-1", ("paragraphe", "9-1", "paragraphe-9-1", None)),
        ("sous-section-3-1-aides", ("sous-section", "3-1", "sous-section-3-1", "Aides")),
        ("chapitre-ier-a-obligation", ("chapitre", "Ier A", "chapitre-ier-a", "Obligation")),
        ("section-1-a-la-charge", ("section", "1", "section-1", "A la charge")),
        (
            "sous-section-1-quinquies-x",
            ("sous-section", "1 quinquies", "sous-section-1-quinquies", "X"),
        ),
        ("chapitre-sans-numero", None),
    ],
)
def test_level_slugs(slug: str, expected: tuple[str, str, str, str | None] | None) -> None:
    assert parse_level_slug(slug) == expected


@pytest.mark.slow
def test_a_generated_corpus_of_5000_articles_is_read_whole(tmp_path: Path) -> None:
    counts = generate(tmp_path / "corpus", 5000, 1)
    assert counts["articles"] == 5000
    assert counts["broken_links"] > 0 and counts["unknown_code_links"] > 0
    reader = LinkedReader()
    assert reader.detect(tmp_path / "corpus")
    started = time.perf_counter()
    records = list(reader.read(tmp_path / "corpus"))
    elapsed = time.perf_counter() - started
    kinds = Counter(type(r).__name__ for r in records)
    links = [
        c for r in records if isinstance(r, Article) for c in r.citations if c.method == "link"
    ]
    problems = [r for r in records if isinstance(r, Problem)]
    assert kinds["Article"] == counts["articles"]
    assert kinds["Level"] == counts["levels"]
    assert len(links) == counts["links"]
    assert sum(c.code is None for c in links) == counts["unknown_code_links"]
    assert len(problems) == counts["broken_links"]
    assert all(p.reason.startswith("broken link") for p in problems)
    assert elapsed < 10, f"reading 5,000 articles took {elapsed:.1f} s"


def test_the_generator_is_reproducible(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", 300, 7)
    second = generate(tmp_path / "b", 300, 7)
    assert first == second
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.md"))
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.md"))
    assert files_a == files_b and len(files_a) == 300
    assert all(
        (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files_a
    )
