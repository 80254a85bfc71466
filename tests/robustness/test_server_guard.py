"""``cph-kg serve`` answers only its own name and origin, never SERVICE, and bounds each query.

The attack run found Oxigraph's server executing SERVICE (a POST to a listener), answering any
``Host`` (DNS rebinding), taking ``update=DROP ALL`` from a cross-origin form when updates were
allowed (CSRF), running a 4-way ``COUNT(*)`` for minutes past the timeout, reporting "serving"
on a port another process held while restarting in a loop, and never starting with
``--timeout 1.5``. Each is tried here against a real ``cph-kg serve``.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cph_kg.knowledge_graph import KnowledgeGraph
from tests.helpers import CONFORMING, ROOT, Counter, free_port

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def start(store: Path, *options: object) -> tuple[subprocess.Popen[str], int]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "cph_kg", "serve", "--port", str(port), *map(str, options)],
        env={**os.environ, "CPH_KG_STORE": str(store), "CPH_KG_ENDPOINT": ""},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while request(port, "GET", "/query?query=ASK%7B%7D")[0] != 200:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.1)
    return process, port


def stop(process: subprocess.Popen[str]) -> str:
    process.terminate()
    return process.communicate(timeout=20)[1]


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 60,
) -> tuple[int | str, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, answer.read()
    except OSError as error:
        return type(error).__name__, b""
    finally:
        connection.close()


def raw(port: int, data: bytes) -> bytes:
    """Send ``data`` as it is (http.client will not repeat a header); the status line."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(data)
        answer = b""
        while b"\r\n" not in answer and (chunk := connection.recv(4096)):
            answer += chunk
    return answer.split(b"\r\n")[0]


def smuggled(port: int, query: bytes) -> list[bytes]:
    """Requests the guard and Oxigraph could read as two different requests.

    Two Content-Types let a SERVICE query through: the guard read the first (a form, with no
    ``query`` field), Oxigraph the last (the body as the query), and POSTed to a listener.
    """
    from urllib.parse import quote

    head = f"Host: 127.0.0.1:{port}\r\nConnection: close\r\n".encode()
    form, sparql = b"application/x-www-form-urlencoded", b"application/sparql-query"
    length = b"Content-Length: %d\r\n" % len(query)
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(query), query)
    return [
        b"POST /query HTTP/1.1\r\n%sContent-Type: %s\r\nContent-Type: %s\r\n%s\r\n%s"
        % (head, form, sparql, length, query),
        b"POST /query HTTP/1.1\r\n%sContent-Type: %s\r\n%sContent-Length: 3\r\n\r\n%s"
        % (head, sparql, length, query),
        b"POST /query HTTP/1.1\r\n%sContent-Type: %s\r\nTransfer-Encoding: gzip, chunked\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (head, sparql, len(chunked), chunked),
        b"POST /query?query=%s HTTP/1.1\r\n%sContent-Type: %s\r\nContent-Length: 3\r\n\r\nx=1"
        % (quote(query).encode(), head, form),
        b"POST /query?query=ASK%%7B%%7D HTTP/1.1\r\n%sContent-Type: %s\r\n%s\r\n%s"
        % (head, sparql, length, query),
        b"POST /query HTTP/1.1\r\n%sContent-Type: text/plain\r\n%s\r\n%s" % (head, length, query),
        b"GET /query HTTP/1.1\r\n%sContent-Type: %s\r\n%s\r\n%s" % (head, sparql, length, query),
    ]


def count(port: int) -> int:
    status, body = request(
        port, "POST", "/query", COUNT.encode(), {"Content-Type": "application/sparql-query"}
    )
    assert status == 200, body
    return int(body.split(b'"value":"')[1].split(b'"')[0])


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    location = tmp_path_factory.mktemp("guarded") / "store"
    with KnowledgeGraph.open(location) as kg:
        kg.load([CONFORMING])
    return location


@pytest.fixture(scope="module")
def writable(store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """``cph-kg serve --allow-update --timeout 1.5`` on a copy (a fractional timeout starts)."""
    import shutil

    copy = tmp_path_factory.mktemp("writable") / "store"
    shutil.copytree(store, copy)
    process, port = start(copy, "--allow-update", "--timeout", "1.5")
    yield port
    stop(process)


def test_service_is_refused_by_the_server(store: Path, tmp_path: Path) -> None:
    listener = Counter()
    process, port = start(store)
    try:
        query = f"SELECT * {{ ?s ?p ?o SERVICE <{listener.url}/s> {{ ?a ?b ?c }} }}"
        for method, path, body, kind in [
            ("POST", "/query", query.encode(), "application/sparql-query"),
            ("GET", "/query?query=" + __import__("urllib.parse").parse.quote(query), None, ""),
        ]:
            status, answer = request(port, method, path, body, {"Content-Type": kind})
            assert status == 403 and b"SERVICE is not allowed" in answer, (status, answer)
        for attack in smuggled(port, query.encode()):
            status_line = raw(port, attack)
            assert status_line.split()[1:2] in ([b"400"], [b"403"], [b"411"]), (attack, status_line)
        time.sleep(0.3)
        assert listener.connections == 0
    finally:
        stop(process)
        listener.close()


def test_service_is_forwarded_with_allow_service(store: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "store"
    shutil.copytree(store, copy)
    listener = Counter()
    process, port = start(copy, "--allow-service")
    try:
        query = f"SELECT * {{ SERVICE <{listener.url}/s> {{ ?a ?b ?c }} }}"
        request(
            port, "POST", "/query", query.encode(), {"Content-Type": "application/sparql-query"}
        )
        time.sleep(0.3)
        assert listener.connections > 0
    finally:
        stop(process)
        listener.close()


@pytest.mark.parametrize("host", ["evil.example:7878", "attacker.test", ""])
def test_a_foreign_host_is_refused(writable: int, host: str) -> None:
    """DNS rebinding: a page at evil.example, resolved to 127.0.0.1, sends its own Host."""
    status, body = request(writable, "GET", "/query?query=ASK%7B%7D", headers={"Host": host})
    assert status == 403 and b"Host" in body


def test_a_cross_origin_form_cannot_update(writable: int) -> None:
    before = count(writable)
    form = {"Content-Type": "application/x-www-form-urlencoded", "Origin": "http://evil.example"}
    status, _ = request(writable, "POST", "/update", b"update=DROP%20ALL", form)
    assert status == 403
    same_origin_form = {"Content-Type": "application/x-www-form-urlencoded"}
    status, body = request(writable, "POST", "/update", b"update=DROP%20ALL", same_origin_form)
    assert status == 415 and b"application/sparql-update" in body
    plain = {"Content-Type": "text/plain"}
    assert request(writable, "POST", "/update", b"DROP ALL", plain)[0] == 415
    assert count(writable) == before
    update = {"Content-Type": "application/sparql-update"}
    body = b"INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    assert request(writable, "POST", "/update", body, update)[0] in (200, 204)
    assert count(writable) == before + 1


@pytest.mark.slow
def test_a_query_oxigraph_does_not_cancel_is_stopped(writable: int) -> None:
    """A 4-way COUNT(*) once ran on for minutes: now 503 at the deadline, then a restart.

    The next query is answered by the restarted server.
    """
    forever = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    started = time.monotonic()
    status, _ = request(
        writable, "POST", "/query", forever.encode(), {"Content-Type": "application/sparql-query"}
    )
    assert status in (503, "RemoteDisconnected", "IncompleteRead"), status
    assert time.monotonic() - started < 1.5 + 2 + 3
    deadline = time.monotonic() + 30
    while request(writable, "GET", "/query?query=ASK%7B%7D")[0] != 200:
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_a_port_in_use_is_one_line_and_nothing_restarts(store: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "cph_kg", "serve", "--port", str(port)],
            env={**os.environ, "CPH_KG_STORE": str(store), "CPH_KG_ENDPOINT": ""},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    assert done.returncode == 2 and "cannot serve on 127.0.0.1" in done.stderr, done.stderr
    assert done.stderr.count("\n") == 1 and "serving" not in done.stderr


#: An answer of tens of megabytes: every statement beside every other, as JSON.
LARGE = "SELECT ?s ?p ?o ?x WHERE { ?s ?p ?o . ?x ?y ?z } LIMIT 300000"


def _post(port: int, query: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request(
        "POST", "/query", body=query.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    return connection.getresponse()


@pytest.mark.slow
def test_an_answer_past_the_cap_at_its_start_is_refused_with_the_reason(store: Path) -> None:
    """A cap smaller than what the guard reads before the status: 507, and why."""
    process, port = start(store, "--max-answer-mb", "0.25")
    try:
        answer = _post(port, LARGE)
        body = answer.read()
        assert answer.status == 507, (answer.status, body[:200])
        assert b"larger than --max-answer-mb 0.25 MiB" in body
        assert count(port) > 0  # the server keeps serving what fits
    finally:
        stop(process)


@pytest.mark.slow
def test_an_answer_past_the_cap_is_cut_with_the_reason_and_never_looks_whole(
    store: Path,
) -> None:
    """Streamed past the cap: the reason as the last words, and no end of the chunked body.

    So http.client (and SPARQLWrapper, rdflib, requests) raise IncompleteRead instead of
    handing over a truncated answer, and cph-kg's own client says it was cut off.
    """
    process, port = start(store, "--max-answer-mb", "2")
    try:
        answer = _post(port, LARGE)
        assert answer.status == 200
        with pytest.raises(http.client.IncompleteRead) as cut:
            answer.read()
        partial = cut.value.partial
        assert 2 * 2**20 - 70_000 < len(partial) <= 2 * 2**20 + 300, len(partial)  # never past
        assert partial.rstrip().endswith(b"start the server with a larger --max-answer-mb")
        client = subprocess.run(
            [
                sys.executable,
                "-m",
                "cph_kg",
                "query",
                "--endpoint",
                f"http://127.0.0.1:{port}/query",
                "--query",
                LARGE,
                "-o",
                "csv",
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
        assert client.returncode == 2, client.stderr
        assert client.stderr.startswith("cph-kg: error: ") and client.stderr.count("\n") == 1
        assert client.stdout == ""
        assert count(port) > 0
    finally:
        stop(process)
