"""The plain-text citation extractor: each pattern, and its precision on a hand-checked sample.

``fixtures/citations/precision-sample.tsv`` records every citation the extractor found in 110
etalab articles (``random.Random(2015).sample`` of all article files of both codes, listed in
``sample-files.txt``), each judged by reading the article; ``missed.tsv`` lists the citations
of those articles the extractor did not find. The last tests re-run the extractor on the
sample, so that any change to its output has to be judged again.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cph_kg.codes.citations import ARTICLES, BARRIER, article_matches, extract
from cph_kg.codes.etalab import read_article
from cph_kg.codes.identifiers import code_for_slug
from cph_kg.codes.model import Article, Citation
from tests.corpora import ETALAB

CORPUS = ETALAB
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "citations"
SAMPLE = FIXTURES / "precision-sample.tsv"
COLUMNS = ["file", "text", "number", "code", "provision", "code_name", "correct", "note"]


def cite(
    number: str | None,
    text: str,
    code: str | None = "casf",
    provision: str | None = None,
    code_name: str | None = None,
) -> Citation:
    """A text citation, most often of the CASF, the citing code of these tests."""
    return Citation(number, code, "text", text, provision, code_name)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "conformément à l'article L. 349-2.",
            [cite("L349-2", "l'article L. 349-2")],
            id="same code",
        ),
        pytest.param(
            "l'article R. 311-24 du code de l'entrée et du séjour des étrangers et du droit "
            "d'asile",
            [
                cite(
                    "R311-24",
                    "l'article R. 311-24 du code de l'entrée et du séjour des "
                    "étrangers et du droit d'asile",
                    code="ceseda",
                )
            ],
            id="other known code",
        ),
        pytest.param(
            "prévu à l'article D. 338-23 du code de l'éducation et",
            [
                cite(
                    "D338-23",
                    "l'article D. 338-23 du code de l'éducation",
                    code=None,
                    code_name="code de l'éducation",
                )
            ],
            id="unknown code",
        ),
        pytest.param(
            "de l'article L. 5312-1 du code du travail",
            [
                # a code cph-kg knows since the LEGI codes: its short name, not its words
                cite("L5312-1", "l'article L. 5312-1 du code du travail", code="ctrav")
            ],
            id="code du travail",
        ),
        pytest.param(
            "à l'article L. 245-1 du présent code",
            [cite("L245-1", "l'article L. 245-1 du présent code")],
            id="présent code",
        ),
        pytest.param(
            "aux articles L. 311-9 et L. 314-2",
            [
                cite("L311-9", "articles L. 311-9 et L. 314-2"),
                cite("L314-2", "articles L. 311-9 et L. 314-2"),
            ],
            id="list",
        ),
        pytest.param(
            "des articles R. 311-19 à R. 311-23",
            [
                cite("R311-19", "articles R. 311-19 à R. 311-23"),
                cite("R311-23", "articles R. 311-19 à R. 311-23"),
            ],
            id="range cites its two ends only",
        ),
        pytest.param(
            "au 2° du II de l'article L. 313-11",
            [cite("L313-11", "2° du II de l'article L. 313-11", provision="II, 2°")],
            id="provision chain",
        ),
        pytest.param(
            "le I de l'article L. 744-4",
            [cite("L744-4", "I de l'article L. 744-4", provision="I")],
            id="provision",
        ),
        pytest.param(
            "relevant du a) du III de l'article L. 314-1",
            [cite("L314-1", "a) du III de l'article L. 314-1", provision="III, a")],
            id="provision letter",
        ),
        pytest.param(
            "mentionnés aux I et II de l'article L. 245-1",
            [cite("L245-1", "l'article L. 245-1")],
            id="list of provisions gives none",
        ),
        pytest.param(
            "aux 1° à 17° de l'article D. 271-2",
            [cite("D271-2", "l'article D. 271-2")],
            id="range of provisions gives none",
        ),
        pytest.param(
            "Les autorités mentionnées au I disposent d'un délai",
            [cite(None, "I", provision="I")],
            id="internal au I",
        ),
        pytest.param(
            "le versement mentionné au II peut",
            [cite(None, "II", provision="II")],
            id="internal mentionné au II",
        ),
        pytest.param(
            "dans le délai prévu au III du présent article.",
            [cite(None, "III du présent article", provision="III")],
            id="internal du présent article",
        ),
        pytest.param(
            "les personnes mentionnées au 1° du I sont",
            [cite(None, "1° du I", provision="I, 1°")],
            id="internal chain",
        ),
        pytest.param("les personnes mentionnées au 1° sont", [], id="bare item skipped"),
        pytest.param(
            "Un décret fixe les modalités d'application du présent article.",
            [],
            id="présent article alone",
        ),
        pytest.param(
            "l'article 3 de la loi n° 2015-925 du 29 juillet 2015",
            [],
            id="law skipped",
        ),
        pytest.param(
            "aux IV et V de l'article 953 et",
            [],
            id="bare number of an unnamed text skipped",
        ),
        pytest.param(
            "de l'article 21-7 du code civil",
            [cite("21-7", "l'article 21-7 du code civil", code=None, code_name="code civil")],
            id="bare number of a named code",
        ),
        pytest.param(
            "l'article L. 531-5 du code de la sécurité sociale et l'article L. 841-1 du même code",
            [
                cite("L531-5", "l'article L. 531-5 du code de la sécurité sociale", code="css"),
                cite("L841-1", "l'article L. 841-1 du même code", code="css"),
            ],
            id="même code takes the last named",
        ),
        pytest.param("l'article L. 1 du même code", [], id="même code with none named"),
        pytest.param(
            "l'article L. 146-9 du code de l'action sociale et des familles ; la convention "
            "mentionnée au même article L. 146-9",
            [
                cite("L146-9", "l'article L. 146-9 du code de l'action sociale et des familles"),
                cite("L146-9", "article L. 146-9"),
            ],
            id="même article is the one just cited, of its code",
        ),
        pytest.param("au même article L. 5", [], id="même article with none cited"),
        pytest.param(
            "articles L. 311-4 du code de l'action sociale et des familles et L. 633-2 du code "
            "de la construction et de l'habitation",
            [
                cite("L311-4", "articles L. 311-4 du code de l'action sociale et des familles"),
                cite(
                    "L633-2",
                    "L. 633-2 du code de la construction et de l'habitation",
                    code=None,
                    code_name="code de la construction et de l'habitation",
                ),
            ],
            id="a list carried on to another code",
        ),
        pytest.param(
            "l'article L. 5 du code civil et L. 6 sont",
            [cite("L5", "l'article L. 5 du code civil", code=None, code_name="code civil")],
            id="numbers after a code with no code named after them are not guessed",
        ),
        pytest.param(
            "aux 18° à 26° et au 28° de l'article D. 271-2",
            [cite("D271-2", "l'article D. 271-2")],
            id="a list of items gives the article without a provision",
        ),
        pytest.param(
            "par les articles R. 821-1 et suivants du code de justice administrative",
            [
                cite(
                    "R821-1",
                    "articles R. 821-1 et suivants du code de justice administrative",
                    code=None,
                    code_name="code de justice administrative",
                )
            ],
            id="et suivants",
        ),
        pytest.param(
            "BARÈME PRÉVU À L'ARTICLE D. 451-7",
            [cite("D451-7", "L'ARTICLE D. 451-7")],
            id="upper case",
        ),
    ],
)
def test_extract(text: str, expected: list[Citation]) -> None:
    """Each pattern gives exactly these citations."""
    assert extract(text, "casf") == expected


def test_extract_code_of_the_citing_article() -> None:
    """An unqualified number belongs to the citing article's code."""
    assert extract("l'article R. 311-23", "ceseda") == [
        cite("R311-23", "l'article R. 311-23", code="ceseda")
    ]


def _recorded() -> list[dict[str, str]]:
    """The rows of the hand-checked sample."""
    with SAMPLE.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream, delimiter="\t")
        assert reader.fieldnames == COLUMNS
        return list(reader)


def test_precision_sample_is_judged() -> None:
    """Every recorded extraction carries a judgement; the precision stays at or above 95 %."""
    rows = _recorded()
    assert len(rows) >= 100
    assert {row["correct"] for row in rows} <= {"yes", "no"}
    correct = sum(row["correct"] == "yes" for row in rows)
    assert correct / len(rows) >= 0.95


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason="etalab corpus not beside the repository")
def test_sample_extractions_unchanged() -> None:
    """The extractor still finds exactly the judged citations in the sample's articles."""
    files = (FIXTURES / "sample-files.txt").read_text(encoding="utf-8").split()
    assert len(files) >= 100
    found = []
    for name in files:
        code = code_for_slug(name.split("/")[0])
        assert code is not None
        article = read_article(CORPUS / name, code.short, ())
        assert isinstance(article, Article)
        found.extend(_row(name, citation) for citation in article.citations)
    assert found == [[row[column] for column in COLUMNS[:6]] for row in _recorded()]


def _row(name: str, citation: Citation) -> list[str]:
    """A citation as the sample's columns write it."""
    return [
        name,
        citation.text,
        citation.number or "",
        citation.code or "",
        citation.provision or "",
        citation.code_name or "",
    ]


#: Pieces of citing phrases, the characters at the edges of the barrier class, and the letters
#: Python's case folding matches with those of "article" ("ı", "ſ"), or not ("İ", "K").
_PIECES = [
    "l'article ",
    "L’ARTICLE ",
    "articles ",
    "artıcle ",
    "artiſle ",
    "de l'",
    "du ",
    " de ",
    "L. 349-2",
    "R.311-24",
    "D 338-23",
    "L. 553-14 bis",
    "373-2",
    " et ",
    " ou ",
    " à ",
    ", ",
    "2°",
    "II",
    "a) ",
    "a du 2° du II de l'",
    " et suivants",
    " du code civil",
    "é",
    ";",
    "(",
    "\n",
    "\xa0",
    "İ",
    "K",
    "٣",
    "°",
    "*",
    "-",
    ".",
    "bisé",
    "suivantsé",
    " ",
    "x",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.characters(), max_size=40))
def test_the_stretches_around_article_give_every_match(pieces: list[str]) -> None:
    """Reading only the stretches around "article" finds what scanning the whole text finds."""
    text = "".join(pieces)
    expected = [(m.span(), m.groups()) for m in ARTICLES.finditer(text)]
    assert [(m.span(), m.groups()) for m in article_matches(text)] == expected


def test_no_character_a_match_can_hold_is_a_barrier() -> None:
    """Every character some part of ``ARTICLES`` consumes is outside the barrier class."""
    consumed = re.compile(r"[a-z\d\s)°'’.*,\-àLRDIVX]|(?i:[articles])")
    holdable = [chr(c) for c in range(0x110000) if consumed.fullmatch(chr(c))]
    assert holdable
    assert [c for c in holdable if BARRIER.fullmatch(c)] == []
