"""Remote SPARQL 1.1 endpoints: a real Oxigraph server, and small stand-ins for failures.

The real server (started on 127.0.0.1 by the fixture, with the command ``cph-kg serve`` runs)
must give exactly the rows the embedded store gives. Failures (HTTP errors, wrong or cut-off
answers, timeouts, redirects, credentials) are in ``tests/robustness/test_endpoint_failures.py``.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph
from rdflib.compare import isomorphic

from cph_kg import CphKgError
from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.namespaces import CONVENTIONS_GRAPH
from cph_kg.rdf.rdflib_adapter import rdflib_graph
from cph_kg.sparql.results import Boolean, Solutions, Triples
from tests.helpers import CONFORMING, CONVENTIONS, oxigraph_server

RQ = Path(__file__).parent / "fixtures" / "rq"
FILES = [
    CONFORMING,
    CONVENTIONS / "conforming" / "rhone-2025.ttl",
    CONVENTIONS / "non-conforming" / "without-cpam.ttl",
]


@pytest.fixture(scope="module")
def stores(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[KnowledgeGraph, KnowledgeGraph]]:
    """The same data in the embedded store and behind a read-only Oxigraph server."""
    location = tmp_path_factory.mktemp("served") / "store"
    with KnowledgeGraph.open(location) as embedded:
        embedded.load(FILES)
        embedded.validate()
    copy = location.parent / "copy"
    shutil.copytree(location, copy)  # the server has its own copy; the test keeps the original
    with oxigraph_server(copy) as url, KnowledgeGraph.open(location, create=False) as embedded:
        yield embedded, KnowledgeGraph.open(endpoint=url)


@pytest.mark.parametrize(
    ("query", "params"),
    [
        ("conventions-in.rq", {}),
        ("conventions-in.rq", {"departement": "69"}),
        ("titles-equal.rq", {"wanted": 'x" } ; DROP ALL ; #'}),
        ("any-convention.rq", {}),
    ],
)
def test_endpoint_gives_the_rows_of_the_embedded_store(stores, query: str, params: dict) -> None:
    embedded, remote = stores
    assert remote.query(str(RQ / query), **params) == embedded.query(str(RQ / query), **params)


def test_endpoint_info_matches(stores) -> None:
    embedded, remote = stores
    assert remote.info() == embedded.info()


@pytest.mark.slow
def test_load_and_validate_through_sparql_update(tmp_path: Path) -> None:
    with oxigraph_server(tmp_path / "empty", allow_update=True) as url:
        remote = KnowledgeGraph.open(endpoint=url)
        report = remote.load([CONFORMING])
        assert remote.info()[str(CONVENTIONS_GRAPH)] == report.written[CONVENTIONS_GRAPH]
        # Loaded again, only the statements with a blank node are new: a blank node read twice
        # is two nodes (RDF 1.1 Semantics, 5.2), in the embedded store as on the endpoint.
        again = remote.load([CONFORMING])
        with_blank = sum(
            isinstance(s, BNode) or isinstance(o, BNode) for s, _, o in Graph().parse(CONFORMING)
        )
        assert with_blank > 0
        assert again.written[CONVENTIONS_GRAPH] == with_blank
        with KnowledgeGraph.open(tmp_path / "embedded") as embedded:
            embedded.load([CONFORMING])
            assert embedded.load([CONFORMING]).written[CONVENTIONS_GRAPH] == with_blank
        outcome = remote.validate()
        assert outcome.conforms
        assert remote.query(str(RQ / "any-convention.rq")) == Boolean(True)


@pytest.mark.slow
def test_code_graphs_imported_through_sparql_update_are_the_embedded_stores(tmp_path) -> None:
    """A code import on an endpoint writes the graphs an embedded import writes.

    One SPARQL Update per import; imported again, the graphs are replaced, not doubled.
    """
    corpus = Path(__file__).parent / "fixtures" / "corpus-linked"
    with KnowledgeGraph.open(tmp_path / "embedded") as embedded:
        embedded.import_codes([corpus])
        expected = embedded.info()
        dump = io.BytesIO()
        embedded.store.dump(dump, "nquads")
    with oxigraph_server(tmp_path / "empty", allow_update=True) as url:
        remote = KnowledgeGraph.open(endpoint=url)
        remote.import_codes([corpus])
        code_graph = ox.NamedNode(next(name for name in expected if "/graph/codes/" in name))
        stray = ox.Triple(ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p"), ox.Literal("stray"))
        remote.store.write({code_graph: [stray]})
        remote.import_codes([corpus])  # the code graphs replaced: the stray triple is gone
        assert remote.info() == expected
        served = remote.store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert isinstance(served, Triples)
    stored = rdflib_graph(ox.parse(dump.getvalue(), format=ox.RdfFormat.N_QUADS))
    assert len(stored) > 1000 and isomorphic(served.graph, stored)


def test_a_read_only_server_refuses_writes(stores) -> None:
    _, remote = stores
    with pytest.raises(CphKgError, match=r"refused the request \(HTTP 403\)"):
        remote.load([CONFORMING])


def test_rows_are_solutions(stores) -> None:
    _, remote = stores
    assert isinstance(remote.query(str(RQ / "conventions-in.rq")), Solutions)
