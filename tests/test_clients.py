"""Researchers' own clients against ``cph-kg serve``: SPARQLWrapper and rdflib's SPARQLStore.

Every named query, its parameters bound by cph-kg (:meth:`NamedQuery.bind`), is sent by each
client to the served store, and must give the rows the embedded store gives (whose exact rows
``tests/test_queries.py`` and its neighbours check). The store holds the known dataset of the
query tests, validated, and the fixture corpus of the code-graph tests, so that every query has
something to find. The README's account of SPARQLWrapper (what it does with a cut body and with
timeouts) is measured here too, against small stand-in servers.
"""

from __future__ import annotations

import http.client
import re
import socket
import threading
import time
import urllib.error
from collections.abc import Iterator
from pathlib import Path

import pytest
import SPARQLWrapper
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.term import Node

from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.rdf.rdflib_adapter import normalise
from cph_kg.sparql import catalog
from cph_kg.sparql.results import Boolean, Solutions, Triples
from cph_kg.sparql.text import query_form
from tests.helpers import ROOT
from tests.querying import CASF, CONV
from tests.serving import cph_kg_serve

pytestmark = pytest.mark.slow  # cph-kg serve, every named query through two clients

FIXTURES = Path(__file__).parent / "fixtures"
#: A value for each required parameter, by name: the dataset below has something to say of each.
REQUIRED = {
    "convention": str(CONV["q-loire-atlantique-2020"]),
    "article": str(CASF["R349-2"]),
    "departement": "33",
    "date": "2022-01-01",
    "level": str(CASF["partie-reglementaire/livre-iii/titre-iv/chapitre-ix"]),
    "centre": "https://w3id.org/cph-kg/org/cph/q-le-phare-bordeaux",
}
#: Named queries that find nothing in this dataset, and why (the others must find rows).
#: Named queries SPARQLWrapper 2.0.0 misreads, and how.
SPARQLWRAPPER_MISREADS = {
    "article-amendments": "SPARQLWrapper takes the query form from a word of a comment "
    "('describes', line 8) and asks for the answer of a DESCRIBE",
}
EMPTY_HERE: dict[str, str] = {
    "article-amendments": "the dataset holds no amending text (its tests are the legi ones)",
}


def arguments(name: str) -> dict[str, str]:
    """Values for the required parameters of a named query (the others keep their defaults)."""
    query = catalog.resolve(name)
    missing = [p.name for p in query.parameters if p.required and p.name not in REQUIRED]
    assert not missing, f"{name}: give test_clients.REQUIRED a value for {missing}"
    return {p.name: REQUIRED[p.name] for p in query.parameters if p.required}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[KnowledgeGraph, str]]:
    """The embedded store, and the query URL of ``cph-kg serve`` serving a copy of it."""
    location = tmp_path_factory.mktemp("clients") / "store"
    with KnowledgeGraph.open(location) as graph:
        graph.load(
            [FIXTURES / "queries" / "conventions.ttl", FIXTURES / "queries" / "point-in-time.ttl"]
        )
        graph.validate()
        assert graph.import_codes([FIXTURES / "corpus-linked"]).problems == []
    with (
        KnowledgeGraph.open(location, read_only=True) as embedded,
        cph_kg_serve(location) as base,
    ):
        yield embedded, f"{base}/query"


def _term(binding: dict[str, str]) -> Node:
    """An rdflib term from one value of SPARQL 1.1 Query Results JSON."""
    if binding["type"] == "uri":
        return URIRef(binding["value"])
    if binding["type"] == "bnode":
        return BNode(binding["value"])
    return Literal(binding["value"], lang=binding.get("xml:lang"), datatype=binding.get("datatype"))


def with_sparqlwrapper(url: str, text: str) -> Solutions | Boolean | Triples:
    """What SPARQLWrapper answers, in cph-kg's result types (terms normalised the same way)."""
    client = SPARQLWrapper.SPARQLWrapper(url)
    client.setMethod(SPARQLWrapper.POST)  # a GET puts the query in the URL: over 8 KiB, refused
    client.setQuery(text)
    if query_form(text) in ("CONSTRUCT", "DESCRIBE"):
        client.setReturnFormat(SPARQLWrapper.TURTLE)
        body = client.queryAndConvert()
        return Triples(Graph().parse(data=body, format="turtle"))
    client.setReturnFormat(SPARQLWrapper.JSON)
    answer = client.queryAndConvert()
    if "boolean" in answer:
        return Boolean(answer["boolean"])
    names = answer["head"]["vars"]
    return Solutions(
        names,
        [
            tuple(normalise(_term(row[n])) if n in row else None for n in names)
            for row in answer["results"]["bindings"]
        ],
    )


def with_sparqlstore(url: str, text: str) -> Solutions | Boolean | Triples:
    """What rdflib's SPARQLStore answers, through an rdflib Graph, in cph-kg's result types.

    The store POSTs the query: by default it sends it in the URL, which fails for long queries
    (see :func:`test_sparqlstore_get_fails_on_long_queries`).
    """
    result = Graph(store=SPARQLStore(url, method="POST")).query(text)
    if result.type == "ASK":
        return Boolean(bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return Triples(result.graph)
    names = [str(v) for v in result.vars]
    return Solutions(names, [tuple(normalise(term) for term in row) for row in result])


def _empty(answer: Solutions | Boolean | Triples) -> bool:
    if isinstance(answer, Solutions):
        return not answer.rows
    return isinstance(answer, Triples) and len(answer.graph) == 0


def same(mine: Solutions | Boolean | Triples, theirs: Solutions | Boolean | Triples) -> bool:
    """Equal answers: rows in order, the same boolean, or isomorphic graphs."""
    if isinstance(mine, Triples) and isinstance(theirs, Triples):
        return isomorphic(mine.graph, theirs.graph)
    return mine == theirs


@pytest.mark.parametrize("client", [with_sparqlwrapper, with_sparqlstore])
@pytest.mark.parametrize("name", sorted(catalog.named_queries()))
def test_every_named_query_through_the_client(served, client, name: str) -> None:
    if client is with_sparqlwrapper and name in SPARQLWRAPPER_MISREADS:
        pytest.xfail(SPARQLWRAPPER_MISREADS[name])
    embedded, url = served
    params = arguments(name)
    expected = embedded.query(name, **params)
    if name not in EMPTY_HERE:
        assert not _empty(expected), f"{name} finds nothing here: choose other parameters"
    answer = client(url, catalog.resolve(name).bind(params))
    assert same(expected, answer), f"{name}: {answer} != {expected}"


def test_the_empty_ones_are_still_empty(served) -> None:
    """EMPTY_HERE says why a query finds nothing; if it finds something, the list is stale."""
    embedded, _ = served
    for name in EMPTY_HERE:
        result = embedded.query(name, **arguments(name))
        assert isinstance(result, Solutions) and result.rows == [], name


def test_sparqlstore_get_fails_on_long_queries(served) -> None:
    """By default SPARQLStore puts the query in the URL; Oxigraph refuses headers over 8 KiB."""
    _, url = served
    text = catalog.resolve("article-changes").bind({})
    assert len(text.encode()) > 4096
    with pytest.raises(ValueError, match="You did something wrong"):
        Graph(store=SPARQLStore(url)).query(text)


# --- SPARQLWrapper 2.0.0's behaviour, as the README reports it --------------------------------


@pytest.fixture
def stand_in() -> Iterator[tuple[str, dict]]:
    """An HTTP server answering each request with ``answer['raw']`` after ``answer['delay']``.

    What it receives is appended to ``answer['received']``.
    """
    answer: dict = {"raw": b"", "delay": 0.0, "received": []}
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    stopping = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stopping.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                connection.settimeout(5)
                try:
                    answer["received"].append(connection.recv(65536))
                    stopping.wait(float(answer["delay"]))
                    connection.sendall(bytes(answer["raw"]))
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/query", answer
    finally:
        stopping.set()
        thread.join()
        listener.close()


def _json_answer(body: bytes, length: int) -> bytes:
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
        + f"Content-Length: {length}\r\nConnection: close\r\n\r\n".encode()
        + body
    )


ROWS = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"1"}}]}}'


def _client(url: str) -> SPARQLWrapper.SPARQLWrapper:
    client = SPARQLWrapper.SPARQLWrapper(url)
    client.setQuery("SELECT ?x WHERE { BIND(1 AS ?x) }")
    client.setReturnFormat(SPARQLWrapper.JSON)
    return client


def test_sparqlwrapper_refuses_a_body_cut_before_its_announced_length(stand_in) -> None:
    url, answer = stand_in
    answer["raw"] = _json_answer(ROWS[:40], len(ROWS))
    with pytest.raises(http.client.IncompleteRead):
        _client(url).queryAndConvert()
    answer["raw"] = _json_answer(ROWS, len(ROWS))  # and the whole body is read
    assert _client(url).queryAndConvert()["results"]["bindings"] == [
        {"x": {"type": "literal", "value": "1"}}
    ]


def test_sparqlwrapper_honours_a_timeout_set_on_the_attribute(stand_in) -> None:
    url, answer = stand_in
    answer.update(raw=_json_answer(ROWS, len(ROWS)), delay=3.0)
    client = _client(url)
    client.timeout = 0.5
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        client.queryAndConvert()
    assert time.monotonic() - started < 2.5


def test_sparqlwrapper_set_timeout_rounds_down_to_whole_seconds(stand_in) -> None:
    """``setTimeout(0.5)`` stores ``int(0.5)``, 0, which SPARQLWrapper reads as no timeout."""
    url, answer = stand_in
    answer.update(raw=_json_answer(ROWS, len(ROWS)), delay=1.5)
    client = _client(url)
    client.setTimeout(0.5)
    assert client.timeout == 0
    started = time.monotonic()
    client.queryAndConvert()  # no timeout: the slow answer arrives
    assert time.monotonic() - started >= 1.5


def test_sparqlwrapper_follows_a_redirect_to_another_host_with_the_credentials(stand_in) -> None:
    """Basic auth is a header SPARQLWrapper adds itself; urllib keeps it on every redirect."""
    url, answer = stand_in
    other = url.replace("127.0.0.1", "localhost")  # another host name, the same stand-in
    answer["raw"] = (
        f"HTTP/1.1 302 Found\r\nLocation: {other}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    ).encode()
    client = _client(url)
    client.setCredentials("researcher", "secret")
    with pytest.raises(urllib.error.HTTPError):  # the stand-in redirects again, up to a limit
        client.queryAndConvert()
    hosts = [
        line.split(b":", 1)[1].strip()
        for request in answer["received"]
        for line in request.split(b"\r\n")
        if line.lower().startswith(b"host:")
    ]
    assert hosts[0].startswith(b"127.0.0.1:") and hosts[1].startswith(b"localhost:")
    assert all(b"Authorization: Basic " in request for request in answer["received"])


def test_sparqlwrapper_hands_back_a_body_of_another_type_raw_with_a_warning(stand_in) -> None:
    url, answer = stand_in
    answer["raw"] = _json_answer(ROWS, len(ROWS)).replace(
        b"application/sparql-results+json", b"text/html"
    )
    with pytest.warns(RuntimeWarning, match="unknown response content type 'text/html'"):
        body = _client(url).queryAndConvert()
    assert body == ROWS


# --- the README's examples, run as written ----------------------------------------------------


def _readme_examples() -> list[str]:
    """The Python blocks of the README's section on SPARQLWrapper and rdflib, in order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### From your own scripts", 1)[1].split("\n#", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


def test_the_readme_examples_print_the_rows(served, capsys: pytest.CaptureFixture) -> None:
    embedded, url = served
    expected = embedded.query("conventions-without-cpam", departement="33")
    assert isinstance(expected, Solutions) and expected.rows
    binding, wrapper, store = _readme_examples()
    namespace: dict = {}
    for block in (binding, wrapper, store):
        exec(block.replace("http://127.0.0.1:7878/query", url), namespace)
    convention, date = expected.variables.index("convention"), expected.variables.index("date")
    line = "\n".join(f"{row[convention]} {row[date]}" for row in expected.rows)
    assert capsys.readouterr().out == f"{line}\n{line}\n"
