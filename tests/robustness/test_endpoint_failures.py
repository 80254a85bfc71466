"""Every way an endpoint can fail gives one line and exit 2, with bounded retries and no secret.

A stand-in server on 127.0.0.1 plays each failure and counts the requests it receives: a read
is tried twice only when a second try can help (connection refused or dropped, answer cut off,
HTTP 502-504) and once otherwise; a write is sent once, always. No test touches the network:
unknown hosts use the reserved ``.invalid`` domain.
"""

from __future__ import annotations

import base64
import contextlib
import http.server
import logging
import re
import socket
import threading
import time
import traceback
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import BNode

from cph_kg import CphKgError, vocab
from cph_kg.cli import main
from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.sparql.results import Boolean, Solutions
from cph_kg.store.remote import RemoteStore
from tests.helpers import ROOT, free_port, run_cph_kg

ASK = ROOT / "tests" / "fixtures" / "rq" / "any-convention.rq"
USER, SECRET = "alice", "s3cret-Pa55word"
TOKEN = base64.b64encode(f"{USER}:{SECRET}".encode()).decode()
RESULTS = b'{"head": {}, "boolean": true}'
#: A blank node as Virtuoso 7 labels it in SPARQL JSON results.
VIRTUOSO_BNODE = (
    b'{"head": {"vars": ["result"]}, "results": {"bindings": '
    b'[{"result": {"type": "bnode", "value": "nodeID://b10006"}}]}}'
)

#: What Virtuoso 7.2.5 answered to citation-closure from C. séc. soc. L. 211-1 (HTTP 500), and
#: to a syntax error (HTTP 400): the reason on the first line, the query after it.
VIRTUOSO_500 = (
    b"Virtuoso 42000 Error TN: Exceeded 1000000000 bytes in transitive temp memory.  use "
    b"t_distinct, t_max or more T_MAX_memory options in transitive exprs to limit the size\n\n"
    b"SPARQL query:\nSELECT DISTINCT ?reached WHERE { ?article <urn:p>+ ?reached }"
)
VIRTUOSO_400 = (
    b"Virtuoso 37000 Error SP030: SPARQL compiler, line 1: syntax error at 'x'\n\n"
    b"SPARQL query:\nASK x"
)


class StandIn(http.server.BaseHTTPRequestHandler):
    """Answers as ``server.behaviour`` says; notes every request and its Authorization."""

    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.requests += 1
        self.server.authorizations.append(self.headers.get("Authorization"))
        getattr(self, "answer_" + self.server.behaviour.replace("-", "_"))()

    do_GET = do_POST

    def _send(self, status: int, body: bytes, kind: str, length: int | None = None, **headers):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def answer_ok(self) -> None:
        self._send(200, RESULTS, "application/sparql-results+json")

    def answer_virtuoso_bnode(self) -> None:
        self._send(200, VIRTUOSO_BNODE, "application/sparql-results+json")

    def answer_401(self) -> None:
        self._send(401, f"no entry for {self.headers.get('Authorization')}".encode(), "text/plain")

    def answer_403(self) -> None:
        self._send(403, b"forbidden", "text/plain")

    def answer_500(self) -> None:
        self._send(500, b"internal error", "text/plain")

    def answer_500_virtuoso(self) -> None:
        """Virtuoso's answer to a property path that outgrows its transitive memory."""
        self._send(500, VIRTUOSO_500, "text/plain; charset=UTF-8")

    def answer_400_virtuoso(self) -> None:
        self._send(400, VIRTUOSO_400, "text/plain")

    def answer_500_html(self) -> None:
        self._send(500, b"<html><body><h1>Internal Server Error</h1></body></html>", "text/html")

    def answer_500_echo(self) -> None:
        """A reason that repeats the request's credentials, with a terminal escape in it."""
        said = f"\x1b[2Jdenied {self.headers.get('Authorization')} for {SECRET}"
        self._send(500, said.encode(), "text/plain")

    def answer_500_trickle(self) -> None:
        """An error's headers at once, then its reason a byte at a time."""
        self._trickle(500, VIRTUOSO_500, "text/plain")

    def answer_503(self) -> None:
        self._send(503, b"restarting", "text/plain")

    def answer_html(self) -> None:
        self._send(200, b"<html><body>Welcome to our portal</body></html>", "text/html")

    def answer_wrong_type(self) -> None:
        self._send(
            200, b"<sparql><boolean>true</boolean></sparql>", "application/sparql-results+xml"
        )

    def answer_cut_json(self) -> None:
        self._send(200, RESULTS[:20], "application/sparql-results+json")

    def answer_truncated(self) -> None:
        self._send(200, RESULTS[:12], "application/sparql-results+json", length=len(RESULTS))
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)

    def answer_drop(self) -> None:
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)

    def answer_slow(self) -> None:
        time.sleep(3)
        with contextlib.suppress(OSError):  # the client gave up
            self.answer_ok()

    def answer_trickle(self) -> None:
        """Headers at once, then the body a byte at a time: no single read ever times out."""
        self._trickle(200, RESULTS, "application/sparql-results+json")

    def _trickle(self, status: int, body: bytes, kind: str) -> None:
        with contextlib.suppress(OSError):  # the client gave up
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            for byte in body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.25)

    def answer_redirect(self) -> None:
        self._send(302, b"", "text/plain", Location=self.server.elsewhere)

    def log_message(self, *args: object) -> None:
        """Quiet."""


def _serve() -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    server.daemon_threads = True
    server.requests, server.authorizations, server.behaviour = 0, [], "ok"
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server


@pytest.fixture
def servers() -> Iterator[tuple[http.server.ThreadingHTTPServer, http.server.ThreadingHTTPServer]]:
    """The stand-in endpoint, and another host that a redirect points to."""
    endpoint, other = _serve(), _serve()
    endpoint.elsewhere = f"http://localhost:{other.server_address[1]}/steal?q=1"
    yield endpoint, other
    for server in (endpoint, other):
        server.shutdown()
        server.server_close()


def url_of(server: http.server.HTTPServer, credentials: bool = False) -> str:
    userinfo = f"{USER}:{SECRET}@" if credentials else ""
    return f"http://{userinfo}127.0.0.1:{server.server_address[1]}/query"


def test_virtuoso_blank_node_labels_are_read(servers) -> None:
    """Virtuoso labels blank nodes ``nodeID://b10006``: read as a blank node, not refused.

    Why a remote answer is read by rdflib: Oxigraph's parser of SPARQL JSON results
    (``pyoxigraph.parse_query_results``) refuses that label as an invalid blank node (an
    adapter relabelling it was measured: ``benchmarks/remote_results.py``).
    """
    endpoint, _ = servers
    endpoint.behaviour = "virtuoso-bnode"
    answer = RemoteStore(url_of(endpoint), timeout=5).query(
        "SELECT ?result WHERE { ?s ?p ?result }"
    )
    assert isinstance(answer, Solutions)
    [(node,)] = answer.rows
    assert isinstance(node, BNode) and str(node) == "nodeID://b10006"
    with pytest.raises(SyntaxError, match="blank node identifier is invalid"):
        list(ox.parse_query_results(VIRTUOSO_BNODE, ox.QueryResultsFormat.JSON))


#: behaviour -> (words of the one-line error, requests a read makes)
FAILURES = {
    "401": ("refused the request (HTTP 401): check --user/--password", 1),
    "403": ("refused the request (HTTP 403)", 1),
    "500": ("answered HTTP 500: 'internal error'", 1),
    "500-virtuoso": (
        "answered HTTP 500: 'Virtuoso 42000 Error TN: Exceeded 1000000000 bytes in transitive "
        "temp memory.",
        1,
    ),
    "400-virtuoso": (
        'rejected the query as malformed (HTTP 400): "Virtuoso 37000 Error SP030: SPARQL '
        "compiler, line 1: syntax error at 'x'\"",
        1,
    ),
    "500-html": ("answered HTTP 500", 1),
    "500-trickle": ("answered HTTP 500", 1),
    "503": ("answered HTTP 503", 2),
    "html": ("did not answer with SPARQL JSON results (it sent text/html)", 1),
    "wrong-type": ("(it sent application/sparql-results+xml)", 1),
    "cut-json": ("did not answer with SPARQL JSON results (malformed or cut off)", 1),
    "truncated": ("closed the connection before the end of its answer", 2),
    "drop": ("closed the connection without answering", 2),
    "slow": ("did not answer in time (1 s)", 1),
    "trickle": ("did not answer in time (1 s)", 1),
    "redirect": ("a redirect, which cph-kg does not follow", 1),
}


@pytest.mark.parametrize("behaviour", sorted(FAILURES))
def test_a_failing_read_is_one_line_after_bounded_tries(servers, behaviour: str) -> None:
    endpoint, other = servers
    endpoint.behaviour = behaviour
    words, tries = FAILURES[behaviour]
    remote = RemoteStore(url_of(endpoint), timeout=1)
    started = time.monotonic()
    with pytest.raises(CphKgError) as caught:
        remote.query("ASK { ?s ?p ?o }")
    assert time.monotonic() - started < 2.5  # the timeout bounds the whole read, retry included
    message = str(caught.value)
    assert words in message and "\n" not in message
    assert message.startswith(f"endpoint {url_of(endpoint)} ")
    assert endpoint.requests == tries
    assert other.requests == 0  # a redirect is never followed


@pytest.mark.parametrize("behaviour", sorted(FAILURES))
def test_a_failing_read_on_the_command_line_exits_2(servers, tmp_path: Path, behaviour) -> None:
    endpoint, other = servers
    endpoint.behaviour = behaviour
    runner = CliRunner(env={"CPH_KG_STORE": str(tmp_path / "unused"), "CPH_KG_ENDPOINT": ""})
    result = runner.invoke(
        main, ["query", str(ASK), "--endpoint", url_of(endpoint), "--timeout", "1"]
    )
    assert result.exit_code == 2, result.output
    assert result.stdout == "" and result.stderr.count("\n") == 1
    assert result.stderr.startswith("cph-kg: error: endpoint ")
    assert FAILURES[behaviour][0] in result.stderr
    assert other.requests == 0


@pytest.mark.parametrize("behaviour", sorted(set(FAILURES) - {"html", "wrong-type", "cut-json"}))
def test_a_failing_write_is_sent_once(servers, behaviour: str) -> None:
    endpoint, other = servers
    endpoint.behaviour = behaviour
    remote = RemoteStore(url_of(endpoint), update_endpoint=url_of(endpoint), timeout=1)
    with pytest.raises(CphKgError) as caught:
        remote.write({}, replace=[vocab.CONVENTIONS_GRAPH])
    assert "\n" not in str(caught.value)
    assert endpoint.requests == 1 and other.requests == 0


def test_a_retried_read_succeeds_when_the_second_try_does(servers) -> None:
    endpoint, _ = servers
    answers = iter(["503", "ok"])

    class Flaky(StandIn):
        def answer_flaky(self) -> None:
            getattr(self, "answer_" + next(answers))()

    endpoint.RequestHandlerClass = Flaky
    endpoint.behaviour = "flaky"
    assert RemoteStore(url_of(endpoint)).query("ASK {}") == Boolean(True)
    assert endpoint.requests == 2


#: Failures with no server to count: the message, and the bound on the time it takes.
NO_SERVER = {
    "connection-refused": (
        lambda: f"http://127.0.0.1:{free_port()}/query",
        "unreachable (connection refused)",
    ),
    "unknown-host": (lambda: "http://cph-kg-test.invalid/query", "unreachable (unknown host)"),
}


@pytest.mark.parametrize("case", sorted(NO_SERVER))
def test_no_server_is_one_line(tmp_path: Path, case: str) -> None:
    make_url, words = NO_SERVER[case]
    url = make_url()
    started = time.monotonic()
    with pytest.raises(CphKgError, match=re.escape(words)):
        RemoteStore(url, timeout=1).query("ASK {}")
    assert time.monotonic() - started < 2.5
    runner = CliRunner(env={"CPH_KG_STORE": str(tmp_path / "unused"), "CPH_KG_ENDPOINT": url})
    result = runner.invoke(main, ["query", str(ASK)])  # the endpoint from $CPH_KG_ENDPOINT
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and words in result.stderr


def test_connection_refused_is_retried_once() -> None:
    """A listening socket that accepts nothing counts the tries as connections queued."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        attempts = []

        def accept_and_reset() -> None:
            listener.settimeout(3)
            try:
                while True:
                    connection, _ = listener.accept()
                    attempts.append(1)
                    connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0"
                    )
                    connection.close()  # RST: the connection is dropped without an answer
            except OSError:
                pass

        thread = threading.Thread(target=accept_and_reset, daemon=True)
        thread.start()
        with pytest.raises(CphKgError, match="closed the connection without answering"):
            RemoteStore(f"http://127.0.0.1:{port}/query", timeout=2).query("ASK {}")
        assert len(attempts) == 2


@pytest.mark.parametrize(
    "url", ["ftp://x/query", "file:///etc/passwd", "http://", "http://h:port/q", "http://a b/q"]
)
def test_a_url_that_is_no_endpoint_is_refused(url: str) -> None:
    with pytest.raises(CphKgError, match="endpoint"):
        KnowledgeGraph.open(endpoint=url)


def test_the_command_in_a_real_process(servers) -> None:
    endpoint, _ = servers
    endpoint.behaviour = "500"
    env = {"CPH_KG_ENDPOINT": url_of(endpoint, credentials=True)}
    run = run_cph_kg("query", ASK, env=env, timeout=60)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr == (
        f"cph-kg: error: endpoint {url_of(endpoint)} answered HTTP 500: 'internal error'\n"
    )
    assert endpoint.authorizations == [f"Basic {TOKEN}"]


# --- credentials --------------------------------------------------------------------------------

#: How a user gives credentials: (URL with user:password, extra options, environment)
WAYS = {
    "in-the-url": (True, [], {}),
    "options": (False, ["--user", USER, "--password", SECRET], {}),
    "environment": (False, [], {"CPH_KG_USER": USER, "CPH_KG_PASSWORD": SECRET}),
}


def _no_secret(text: str) -> None:
    assert SECRET not in text and TOKEN not in text


@pytest.mark.parametrize("way", sorted(WAYS))
@pytest.mark.parametrize("behaviour", ["401", "500", "500-echo", "redirect", "html"])
def test_credentials_are_sent_but_never_shown(servers, tmp_path, caplog, way, behaviour) -> None:
    endpoint, other = servers
    endpoint.behaviour = behaviour
    in_url, options, environment = WAYS[way]
    caplog.set_level(logging.DEBUG)
    runner = CliRunner(
        env={"CPH_KG_STORE": str(tmp_path / "unused"), "CPH_KG_ENDPOINT": "", **environment}
    )
    result = runner.invoke(
        main,
        ["query", str(ASK), "--endpoint", url_of(endpoint, in_url), "--timeout", "1", *options],
    )
    assert result.exit_code == 2
    _no_secret(result.output + result.stderr)
    _no_secret(caplog.text)
    assert endpoint.authorizations == [f"Basic {TOKEN}"]  # sent, once, to the endpoint only
    assert other.requests == 0
    # and through the API: the message, the exception's repr and traceback, the store's repr
    remote = RemoteStore(
        url_of(endpoint, in_url),
        user=USER if not in_url else None,
        password=SECRET if not in_url else None,
        timeout=1,
    )
    _no_secret(repr(remote))
    with pytest.raises(CphKgError) as caught:
        remote.query("ASK {}")
    _no_secret(str(caught.value) + repr(caught.value))
    _no_secret("".join(traceback.format_exception(caught.value)))
    assert caught.value.__context__ is None and caught.value.__cause__ is None
    if behaviour != "html":  # an update answered 200 with a page has succeeded
        with pytest.raises(CphKgError) as caught:
            remote.write({}, replace=[vocab.CONVENTIONS_GRAPH])
        _no_secret("".join(traceback.format_exception(caught.value)) + caplog.text)


def test_credentials_in_a_malformed_url_are_not_shown() -> None:
    with pytest.raises(CphKgError) as caught:
        RemoteStore(f"ftp://{USER}:{SECRET}@example.invalid/query")
    _no_secret(str(caught.value))


def test_a_server_echoing_the_token_is_scrubbed(servers) -> None:
    """The 401 stand-in puts the Authorization header in its body; nothing of it is shown."""
    endpoint, _ = servers
    endpoint.behaviour = "401"
    with pytest.raises(CphKgError) as caught:
        RemoteStore(url_of(endpoint), user=USER, password=SECRET).query("ASK {}")
    _no_secret(str(caught.value))


@pytest.mark.parametrize(
    ("behaviour", "message"),
    [
        (
            "500-virtuoso",
            "answered HTTP 500: 'Virtuoso 42000 Error TN: Exceeded 1000000000 "
            "bytes in transitive temp memory.  use t_distinct, t_max or more T_MAX_memory options "
            "in transitive exprs to limit t'… (167 characters)",
        ),
        ("500-html", "answered HTTP 500"),
    ],
)
def test_an_error_answer_says_the_endpoints_reason_on_one_line(servers, behaviour, message):
    """A text/plain error's first line, quoted and cut; never the query after it, nor a page."""
    endpoint, _ = servers
    endpoint.behaviour = behaviour
    with pytest.raises(CphKgError) as caught:
        RemoteStore(url_of(endpoint), timeout=2).query("ASK {}")
    assert str(caught.value) == f"endpoint {url_of(endpoint)} {message}"


def test_a_reason_is_shown_without_credentials_or_terminal_escapes(servers) -> None:
    endpoint, _ = servers
    endpoint.behaviour = "500-echo"
    remote = RemoteStore(url_of(endpoint), user=USER, password=SECRET, timeout=2)
    with pytest.raises(CphKgError) as caught:
        remote.query("ASK {}")
    message = str(caught.value)
    _no_secret(message)
    assert "\x1b" not in message and "\\x1b[2Jdenied Basic " in message
