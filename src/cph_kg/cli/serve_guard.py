"""The guard in front of Oxigraph's server: what ``cph-kg serve`` lets reach the store.

Oxigraph's server has no option to refuse SERVICE (it would POST to any address a query names),
checks no ``Host`` header (a web page whose name a DNS rebinding points at 127.0.0.1 could query
it), accepts an update from a cross-origin HTML form when updates are allowed (``update=DROP
ALL``), and cancels a query at its timeout only where its evaluator looks (a 4-way ``COUNT(*)``
ran on for minutes; an ``ORDER BY`` over a cartesian product reached 4.4 GB). So ``cph-kg
serve`` runs Oxigraph on a private loopback port and answers the public one itself:

- a request whose ``Host`` is not the address served (or one given with ``--allow-host``) is
  refused (403), and so is one sent from another origin (an ``Origin`` header that is not the
  address served);
- a query is checked as every cph-kg query is (:func:`cph_kg.sparql.guard.check_query`):
  SERVICE is refused unless ``--allow-service``, and so are updates sent as queries and queries
  nested deeply enough to crash the parser;
- an update (allowed only with ``--allow-update``) must come as ``application/sparql-update``
  or, for the Graph Store protocol, an RDF media type: a browser cannot send those
  cross-origin without asking first, so a form cannot (``application/x-www-form-urlencoded``,
  ``multipart/form-data`` and ``text/plain`` writes are refused);
- the Linked Data pages (:mod:`cph_kg.web`) answer every ``GET`` and ``HEAD`` that is not for
  the endpoint (``/query``, ``/update``, ``/store``), reading the store through Oxigraph;
- with ``--cors ORIGIN``, a page served from ORIGIN may query (a preflight is answered, and
  each answer names the origin in ``Access-Control-Allow-Origin``); no other origin may;
- every request has a deadline (``--timeout`` and a grace of :data:`GRACE_SECONDS`): one that
  Oxigraph has not answered by then is answered 503 and the server is restarted, which is the
  only way to stop a query Oxigraph does not cancel; the server's memory is watched and a
  server past ``--max-memory-mb`` is restarted too (requests in flight then get 502);
- every answer is capped (``--max-answer-mb``, :data:`MAX_ANSWER_BYTES` by default) as it is
  streamed: one that passes the cap within its first :data:`HOLD_BYTES` is answered 507 with
  the reason; a longer one is cut, with the reason as its last words and no end of chunked
  encoding, so no client can take the part for the whole (a 1 GB answer took a client 6 GB).
"""

from __future__ import annotations

import contextlib
import http.client
import http.server
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from cph_kg.errors import CphKgError
from cph_kg.sparql.guard import check_query
from cph_kg.store.remote import MAX_ANSWER_BYTES

if TYPE_CHECKING:  # the pages pull in rdflib and Jinja2: imported by the serve command only
    from cph_kg.web.site import Pages

#: What a request may take beyond ``--timeout`` before its server is restarted.
GRACE_SECONDS = 2.0
#: The largest request body read (Oxigraph's own limit).
MAX_BODY_BYTES = 128 * 1024 * 1024
#: How much of an answer the guard reads before it sends the status: an answer that ends, or
#: passes the cap, within it gets a status that says so.
HOLD_BYTES = 1024 * 1024
#: Content types an update may come in: none a browser sends cross-origin without a preflight.
_SIMPLE_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain", "")
#: Request headers that decide how a request is read: one of each, or the guard and Oxigraph
#: could read different requests (two Content-Types once let a SERVICE query through).
_SINGLE_HEADERS = ("Content-Type", "Content-Length", "Transfer-Encoding", "Host", "Origin")
#: Response headers not passed on (the guard frames its own response).
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length"}


@dataclass
class Policy:
    """What the guard allows: the names it answers to, SERVICE, updates, and its deadlines."""

    hosts: frozenset[str]
    origins: frozenset[str]
    allow_update: bool = False
    allow_service: bool = False
    timeout: float = 30.0
    cors: frozenset[str] = frozenset()
    max_answer_bytes: int = MAX_ANSWER_BYTES


@dataclass
class Backend:
    """Where Oxigraph listens, and how to restart it when a request overruns its deadline."""

    port: int
    restart: Callable[[str], None]
    generation: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def allowed_hosts(host: str, port: int, extra: tuple[str, ...] = ()) -> frozenset[str]:
    """The ``Host`` values the served address goes by (a loopback one by all its names)."""
    names = {host, *extra}
    if host in ("127.0.0.1", "localhost", "::1"):
        names |= {"127.0.0.1", "localhost", "[::1]"}
    return frozenset({f"{name}:{port}" for name in names} | ({*extra} if extra else set()))


class Guard(http.server.ThreadingHTTPServer):
    """The public server: checks each request, then hands it to Oxigraph and back."""

    daemon_threads = True
    allow_reuse_address = False  # a port in use is an error, not shared

    def __init__(
        self,
        address: tuple[str, int],
        policy: Policy,
        backend: Backend,
        pages: Pages | None = None,
    ) -> None:
        self.policy = policy
        self.backend = backend
        self.pages = pages
        try:
            super().__init__(address, _Handler)
        except OSError as error:
            raise CphKgError(
                f"cannot serve on {address[0]}:{address[1]}: {error.strerror or error} "
                "(another server may be using the port: choose one with --port)"
            ) from None


class _Handler(http.server.BaseHTTPRequestHandler):
    server: Guard
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = do_GET

    def log_message(self, *args: object) -> None:
        """Quiet: the supervisor says what matters on standard error."""

    def _refuse(self, status: int, message: str) -> None:
        body = (message + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.close_connection = True

    def _handle(self) -> None:
        policy = self.server.policy
        repeated = [name for name in _SINGLE_HEADERS if len(self.headers.get_all(name) or []) > 1]
        if repeated:  # the guard and Oxigraph could each believe a different one
            return self._refuse(400, f"a request carries one {repeated[0]} header")
        if self.headers.get("Host", "") not in policy.hosts:
            return self._refuse(403, "this server does not answer to that Host name")
        origin = self.headers.get("Origin")
        if origin is not None and origin not in policy.origins | policy.cors:
            return self._refuse(403, "requests from another origin are refused")
        if self.command == "OPTIONS" and origin in policy.cors:
            return self._preflight()
        try:
            length = int(self.headers.get("Content-Length") or 0)
            if length < 0:
                raise ValueError
        except ValueError:
            return self._refuse(400, "the Content-Length is not a number")
        if length > MAX_BODY_BYTES:
            self._discard(length)  # read, so that the client hears the answer
            return self._refuse(400, f"the request body is limited to {MAX_BODY_BYTES} bytes")
        if self.headers.get("Transfer-Encoding") is not None:  # any coding: the guard reads
            # the body by its length, and Oxigraph must read the same bytes it checked
            return self._refuse(411, "send the request with a Content-Length")
        body = self.rfile.read(length) if length else b""
        pages = self.server.pages
        if pages is not None and pages.handles(self.command, urllib.parse.urlsplit(self.path).path):
            return self._page(pages)
        refusal = self._refusal(body)
        if refusal is not None:
            return self._refuse(*refusal)
        self._forward(body)

    def _cors_headers(self) -> None:
        """Name the requesting origin when ``--cors`` allows it (and say answers vary by it)."""
        origin = self.headers.get("Origin")
        if origin is not None and origin in self.server.policy.cors:
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Vary", "Origin")

    def _preflight(self) -> None:
        """Answer a CORS preflight from an origin ``--cors`` allows: what it may send."""
        methods = "GET, HEAD, POST" + (", PUT, DELETE" if self.server.policy.allow_update else "")
        self.send_response(204)
        self._cors_headers()
        self.send_header("Access-Control-Allow-Methods", methods)
        self.send_header("Access-Control-Allow-Headers", "Accept, Content-Type")
        self.send_header("Access-Control-Max-Age", "600")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _page(self, pages: Pages) -> None:
        """A Linked Data page, or a resource's description, from :mod:`cph_kg.web`."""
        try:
            response = pages.respond(
                self.command, self.path, cast("Mapping[str, str]", self.headers)
            )
        except (OSError, CphKgError) as error:
            return self._refuse(502, f"the page could not be read from the store: {error}")
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        for name, value in response.headers:
            self.send_header(name, value)
        if not any(name == "Content-Length" for name, _ in response.headers):  # HEAD sets it
            self.send_header("Content-Length", str(len(response.body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self._cors_headers()
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def _discard(self, length: int) -> None:
        """Read and drop up to ``length`` bytes of a body refused for its size (bounded)."""
        left = min(length, 4 * MAX_BODY_BYTES)
        with contextlib.suppress(OSError):
            while left > 0 and (chunk := self.rfile.read(min(left, 1 << 20))):
                left -= len(chunk)

    def _refusal(self, body: bytes) -> tuple[int, str] | None:
        """Why the request may not reach the store, or None."""
        policy = self.server.policy
        url = urllib.parse.urlsplit(self.path)
        kind = self.headers.get_content_type() if self.headers.get("Content-Type") else ""
        writes = url.path.rstrip("/").endswith(("/update", "/store")) and self.command in (
            "POST",
            "PUT",
            "DELETE",
            "PATCH",
        )
        if writes:
            if not policy.allow_update:
                return 403, "this server is read-only (cph-kg serve --allow-update to write)"
            if kind in _SIMPLE_TYPES:
                return 415, (
                    "an update must be sent as application/sparql-update (or an RDF type to "
                    "/store): forms and plain text are refused, so no web page can send one"
                )
            return None
        queries = _queries_of(self.command, url, kind, body)
        if len(queries) > 1:
            return 400, "a request carries one SPARQL query"
        if not queries:
            if self.command in ("GET", "HEAD") and not body:
                return None  # a page or a Graph Store read: no query to run
            # a body the guard reads no query in, Oxigraph must not read one in either
            return 400, (
                "no SPARQL query in the request: send it as ?query=, as the form field query, "
                "or as application/sparql-query"
            )
        try:
            check_query(queries[0], allow_service=policy.allow_service)
        except CphKgError as error:
            return (403 if "SERVICE" in str(error) else 400), str(error)
        return None

    def _forward(self, body: bytes) -> None:
        """Send the request to Oxigraph, and its answer back, within the request's deadline."""
        policy, backend = self.server.policy, self.server.backend
        deadline = time.monotonic() + policy.timeout + GRACE_SECONDS
        generation = backend.generation
        connection = http.client.HTTPConnection("127.0.0.1", backend.port, timeout=5)
        watchdog = threading.Timer(
            policy.timeout + GRACE_SECONDS, self._overrun, args=(connection, generation)
        )
        watchdog.daemon = True
        watchdog.start()
        try:
            headers = {
                name: value
                for name, value in self.headers.items()
                if name.lower()
                not in (
                    "host",
                    "connection",
                    "origin",
                    "keep-alive",
                    "expect",
                    "content-length",  # set again from the body the guard read
                    "transfer-encoding",
                )
            }
            headers["Host"] = f"127.0.0.1:{backend.port}"
            connection.request(self.command, self.path, body=body or None, headers=headers)
            connection.sock.settimeout(max(deadline - time.monotonic(), 0.1))
            answer = connection.getresponse()
            cap = policy.max_answer_bytes
            held = self._hold(answer, min(cap, HOLD_BYTES))
            declared = answer.getheader("Content-Length") or ""
            if len(held) > cap or (declared.isdigit() and int(declared) > cap):
                return self._refuse(507, _too_large(cap))
            self.send_response(answer.status, answer.reason)
            for name, value in answer.getheaders():
                if name.lower() not in _HOP_BY_HOP:
                    self.send_header(name, value)
            self._cors_headers()
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            sent = len(held)
            chunk = held
            while chunk:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                chunk = answer.read1(65536)
                sent += len(chunk)
                if sent > cap:  # the reason as the last words, and no end: the client sees a cut
                    reason = f"\n\n{_too_large(cap)}\n".encode()
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(reason), reason))
                    return
            self.wfile.write(b"0\r\n\r\n")
        except (OSError, http.client.HTTPException):
            if time.monotonic() >= deadline:
                self._try_refuse(503, f"the query did not end within {policy.timeout:g} s")
            else:
                self._try_refuse(502, "the SPARQL server stopped while answering; try again")
        finally:
            watchdog.cancel()
            connection.close()
            self.close_connection = True

    @staticmethod
    def _hold(answer: http.client.HTTPResponse, size: int) -> bytes:
        """The answer's first bytes: up to its end, or until more than ``size`` are read."""
        held = bytearray()
        while len(held) <= size and (chunk := answer.read1(65536)):
            held += chunk
        return bytes(held)

    def _overrun(self, connection: http.client.HTTPConnection, generation: int) -> None:
        """The deadline passed: stop waiting, and restart Oxigraph, still busy with the query."""
        backend = self.server.backend
        if connection.sock is not None:
            with contextlib.suppress(OSError):
                connection.sock.shutdown(socket.SHUT_RDWR)
        with backend.lock:
            if backend.generation == generation:  # not already restarted for another request
                backend.generation += 1
                backend.restart(
                    f"a request ran past --timeout {self.server.policy.timeout:g} s "
                    f"and {GRACE_SECONDS:g} s of grace"
                )

    def _try_refuse(self, status: int, message: str) -> None:
        with contextlib.suppress(OSError):  # if the answer had begun, the client sees it cut
            self._refuse(status, message)


def _too_large(cap: int) -> str:
    """Why an answer was refused or cut, and what to do about it."""
    return (
        f"the answer is larger than --max-answer-mb {cap / 2**20:g} MiB ({cap} bytes): ask for "
        "less (LIMIT, a narrower pattern) or start the server with a larger --max-answer-mb"
    )


def _queries_of(method: str, url: urllib.parse.SplitResult, kind: str, body: bytes) -> list[str]:
    """Every SPARQL query a request carries (SPARQL 1.1 Protocol), wherever a server may look.

    The URL's ``query`` parameters whatever the method, a form's ``query`` fields, or a
    ``application/sparql-query`` body: a request that carries two is refused, so the guard
    never checks one query while Oxigraph runs another.
    """
    queries = urllib.parse.parse_qs(url.query).get("query", [])
    if method == "POST" and kind == "application/sparql-query":
        queries.append(body.decode("utf-8", "replace"))
    elif method == "POST" and kind == "application/x-www-form-urlencoded":
        queries.extend(urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("query", []))
    return queries
