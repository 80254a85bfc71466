"""The named queries on Virtuoso open-source: the rows of the embedded store, unchanged queries.

Debian's Virtuoso (``virtuoso-opensource-7-bin``) is started on 127.0.0.1 by
``tests/virtuoso.py`` with ``tools/virtuoso/virtuoso.ini``, the file the README's walk-through
uses. The store of the client tests (the known dataset of the query tests, validated, and the
fixture corpus of the code-graph tests) is published with ``cph-kg docs --store`` and its
N-Quads dump read by Virtuoso's bulk loader, as the README says. Each named query, its
parameters bound by cph-kg, is sent through cph-kg's own endpoint client (``--endpoint``) and
must give the rows of the embedded store, in the same order (the same boolean, an isomorphic
graph), and leave the server answering the queries sent after it.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.rdf.rdflib_adapter import normalise
from cph_kg.sparql import catalog
from cph_kg.sparql.text import bind_values
from tests.helpers import ROOT, run_cph_kg
from tests.test_clients import EMPTY_HERE, FIXTURES, _empty, arguments, same
from tests.virtuoso import Virtuoso, empty_virtuoso, own_virtuoso

#: Conventions that end, and one renewed by avenants: the days of their ends tell the engines apart.
ENDING = [
    ROOT / "data" / "conventions" / "non-conforming" / name
    for name in ("expired.ttl", "amended.ttl")
]
#: The days around those ends and renewals (test_queries follows them on the embedded store).
DAYS = [
    "2019-06-02",
    "2019-06-03",
    "2021-12-31",
    "2022-01-01",
    "2022-06-02",
    "2022-06-03",
    "2025-12-31",
    "2026-01-01",
]
#: Articles whose changes take every kind of branch of ``article-changes`` the data has: citations
#: and wordings (R349-2), whole texts (R. 311-24), one version (R. 413-13), none (R. 413-8), and
#: imported code articles with several versions.
CHANGED = [
    "https://w3id.org/cph-kg/law/" + article
    for article in (
        "casf/R349-2",
        "ceseda/R311-24",
        "ceseda/R413-13",
        "ceseda/R413-8",
        "css/L752-4",
        "css/L211-1",
        "ctrav/L5312-1",
    )
]

#: The LEGI sample's articles with amending texts recorded on their versions (the query tests'
#: store has none), and with citations of several provisions in the same words (L. 752-3-3).
LEGI_ARTICLES = [
    "https://w3id.org/cph-kg/law/" + article
    for article in ("ctrav/L5312-1", "css/L212-1", "css/L752-3-3", "crpa/L222-3")
]


def _query_store(folder: Path, location: Path) -> Path:
    """Fill the embedded store at ``location`` with the query tests' data; return its dump.

    The dump is what ``cph-kg docs --store`` publishes, the file a Virtuoso user bulk-loads.
    """
    with KnowledgeGraph.open(location) as graph:
        graph.load(
            [
                FIXTURES / "queries" / "conventions.ttl",
                FIXTURES / "queries" / "point-in-time.ttl",
                *ENDING,
            ]
        )
        graph.validate()
        assert graph.import_codes([FIXTURES / "corpus-linked"]).problems == []
    done = run_cph_kg("docs", folder / "site", "--store", "--location", location)
    assert done.returncode == 0, done.stderr
    (dump,) = (folder / "site" / "dumps").glob("cph-kg-*[0-9].nq.gz")
    return dump


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[KnowledgeGraph, Virtuoso]]:
    """The embedded store, and a fresh Virtuoso holding its ``cph-kg docs`` dump."""
    virtuoso = empty_virtuoso()
    folder = tmp_path_factory.mktemp("virtuoso")
    location = folder / "store"
    dump = _query_store(folder, location)
    virtuoso.bulk_load(dump)
    with KnowledgeGraph.open(location, read_only=True) as embedded:
        yield embedded, virtuoso


@pytest.mark.slow  # Virtuoso started and loaded
@pytest.mark.parametrize("name", sorted(catalog.named_queries()))
def test_every_named_query_on_virtuoso(stores, name: str) -> None:
    embedded, virtuoso = stores
    params = arguments(name)
    expected = embedded.query(name, **params)
    if name not in EMPTY_HERE:
        assert not _empty(expected), f"{name} finds nothing here: choose other parameters"
    with KnowledgeGraph.open(endpoint=virtuoso.endpoint) as remote:
        answer = remote.query(name, **params)
    assert same(expected, answer), f"{name}: {answer} != {expected}"


@pytest.mark.slow  # Virtuoso started and loaded
def test_article_changes_leaves_virtuoso_answering(stores) -> None:
    """``article-changes`` gives the embedded rows, and every query sent after it does too.

    An earlier form of the query, its checks after the union, compiled on Virtuoso 7.2.5 but
    made the server crash (segfault) on the queries that followed: ``reference-drifts``,
    ``verdicts-by-reading``, then ``centre-conventions-in-force``, every time. Those come first.
    """
    embedded, virtuoso = stores
    changes = set()
    with KnowledgeGraph.open(endpoint=virtuoso.endpoint) as remote:
        for article in CHANGED:
            expected = embedded.query("article-changes", article=article)
            assert same(expected, remote.query("article-changes", article=article)), article
            changes |= {str(row[4]) for row in expected.rows}
        after = ["reference-drifts", "verdicts-by-reading", "centre-conventions-in-force"]
        for name in after + sorted(catalog.named_queries()):
            params = arguments(name)
            assert same(embedded.query(name, **params), remote.query(name, **params)), name
    assert changes >= {"citation added", "citation removed", "wording changed", "text changed"}
    assert virtuoso.process.poll() is None, "Virtuoso stopped"


@pytest.fixture(scope="module")
def legi_stores(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[KnowledgeGraph, Virtuoso]]:
    """The LEGI sample imported into an embedded store, and a Virtuoso of its own holding it."""
    folder = tmp_path_factory.mktemp("virtuoso-legi")
    location = folder / "store"
    with KnowledgeGraph.open(location) as graph:
        assert graph.import_codes([ROOT / "data" / "samples" / "legi"]).problems == []
    done = run_cph_kg("docs", folder / "site", "--store", "--location", location)
    assert done.returncode == 0, done.stderr
    (dump,) = (folder / "site" / "dumps").glob("cph-kg-*[0-9].nq.gz")
    virtuoso = own_virtuoso()
    try:
        virtuoso.bulk_load(dump)
        with KnowledgeGraph.open(location, read_only=True) as embedded:
            yield embedded, virtuoso
    finally:
        virtuoso.stop()


@pytest.mark.slow  # Virtuoso started and loaded
@pytest.mark.parametrize(
    "name",
    sorted(
        name
        for name, query in catalog.named_queries().items()
        if any(parameter.name == "article" for parameter in query.parameters)
    ),
)
def test_the_article_queries_on_legi_articles(legi_stores, name: str) -> None:
    """LEGI articles (versions, amending texts, citations): the same rows on both engines."""
    embedded, virtuoso = legi_stores
    found = 0
    with KnowledgeGraph.open(endpoint=virtuoso.endpoint) as remote:
        for article in LEGI_ARTICLES:
            params = {**arguments(name), "article": article}
            expected = embedded.query(name, **params)
            assert same(expected, remote.query(name, **params)), f"{name} of {article}"
            found += not _empty(expected)
    assert found >= 3, f"{name} finds too little in the LEGI sample"


@pytest.mark.slow  # Virtuoso started and loaded
def test_article_version_at_after_reference_drifts() -> None:
    """On a server that ran ``reference-drifts`` first, ``article-version-at`` still finds it.

    Virtuoso 7.2.5 then matched nothing with ``?inForceFrom <= ?date`` (a fresh server, in that
    order, every time): the query tests ``!(?date < ?inForceFrom)``. A server of its own, since
    the order of the module's queries is pytest's.
    """
    folder = Path(tempfile.mkdtemp(prefix="cph-kg-version-at-"))
    location = folder / "store"
    dump = _query_store(folder, location)
    virtuoso = own_virtuoso()
    try:
        virtuoso.bulk_load(dump)
        params = arguments("article-version-at")
        with (
            KnowledgeGraph.open(location, read_only=True) as embedded,
            KnowledgeGraph.open(endpoint=virtuoso.endpoint) as remote,
        ):
            remote.query("reference-drifts", **arguments("reference-drifts"))
            expected = embedded.query("article-version-at", **params)
            assert expected.rows
            assert same(expected, remote.query("article-version-at", **params))
    finally:
        virtuoso.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.slow  # Virtuoso started and loaded
@pytest.mark.parametrize(
    "name", ["centres-without-convention-in-force", "centre-conventions-in-force"]
)
def test_the_day_queries_on_the_days_conventions_end(stores, name: str) -> None:
    """On the days conventions end or are renewed, Virtuoso finds the same conventions in force."""
    embedded, virtuoso = stores
    params = arguments(name)
    if name == "centre-conventions-in-force":
        params["centre"] = "https://w3id.org/cph-kg/org/cph/les-chartrons-bordeaux"
    answers = []
    with KnowledgeGraph.open(endpoint=virtuoso.endpoint) as remote:
        for day in DAYS:
            expected = embedded.query(name, on=day, **params)
            assert same(expected, remote.query(name, on=day, **params)), f"{name} on {day}"
            answers.append(expected.rows)
    assert len({repr(rows) for rows in answers}) > 2, "the days do not tell the conventions apart"


@pytest.mark.slow  # Virtuoso started and loaded
def test_broken_references_needs_no_distinct_to_agree(stores) -> None:
    """Its rows before DISTINCT are the same on both engines: nothing left for it to hide.

    Virtuoso 7.2 gives a node reached by two paths of ``eli:is_part_of+`` once per path (an
    article of the corpus is part of its section and, in the legal data, of its code), where
    SPARQL gives it once; joined, that repeated rows, and DISTINCT did not always remove them.
    """
    embedded, virtuoso = stores
    path = ROOT / "queries" / "broken-references.rq"
    text = path.read_text(encoding="utf-8")
    assert "SELECT DISTINCT ?citing" in text
    every = text.replace("SELECT DISTINCT ?citing", "SELECT ?citing", 1)
    with KnowledgeGraph.open(endpoint=virtuoso.endpoint) as remote:
        answers = [store.store.query(every) for store in (embedded, remote)]
    mine, theirs = (sorted(map(repr, answer.rows)) for answer in answers)
    assert len(mine) > len(set(mine)), "no repeated row left to test"
    assert mine == theirs


@pytest.mark.slow  # Virtuoso started and loaded
def test_a_query_file_sent_unchanged_as_the_readme_does(stores) -> None:
    """``curl --data-urlencode query@queries/NAME.rq``: the file as it is, CSV back."""
    embedded, virtuoso = stores
    text = (ROOT / "queries" / "conventions-without-cpam.rq").read_text(encoding="utf-8")
    request = urllib.request.Request(
        virtuoso.endpoint,
        data=urllib.parse.urlencode({"query": text}).encode(),
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        rows = json.load(answer)["results"]["bindings"]
    expected = embedded.query("conventions-without-cpam")
    assert expected.rows
    assert [row["convention"]["value"] for row in rows] == [str(r[0]) for r in expected.rows]


@pytest.mark.slow  # Virtuoso started and loaded
def test_virtuoso_holds_every_graph_of_the_dump(stores) -> None:
    embedded, virtuoso = stores
    assert sorted(virtuoso.graphs()) == sorted(embedded.info())


def test_a_boolean_is_read_in_its_canonical_form() -> None:
    """Virtuoso writes an xsd:boolean as 1 or 0: the same values as true and false."""
    assert normalise(Literal("1", datatype=XSD.boolean)) == Literal(True)
    assert normalise(Literal("0", datatype=XSD.boolean)) == Literal(False)
    assert normalise(Literal("true", datatype=XSD.boolean)) == Literal(True)
    ill_formed = Literal("yes", datatype=XSD.boolean)
    assert normalise(ill_formed) is ill_formed


def test_each_parameter_is_its_own_values_block() -> None:
    """One block per variable: Virtuoso 7.2 cannot compile some queries given one of two."""
    text = bind_values(
        "SELECT * WHERE { ?a ?b ?c }", {"a": URIRef("urn:x"), "c": Literal("2022-01-01")}
    )
    assert "VALUES ?a { <urn:x> }" in text and 'VALUES ?c { "2022-01-01" }' in text
    assert text.index("VALUES") > text.index("WHERE {")


@pytest.mark.slow  # Virtuoso started and loaded
def test_the_settings_the_readme_names(stores) -> None:
    """The configuration keeps both ports on 127.0.0.1 and long answers whole."""
    _, virtuoso = stores
    settings = (virtuoso.directory / "virtuoso.ini").read_text(encoding="utf-8")
    assert f"ServerPort         = 127.0.0.1:{virtuoso.sql_port}" in settings
    assert f"ServerPort    = 127.0.0.1:{virtuoso.http_port}" in settings
    assert "ResultSetMaxRows           = 1000000" in settings
    assert Path(ROOT / "tools" / "virtuoso" / "virtuoso.ini").exists()
