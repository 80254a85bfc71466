"""Property-based fuzzing of what reads untrusted text: authoring files, corpora, citations.

Each property says what may come out of a reader, whatever goes in: a graph or the documented
error (:class:`~cph_kg.errors.InputError`, a :class:`~cph_kg.errors.CphKgError`) for the
authoring format; records or per-file problems for the corpus readers; citations that are words
of the text for the extractor. Never another exception, never a hang: every call is timed.

The runs are deterministic (``derandomize=True``: the examples derive from each test's code),
bounded (``max_examples``) and fast (a deadline per example), so CI gets the same examples each
time and the file runs in well under a minute.
"""

from __future__ import annotations

import json
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph

from cph_kg.authoring.reading import parse_document
from cph_kg.codes import citations
from cph_kg.codes.etalab import EtalabReader
from cph_kg.codes.linked import LinkedReader
from cph_kg.codes.model import Article, Level, Problem
from cph_kg.errors import CphKgError
from cph_kg.rdf.documents import Document
from tests.helpers import CONVENTIONS

EXAMPLE = CONVENTIONS / "authoring" / "gironde-2019.yaml"
VALID = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))

FUZZ = settings(
    derandomize=True,
    max_examples=150,
    deadline=2000,  # milliseconds per example: a hang or a backtracking regex shows up here
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)

# --- the authoring format ---------------------------------------------------------------------

#: JSON-like values, and the YAML scalars that become other Python types (dates, bools…).
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.dates(),
    st.sampled_from(["dep:33", "dep:2A", "dep:99", "II-1", "III-4", "caf:33", "Centre", "ééé"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=12,
)
field_names = st.sampled_from([*VALID, "type", "id", "presentIn", "name", "Date", "signatory"])


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    """The valid example with a few structured changes: fields dropped, renamed, retyped."""
    document = json.loads(json.dumps(VALID, default=str))
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["drop", "rename", "retype", "add", "nest"]))
        keys = sorted(document)
        if not keys:
            break
        key = draw(st.sampled_from(keys))
        if action == "drop":
            del document[key]
        elif action == "rename":
            document[draw(field_names | st.text(max_size=10))] = document.pop(key)
        elif action == "retype":
            document[key] = draw(values)
        elif action == "add":
            document[draw(field_names)] = draw(values)
        else:
            centre = document.get("centre")
            if isinstance(centre, dict):
                centre[draw(field_names)] = draw(values)
    return document


def parse_authoring(text: str, fmt: str) -> None:
    """Parse ``text`` as the authoring format: a graph, or the documented error."""
    started = time.monotonic()
    try:
        graph = parse_document(Document(Path(f"fuzz.{fmt}"), text, fmt))
    except CphKgError as error:
        assert "\n" not in str(error), str(error)  # one line, as the CLI prints it
    else:
        assert isinstance(graph, Graph) and len(graph) > 0
    assert time.monotonic() - started < 5


def to_yaml(document: object) -> str:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


def to_json(document: object) -> str:
    context = {"@context": "https://w3id.org/cph-kg/context/convention.jsonld"}
    body = {**context, **document} if isinstance(document, dict) else document
    return json.dumps(body, default=str, ensure_ascii=False)


@pytest.mark.slow
@FUZZ
@given(mutated())
def test_mutations_of_the_example_as_yaml(document: dict[str, Any]) -> None:
    parse_authoring(to_yaml(document), "yaml")


@pytest.mark.slow
@FUZZ
@given(mutated())
def test_mutations_of_the_example_as_json(document: dict[str, Any]) -> None:
    parse_authoring(to_json(document), "json-ld")


@FUZZ
@given(values)
def test_random_documents(document: object) -> None:
    parse_authoring(to_yaml(document), "yaml")
    parse_authoring(to_json(document), "json-ld")


@FUZZ
@given(st.text(max_size=300), st.integers(0, 400))
def test_random_text_spliced_into_the_example(noise: str, at: int) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    parse_authoring(text[:at] + noise + text[at:], "yaml")


def test_the_example_itself_parses() -> None:
    graph = parse_document(Document(EXAMPLE, EXAMPLE.read_text(encoding="utf-8"), "yaml"))
    assert len(graph) > 10
    assert date.fromisoformat(str(VALID["date"]))


# --- the corpus readers -----------------------------------------------------------------------

CASF = "code-de-laction-sociale-et-des-familles"
ETALAB_CASF = "code-de-l-action-sociale-et-des-familles"
html_bits = st.sampled_from(
    [
        "<div align='left'>",
        "</div>",
        "<br/>",
        "<br/><br/>",
        "<a href='/code-de-laction-sociale-et-des-familles/partie-legislative/l349-2.md'>",
        "<a href='../l1.md'>",
        "<a href=",
        "</a>",
        "<p>",
        "<![CDATA[",
        "<!--",
        "&amp;",
        "&#xffffff;",
        "**",
        "# Article L. 349-2\n",
        "# Article \n",
        "l'article R. 349-2",
        "\n\n",
        "\x00",
        "\ufeff",
    ]
)
article_text = st.lists(html_bits | st.text(max_size=20), max_size=25).map("".join)
file_bytes = st.one_of(
    article_text.map(lambda t: t.encode("utf-8")),
    st.binary(max_size=200),
    article_text.map(lambda t: t.encode("latin-1", errors="replace")),
)
level_names = st.sampled_from(
    [
        "partie-reglementaire",
        "partie-legislative",
        "livre-iii-action-sociale",
        "titre-ier-x",
        "chapitre-ix-centres",
        "section-2-a",
        "sous-section-1-bis-x",
        "livre",
        "x",
        "chapitre--",
        "annexe-1-1",
    ]
)


def check_records(records: list) -> None:
    for record in records:
        assert isinstance(record, Level | Article | Problem), record
        if isinstance(record, Problem):
            assert "\n" not in record.reason


def corpus_files(contents: int) -> st.SearchStrategy:
    """One to six files of a corpus: levels, a name, and ``contents`` random file bodies."""
    return st.lists(
        st.tuples(
            st.lists(level_names, max_size=3),
            st.from_regex(r"[a-z0-9-]{1,8}", fullmatch=True),
            *[file_bytes] * contents,
        ),
        min_size=1,
        max_size=6,
    )


@pytest.mark.slow
@FUZZ
@given(corpus_files(contents=1))
def test_the_linked_reader_gives_records_or_problems(files) -> None:
    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        for levels, name, content in files:
            folder = root.joinpath(CASF, *levels)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{name}.md").write_bytes(content)
        started = time.monotonic()
        reader = LinkedReader()
        reader.detect(root)
        check_records(list(reader.read(root)))
        assert time.monotonic() - started < 10


@pytest.mark.slow
@FUZZ
@given(corpus_files(contents=2))
def test_the_etalab_reader_gives_records_or_problems(files) -> None:
    with tempfile.TemporaryDirectory() as work:
        root = Path(work) / ETALAB_CASF
        (root / "partie-reglementaire").mkdir(parents=True)
        (root / "README.md").write_text("# Code de l'action sociale et des familles\n")
        for levels, name, readme, article in files:
            folder = root.joinpath("partie-reglementaire", *levels)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "README.md").write_bytes(readme)
            (folder / f"article-{name}.md").write_bytes(article)
        started = time.monotonic()
        reader = EtalabReader()
        assert reader.detect(root)
        check_records(list(reader.read(root)))
        assert time.monotonic() - started < 10


# --- the citation extractor -------------------------------------------------------------------

phrases = st.sampled_from(
    [
        "l'article L. 349-2",
        "l’article R. 413-8",
        "articles L. 1 à L. 3",
        "des articles R. 311-19 à R. 311-23",
        "du présent code",
        "du même code",
        "dudit code",
        "du code",
        "du code de l'entrée et du séjour des étrangers et du droit d'asile",
        "du code civil",
        "du code de la route",
        "de la loi n° 2016-274",
        "au 2° du II de l'article L. 313-11",
        "au I",
        "aux I et II",
        "au 3° du présent article",
        "le a du 3° du II",
        "est ainsi modifié",
        "remplacés par",
        "et suivants",
        "bis",
        "L. 553-14 bis",
        "R.311-24",
        "D 338-23",
        "373-2",
        "°",
        ",",
        " et ",
        " ou ",
        " à ",
        "du ",
        "de l'",
        "II",
        "XIV",
        "a)",
    ]
)
french = st.lists(phrases | st.text(max_size=8), max_size=40).map(" ".join)


def check_citations(text: str, bound: float | None = 1.0) -> None:
    """Each citation found is made of the text's own words; found within ``bound`` seconds."""
    started = time.monotonic()
    found = citations.extract(text, "casf")
    elapsed = time.monotonic() - started
    assert bound is None or elapsed < bound, (elapsed, text[:200])
    for citation in found:
        assert citation.text in text  # the words that make it are the text's own
        assert citation.method == "text"
        assert citation.number is None or citation.number.strip() == citation.number != ""


@FUZZ
@given(french)
def test_citations_are_words_of_the_text(text: str) -> None:
    check_citations(text)


@pytest.mark.slow
@FUZZ
@given(phrases, phrases, st.integers(1, 3000))
def test_long_repetitive_text_is_read_in_bounded_time(first: str, second: str, times: int) -> None:
    """Adversarial inputs for backtracking: one or two phrases repeated thousands of times."""
    check_citations((first + " " + second + " ") * times)


#: Inputs that make a backtracking pattern or a span-by-span search explode: each is a function
#: of its number of repetitions.
ADVERSARIAL = {
    "enumeration": lambda n: "articles L. 1" + ", L. 1" * n,
    "subdivisions": lambda n: "au I" + " et II" * n + " de",
    "du-before-subdivision": lambda n: "a du " * n + "II de l'article L. 1",
    "items": lambda n: "1° du " * n,
    # each internal reference looked through every span
    "internal": lambda n: "l'article L. 349-2 au I " * n,
    "same-code": lambda n: "l'article L. 1 du code civil et l'article L. 2 du même code " * n,
    "number": lambda n: "L. 1-" + "1-" * n,
    "code-name": lambda n: "code de la " + "x" * (10 * n),
    "spaces": lambda n: "l'article " + " " * (10 * n) + "L. 1",
}


def _seconds(text: str) -> float:
    """The fastest of three extractions of ``text``: the least disturbed by other work."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        citations.extract(text, "casf")
        times.append(time.perf_counter() - started)
    return min(times)


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_known_adversarial_inputs_take_linear_time(name: str) -> None:
    """Four times the input takes about four times the time, never sixteen: no quadratic blow-up.

    Time ratios measured in one run, not an absolute bound, and a wide margin (8x, where linear
    is 4x and quadratic 16x), so the verdict does not depend on how loaded the machine is; the
    outputs are checked as every extraction's are.
    """
    make = ADVERSARIAL[name]
    check_citations(make(1500), bound=None)
    small, large = _seconds(make(1500)), _seconds(make(6000))
    assert large < 8 * small + 0.05, (name, small, large)
