"""The pages through ``cph-kg serve``: the guard's promises hold for them, and ``--cors``.

The guard answers the pages itself (reading the store through Oxigraph): a foreign ``Host`` or
``Origin`` is refused as for the endpoint, nothing is written, and an origin named with
``--cors`` may read pages and query, with a preflight answered and its name in the answer.
"""

from __future__ import annotations

import http.client
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph

from cph_kg.knowledge_graph import KnowledgeGraph
from tests.helpers import CONFORMING, CONVENTIONS, run_cph_kg
from tests.serving import cph_kg_serve

pytestmark = pytest.mark.slow  # cph-kg serve in a process of its own

ALLOWED = "https://example.org"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """``cph-kg serve --cors https://example.org`` on the examples, validated."""
    location = tmp_path_factory.mktemp("served-pages") / "store"
    with KnowledgeGraph.open(location) as kg:
        kg.load([CONFORMING, CONVENTIONS / "non-conforming" / "without-cpam.ttl"])
        kg.validate()
    with cph_kg_serve(location, "--cors", ALLOWED) as base:
        parts = urllib.parse.urlsplit(base)
        yield parts.hostname or "", parts.port or 0


def request(
    server: tuple[str, int], method: str, path: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection(*server, timeout=30)
    try:
        connection.request(method, path, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        connection.close()


def test_pages_are_served_beside_the_endpoint(server) -> None:
    status, headers, body = request(server, "GET", "/convention/without-cpam")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert headers["x-content-type-options"] == "nosniff"
    assert b"convention/without-cpam" in body
    status, headers, body = request(
        server, "GET", "/convention/without-cpam", {"Accept": "text/turtle"}
    )
    assert status == 200 and len(Graph().parse(data=body, format="turtle")) > 5
    status, _, body = request(
        server, "GET", "/query?query=ASK%7B%7D", {"Accept": "application/sparql-results+json"}
    )
    assert status == 200 and b'"boolean":true' in body.replace(b" ", b"")


def test_head_of_a_page(server) -> None:
    _, get_headers, body = request(server, "GET", "/law/casf/R349-2")
    status, headers, empty = request(server, "HEAD", "/law/casf/R349-2")
    assert status == 200 and empty == b""
    assert headers["content-length"] == str(len(body)) == get_headers["content-length"]


def test_a_foreign_host_or_origin_is_refused_for_pages_too(server) -> None:
    assert request(server, "GET", "/", {"Host": "evil.example"})[0] == 403
    assert request(server, "GET", "/", {"Origin": "https://evil.example"})[0] == 403
    assert request(server, "GET", "/static/style.css", {"Host": "attacker.test:80"})[0] == 403


def test_nothing_is_written_through_a_page_path(server) -> None:
    status, _, _ = request(server, "POST", "/update", {"Content-Type": "application/sparql-update"})
    assert status == 403
    status, _, _ = request(
        server, "PUT", "/convention/without-cpam", {"Content-Type": "text/turtle"}
    )
    assert status in (400, 403, 404, 405)  # refused, whichever check comes first
    assert request(server, "GET", "/convention/without-cpam")[0] == 200


def test_cors_names_the_allowed_origin_only(server) -> None:
    status, headers, _ = request(server, "GET", "/law/casf/R349-2", {"Origin": ALLOWED})
    assert status == 200 and headers["access-control-allow-origin"] == ALLOWED
    status, headers, _ = request(
        server,
        "GET",
        "/query?query=ASK%7B%7D",
        {"Origin": ALLOWED, "Accept": "application/sparql-results+json"},
    )
    assert status == 200 and headers["access-control-allow-origin"] == ALLOWED
    same_site = f"http://{server[0]}:{server[1]}"
    status, headers, _ = request(server, "GET", "/", {"Origin": same_site})
    assert status == 200 and "access-control-allow-origin" not in headers


def test_a_preflight_from_the_allowed_origin(server) -> None:
    status, headers, _ = request(
        server,
        "OPTIONS",
        "/query",
        {"Origin": ALLOWED, "Access-Control-Request-Method": "POST"},
    )
    assert status == 204
    assert headers["access-control-allow-origin"] == ALLOWED
    assert "POST" in headers["access-control-allow-methods"]
    assert "PUT" not in headers["access-control-allow-methods"]  # read-only
    other = request(server, "OPTIONS", "/query", {"Origin": "https://evil.example"})
    assert other[0] == 403


def test_cors_takes_an_origin(tmp_path: Path) -> None:
    done = run_cph_kg("serve", "--location", tmp_path, "--cors", "example.org/path")
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "give an origin such as" in done.stderr
