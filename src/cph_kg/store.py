"""Where the knowledge graph lives: the embedded Oxigraph store, or any SPARQL 1.1 endpoint.

Both answer the same queries with the same :mod:`cph_kg.results`, so a user who outgrows one
machine points ``--endpoint`` at a triple store and changes nothing else. Writes are atomic:
the embedded store adds a whole load in one transaction; an endpoint receives one SPARQL Update
request, which SPARQL 1.1 stores apply as a unit.
"""

from __future__ import annotations

import base64
import fcntl
import io
import multiprocessing
import socket
import urllib.error
import urllib.request
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Protocol

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.query import Result

from cph_kg.authoring import CONTEXT_IRI
from cph_kg.errors import CphKgError, InputError
from cph_kg.oxigraph_terms import OXIGRAPH_FORMATS, syntax_error, to_oxigraph, to_rdflib
from cph_kg.rdfio import Document, parse_document
from cph_kg.results import Boolean, QueryResult, Solutions, Triples, normalise
from cph_kg.sparql_text import calls_service, query_form

GRAPH = "https://w3id.org/cph-kg/graph/"
#: Named graphs of the store, one per source.
ONTOLOGY_GRAPH = URIRef(GRAPH + "ontology")
SHAPES_GRAPH = URIRef(GRAPH + "shapes")
LEGAL_GRAPH = URIRef(GRAPH + "legal")
REFERENCE_GRAPH = URIRef(GRAPH + "reference")
CONVENTIONS_GRAPH = URIRef(GRAPH + "conventions")
VALIDATION_GRAPH = URIRef(GRAPH + "validation")


class Store(Protocol):
    """What cph-kg needs of a store."""

    location: str

    def query(self, text: str, timeout: float | None = None) -> QueryResult:
        """Run a SPARQL query over the union of the named graphs."""
        ...

    def write(self, graphs: dict[URIRef, Graph], replace: Iterable[URIRef] = ()) -> None:
        """Atomically drop the ``replace`` graphs and add ``graphs``."""
        ...

    def replace_graph(self, graph: URIRef, triples: list[ox.Triple]) -> None:
        """Make ``graph`` hold exactly ``triples``, atomically."""
        ...

    def add_documents(self, documents: list[Document], graph: URIRef, replace: bool) -> int:
        """Parse every document, then add all to ``graph`` in one atomic write.

        With ``replace`` the graph is emptied first, in the same write. Returns the number of
        triples added.
        """
        ...

    def graph_sizes(self) -> dict[str, int]:
        """The number of triples in each named graph."""
        ...

    def clear(self) -> None:
        """Remove everything."""
        ...

    def close(self) -> None:
        """Release what the store holds (files, locks)."""
        ...


def write_request(graphs: dict[URIRef, Graph], replace: Iterable[URIRef]) -> str:
    """One SPARQL Update: DROP the ``replace`` graphs, then INSERT DATA every graph.

    A single request is applied as a unit by SPARQL 1.1 stores, Oxigraph included, which is
    what makes a load atomic. The triples are written in N-Triples, valid inside INSERT DATA.
    """
    operations = [f"DROP SILENT GRAPH <{name}>" for name in replace]
    inserts = "\n".join(
        f"GRAPH <{name}> {{\n{graph.serialize(format='nt')}}}" for name, graph in graphs.items()
    )
    if inserts:
        operations.append(f"INSERT DATA {{\n{inserts}\n}}")
    return " ;\n".join(operations)


#: Oxigraph's parser for each rdflib parser name that cph-kg reads.
# --- the embedded store -----------------------------------------------------------------------


def _answer(answer: object) -> QueryResult:
    if isinstance(answer, ox.QueryBoolean):
        return Boolean(bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows = [tuple(to_rdflib(s[v]) for v in variables) for s in answer]
        return Solutions(variables, rows)
    graph = Graph()
    for triple in answer:
        graph.add(
            (to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object))
        )
    return Triples(graph)


def _query_in_child(location: str, text: str, pipe) -> None:
    """Run one query in a child process, so that a timeout can stop it for good."""
    try:
        pipe.send(
            (
                "ok",
                _answer(ox.Store.read_only(location).query(text, use_default_graph_as_union=True)),
            )
        )
    except Exception as error:  # sent back and reported by the parent
        pipe.send(("error", str(error)))


LOCK_FILE = "cph-kg.lock"


def hold_lock(path: Path) -> IO[bytes]:
    """Take the store's lock, or say who is in the way.

    One process at a time opens a store: RocksDB forbids two writers, and a read-only reader
    beside a writer is undefined behaviour. ``cph-kg serve`` keeps the lock for as long as the
    server runs, so nobody writes under a running server.
    """
    handle = (path / LOCK_FILE).open("a+b")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise CphKgError(
            f"store {path} is busy: another cph-kg process (or cph-kg serve) is using it; "
            "query a running server with --endpoint"
        ) from None
    return handle


class EmbeddedStore:
    """A persistent Oxigraph store in a directory (RocksDB underneath).

    Chosen on measurements (README, "Choosing the embedded store";
    ``benchmarks/store_comparison.py``): it answered every named query faster than an rdflib
    Dataset (median 19x at 1,000 conventions, 30x at 10,000, where five queries did not finish
    on rdflib within 30 s), with less memory, and with SPARQL 1.1 answers where rdflib 7.6 gave
    wrong rows. Its own bulk load is 3x faster than rdflib's parser; cph-kg's atomic load path
    (rdflib parsing for precise errors, then one INSERT DATA) does not yet benefit from it.
    """

    def __init__(self, path: Path, create: bool = True) -> None:
        self.location = str(path)
        self.path = path
        if not create and not (path / "CURRENT").exists():
            raise CphKgError(f"no store at {path} (load something first: cph-kg load)")
        path.mkdir(parents=True, exist_ok=True)
        self._lock = hold_lock(path)
        try:
            self._store = ox.Store(str(path))
        except (OSError, RuntimeError) as error:
            self._lock.close()
            if "lock" in str(error).lower():
                raise CphKgError(f"store {path} is busy: another process has it open") from None
            raise CphKgError(f"cannot open store {path}: {error}") from None

    def close(self) -> None:
        """Close the database, then release the lock (in that order: the next opener waits)."""
        if self._store is not None:
            self._store = None
            self._lock.close()

    def query(self, text: str, timeout: float | None = None) -> QueryResult:
        """Run a query; with ``timeout``, in a child process stopped when time is up.

        SERVICE is refused: the embedded store never reaches the network on a query's behalf.
        """
        if calls_service(text):
            raise CphKgError(
                "SERVICE is not allowed on the embedded store (it would reach the network)"
            )
        if timeout is None:
            try:
                return _answer(self._store.query(text, use_default_graph_as_union=True))
            except SyntaxError as error:
                raise CphKgError(f"SPARQL syntax error: {error}") from None
            except OSError as error:
                raise CphKgError(f"query failed: {error}") from None
        self._store.flush()  # the child opens the store anew and must see every write
        receiver, sender = multiprocessing.Pipe(duplex=False)
        child = multiprocessing.get_context("spawn").Process(
            target=_query_in_child, args=(self.location, text, sender), daemon=True
        )
        child.start()
        sender.close()
        try:
            ready = receiver.poll(timeout)
            status, payload = receiver.recv() if ready else ("timeout", None)
        except EOFError:  # the child died without answering
            status, payload = "error", f"the query process ended with code {child.exitcode}"
        finally:
            if child.is_alive():
                child.kill()
            child.join()
            receiver.close()
        if status == "timeout":
            raise CphKgError(f"query timed out after {timeout:g} s")
        if status == "error":
            raise CphKgError(f"query failed: {payload}")
        return payload

    def write(self, graphs: dict[URIRef, Graph], replace: Iterable[URIRef] = ()) -> None:
        """Drop ``replace`` and add ``graphs`` in one update, which Oxigraph applies atomically."""
        update = write_request(graphs, replace)
        if update:
            self._store.update(update)
            self._store.flush()

    def replace_graph(self, graph: URIRef, triples: list[ox.Triple]) -> None:
        """Drop ``graph``, then add ``triples`` to it in one transaction.

        Two steps, measured on a 10,000-convention report (66,000 triples): one atomic update
        (INSERT DATA, or a staging graph MOVEd onto ``graph``) takes Oxigraph 7 to 11 s on
        disk, the two steps 2 s. The new content is never half-written (one ``extend``); a
        process killed between the steps leaves ``graph`` empty, which only the validation
        report uses this for: it is derived data, and the next run writes it again.
        """
        target = ox.NamedNode(str(graph))
        if self._store.contains_named_graph(target):
            self._store.remove_graph(target)
        self._store.extend(ox.Quad(t.subject, t.predicate, t.object, target) for t in triples)
        self._store.flush()

    def add_documents(self, documents: list[Document], graph: URIRef, replace: bool) -> int:
        """Parse with Oxigraph's own parsers, then add in one transaction.

        Parsing is Oxigraph's (several times faster than rdflib's, with the line of each
        syntax error); every document is parsed before anything is written. A plain load is one
        ``extend`` (transactional); ``replace`` is one update that drops and inserts.
        """
        target = ox.NamedNode(str(graph))
        quads: list[ox.Quad] = []
        for document in documents:
            if document.fmt not in OXIGRAPH_FORMATS or CONTEXT_IRI in document.text:
                # the authoring format (YAML, JSON-LD with cph-kg's context) is read by rdflib
                quads.extend(
                    ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), target)
                    for s, p, o in parse_document(document)
                )
                continue
            try:
                parsed = ox.parse(
                    document.text.encode("utf-8"),
                    OXIGRAPH_FORMATS[document.fmt],
                    base_iri=document.path.resolve().as_uri(),
                )
                before = len(quads)
                quads.extend(ox.Quad(t.subject, t.predicate, t.object, target) for t in parsed)
            except SyntaxError as error:
                raise syntax_error(document.path, error) from None
            if len(quads) == before:
                raise InputError(document.path, "contains no RDF triples")
        if replace:
            triples = ox.serialize(
                (ox.Triple(q.subject, q.predicate, q.object) for q in quads),
                format=ox.RdfFormat.N_TRIPLES,
            ).decode("utf-8")
            self._store.update(
                f"DROP SILENT GRAPH <{graph}> ;\nINSERT DATA {{ GRAPH <{graph}> {{\n{triples}}} }}"
            )
        else:
            self._store.extend(quads)
        self._store.flush()
        return len(quads)

    def graph_sizes(self) -> dict[str, int]:
        """Triples per named graph, read from the store's quads."""
        sizes: dict[str, int] = {}
        for name in self._store.named_graphs():
            sizes[name.value] = sum(
                1 for _ in self._store.quads_for_pattern(None, None, None, name)
            )
        return dict(sorted(sizes.items()))

    def clear(self) -> None:
        """Remove every graph."""
        self._store.clear()
        self._store.flush()

    def dump(self, output, fmt: str, graph: URIRef | None = None) -> None:
        """Write the whole dataset (N-Quads, TriG) or one graph (Turtle, N-Triples)."""
        formats = {
            "nquads": ox.RdfFormat.N_QUADS,
            "trig": ox.RdfFormat.TRIG,
            "turtle": ox.RdfFormat.TURTLE,
            "ntriples": ox.RdfFormat.N_TRIPLES,
        }
        if graph is None:
            if fmt not in ("nquads", "trig"):
                raise CphKgError(
                    "the whole store is written as nquads or trig; "
                    "name a --graph for turtle or ntriples"
                )
            self._store.dump(output, formats[fmt])
        else:
            self._store.dump(output, formats[fmt], from_graph=ox.NamedNode(str(graph)))


# --- a remote SPARQL 1.1 endpoint -------------------------------------------------------------


class RemoteStore:
    """Any SPARQL 1.1 endpoint, read with the SPARQL Protocol and written with SPARQL Update.

    Reads are retried once on a connection failure (they are safe to repeat); writes never are.
    Credentials are sent with HTTP basic authentication and never appear in an error message.
    """

    def __init__(
        self,
        endpoint: str,
        update_endpoint: str | None = None,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
    ) -> None:
        if not endpoint.startswith(("http://", "https://")):
            raise CphKgError(f"endpoint must be an http(s) URL, not {endpoint!r}")
        self.location = endpoint
        self.update_endpoint = update_endpoint or _update_url(endpoint)
        self._auth = (user, password) if user is not None else None
        self._timeout = timeout

    def query(self, text: str, timeout: float | None = None) -> QueryResult:
        """Send the query; SELECT and ASK come back as SPARQL JSON, graphs as Turtle."""
        from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

        client = SPARQLWrapper(self.location)
        client.setQuery(text)
        # SPARQLWrapper guesses the form from the text and can take a comment's word ("added")
        # for an update keyword; the form read from the code alone is the reliable one.
        client.queryType = query_form(text)
        client.setMethod("POST")
        client.setTimeout(int(timeout or self._timeout))
        if self._auth:
            client.setCredentials(*self._auth)
        form = client.queryType
        client.setReturnFormat(TURTLE if form in ("CONSTRUCT", "DESCRIBE") else JSON)
        for attempt in (1, 2):
            try:
                response = client.query().response
                try:
                    body = response.read()
                finally:
                    response.close()
                break
            except Exception as error:
                message = _describe(error, self.location)
                if attempt == 2 or not _retryable(error):
                    raise CphKgError(message) from None
        if form in ("CONSTRUCT", "DESCRIBE"):
            try:
                return Triples(Graph().parse(data=body.decode("utf-8"), format="turtle"))
            except Exception:
                raise CphKgError(f"endpoint {self.location} did not answer with Turtle") from None
        try:
            parsed = Result.parse(source=io.BytesIO(body), format="json")
        except Exception:
            raise CphKgError(
                f"endpoint {self.location} did not answer with SPARQL JSON results"
            ) from None
        if parsed.type == "ASK":
            return Boolean(bool(parsed.askAnswer))
        variables = [str(v) for v in parsed.vars]
        rows = [
            tuple(normalise(binding.get(v)) for v in parsed.vars) for binding in parsed.bindings
        ]
        return Solutions(variables, rows)

    def write(self, graphs: dict[URIRef, Graph], replace: Iterable[URIRef] = ()) -> None:
        """One SPARQL Update request: DROP the replaced graphs, INSERT DATA the new ones."""
        update = write_request(graphs, replace)
        if update:
            self._update(update)

    def replace_graph(self, graph: URIRef, triples: list[ox.Triple]) -> None:
        """One SPARQL Update that drops ``graph`` and inserts the triples."""
        content = Graph()
        for t in triples:
            content.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        self.write({graph: content}, replace=[graph])

    def add_documents(self, documents: list[Document], graph: URIRef, replace: bool) -> int:
        """Parse with rdflib, then send one SPARQL Update (DROP and INSERT DATA)."""
        loaded = Graph()
        for document in documents:
            for triple in parse_document(document):
                loaded.add(triple)
        self.write({graph: loaded}, replace=[graph] if replace else [])
        return len(loaded)

    def graph_sizes(self) -> dict[str, int]:
        """Triples per named graph, counted by the endpoint."""
        answer = self.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
        )
        assert isinstance(answer, Solutions)
        return {str(g): int(n) for g, n in answer.rows}

    def clear(self) -> None:
        """DROP ALL on the endpoint."""
        self._update("DROP ALL")

    def close(self) -> None:
        """Nothing to release: every request is a connection of its own."""

    def _update(self, text: str) -> None:
        request = urllib.request.Request(
            self.update_endpoint,
            data=text.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update; charset=utf-8"},
            method="POST",
        )
        if self._auth:
            token = base64.b64encode(f"{self._auth[0]}:{self._auth[1]}".encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                response.read()
        except urllib.error.HTTPError as error:
            error.close()
            raise CphKgError(_describe(error, self.update_endpoint)) from None
        except Exception as error:
            raise CphKgError(_describe(error, self.update_endpoint)) from None


def _update_url(endpoint: str) -> str:
    """Oxigraph and many stores answer updates next to queries: …/query -> …/update."""
    return endpoint[: -len("/query")] + "/update" if endpoint.endswith("/query") else endpoint


def _retryable(error: Exception) -> bool:
    reason = getattr(error, "reason", error)
    if isinstance(error, urllib.error.HTTPError):
        return False
    return isinstance(reason, ConnectionError | TimeoutError) or isinstance(
        error, urllib.error.URLError
    )


#: SPARQLWrapper turns some HTTP statuses into exceptions of its own.
_SPARQLWRAPPER_CODES = {
    "QueryBadFormed": 400,
    "Unauthorized": 401,
    "EndPointNotFound": 404,
    "URITooLong": 414,
    "EndPointInternalError": 500,
}


def _describe(error: Exception, url: str) -> str:
    """One line for a failed HTTP exchange, without credentials."""
    code = getattr(error, "code", None) or _SPARQLWRAPPER_CODES.get(type(error).__name__)
    if code == 400:
        return f"endpoint {url} rejected the query as malformed (HTTP 400)"
    if code == 401:
        return f"endpoint {url} refused the request (HTTP 401): check --user/--password"
    if code == 403:
        return f"endpoint {url} refused the request (HTTP 403)"
    if code:
        return f"endpoint {url} answered HTTP {code}"
    reason = getattr(error, "reason", None) or error
    if isinstance(reason, TimeoutError | socket.timeout) or "timed out" in str(reason):
        return f"endpoint {url} did not answer in time"
    if isinstance(reason, ConnectionRefusedError) or "refused" in str(reason).lower():
        return f"endpoint {url} is unreachable (connection refused)"
    if isinstance(reason, socket.gaierror):
        return f"endpoint {url} is unreachable (unknown host)"
    text = str(reason).splitlines()[0] if str(reason) else type(error).__name__
    return f"endpoint {url} failed: {text}"
