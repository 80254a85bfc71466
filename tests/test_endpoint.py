"""Remote SPARQL 1.1 endpoints: a real Oxigraph server, and small stand-ins for failures.

The real server (started on 127.0.0.1 by the fixture, with the command ``cph-kg serve`` runs)
must give exactly the rows the embedded store gives. The stand-ins answer 401, 500, an HTML
page or nothing in time, so each failure can be seen to give one clear line.
"""

from __future__ import annotations

import http.server
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cph_kg import CphKgError
from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.results import Boolean, Solutions
from cph_kg.store import CONVENTIONS_GRAPH, RemoteStore
from tests.conftest import CONFORMING, CONVENTIONS, free_port, oxigraph_server

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


def test_load_and_validate_through_sparql_update(tmp_path: Path) -> None:
    with oxigraph_server(tmp_path / "empty", allow_update=True) as url:
        remote = KnowledgeGraph.open(endpoint=url)
        report = remote.load([CONFORMING])
        assert remote.info()[str(CONVENTIONS_GRAPH)] == report.written[CONVENTIONS_GRAPH]
        outcome = remote.validate()
        assert outcome.conforms
        assert remote.query(str(RQ / "any-convention.rq")) == Boolean(True)


def test_a_read_only_server_refuses_writes(stores) -> None:
    _, remote = stores
    with pytest.raises(CphKgError, match=r"refused the request \(HTTP 403\)"):
        remote.load([CONFORMING])


def test_unreachable_endpoint() -> None:
    remote = KnowledgeGraph.open(endpoint=f"http://127.0.0.1:{free_port()}/query")
    with pytest.raises(CphKgError, match="unreachable \\(connection refused\\)"):
        remote.query(str(RQ / "any-convention.rq"))


def test_endpoint_must_be_http() -> None:
    with pytest.raises(CphKgError, match="must be an http"):
        KnowledgeGraph.open(endpoint="file:///etc/passwd")


class _Stand_in(http.server.BaseHTTPRequestHandler):
    """Answers every request the way the server's ``behaviour`` says."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.requests += 1
        behaviour = self.server.behaviour
        if behaviour == "slow":
            time.sleep(3)
        status, body, kind = {
            "401": (401, b"authentication required", "text/plain"),
            "500": (500, b"internal error", "text/plain"),
            "html": (200, b"<html><body>Welcome</body></html>", "text/html"),
            "slow": (200, b"{}", "application/sparql-results+json"),
        }[behaviour]
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up (the timeout test)

    do_GET = do_POST

    def log_message(self, *args: object) -> None:
        """Keep the test output clean."""


@pytest.fixture
def stand_in() -> Iterator[http.server.ThreadingHTTPServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Stand_in)
    server.requests = 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _remote(
    server: http.server.ThreadingHTTPServer, behaviour: str, **kwargs: object
) -> RemoteStore:
    server.behaviour = behaviour
    return RemoteStore(f"http://127.0.0.1:{server.server_address[1]}/sparql", **kwargs)


def test_http_401_names_the_cause_but_never_the_password(stand_in) -> None:
    remote = _remote(stand_in, "401", user="alice", password="s3cret-value")
    with pytest.raises(CphKgError) as caught:
        remote.query("ASK {}")
    assert "HTTP 401" in str(caught.value)
    assert "s3cret-value" not in str(caught.value)
    with pytest.raises(CphKgError) as caught:
        remote.write({}, replace=[CONVENTIONS_GRAPH])
    assert "s3cret-value" not in str(caught.value)


def test_http_500(stand_in) -> None:
    with pytest.raises(CphKgError, match="answered HTTP 500"):
        _remote(stand_in, "500").query("SELECT * WHERE { ?s ?p ?o }")


def test_an_html_page_is_not_a_sparql_answer(stand_in) -> None:
    with pytest.raises(CphKgError, match="did not answer with SPARQL JSON results"):
        _remote(stand_in, "html").query("SELECT * WHERE { ?s ?p ?o }")


def test_a_slow_endpoint_times_out(stand_in) -> None:
    started = time.monotonic()
    with pytest.raises(CphKgError, match="did not answer in time"):
        _remote(stand_in, "slow", timeout=1).query("SELECT * WHERE { ?s ?p ?o }")
    assert time.monotonic() - started < 5


def test_writes_are_never_retried(stand_in) -> None:
    with pytest.raises(CphKgError):
        _remote(stand_in, "500").write({}, replace=[CONVENTIONS_GRAPH])
    assert stand_in.requests == 1


def test_rows_are_solutions(stores) -> None:
    _, remote = stores
    assert isinstance(remote.query(str(RQ / "conventions-in.rq")), Solutions)
