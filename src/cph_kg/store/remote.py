"""A remote SPARQL 1.1 endpoint as a store: the Protocol over the standard library's urllib.

Each failure of the exchange (a redirect, a wrong type, a cut or oversized answer, a timeout) is
one line naming the endpoint, with its credentials scrubbed.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import http.client
import io
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from email.message import Message
from typing import IO, Any

import pyoxigraph as ox
from rdflib import Graph
from rdflib.query import Result

from cph_kg.authoring.reading import parse_document
from cph_kg.errors import CphKgError, shown
from cph_kg.rdf.documents import Document
from cph_kg.rdf.rdflib_adapter import normalise, oxigraph_triples
from cph_kg.rdf.reserved import refuse_reserved
from cph_kg.sparql.guard import check_query
from cph_kg.sparql.results import Boolean, QueryResult, Solutions, Triples
from cph_kg.sparql.text import query_form
from cph_kg.store.protocol import statements_request, write_request
from cph_kg.store.querying import check_timeout

#: The largest answer read from an endpoint by default (parsed, it takes about six times this).
MAX_ANSWER_BYTES = 128 * 1024 * 1024


class _Refused(Exception):
    """An answer that is not what was asked for; ``message`` says how, on one line."""

    def __init__(self, message: str, retry: bool = False) -> None:
        super().__init__(message)
        self.retry = retry


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are errors, never followed.

    Followed, one could send the query and the credentials to another host: urllib keeps the
    ``Authorization`` header across hosts.
    """

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> None:
        return None


class _Watched:
    """A connection with a watchdog: at the deadline its socket is shut, whatever it awaits.

    A socket timeout bounds each read, not the exchange: a server that sends its headers or
    its body a byte at a time would never trip it. The watchdog bounds the whole exchange,
    connection, headers and body together.
    """

    deadline: float

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        # urllib detaches ``sock`` once the headers are read; the body still comes through it
        self._watched_socket = self.sock  # type: ignore[attr-defined]
        remaining = max(self.deadline - time.monotonic(), 0.0)
        self._watchdog = threading.Timer(remaining, self._expire)
        self._watchdog.daemon = True
        self._watchdog.start()

    def _expire(self) -> None:
        with contextlib.suppress(OSError):
            self._watched_socket.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        """Close; the watchdog stays until the deadline (urllib closes before the body)."""
        super().close()  # type: ignore[misc]


class _WatchedHTTP(_Watched, http.client.HTTPConnection):
    def __init__(self, *args: Any, deadline: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline = deadline


class _WatchedHTTPS(_Watched, http.client.HTTPSConnection):
    def __init__(self, *args: Any, deadline: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline = deadline


class _DeadlineHTTPHandler(urllib.request.HTTPHandler):
    """Opens watched connections (:class:`_Watched`) and keeps them, to stop their watchdogs."""

    def __init__(self, deadline: float) -> None:
        super().__init__()
        self.deadline = deadline
        self.connections: list[_Watched] = []

    def _connection(
        self, kind: type[_WatchedHTTP] | type[_WatchedHTTPS], host: str, **kwargs: Any
    ) -> http.client.HTTPConnection:
        connection = kind(host, deadline=self.deadline, **kwargs)
        self.connections.append(connection)
        return connection

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(self._connection, _WatchedHTTP), req)

    def stop(self) -> None:
        """The exchange is over: no watchdog is needed any more."""
        for connection in self.connections:
            watchdog = getattr(connection, "_watchdog", None)
            if watchdog is not None:
                watchdog.cancel()


class _DeadlineHTTPSHandler(urllib.request.HTTPSHandler):
    """The same for HTTPS."""

    def __init__(self, deadline: float, watched: _DeadlineHTTPHandler) -> None:
        super().__init__()
        self.watched = watched

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(
            functools.partial(self.watched._connection, _WatchedHTTPS),
            req,
            context=self._context,  # type: ignore[attr-defined]
        )


_TRANSIENT_STATUSES = (502, 503, 504)
_RESULTS_TYPES = ("application/sparql-results+json", "application/json")
_GRAPH_TYPES = ("text/turtle", "application/x-turtle", "application/n-triples", "text/plain")


class RemoteStore:
    """Any SPARQL 1.1 endpoint, read with the SPARQL Protocol and written with SPARQL Update.

    Every request is one HTTP POST with a deadline (``timeout`` seconds for the whole exchange,
    body included), and a redirect is refused, never followed. A read is tried a second time
    when the first failed in a way worth retrying (connection refused or dropped, answer cut
    off, HTTP 502/503/504), within the same deadline; a timeout, an HTTP error and a wrong
    answer are not retried, and writes never are. Credentials, from ``user``/``password`` or
    from the URL (``http://user:password@host/…``, taken out of it), are sent with HTTP basic
    authentication and never appear in a message, a log or a ``repr``. A query that calls
    SERVICE is refused unless ``allow_service``: the endpoint would reach the network for the
    one who sent it (server-side request forgery).
    """

    def __init__(
        self,
        endpoint: str,
        update_endpoint: str | None = None,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
        allow_service: bool = False,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
    ) -> None:
        endpoint, in_url = _split_credentials(endpoint, "endpoint")
        if update_endpoint:
            update_endpoint, in_update_url = _split_credentials(update_endpoint, "update endpoint")
        else:
            update_endpoint, in_update_url = _update_url(endpoint), None
        self.location = endpoint
        self.update_endpoint = update_endpoint
        if user is not None:
            self._auth: tuple[str, str] | None = (user, password or "")
        else:
            self._auth = in_url or in_update_url
        self._timeout = timeout
        self.allow_service = allow_service
        self.max_answer_bytes = max_answer_bytes

    def __repr__(self) -> str:
        return f"RemoteStore({self.location!r})"

    def query(
        self, text: str, timeout: float | None = None, max_memory: int | None = None
    ) -> QueryResult:
        """Send the query; SELECT and ASK come back as SPARQL JSON, graphs as Turtle.

        ``max_memory`` is refused: an endpoint bounds its own memory (``cph-kg serve
        --max-memory-mb``); what is read from it is bounded by ``max_answer_bytes``.
        """
        if max_memory is not None:
            raise CphKgError(
                "a memory bound applies to the embedded store; an endpoint bounds its own "
                "memory, and its answers are capped by --max-answer-mb"
            )
        check_query(text, allow_service=self.allow_service)
        check_timeout(timeout)
        form = query_form(text)
        graph = form in ("CONSTRUCT", "DESCRIBE")
        accept = (
            "text/turtle, application/n-triples;q=0.9"
            if graph
            else "application/sparql-results+json"
        )
        data = urllib.parse.urlencode({"query": text}).encode("ascii")
        budget = timeout or self._timeout
        deadline = time.monotonic() + budget
        failure = None
        for attempt in (1, 2):
            try:
                kind, body = self._exchange(
                    self.location, data, "application/x-www-form-urlencoded", accept, deadline
                )
                failure = None
                break
            except _EXCHANGE_FAILURES as error:
                failure = _failure(error, self.location, budget)
            if not failure.retry or attempt == 2 or time.monotonic() >= deadline:
                break
            time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
        if failure is not None:  # raised here, not in the except: no traceback chain to leak
            raise CphKgError(self._scrub(str(failure)))
        try:
            return _parse_answer(self.location, graph, kind, body)
        except CphKgError as error:
            message = self._scrub(str(error))
        raise CphKgError(message)

    def write(
        self, graphs: dict[ox.NamedNode, list[ox.Triple]], replace: Iterable[ox.NamedNode] = ()
    ) -> None:
        """One SPARQL Update request: DROP the replaced graphs, INSERT DATA the new ones."""
        update = write_request(graphs, replace)
        if update:
            self._update(update)

    def load_code_graphs(self, parts: Iterable[ox.NamedNode | bytes]) -> None:
        """One SPARQL Update that drops each graph ``parts`` names and inserts its statements."""
        lines: dict[str, list[str]] = {}  # by graph, in the order they are named
        for part in parts:
            if not isinstance(part, bytes):
                lines[part.value] = []
                continue
            # "<s> <p> o <graph> .": the graph is the last IRI; a literal escapes its line ends
            for line in part.decode("utf-8").split("\n")[:-1]:
                statement, graph = line.rstrip(" .").rsplit(" <", 1)
                lines[graph[:-1]].append(f"{statement} .\n")
        if lines:
            self._update(
                statements_request({name: "".join(held) for name, held in lines.items()}, lines)
            )

    def replace_graph(self, graph: ox.NamedNode, triples: list[ox.Triple]) -> None:
        """One SPARQL Update that drops ``graph`` and inserts the triples."""
        self.write({graph: triples}, replace=[graph])

    def add_documents(
        self,
        documents: list[Document],
        graph: ox.NamedNode,
        replace: bool,
        law: dict[ox.NamedNode, list[ox.Triple]] | None = None,
    ) -> int:
        """Parse with rdflib, then send one SPARQL Update (DROP and INSERT DATA), law included.

        The triples added are the graph's size after the update less its size before (another
        client writing meanwhile would be counted too: an endpoint offers no better measure).
        """
        loaded: dict[ox.Triple, None] = {}  # a triple in two files is one triple
        for document in documents:
            parsed = oxigraph_triples(parse_document(document))
            refuse_reserved(document.path, parsed)
            loaded.update(dict.fromkeys(parsed))
        law = law or {}
        before = 0 if replace else self._size(graph)
        self.write({graph: list(loaded), **law}, replace=([graph] if replace else []) + list(law))
        return self._size(graph) - before

    def _size(self, graph: ox.NamedNode) -> int:
        """The triples of one graph, counted by the endpoint."""
        answer = self.query(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}"
        )
        assert isinstance(answer, Solutions)
        count = answer.rows[0][0] if answer.rows else None
        return int(str(count)) if count is not None else 0

    def graph_sizes(self) -> dict[str, int]:
        """Triples per named graph, counted by the endpoint."""
        answer = self.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
        )
        assert isinstance(answer, Solutions)
        return {str(g): int(str(n)) for g, n in answer.rows}

    def clear(self) -> None:
        """DROP ALL on the endpoint."""
        self._update("DROP ALL")

    def close(self) -> None:
        """Nothing to release: every request is a connection of its own."""

    def _update(self, text: str) -> None:
        """Send one update, once: a write is never retried (it may have been applied)."""
        failure = None
        try:
            self._exchange(
                self.update_endpoint,
                text.encode("utf-8"),
                "application/sparql-update; charset=utf-8",
                "*/*",
                time.monotonic() + self._timeout,
            )
        except _EXCHANGE_FAILURES as error:
            failure = _failure(error, self.update_endpoint, self._timeout)
        if failure is not None:
            raise CphKgError(self._scrub(str(failure)))

    def _exchange(
        self, url: str, data: bytes, content_type: str, accept: str, deadline: float
    ) -> tuple[str | None, bytes]:
        """POST ``data`` and read the whole answer before ``deadline``: its type and its body."""
        request = urllib.request.Request(
            url,
            data=data,
            method="POST",
            headers={"Content-Type": content_type, "Accept": accept, "User-Agent": "cph-kg"},
        )
        if self._auth:
            request.add_header("Authorization", f"Basic {self._token()}")
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        watched = _DeadlineHTTPHandler(deadline)
        opener = urllib.request.build_opener(
            _NoRedirect, watched, _DeadlineHTTPSHandler(deadline, watched)
        )
        try:
            with opener.open(request, timeout=remaining) as response:
                kind = (
                    response.headers.get_content_type()
                    if response.headers["Content-Type"]
                    else None
                )
                if response.length is not None and response.length > self.max_answer_bytes:
                    raise self._too_large(url)
                chunks, size = [], 0
                while chunk := response.read1(65536):
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > self.max_answer_bytes:
                        raise self._too_large(url)
                    if time.monotonic() >= deadline:
                        raise TimeoutError
                if time.monotonic() >= deadline:
                    raise TimeoutError
                if response.length:  # the connection closed before the announced length
                    raise http.client.IncompleteRead(b"".join(chunks), response.length)
        except _Refused:
            raise
        except urllib.error.HTTPError as error:
            raise _HTTPStatus(error) from None  # its reason read while the deadline watches
        except Exception:
            if time.monotonic() >= deadline:  # the watchdog closed the connection
                raise TimeoutError from None
            raise
        finally:
            watched.stop()
        return kind, b"".join(chunks)

    def _too_large(self, url: str) -> _Refused:
        return _Refused(
            f"endpoint {url} answered more than {self.max_answer_bytes / 2**20:g} MiB, the most "
            "cph-kg reads (--max-answer-mb): ask for less (LIMIT, a narrower query)"
        )

    def _token(self) -> str:
        assert self._auth is not None
        return base64.b64encode(f"{self._auth[0]}:{self._auth[1]}".encode()).decode()

    def _scrub(self, message: str) -> str:
        """The message without the password or the token, in any form, then cut to one line.

        See :func:`scrub`: every form a server could echo (as sent, percent-encoded, the
        basic-auth token, padded or not) is replaced before the message is cut, and a cut that
        leaves the start of one is replaced too.
        """
        return scrub(message, self._secrets())

    def _secrets(self) -> list[str]:
        if not self._auth:
            return []
        user, password = self._auth
        token = self._token()
        return [password, token, token.rstrip("="), f"{user}:{password}"]


#: The longest error message an endpoint's answer may produce (a redirect target, a type).
MESSAGE_LIMIT = 300


def scrub(message: str, secrets: list[str], limit: int = MESSAGE_LIMIT) -> str:
    """``message`` without any form of ``secrets``, then cut to ``limit`` characters.

    Each secret is looked for as it is, percent-encoded (both ways urllib writes it) and, for
    the token, without its padding; then the message is cut; then, if the cut left the start
    of a form (three characters or more) at the end, that start goes too. Scrubbing after the
    cut would miss a secret the cut split; scrubbing only before would leave its start.
    """
    forms: set[str] = set()
    for secret in secrets:
        if len(secret) >= 3:
            forms.update(
                (
                    secret,
                    urllib.parse.quote(secret, safe=""),
                    urllib.parse.quote(secret),
                    urllib.parse.quote_plus(secret),
                )
            )
    for form in sorted(forms, key=len, reverse=True):  # in any case: a type is lower-cased
        message = re.sub(re.escape(form), "***", message, flags=re.IGNORECASE)
    if len(message) > limit:
        message = message[:limit] + "…"
    for form in forms:
        for size in range(len(form) - 1, 2, -1):
            if message.rstrip("…").lower().endswith(form[:size].lower()):
                message = message.rstrip("…")[:-size] + "***…"
                break
    return message


def _hide_userinfo(url: str, cut: bool = True) -> str:
    """A URL to show in an error: everything up to its last ``@`` (credentials) left out."""
    scheme, sep, rest = url.partition("://")
    shown = f"{scheme}://{rest.rpartition('@')[2]}" if sep else url.rpartition("@")[2]
    shown = "".join(c for c in shown if c.isprintable())
    return shown[:200] if cut else shown


def _split_credentials(url: str, what: str) -> tuple[str, tuple[str, str] | None]:
    """The URL without ``user:password@``, and those credentials if it had them.

    A password holding an unencoded ``/``, ``?`` or ``#`` ends the URL's authority early
    (``http://u:pa/ss@host/`` names the host ``u``): such a URL is refused, never shown.
    """
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url):
        raise CphKgError(f"{what} URL contains a space or a control character")
    try:
        parts = urllib.parse.urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018 -- raises ValueError on a bad port
    except ValueError:  # a bad port, an unclosed IPv6 bracket
        valid = False
    if not valid:
        raise CphKgError(f"{what} must be an http(s) URL, not {_hide_userinfo(url)!r}")
    if url.count("@") != parts.netloc.count("@"):  # an @ after the host: a password cut short
        raise CphKgError(
            f"{what} URL {_hide_userinfo(url)!r} has an @ after its host: percent-encode a "
            "/, ? or # in the password (%2F, %3F, %23), or use --user and $CPH_KG_PASSWORD"
        )
    if "@" not in parts.netloc:
        return url, None
    userinfo, _, host = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    credentials = (urllib.parse.unquote(user), urllib.parse.unquote(password))
    return urllib.parse.urlunsplit(parts._replace(netloc=host)), credentials


def _update_url(endpoint: str) -> str:
    """Oxigraph and many stores answer updates next to queries: …/query -> …/update."""
    return endpoint[: -len("/query")] + "/update" if endpoint.endswith("/query") else endpoint


#: How much of an endpoint's error answer is read for its reason.
_REASON_BYTES = 4096


class _HTTPStatus(Exception):
    """An endpoint's HTTP error status, where a redirect points, and the reason it wrote.

    The reason is the first line of a ``text/plain`` answer: Virtuoso, Oxigraph and Fuseki say
    there why a query failed (Virtuoso's ``TN: Exceeded 1000000000 bytes in transitive temp
    memory`` is the only sign that a query outgrew it), where "answered HTTP 500" says nothing.
    It is read at once, while the deadline still watches the connection, so that an answer sent
    slowly cannot hold a command past its timeout; an HTML page says nothing a line can carry.
    """

    def __init__(self, error: urllib.error.HTTPError) -> None:
        super().__init__(error.code)
        self.code = error.code
        self.location = error.headers.get("Location", "") if error.headers else ""
        self.reason = ""
        if error.headers and error.headers.get_content_type() == "text/plain":
            with contextlib.suppress(OSError, http.client.HTTPException):
                start = error.read(_REASON_BYTES).decode("utf-8", "replace")
                self.reason = next(
                    (line.strip() for line in start.splitlines() if line.strip()), ""
                )
        error.close()

    def said(self) -> str:
        """``: 'the reason'`` to end a message with, quoted and cut, or nothing."""
        return f": {shown(self.reason, 160)}" if self.reason else ""


#: What an HTTP exchange with an endpoint fails with: the endpoint's refusals (:class:`_Refused`)
#: and error statuses (:class:`_HTTPStatus`), the network's and urllib's errors (``OSError``,
#: ``URLError``, timeouts), http.client's protocol errors, and ``ValueError`` for a URL urllib
#: cannot use. Anything else is a cph-kg bug and keeps its traceback.
_EXCHANGE_FAILURES = (_Refused, _HTTPStatus, OSError, http.client.HTTPException, ValueError)


def _failure(error: Exception, url: str, budget: float) -> _Refused:
    """One line for a failed HTTP exchange (never with credentials), and whether to retry it."""
    if isinstance(error, _Refused):
        return error
    if isinstance(error, _HTTPStatus):
        code, location = error.code, error.location
        if 300 <= code < 400:
            target = _hide_userinfo(urllib.parse.urljoin(url, location), cut=False)
            # the target last: a message cut to length cuts the target, never the explanation
            return _Refused(
                f"endpoint {url} answered HTTP {code}, a redirect, which cph-kg does not "
                f"follow (give the final URL with --endpoint); it points to {target or 'nowhere'}"
            )
        if code == 400:
            return _Refused(
                f"endpoint {url} rejected the query as malformed (HTTP 400){error.said()}"
            )
        if code == 401:
            return _Refused(
                f"endpoint {url} refused the request (HTTP 401): check --user/--password"
            )
        if code == 403:
            return _Refused(f"endpoint {url} refused the request (HTTP 403)")
        return _Refused(
            f"endpoint {url} answered HTTP {code}{error.said()}", code in _TRANSIENT_STATUSES
        )
    reason = getattr(error, "reason", error) if isinstance(error, urllib.error.URLError) else error
    if isinstance(reason, TimeoutError | socket.timeout):
        return _Refused(f"endpoint {url} did not answer in time ({budget:g} s)")
    if isinstance(reason, ConnectionRefusedError):
        return _Refused(f"endpoint {url} is unreachable (connection refused)", retry=True)
    if isinstance(reason, socket.gaierror):
        return _Refused(f"endpoint {url} is unreachable (unknown host)")
    if isinstance(reason, http.client.IncompleteRead):
        return _Refused(
            f"endpoint {url} closed the connection before the end of its answer", retry=True
        )
    if isinstance(reason, ConnectionError | http.client.RemoteDisconnected):
        return _Refused(f"endpoint {url} closed the connection without answering", retry=True)
    text = " ".join(str(reason).split()) or type(reason).__name__
    return _Refused(f"endpoint {url} failed: {text}")


def _parse_answer(url: str, graph: bool, kind: str | None, body: bytes) -> QueryResult:
    """The endpoint's answer as a result, or a one-line error if it is not the expected kind."""
    if graph:
        if kind is not None and kind not in _GRAPH_TYPES:
            raise CphKgError(f"endpoint {url} did not answer with Turtle (it sent {kind})")
        try:
            return Triples(Graph().parse(data=body.decode("utf-8"), format="turtle"))
        except Exception:  # only rdflib's parser runs here: what it raises is about the answer
            raise CphKgError(
                f"endpoint {url} did not answer with Turtle (malformed or cut off)"
            ) from None
    if kind is not None and kind not in _RESULTS_TYPES:
        raise CphKgError(f"endpoint {url} did not answer with SPARQL JSON results (it sent {kind})")
    malformed = CphKgError(
        f"endpoint {url} did not answer with SPARQL JSON results (malformed or cut off)"
    )
    try:
        parsed = Result.parse(source=io.BytesIO(body), format="json")
        # rdflib reads the bindings lazily: what is malformed in them shows here
        bindings = list(parsed.bindings) if parsed.type != "ASK" else []
    except Exception:  # only rdflib's parser runs here: what it raises is about the answer
        raise malformed from None
    if parsed.type == "ASK":
        return Boolean(bool(parsed.askAnswer))
    if parsed.vars is None:
        raise malformed
    names = parsed.vars
    variables = [str(v) for v in names]
    rows = [tuple(normalise(binding.get(v)) for v in names) for binding in bindings]
    return Solutions(variables, rows)
