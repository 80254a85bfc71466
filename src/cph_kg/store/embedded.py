"""The embedded store: a persistent Oxigraph store in a directory, for writing or read-only."""

from __future__ import annotations

import contextlib
import gc
import io
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, TypeVar

import pyoxigraph as ox

from cph_kg import interrupts
from cph_kg.authoring.reading import parse_document
from cph_kg.errors import CphKgError, InputError, one_line
from cph_kg.namespaces import CONTEXT_IRI
from cph_kg.rdf.documents import Document, oxigraph_statements
from cph_kg.rdf.rdflib_adapter import to_oxigraph_quad
from cph_kg.rdf.reserved import checked
from cph_kg.rdf.terms import OXIGRAPH_FORMATS, solutions
from cph_kg.sparql.guard import check_query
from cph_kg.sparql.results import QueryResult
from cph_kg.store.checkpoint import begin, commit, readable, restore
from cph_kg.store.loading import ChunkLoaders
from cph_kg.store.locking import LOCK_FILE, WRITING_FILE, hold_lock, wait_for_short_log
from cph_kg.store.protocol import write_request
from cph_kg.store.querying import (
    FileGone,
    check_memory,
    check_timeout,
    interruptible,
    query_in_child,
    run_query,
)

_T = TypeVar("_T")


#: How often a read-only open is tried when the writer beside it removes a file it was reading.
_READ_ONLY_ATTEMPTS = 5
#: The triples of each non-empty named graph.
_GRAPH_SIZES = "SELECT ?graph (COUNT(*) AS ?size) { GRAPH ?graph { ?s ?p ?o } } GROUP BY ?graph"


class EmbeddedStore:
    """A persistent Oxigraph store in a directory (RocksDB underneath), opened for writing.

    Chosen on measurements (README, "Choosing the embedded store";
    ``benchmarks/store_comparison.py``): it answered every named query faster than an rdflib
    Dataset (median 19x at 1,000 conventions, 30x at 10,000, where five queries did not finish
    on rdflib within 30 s), with less memory, and with SPARQL 1.1 answers where rdflib 7.6 gave
    wrong rows. Its own bulk load is 3x faster than rdflib's parser; cph-kg's atomic load path
    (rdflib parsing for precise errors, then one INSERT DATA) does not yet benefit from it.
    """

    #: False for :class:`ReadOnlyEmbeddedStore`, which refuses every write.
    writable = True

    def __init__(self, path: Path, create: bool = True) -> None:
        self.location = str(path)
        self.path = path
        if not create and not (path / "CURRENT").exists():
            raise CphKgError(f"no store at {path} (load something first: cph-kg load)")
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CphKgError(f"cannot create store {path}: {error.strerror or error}") from None
        self._lock: IO[bytes] | None = hold_lock(path)
        try:
            #: Whether opening undid a write a killed process left half done.
            self.recovered = restore(path, frozenset({LOCK_FILE}))
            self._store = ox.Store(str(path))
        except (OSError, RuntimeError) as error:
            self._lock.close()
            if "lock" in str(error).lower():
                raise CphKgError(f"store {path} is busy: another process has it open") from None
            raise CphKgError(f"cannot open store {path}: {error}") from None

    def close(self) -> None:
        """Close the database, then release the lock (in that order: the next opener waits)."""
        if self._store is not None:
            self._store = None  # type: ignore[assignment]  # closed: any later use fails loudly
            if self._lock is not None:
                self._lock.close()

    def query(
        self, text: str, timeout: float | None = None, max_memory: int | None = None
    ) -> QueryResult:
        """Run a query; with ``timeout`` or ``max_memory``, in a child process that is bounded.

        SERVICE is refused: the embedded store never reaches the network on a query's behalf.
        Updates are refused too (``query`` only reads), and so is a query nested deeply enough
        to crash the parser (:func:`cph_kg.sparql.guard.check_query`). The timeout counts from
        the moment the child has opened the store; when it is up, the child is killed and
        reaped. ``max_memory`` (bytes) is what the child may allocate for the query (Linux);
        a query that needs more ends with one line (an ``ORDER BY`` over a cartesian product
        took 4.4 GB).
        """
        check_query(text)
        check_timeout(timeout)
        check_memory(max_memory)
        if timeout is None and max_memory is None:
            return interruptible(lambda: run_query(self._store, text))
        if self.writable:
            self._store.flush()  # the child opens the store anew and must see every write
        return query_in_child(self.location, text, timeout, max_memory)

    def write(
        self, graphs: dict[ox.NamedNode, list[ox.Triple]], replace: Iterable[ox.NamedNode] = ()
    ) -> None:
        """Drop ``replace`` and add ``graphs`` in one update, which Oxigraph applies atomically."""
        update = write_request(graphs, replace)
        if update:
            with self._writing():
                self._store.update(update)
                self._store.flush()

    def load_code_graphs(self, parts: Iterable[ox.NamedNode | bytes]) -> None:
        """Replace each graph ``parts`` names with the N-Quads chunks after it, all or nothing.

        The bulk loader is several times faster than a transaction on whole codes, and a
        transaction of millions of statements does not fit in memory (measured:
        ``benchmarks/README.md``, "Code import"), but it is not atomic. So the write runs from
        a checkpoint (:mod:`cph_kg.store.checkpoint`): readers see the store as it was until the
        write is complete; a failure, or a Ctrl-C while the chunks are made, puts the checkpoint
        back before it is reported; a process killed during the write is undone when the store
        is next opened. A graph is dropped when its name comes, before any chunk holding its
        new statements is loaded; each chunk is loaded on a thread of its own while the next is
        made (:class:`cph_kg.store.loading.ChunkLoaders`).
        """
        begin(self.path, self._store)
        try:
            with self._writing(deferred=False):
                self._load_chunks(parts)
                self._store.flush()
        except BaseException as error:
            # RocksDB must be closed before its files are put back: drop every reference to it,
            # the failed calls' frames included, so that it is closed now
            del self._store
            cause: BaseException | None = error
            while cause is not None:
                traceback.clear_frames(cause.__traceback__)
                cause = cause.__cause__ or cause.__context__
            gc.collect()
            restore(self.path, frozenset({LOCK_FILE}))
            self._store = ox.Store(str(self.path))
            raise
        commit(self.path)

    def _load_chunks(self, parts: Iterable[ox.NamedNode | bytes]) -> None:
        """Drop each graph named, bulk-load each chunk (a frame of its own: see the caller)."""
        with ChunkLoaders(self._store) as loaders:
            for part in parts:
                if isinstance(part, bytes):
                    loaders.put(part)
                    continue
                if self._store.contains_named_graph(part):
                    self._store.remove_graph(part)
            interrupts.commit_point()  # a Ctrl-C Python swallowed stops it here

    def replace_graph(self, graph: ox.NamedNode, triples: list[ox.Triple]) -> None:
        """Drop ``graph``, then add ``triples`` to it in one transaction.

        Two steps, measured on a 10,000-convention report (66,000 triples): one atomic update
        (INSERT DATA, or a staging graph MOVEd onto ``graph``) takes Oxigraph 7 to 11 s on
        disk, the two steps 2 s. The new content is never half-written (one ``extend``); a
        process killed between the steps leaves ``graph`` empty, which only the validation
        report uses this for: it is derived data, and the next run writes it again.
        """
        with self._writing():
            if self._store.contains_named_graph(graph):
                self._store.remove_graph(graph)
            self._store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
            self._store.flush()

    def add_documents(
        self,
        documents: list[Document],
        graph: ox.NamedNode,
        replace: bool,
        law: dict[ox.NamedNode, list[ox.Triple]] | None = None,
    ) -> int:
        """Parse with Oxigraph's own parsers, then add in one transaction; the triples added.

        The count is of triples the graph did not hold: a triple that two files (or the store
        and a file) share is counted once, or not at all.

        Parsing is Oxigraph's (several times faster than rdflib's, with the line of each
        syntax error; :func:`cph_kg.rdf.documents.oxigraph_statements`); every document is parsed
        before anything is written. The named graphs of an N-Quads or TriG file are merged into
        ``graph``, as every other document's triples are. A plain load is one
        ``extend`` (transactional); ``replace``, or ``law`` graphs replacing stored ones, one
        update that drops and inserts. The law goes in the same transaction as the documents,
        so that a load killed at any moment leaves a fresh store empty or loaded, never with
        the law alone.
        """
        quads: list[ox.Quad] = []
        for document in documents:
            if document.fmt not in OXIGRAPH_FORMATS or CONTEXT_IRI in document.text:
                # the authoring format (YAML, JSON-LD with cph-kg's context) is read by rdflib
                quads.extend(
                    checked(
                        document.path,
                        (to_oxigraph_quad(s, p, o, graph) for s, p, o in parse_document(document)),
                    )
                )
                continue
            before = len(quads)
            # N-Quads and TriG: the statements of every graph of the file go to ``graph``
            quads.extend(
                ox.Quad(t.subject, t.predicate, t.object, graph)
                for t in checked(document.path, oxigraph_statements(document))
            )
            if len(quads) == before:
                raise InputError(document.path, "contains no RDF triples")
        law = law or {}
        stored_law = [name for name in law if self._store.contains_named_graph(name)]
        quads = list(dict.fromkeys(quads))  # a triple in two files is one triple
        with self._writing():
            # counted before writing, under the writer's lock: what this load adds
            added = len(quads) if replace else sum(1 for quad in quads if quad not in self._store)
            if replace or stored_law:
                drops = [graph] if replace else []
                triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
                self._store.update(write_request({graph: triples, **law}, [*drops, *law]))
            else:
                self._store.extend(
                    quads
                    + [
                        ox.Quad(t.subject, t.predicate, t.object, name)
                        for name, content in law.items()
                        for t in content
                    ]
                )
            self._store.flush()
        return added

    def graph_sizes(self) -> dict[str, int]:
        """Triples per named graph (an empty one included), counted by Oxigraph.

        One COUNT query: counting the quads in Python took 0.1 s for the law's 12,000.
        """
        sizes = {name.value: 0 for name in self._store.named_graphs()}
        for row in solutions(self._store.query(_GRAPH_SIZES)):
            sizes[row["graph"].value] = int(row["size"].value)
        return dict(sorted(sizes.items()))

    def clear(self) -> None:
        """Remove every graph."""
        with self._writing():
            self._store.clear()
            self._store.flush()

    @contextlib.contextmanager
    def _writing(self, deferred: bool = True) -> Iterator[None]:
        """A write that the disk refuses (full, over a quota or a size limit) is one line.

        Oxigraph writes a transaction whole or not at all: the store is left as it was. A
        Ctrl-C pressed before the write stops it here; one pressed during it lets it finish
        (:mod:`cph_kg.interrupts`), unless ``deferred`` is False: a write from a checkpoint
        that can be undone whole stops too.
        """
        marker = self.path / WRITING_FILE
        try:
            with interrupts.deferred() if deferred else contextlib.nullcontext():
                marker.touch()
                try:
                    yield
                finally:
                    marker.unlink(missing_ok=True)
        except OSError as error:
            raise CphKgError(
                f"cannot write store {self.path}: {one_line(error)} (nothing of this write "
                "was kept: free some space and run it again)"
            ) from None

    def dump(self, output: IO[bytes], fmt: str, graph: ox.NamedNode | None = None) -> None:
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
            self._store.dump(output, formats[fmt], from_graph=graph)


class ReadOnlyEmbeddedStore(EmbeddedStore):
    """The embedded store opened for reading only: it works while another process writes.

    It takes no lock and opens RocksDB read-only, which reads the last committed state when it
    opens (a load in progress is one transaction, so a reader sees the store before the load or
    after it, never between) and keeps that snapshot until it is closed. Oxigraph calls a
    read-only instance beside a writer "undefined"; what can go wrong is a file the writer
    removes (a compacted table, an old log) while the reader is opening, so the open is retried,
    and ``tests/robustness/test_concurrency.py`` reads in a loop during loads to show every read
    succeeds and sees before or after. Every write is refused with a one-line error.
    """

    writable = False

    def __init__(self, path: Path) -> None:
        self.location = str(path)
        self.path = path
        self._lock = None
        self._open()

    def _open(self) -> None:
        for attempt in range(1, _READ_ONLY_ATTEMPTS + 1):
            if not (self.path / "CURRENT").exists():
                raise CphKgError(f"no store at {self.path} (load something first: cph-kg load)")
            wait_for_short_log(self.path)
            # while a code import is under way (or was killed), the store before it
            self.location = str(readable(self.path))
            try:
                self._store = ox.Store.read_only(self.location)
                return
            except (OSError, RuntimeError) as error:
                if attempt == _READ_ONLY_ATTEMPTS:
                    raise CphKgError(f"cannot open store {self.path}: {error}") from None
                time.sleep(0.05 * attempt)  # a writer is changing its files: read them again

    def _reading(self, read: Callable[[], _T]) -> _T:
        """Run a read; if a file it needed was removed by the writer, reopen and read again.

        A read changes nothing, so reading again is safe; the reopened store is the last
        committed state, still "before or after" a write.
        """
        error: Exception | None = None
        for attempt in range(_READ_ONLY_ATTEMPTS):
            if attempt:
                time.sleep(0.05 * attempt)
                self._open()
            try:
                return read()
            except (OSError, FileGone) as caught:
                error = caught
                if not isinstance(caught, FileGone) and "No such file or directory" not in str(
                    caught
                ):
                    break  # not a file the writer removed: reading again would not help
        raise CphKgError(f"cannot read store {self.path}: {one_line(error or OSError())}") from None

    def query(
        self, text: str, timeout: float | None = None, max_memory: int | None = None
    ) -> QueryResult:
        """The query, read again if the writer removed a file under it."""
        return self._reading(lambda: EmbeddedStore.query(self, text, timeout, max_memory))

    def graph_sizes(self) -> dict[str, int]:
        """Triples per named graph, read again if the writer removed a file under them."""
        return self._reading(lambda: EmbeddedStore.graph_sizes(self))

    def dump(self, output: IO[bytes], fmt: str, graph: ox.NamedNode | None = None) -> None:
        """The dump, written to ``output`` only once it was read whole."""

        def read() -> bytes:
            buffer = io.BytesIO()
            EmbeddedStore.dump(self, buffer, fmt, graph)
            return buffer.getvalue()

        output.write(self._reading(read))

    def write(
        self, graphs: dict[ox.NamedNode, list[ox.Triple]], replace: Iterable[ox.NamedNode] = ()
    ) -> None:
        """Refused: the store is open read-only."""
        raise self._refused()

    def replace_graph(self, graph: ox.NamedNode, triples: list[ox.Triple]) -> None:
        """Refused: the store is open read-only."""
        raise self._refused()

    def add_documents(
        self,
        documents: list[Document],
        graph: ox.NamedNode,
        replace: bool,
        law: dict[ox.NamedNode, list[ox.Triple]] | None = None,
    ) -> int:
        """Refused: the store is open read-only."""
        raise self._refused()

    def load_code_graphs(self, parts: Iterable[ox.NamedNode | bytes]) -> None:
        """Refused: the store is open read-only."""
        raise self._refused()

    def clear(self) -> None:
        """Refused: the store is open read-only."""
        raise self._refused()

    def _refused(self) -> CphKgError:
        return CphKgError(f"store {self.path} is open read-only: nothing is written through it")
