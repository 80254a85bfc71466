"""The store: atomic loads into named graphs, info, export, stored reports, timeouts, safety."""

from __future__ import annotations

import gc
import logging
import re
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from cph_kg import CphKgError, InputError, vocab
from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.namespaces import (
    CONVENTIONS_GRAPH,
    LEGAL_GRAPH,
    ONTOLOGY_GRAPH,
    REFERENCE_GRAPH,
    SHAPES_GRAPH,
    VALIDATION_GRAPH,
)
from cph_kg.sparql.guard import check_query
from cph_kg.sparql.results import Boolean, Solutions
from tests.helpers import CONFORMING, CONVENTIONS

BAD = Path(__file__).parent / "fixtures" / "bad-input"
RQ = Path(__file__).parent / "fixtures" / "rq"


@pytest.fixture
def kg(tmp_path: Path) -> Iterator[KnowledgeGraph]:
    with KnowledgeGraph.open(tmp_path / "store") as graph:
        yield graph


def test_load_fills_one_named_graph_per_source(kg: KnowledgeGraph) -> None:
    kg.load([CONFORMING])
    sizes = kg.info()
    assert set(sizes) == {
        str(g)
        for g in (ONTOLOGY_GRAPH, SHAPES_GRAPH, LEGAL_GRAPH, REFERENCE_GRAPH, CONVENTIONS_GRAPH)
    }
    assert sizes[str(CONVENTIONS_GRAPH)] == len(Graph().parse(CONFORMING))


def test_a_failed_load_leaves_the_store_as_it_was(kg: KnowledgeGraph) -> None:
    kg.load([CONFORMING])
    before = kg.info()
    with pytest.raises(InputError):
        kg.load([CONVENTIONS / "conforming" / "rhone-2025.ttl", BAD / "unterminated-string.ttl"])
    assert kg.info() == before


@pytest.mark.parametrize(
    ("name", "line", "words"),
    [
        ("unbound-prefix.ttl", 3, "syntax error: The prefix cph: has not been declared"),
        ("bad-term.nt", 3, "syntax error: The object of a triple must be an IRI"),
        ("mismatched-tag.rdf", None, "syntax error: ill-formed document"),
        ("trailing-comma.jsonld", 5, "JSON syntax error"),
        ("only-prefixes.ttl", None, "contains no RDF triples"),
    ],
)
def test_load_errors_name_the_file_and_line(kg: KnowledgeGraph, name: str, line, words) -> None:
    with pytest.raises(InputError) as caught:
        kg.load([BAD / name])
    assert caught.value.line == line
    assert words in caught.value.problem
    assert "(line" not in caught.value.problem


def test_loading_again_adds_and_replace_empties_first(kg: KnowledgeGraph) -> None:
    rhone = CONVENTIONS / "conforming" / "rhone-2025.ttl"
    kg.load([CONFORMING])
    kg.load([rhone])
    both = kg.info()[str(CONVENTIONS_GRAPH)]
    assert both == len(Graph().parse(CONFORMING) + Graph().parse(rhone))
    kg.load([rhone], replace=True)
    assert kg.info()[str(CONVENTIONS_GRAPH)] == len(Graph().parse(rhone))


def test_managed_graphs_cannot_be_loaded_into(kg: KnowledgeGraph) -> None:
    with pytest.raises(CphKgError, match="managed by cph-kg"):
        kg.load([CONFORMING], graph=LEGAL_GRAPH)
    with pytest.raises(CphKgError, match="managed by cph-kg"):
        kg.load([CONFORMING], graph=str(VALIDATION_GRAPH))
    with pytest.raises(CphKgError, match="managed by cph-kg"):
        kg.load([CONFORMING], graph=vocab.SHAPES_GRAPH)
    assert kg.info() == {}


#: One graph, named the three ways the public API takes: a str, an rdflib URIRef, a NamedNode.
OTHER_GRAPH = "https://example.org/graph/other"


@pytest.mark.parametrize(
    "name", [OTHER_GRAPH, URIRef(OTHER_GRAPH), ox.NamedNode(OTHER_GRAPH)], ids=type
)
def test_a_graph_is_named_by_a_str_a_uriref_or_a_named_node(
    kg: KnowledgeGraph, name: str | ox.NamedNode
) -> None:
    report = kg.load([CONFORMING], graph=name)
    size = len(Graph().parse(CONFORMING))
    assert kg.info()[OTHER_GRAPH] == size
    assert str(CONVENTIONS_GRAPH) not in kg.info()
    # the report names the graphs in rdflib's terms, whatever the graph was named with
    assert report.written[URIRef(OTHER_GRAPH)] == size
    assert all(type(each) is URIRef for each in report.written)
    assert kg.load([CONFORMING], graph=name, replace=True).written[URIRef(OTHER_GRAPH)] == size


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("relative/graph", "not an absolute IRI"),
        ("", "not an absolute IRI"),
        ("https://example.org/a b", "not an absolute IRI"),
        (URIRef("graph"), "not an absolute IRI"),
        # absolute to SPARQL's eyes, but no IRI: Oxigraph refused it with a traceback
        ("https://example.org/a%zz", "is not an IRI: Invalid IRI percent encoding"),
        ("https://example.org:port/", "is not an IRI"),
        # an rdflib literal and a blank node are str too: neither names a graph
        (Literal(OTHER_GRAPH), "not Literal"),
        (BNode("graph"), "not BNode"),
        (Path("graph"), "not PosixPath"),
        (ox.Literal(OTHER_GRAPH), "not Literal"),
        (None, "not NoneType"),
    ],
)
def test_a_graph_that_is_no_iri_is_refused_before_anything_is_loaded(
    kg: KnowledgeGraph, name: object, words: str
) -> None:
    with pytest.raises(CphKgError, match=re.escape(words)) as caught:
        kg.load([CONFORMING], graph=name)  # type: ignore[arg-type]
    assert "\n" not in str(caught.value)
    assert kg.info() == {}  # not even the law


@pytest.mark.slow
def test_validate_stores_the_report_with_provision_and_convention(kg: KnowledgeGraph) -> None:
    kg.load([CONFORMING, CONVENTIONS / "non-conforming" / "missing-object-meetings.ttl"])
    outcome = kg.validate()
    assert [v.conforms for v in outcome.conventions] == [True, False]
    rows = kg.store.query(
        f"""PREFIX sh: <http://www.w3.org/ns/shacl#> PREFIX cph: <https://w3id.org/cph-kg/ontology#>
        SELECT ?reading ?convention ?provision ?severity WHERE {{ GRAPH <{VALIDATION_GRAPH}> {{
            ?report cph:readingApplied ?reading ; sh:result ?result .
            ?result cph:concernsConvention ?convention ; cph:provision ?provision ;
                    sh:resultSeverity ?severity }} }} ORDER BY ?reading"""
    )
    assert isinstance(rows, Solutions)
    # one report per reading of R349-2, each with the finding (the meetings are no named body)
    assert rows.rows == [
        (
            URIRef(f"https://w3id.org/cph-kg/law/casf/R349-2/reading/organismes-nommes-{name}"),
            URIRef("https://w3id.org/cph-kg/convention/missing-object-meetings"),
            URIRef("https://w3id.org/cph-kg/law/casf/R349-2/III/2"),
            URIRef("http://www.w3.org/ns/shacl#Violation"),
        )
        for name in ("exemples", "requis")
    ]


def test_validating_an_empty_store_is_an_error(kg: KnowledgeGraph) -> None:
    kg.load([], replace=True)
    with pytest.raises(CphKgError, match="holds no convention"):
        kg.validate()


def test_export_round_trips(kg: KnowledgeGraph, tmp_path: Path) -> None:
    kg.load([CONFORMING])
    dump = tmp_path / "dump.nq"
    with dump.open("wb") as handle:
        kg.store.dump(handle, "nquads")
    quads = [line for line in dump.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(quads) == sum(kg.info().values())
    one = tmp_path / "conventions.ttl"
    with one.open("wb") as handle:
        kg.store.dump(handle, "turtle", vocab.CONVENTIONS_GRAPH)
    assert Graph().parse(one).isomorphic(Graph().parse(CONFORMING))


def test_parameters_cannot_inject_sparql(kg: KnowledgeGraph) -> None:
    """The value becomes one literal in a VALUES block; the query and the store are unchanged."""
    kg.load([CONFORMING])
    before = kg.info()
    hostile = 'x" } ; DROP ALL ; #'
    result = kg.query(str(RQ / "titles-equal.rq"), wanted=hostile)
    assert result == Solutions(["convention", "title"], [])
    assert kg.info() == before
    title = next(Graph().parse(CONFORMING).objects(None, DCTERMS.title))

    result = kg.query(str(RQ / "titles-equal.rq"), wanted=str(title))
    assert result.rows == [(URIRef("https://w3id.org/cph-kg/convention/gironde-2019"), title)]


def test_required_and_unknown_parameters(kg: KnowledgeGraph) -> None:
    kg.load([CONFORMING])
    with pytest.raises(CphKgError, match="needs --param wanted"):
        kg.query(str(RQ / "titles-equal.rq"))
    with pytest.raises(CphKgError, match="has no parameter colour"):
        kg.query(str(RQ / "titles-equal.rq"), wanted="x", colour="blue")


def test_typed_parameters_are_checked(kg: KnowledgeGraph) -> None:
    kg.load([CONFORMING])
    with pytest.raises(CphKgError, match="not a département INSEE code"):
        kg.query(str(RQ / "conventions-in.rq"), departement="20")
    assert kg.query(str(RQ / "conventions-in.rq"), departement="33").rows == [
        (URIRef("https://w3id.org/cph-kg/convention/gironde-2019"),)
    ]
    assert kg.query(str(RQ / "conventions-in.rq"), departement="69").rows == []


def test_ask_and_limit(kg: KnowledgeGraph) -> None:
    kg.load([CONFORMING, CONVENTIONS / "conforming" / "rhone-2025.ttl"])
    assert kg.query(str(RQ / "any-convention.rq")) == Boolean(True)
    assert len(kg.query(str(RQ / "conventions-in.rq")).rows) == 2
    assert len(kg.query(str(RQ / "conventions-in.rq"), limit=1).rows) == 1


def test_answers_convert_each_distinct_term_once_and_keep_every_term(
    kg: KnowledgeGraph,
) -> None:
    """The conversion to rdflib terms is memoised per answer: only equal RDF terms share it."""
    answer = kg.store.query(
        'SELECT ?x WHERE { VALUES ?x { 1 "01"^^<urn:x:number> "1"^^<urn:x:number> '
        '"1" "1"@fr "1"@en <urn:x:1> "2020-02-30"^^<http://www.w3.org/2001/XMLSchema#date> '
        "1 <urn:x:1> UNDEF } }"
    )
    assert isinstance(answer, Solutions)
    assert [row[0].n3() if row[0] is not None else None for row in answer.rows] == [
        '"1"^^<http://www.w3.org/2001/XMLSchema#integer>',
        '"01"^^<urn:x:number>',
        '"1"^^<urn:x:number>',
        '"1"',
        '"1"@fr',
        '"1"@en',
        "<urn:x:1>",
        '"2020-02-30"^^<http://www.w3.org/2001/XMLSchema#date>',
        '"1"^^<http://www.w3.org/2001/XMLSchema#integer>',
        "<urn:x:1>",
        None,
    ]


@pytest.mark.parametrize(
    "query",
    [
        'SELECT ?x WHERE { VALUES ?x { "2020-02-30"^^<http://www.w3.org/2001/XMLSchema#date> } }',
        'CONSTRUCT { <urn:x:s> <urn:x:p> "2020-02-30"^^<http://www.w3.org/2001/XMLSchema#date> }'
        " WHERE {}",
    ],
)
def test_an_answer_is_freed_in_the_thread_that_read_it(
    kg: KnowledgeGraph, query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Oxigraph's answer may only be freed in the query's thread, even if a traceback survives.

    rdflib logs an ill-formed literal with its traceback; a handler that keeps the record (as
    pytest's do) kept every frame above it, the answer included, until the record was dropped
    in the main thread: pyoxigraph then refused to free it ("unsendable", an unraisable error).
    """
    kept: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = kept.append  # type: ignore[method-assign]
    rdflib_log = logging.getLogger("rdflib.term")
    monkeypatch.setattr(rdflib_log, "propagate", False)  # only this handler keeps the record
    rdflib_log.addHandler(handler)
    level = rdflib_log.level
    rdflib_log.setLevel(logging.WARNING)  # other tests quieten rdflib
    unraisable: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    try:
        kg.store.query(query)
    finally:
        rdflib_log.removeHandler(handler)
        rdflib_log.setLevel(level)
    assert any(record.exc_info for record in kept)  # the traceback is kept
    kept.clear()
    gc.collect()
    assert unraisable == []


@pytest.mark.slow
def test_a_query_past_its_timeout_is_stopped(kg: KnowledgeGraph) -> None:
    kg.load([CONFORMING])
    started = time.monotonic()
    with pytest.raises(CphKgError, match="timed out after 1 s"):
        kg.query(str(RQ / "cartesian.rq"), timeout=1)
    assert time.monotonic() - started < 10


def test_service_is_refused_on_the_embedded_store(kg: KnowledgeGraph) -> None:
    kg.load([CONFORMING])
    with pytest.raises(CphKgError, match="SERVICE is not allowed"):
        kg.query(str(RQ / "service.rq"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }", True),
        ("select * { service silent ?endpoint { ?s ?p ?o } }", True),
        ('SELECT * { ?s ?p "SERVICE" } # SERVICE in a comment', False),
        ("SELECT * { ?s <http://example.org/SERVICE> ?o }", False),
        ("SELECT * { ?s ?p '''a\nSERVICE''' }", False),
    ],
)
def test_service_detection_ignores_strings_iris_and_comments(text: str, expected: bool) -> None:
    if expected:
        with pytest.raises(CphKgError, match="SERVICE is not allowed"):
            check_query(text)
    else:
        check_query(text)


def test_a_second_process_is_told_the_store_is_busy(tmp_path: Path) -> None:
    location = tmp_path / "store"
    with KnowledgeGraph.open(location) as kg:
        kg.load([CONFORMING])
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sys, time, pyoxigraph
            store = pyoxigraph.Store({str(location)!r})
            print("ready", flush=True)
            time.sleep(30)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(CphKgError, match="is busy"):
            KnowledgeGraph.open(location)
        with pytest.raises(CphKgError, match="is busy"):
            KnowledgeGraph.open(location, create=False)
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()


def test_a_remote_store_gets_each_code_graph_from_the_chunks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The import's chunks are sent as one update: each graph dropped, then its triples."""
    from cph_kg.store.remote import RemoteStore

    first = '<urn:a> <urn:p> "x <urn:b> .\\n" <urn:g1> .\n'
    second = "<urn:a> <urn:p> <urn:b> <urn:g2> .\n<urn:c> <urn:p> <urn:d> <urn:g1> .\n"
    parts = [ox.NamedNode("urn:g1"), first.encode(), ox.NamedNode("urn:g2"), second.encode()]
    sent: list[str] = []
    remote = RemoteStore("http://127.0.0.1:9/sparql")
    monkeypatch.setattr(remote, "_update", sent.append)
    remote.load_code_graphs(parts)
    (update,) = sent
    received = ox.Store()
    received.update(update.split(" ;\n", 2)[2])
    assert sorted(str(q) for q in received) == sorted(
        str(q) for q in ox.parse((first + second).encode(), format=ox.RdfFormat.N_QUADS)
    )
    assert update.startswith("DROP SILENT GRAPH <urn:g1> ;\nDROP SILENT GRAPH <urn:g2> ;\n")
