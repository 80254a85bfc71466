"""The etalab reader on the real 2015 corpus, and on small broken copies of its format."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from cph_kg.codes.etalab import EtalabReader
from cph_kg.codes.identifiers import slugify
from cph_kg.codes.model import Article, Citation, Level, Problem, Record
from tests.corpora import ETALAB

pytestmark = pytest.mark.slow  # whole codes of the etalab corpus

CORPUS = ETALAB
CASF = "code-de-l-action-sociale-et-des-familles"
CESEDA = "code-de-l-entree-et-du-sejour-des-etrangers-et-du-droit-d-asile"
SOUS_SECTION = (
    "partie-reglementaire",
    "livre-iii",
    "titre-ier",
    "chapitre-ier",
    "section-2",
    "sous-section-1",
)

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="etalab corpus not beside the repo")


@pytest.fixture(scope="module")
def records() -> list[Record]:
    """Every record of both codes, read once."""
    return list(EtalabReader().read(CORPUS))


@needs_corpus
def test_detect() -> None:
    """The corpus folder and a code folder are etalab; a level folder is not."""
    reader = EtalabReader()
    assert reader.detect(CORPUS)
    assert reader.detect(CORPUS / CESEDA)
    assert not reader.detect(CORPUS / CESEDA / "partie-reglementaire")


@needs_corpus
def test_ceseda_r311_24(records: list[Record]) -> None:
    """R311-24: its place, its text and its four citations."""
    [article] = [
        r
        for r in records
        if isinstance(r, Article) and r.code == "ceseda" and r.number == "R311-24"
    ]
    assert article.parent == SOUS_SECTION
    assert article.text.startswith("Lorsque le niveau mentionné à l'article R. 311-23")
    assert article.text.endswith("la délivrance du diplôme.")
    assert article.text.count("\n\n") == 3
    assert [(c.number, c.code, c.code_name) for c in article.citations] == [
        ("R311-23", "ceseda", None),
        ("D338-23", None, "code de l'éducation"),
        ("L311-9", "ceseda", None),
        ("L314-2", "ceseda", None),
    ]
    assert all(isinstance(c, Citation) and c.method == "text" for c in article.citations)


@needs_corpus
def test_levels(records: list[Record]) -> None:
    """Headings give kind, number and title, including the corpus's odd ones."""
    levels = {(r.code, r.path): r for r in records if isinstance(r, Level)}
    sous_section = levels["ceseda", SOUS_SECTION]
    assert (sous_section.kind, sous_section.number, sous_section.title) == (
        "sous-section",
        "1",
        "Dispositions relatives au contrat d'accueil et d'intégration",
    )
    section = levels["ceseda", SOUS_SECTION[:-1]]
    assert (section.kind, section.number, section.title) == (
        "section",
        "2",
        "Dispositions relatives à l'intégration dans la société française",
    )
    partie = levels["ceseda", ("partie-reglementaire",)]
    assert (partie.kind, partie.number, partie.title) == ("partie", "réglementaire", None)
    livre = levels["ceseda", ("partie-reglementaire", "livre-ii")]
    assert (livre.kind, livre.number, livre.title) == ("livre", "II", "L'ENTRÉE EN FRANCE")
    # segments are {kind}-{number} from the heading, whatever the folder is called
    annexe = levels["ceseda", ("annexe", "annexe-6-8")]
    assert (annexe.kind, annexe.number) == ("annexe", "6-8")
    assert levels["ceseda", ("annexe",)].number == ""  # "# Annexes": no number
    unnamed = levels[
        "casf",
        (
            "partie-reglementaire",
            "livre-iii",
            "titre-ier",
            "chapitre-iv",
            "section-2",
            "sous-section-4",
            "paragraphe-10",
            "sous-paragraphe-2",
            "division-1",
        ),
    ]
    assert (unnamed.kind, unnamed.number, unnamed.title) == (
        "division",
        "1",
        "Structure tarifaire des établissements.",
    )
    # folders named with words of the title ("chapitre-ier-cas") give {kind}-{number}
    chapter = [lv for lv in levels.values() if lv.source.parent.name == "chapitre-ier-cas"]
    assert chapter and all(lv.path[-1] == "chapitre-ier" for lv in chapter)
    quinquies = [
        lv for lv in levels.values() if lv.source.parent.name == "sous-section-1-quinquies"
    ]
    assert [(lv.number, lv.path[-1]) for lv in quinquies] == [
        ("1 quinquies", "sous-section-1-quinquies")
    ]
    # every segment is the slug of its kind and number, or, for two siblings that would share
    # one, the folder's name
    for level in levels.values():
        assert level.path[-1] in (
            slugify(f"{level.kind} {level.number}"),
            level.source.parent.name,
        ), level
    assert {r.kind for r in levels.values()} <= {
        "partie",
        "livre",
        "titre",
        "chapitre",
        "section",
        "sous-section",
        "paragraphe",
        "sous-paragraphe",
        "annexe",
        "division",
    }


@needs_corpus
def test_counts_and_no_problems(records: list[Record]) -> None:
    """One Article per article file, one Level per level folder, and no Problem."""
    counts = Counter((type(r).__name__, getattr(r, "code", None)) for r in records)
    for code, folder in (("casf", CASF), ("ceseda", CESEDA)):
        assert counts["Article", code] == len(list((CORPUS / folder).rglob("article-*.md")))
        assert counts["Level", code] == len(list((CORPUS / folder).rglob("README.md"))) - 1
    assert counts["Article", "casf"] == 2854
    assert counts["Article", "ceseda"] == 957
    assert [r for r in records if isinstance(r, Problem)] == []


@needs_corpus
def test_annex_article(records: list[Record]) -> None:
    """An annex article gets an "Annexe-…" number and its tables lose their markup."""
    [annex] = [
        r
        for r in records
        if isinstance(r, Article) and r.code == "ceseda" and r.number == "Annexe-6-8"
    ]
    assert annex.parent == ("annexe", "annexe-6-8")
    assert "<" not in annex.text and annex.text.startswith("LISTE DES DONNÉES")


def _write(path: Path, content: str | bytes) -> None:
    """A file and its folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A folder of two codes: a known one with four bad article files, and an unknown one."""
    code = tmp_path / CASF
    _write(code / "README.md", "# Code de l'action sociale et des familles\n")
    chapitre = code / "partie-legislative" / "chapitre-ier"
    _write(code / "partie-legislative" / "README.md", "# Partie législative\n")
    _write(chapitre / "README.md", "# Chapitre Ier : Essai\n")
    _write(chapitre / "article-l1.md", "# Article L1\n\nVoir l'article L. 2.\n")
    _write(chapitre / "article-l2.md", "Pas de titre.\n")
    _write(chapitre / "article-l3.md", "")
    _write(chapitre / "article-l4.md", "# Article L4\n\nPr\xe9vu.\n".encode("latin-1"))
    _write(chapitre / "article-l5.md", "# Article L5\n\nDernier.\n")
    other = tmp_path / "code-inconnu"
    _write(other / "README.md", "# Code inconnu\n")
    _write(other / "partie-legislative" / "README.md", "# Partie législative\n")
    return tmp_path


def test_broken_files(broken: Path) -> None:
    """Each bad file and the unknown code give one Problem; the good files are still read."""
    records = list(EtalabReader().read(broken))
    problems = {(r.source.name, r.reason.split(":")[0]) for r in records if isinstance(r, Problem)}
    assert problems == {
        ("article-l2.md", "no '# Article' heading"),
        ("article-l3.md", "empty file"),
        ("article-l4.md", "not UTF-8"),
        ("code-inconnu", "unknown code 'code-inconnu'"),
    }
    assert sum(isinstance(r, Problem) for r in records) == 4
    articles = [r for r in records if isinstance(r, Article)]
    assert [a.number for a in articles] == ["L1", "L5"]
    assert articles[0].citations == (Citation("L2", "casf", "text", "l'article L. 2"),)
    assert [r.path for r in records if isinstance(r, Level)] == [
        ("partie-legislative",),
        ("partie-legislative", "chapitre-ier"),
    ]
