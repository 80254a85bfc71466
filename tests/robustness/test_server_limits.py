"""``cph-kg serve`` refuses writes, survives huge and deep requests, and times out slow queries.

The server is the real one, started as a user starts it (``cph-kg serve`` in a subprocess, on
127.0.0.1). What Oxigraph does with each request is measured here, so the README states what
holds, not what is hoped: updates and Graph Store writes answer 403 and change nothing; a 20 MB
query is parsed and answered, a 200 MB body is refused (Oxigraph's limit is 128 MiB); a query
past ``--timeout`` is cancelled; a query nested deeply enough to abort Oxigraph is followed by
``cph-kg serve`` restarting the server, which then answers again.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from cph_kg.knowledge_graph import KnowledgeGraph
from tests.generate import generate
from tests.helpers import CONFORMING, ROOT, free_port

TIMEOUT = 2  # seconds, the server's --timeout in these tests
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def exchange(
    url: str, body: bytes | None = None, content_type: str | None = None, method: str = "POST"
) -> tuple[int | str, bytes]:
    """One HTTP request: the status (or the error's name if none came back) and the body."""
    headers = {"Accept": "application/sparql-results+json"}
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read()
    except OSError as error:
        return type(error).__name__, b""


def count(base: str) -> int:
    """The number of triples the server holds."""
    status, body = exchange(f"{base}/query", COUNT.encode(), "application/sparql-query")
    assert status == 200, body
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def serve(store: Path) -> tuple[subprocess.Popen[str], str]:
    """Start ``cph-kg serve`` on ``store``; return it and its base URL once it answers."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "cph_kg", "serve", "--port", str(port), "--timeout", str(TIMEOUT)],
        env={**os.environ, "CPH_KG_STORE": str(store), "CPH_KG_ENDPOINT": ""},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while exchange(f"{base}/query?query=ASK%7B%7D", method="GET")[0] != 200:
        assert server.poll() is None and time.monotonic() < deadline, server.communicate()
        time.sleep(0.1)
    return server, base


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the law, one real convention and 300 generated ones."""
    work = tmp_path_factory.mktemp("served")
    data = work / "conventions.nt"
    data.write_text(generate(300, seed=3), encoding="utf-8")
    with KnowledgeGraph.open(work / "store") as kg:
        kg.load([CONFORMING, data])
    return work / "store"


@pytest.fixture(scope="module")
def server(store: Path) -> Iterator[str]:
    """``cph-kg serve`` (read-only, the default) on the store; yields the base URL."""
    process, base = serve(store)
    try:
        yield base
    finally:
        process.terminate()
        process.communicate(timeout=20)


WRITES = [
    ("/update", b"DROP ALL", "application/sparql-update", "POST", 403),
    ("/update", b"update=DROP%20ALL", "application/x-www-form-urlencoded", "POST", 403),
    ("/query", b"DROP ALL", "application/sparql-query", "POST", 400),  # not a query: refused
    ("/query", b"update=DROP%20ALL", "application/x-www-form-urlencoded", "POST", 400),
    ("/store?default", b"<http://a> <http://b> <http://c> .", "application/n-triples", "PUT", 403),
    ("/store?default", b"<http://a> <http://b> <http://c> .", "application/n-triples", "POST", 403),
    ("/store?default", None, None, "DELETE", 403),
    (
        "/store?graph=https%3A%2F%2Fw3id.org%2Fcph-kg%2Fgraph%2Fconventions",
        None,
        None,
        "DELETE",
        403,
    ),
    ("/store", b"<http://a> <http://b> <http://c> .", "application/n-triples", "POST", 403),
]


@pytest.mark.parametrize(("path", "body", "content_type", "method", "expected"), WRITES)
def test_the_server_is_read_only_by_default(
    server: str, path: str, body: bytes | None, content_type: str | None, method: str, expected
) -> None:
    before = count(server)
    status, answer = exchange(server + path, body, content_type, method)
    assert status == expected, answer
    assert count(server) == before


def test_a_20_mb_query_is_answered_and_a_200_mb_body_refused(server: str) -> None:
    """Oxigraph reads SPARQL bodies up to 128 MiB; the server keeps answering, memory steady."""
    padding = b"#" + b"x" * (20 * 1024 * 1024) + b"\n"
    started = time.monotonic()
    status, body = exchange(f"{server}/query", COUNT.encode() + padding, "application/sparql-query")
    assert status == 200 and time.monotonic() - started < 30, body[:200]
    for content_type in ("application/sparql-query", "application/x-www-form-urlencoded"):
        huge = b"query=" + b"x" * (200 * 1024 * 1024)
        status, body = exchange(f"{server}/query", huge, content_type)
        assert status == 400 and b"limited to 134217728 bytes" in body, (status, body[:200])
    assert count(server) > 0


def test_a_query_past_the_timeout_is_cancelled_and_the_server_goes_on(server: str) -> None:
    """A cartesian product the server cannot finish: cancelled at --timeout, then next query."""
    forever = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f FILTER(STR(?c) < STR(?f)) }"
    started = time.monotonic()
    status, body = exchange(f"{server}/query", forever.encode(), "application/sparql-query")
    elapsed = time.monotonic() - started
    # The answer is an error: Oxigraph has sent its 200 header and then says it gave up.
    assert b"cancelled" in body, (status, body[:200])
    assert elapsed < TIMEOUT + 5, elapsed
    assert count(server) > 0


@pytest.mark.slow
def test_a_deep_query_is_refused_and_a_dead_server_restarted(store: Path, tmp_path: Path) -> None:
    """Deep nesting once aborted Oxigraph; the guard now refuses it.

    A server that dies anyway (killed here) is restarted by ``cph-kg serve``, which then
    answers again.
    """
    copy = tmp_path / "store"  # the module's server holds the store itself
    shutil.copytree(store, copy)
    process, base = serve(copy)
    try:
        for depth in (5000, 2_000_000):
            deep = "ASK " + "{" * depth + "}" * depth
            status, body = exchange(f"{base}/query", deep.encode(), "application/sparql-query")
            assert status == 400 and b"levels deep" in body, (status, body[:200])
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
        oxigraph = int(children.read_text().split()[0])
        os.kill(oxigraph, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while exchange(f"{base}/query?query=ASK%7B%7D", method="GET")[0] != 200:
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        assert count(base) > 0
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=20)
    assert "restarting" in stderr or "stopped" in stderr, stderr
    assert process.returncode == 0
