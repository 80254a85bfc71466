"""Where the knowledge graph lives: the embedded Oxigraph store, or any SPARQL 1.1 endpoint.

Both answer the same queries with the same :mod:`cph_kg.sparql.results`, so a user who outgrows one
machine points ``--endpoint`` at a triple store and changes nothing else. Writes are atomic:
the embedded store adds a whole load in one transaction; an endpoint receives one SPARQL Update
request, which SPARQL 1.1 stores apply as a unit.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import functools
import gc
import http.client
import io
import logging
import math
import multiprocessing
import os
import re
import resource
import signal
import socket
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from email.message import Message
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any, Protocol, TypeVar

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.query import Result
from rdflib.term import Node

from cph_kg import interrupts
from cph_kg.authoring.reading import parse_document
from cph_kg.errors import CphKgError, InputError
from cph_kg.namespaces import CONTEXT_IRI
from cph_kg.rdf.documents import Document, oxigraph_statements
from cph_kg.rdf.reserved import checked, refuse_reserved
from cph_kg.rdf.terms import (
    OXIGRAPH_FORMATS,
    normalise,
    to_oxigraph_quad,
    to_oxigraph_triple,
    to_rdflib,
)
from cph_kg.sparql.guard import check_query
from cph_kg.sparql.results import Boolean, QueryResult, Solutions, Triples
from cph_kg.sparql.text import query_form
from cph_kg.store.checkpoint import begin, commit, readable, restore

#: The largest answer read from an endpoint by default (parsed, it takes about six times this).
MAX_ANSWER_BYTES = 128 * 1024 * 1024


class Store(Protocol):
    """What cph-kg needs of a store."""

    location: str

    def query(
        self, text: str, timeout: float | None = None, max_memory: int | None = None
    ) -> QueryResult:
        """Run a SPARQL query over the union of the named graphs."""
        ...

    def write(self, graphs: dict[URIRef, Graph], replace: Iterable[URIRef] = ()) -> None:
        """Atomically drop the ``replace`` graphs and add ``graphs``."""
        ...

    def load_code_graphs(self, graphs: dict[URIRef, Path]) -> None:
        """Make each graph hold exactly the statements of its N-Triples file, all or nothing."""
        ...

    def replace_graph(self, graph: URIRef, triples: list[ox.Triple]) -> None:
        """Make ``graph`` hold exactly ``triples``, atomically."""
        ...

    def add_documents(
        self,
        documents: list[Document],
        graph: URIRef,
        replace: bool,
        law: dict[URIRef, Graph] | None = None,
    ) -> int:
        """Parse every document, then add all to ``graph`` in one atomic write.

        With ``replace`` the graph is emptied first, in the same write; ``law`` graphs replace
        the stored ones in that same write. Returns the number of triples added to ``graph``.
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


# --- the embedded store -----------------------------------------------------------------------


def _named(name: URIRef) -> ox.NamedNode:
    return ox.NamedNode(str(name))


def _rdflib_graph(quads: list[ox.Quad]) -> Graph:
    graph = Graph()
    for quad in quads:
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


def _answer(answer: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> QueryResult:
    if isinstance(answer, ox.QueryBoolean):
        return Boolean(bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        # Rows repeat terms (départements, dates, booleans), and building an rdflib Literal is
        # what costs most here: each distinct Oxigraph term (equal only if the same RDF term)
        # is converted once per answer.
        converted: dict[object, Node | None] = {}

        def term(value: object) -> Node | None:
            if value not in converted:
                converted[value] = to_rdflib(value)
            return converted[value]

        rows = [tuple(term(s[v]) for v in variables) for s in answer]
        return Solutions(variables, rows)
    graph = Graph()
    for triple in answer:
        graph.add(
            (to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object))
        )
    return Triples(graph)


def _one_line(error: Exception) -> str:
    """An engine's message on one line (Oxigraph's can span several)."""
    return " ".join(str(error).split()) or type(error).__name__


def _run_query(store: ox.Store, text: str) -> QueryResult:
    """Run a query on an open Oxigraph store, its errors as :class:`CphKgError`."""
    try:
        return _answer(store.query(text, use_default_graph_as_union=True))
    except SyntaxError as error:
        raise CphKgError(f"SPARQL syntax error: {_one_line(error)}") from None
    except OSError as error:
        gone = "No such file or directory" in str(error)
        raise (_FileGone if gone else CphKgError)(f"query failed: {_one_line(error)}") from None
    except (RuntimeError, ValueError) as error:
        raise CphKgError(f"query failed: {_one_line(error)}") from None


def _interruptible(run: Callable[[], _T]) -> _T:
    """Run ``run`` in a thread while this one waits, so that Ctrl-C stops the wait.

    Oxigraph evaluates a query without looking at Python's signals; run in the calling thread,
    a long query ignores Ctrl-C until it ends. In a thread of its own (Oxigraph releases the
    GIL), the caller receives KeyboardInterrupt at once; the command line then exits, which
    ends the thread. A program that catches the interrupt and goes on should give queries a
    ``timeout``, which runs them in a process that is killed.
    """
    outcome: list[tuple[bool, object]] = []

    def target() -> None:
        try:
            outcome.append((True, run()))
        except BaseException as error:  # handed to the caller below
            outcome.append((False, error))

    worker = threading.Thread(target=target, name="cph-kg query", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.1)
    ok, value = outcome[0]
    if not ok:
        raise value  # type: ignore[misc]
    return value  # type: ignore[return-value]


class _FileGone(CphKgError):
    """A read met a file of the store that a writer removed meanwhile (a compacted table)."""


def _limit_memory(max_memory: int) -> None:
    """Let this process allocate at most ``max_memory`` bytes more than it holds now.

    The kernel refuses what passes the limit (``RLIMIT_DATA``: the heap and private
    mappings); Oxigraph, failing to allocate, aborts the process, which the parent reports.
    Its own message about it (a Rust backtrace) is sent nowhere.
    """
    held = 0
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmData:"):
                held = int(line.split()[1]) * 1024
    limit = held + max_memory
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 2)
    os.close(quiet)


def _query_in_child(
    location: str, text: str, pipe: Connection, max_memory: int | None = None
) -> None:
    """Run one query in a child process, so that a timeout can stop it for good.

    The child says ``ready`` once it has started and opened the store, so that the parent
    counts the timeout from then on: starting a Python process is not the query's time.
    With ``max_memory`` the child may allocate at most that much for the query, beyond what
    the open store holds.
    """
    try:
        wait_for_short_log(Path(location))
        store = ox.Store.read_only(location)
        if max_memory is not None:  # counted from here: opening maps 70 MiB for its threads
            _limit_memory(max_memory)
        pipe.send(("ready", None))
        pipe.send(("ok", _run_query(store, text)))
    except CphKgError as error:
        pipe.send(("error", str(error)))
    except OSError as error:  # the store cannot be opened
        pipe.send(("error", f"query failed: {_one_line(error)}"))
    except Exception:  # a cph-kg bug: its traceback goes to the parent, which raises it
        pipe.send(("bug", traceback.format_exc()))


#: The longest a query's child process may take to start and open the store.
CHILD_START_LIMIT = 60.0


def check_memory(max_memory: int | None) -> None:
    """A memory bound is a number of bytes, at least :data:`MIN_QUERY_MEMORY`."""
    if max_memory is not None and not (
        isinstance(max_memory, int) and max_memory >= MIN_QUERY_MEMORY
    ):
        raise CphKgError(
            f"a query's memory bound is at least {MIN_QUERY_MEMORY // 2**20} MiB, "
            f"not {max_memory!r} bytes"
        )


#: The least memory a query may be bounded to: below it, opening the store alone fails.
MIN_QUERY_MEMORY = 64 * 2**20

#: The longest timeout a query may be given: a week (a float beyond it, inf or nan is no time).
MAX_TIMEOUT = 7 * 24 * 3600.0


def check_timeout(timeout: float | None) -> None:
    """A timeout is a number of seconds above 0 and at most :data:`MAX_TIMEOUT`."""
    if timeout is not None and not (
        isinstance(timeout, int | float) and math.isfinite(timeout) and 0 < timeout <= MAX_TIMEOUT
    ):
        raise CphKgError(
            f"timeout {timeout!r} is not a number of seconds above 0 and at most "
            f"{MAX_TIMEOUT:g} (a week)"
        )


LOCK_FILE = "cph-kg.lock"

#: How often a read-only open is tried when the writer beside it removes a file it was reading.
READ_ONLY_ATTEMPTS = 5

_T = TypeVar("_T")


#: The longest log of committed writes a reader replays rather than waits for a writer to
#: finish with. Opening a store, RocksDB replays into memory the writes its log holds that are
#: not yet in its tables, which a writer does at the end of each write (``flush``). Measured
#: on 2 busy cores (``tests/robustness/test_concurrency.py``): a 72 MB log took a reader 4.3 s
#: and 266 MiB, a 290 MB one 26 s and 990 MiB, a 600 MB one (40,000 conventions) 235 s and
#: 2.1 GiB. Below this limit a reader opens at once (about 2 s and 130 MiB at the limit).
MAX_REPLAY_BYTES = 32 * 1024 * 1024
#: How long a reader waits for a writer to put a longer log into tables before replaying it.
MAX_REPLAY_WAIT = 600.0

_log = logging.getLogger(__name__)


def log_bytes(path: Path) -> int:
    """The size of the store's log of writes (RocksDB's ``*.log`` files)."""
    total = 0
    for log in path.glob("*.log"):
        with contextlib.suppress(OSError):  # the writer removes a log once it is in tables
            total += log.stat().st_size
    return total


def writer_holds(path: Path) -> bool:
    """Whether a process holds the store's writer lock now.

    Asked with a shared lock, taken and given back at once (a writer that asks in that instant
    tries again: :func:`hold_lock`).
    """
    try:
        handle = (path / LOCK_FILE).open("rb")
    except OSError:
        return False
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def wait_for_short_log(path: Path, limit: float = MAX_REPLAY_WAIT) -> None:
    """Before opening ``path`` read-only: wait while a writer's long log is about to be tabled.

    A reader opened just after a large load committed, before the writer flushed it, took
    minutes and gigabytes replaying the log (see :data:`MAX_REPLAY_BYTES`); the writer's flush
    takes less, and afterwards the reader opens at once. A reader waits only for a cph-kg
    write (:data:`WRITING_FILE` is there from its start to its flush), not for the long-lived
    writer ``cph-kg serve --allow-update`` runs, whose log stays long between its flushes. A
    long log with no writer (one killed after committing) is replayed: nobody else will table
    it before the next writer opens.
    """
    deadline = time.monotonic() + limit
    told = False
    while (
        time.monotonic() < deadline
        and (path / WRITING_FILE).exists()
        and log_bytes(path) > MAX_REPLAY_BYTES
        and writer_holds(path)
    ):
        if not told:
            _log.warning(
                "cph-kg: waiting for the write in progress on %s to reach the store's tables",
                path,
            )
            told = True
        time.sleep(0.1)


def table_log(path: Path) -> None:
    """Put the writes a log holds into the store's tables (the caller holds the writer lock).

    Opening the store for writing recovers the log into tables; closing it keeps them.
    """
    try:
        ox.Store(str(path)).flush()
    except (OSError, RuntimeError) as error:
        raise CphKgError(f"cannot open store {path}: {_one_line(error)}") from None


#: Present while a cph-kg write runs, from before its commit to the end of its flush.
WRITING_FILE = "cph-kg.writing"

#: How long a writer keeps asking for the lock before saying the store is busy: a reader
#: asking whether a writer is there (:func:`writer_holds`) holds it for an instant.
LOCK_PATIENCE = 0.5


def hold_lock(path: Path) -> IO[bytes]:
    """Take the store's writer lock, or say who is in the way.

    One writer at a time: RocksDB forbids two, and a second ``cph-kg load`` is told the store is
    busy rather than queued behind the first. Readers do not take this lock (they open the store
    read-only, see :class:`ReadOnlyEmbeddedStore`), so they keep working during a write.
    ``cph-kg serve`` keeps the lock for as long as the server runs, so nobody writes under it.
    """
    handle = (path / LOCK_FILE).open("a+b")
    deadline = time.monotonic() + LOCK_PATIENCE
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return handle
        except BlockingIOError:
            if time.monotonic() < deadline:
                time.sleep(0.05)
                continue
        handle.close()
        raise CphKgError(
            f"store {path} is busy: another cph-kg process is writing to it (or cph-kg serve "
            "holds it); reading still works, and a running server is queried with --endpoint"
        ) from None


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
            return _interruptible(lambda: _run_query(self._store, text))
        if self.writable:
            self._store.flush()  # the child opens the store anew and must see every write
        receiver, sender = multiprocessing.Pipe(duplex=False)
        child = multiprocessing.get_context("spawn").Process(
            target=_query_in_child, args=(self.location, text, sender, max_memory), daemon=True
        )
        child.start()
        sender.close()
        status: str = "error"
        payload: object = "the query process did not start"
        try:
            if receiver.poll(CHILD_START_LIMIT):
                status, payload = receiver.recv()
            if status == "ready":
                status, payload = receiver.recv() if receiver.poll(timeout) else ("timeout", None)
        except EOFError:  # the child died without answering
            status, payload = "error", "query failed: the query process ended without an answer"
        finally:
            if child.is_alive():
                child.kill()
            child.join()
            receiver.close()
        if max_memory is not None and child.exitcode == -signal.SIGABRT:
            status, payload = (
                "error",
                (
                    f"query stopped: it needed more than {max_memory / 2**20:g} MiB of memory "
                    "(--max-memory-mb)"
                ),
            )
        if status == "timeout":
            raise CphKgError(f"query timed out after {timeout:g} s")
        if status == "error":
            raise CphKgError(str(payload))
        if status == "bug":
            raise RuntimeError(f"the query process failed:\n{payload}")
        if not isinstance(payload, Solutions | Boolean | Triples):
            raise TypeError(f"the query process answered {payload!r}")
        return payload

    def write(self, graphs: dict[URIRef, Graph], replace: Iterable[URIRef] = ()) -> None:
        """Drop ``replace`` and add ``graphs`` in one update, which Oxigraph applies atomically."""
        update = write_request(graphs, replace)
        if update:
            with self._writing():
                self._store.update(update)
                self._store.flush()

    def load_code_graphs(self, graphs: dict[URIRef, Path]) -> None:
        """Replace each graph with its N-Triples file, with Oxigraph's bulk loader, all or nothing.

        The bulk loader is several times faster than a transaction on whole codes, and a
        transaction of millions of statements does not fit in memory (measured:
        ``benchmarks/README.md``, "Code import"), but it is not atomic. So the write runs from
        a checkpoint (:mod:`cph_kg.store.checkpoint`): readers see the store as it was until the
        write is complete; a failure puts the checkpoint back before it is reported; a process
        killed during the write is undone when the store is next opened.
        """
        begin(self.path, self._store)
        try:
            with self._writing():
                for name, path in graphs.items():
                    target = ox.NamedNode(str(name))
                    if self._store.contains_named_graph(target):
                        self._store.remove_graph(target)
                    self._store.bulk_load(
                        path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=target
                    )
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

    def replace_graph(self, graph: URIRef, triples: list[ox.Triple]) -> None:
        """Drop ``graph``, then add ``triples`` to it in one transaction.

        Two steps, measured on a 10,000-convention report (66,000 triples): one atomic update
        (INSERT DATA, or a staging graph MOVEd onto ``graph``) takes Oxigraph 7 to 11 s on
        disk, the two steps 2 s. The new content is never half-written (one ``extend``); a
        process killed between the steps leaves ``graph`` empty, which only the validation
        report uses this for: it is derived data, and the next run writes it again.
        """
        target = ox.NamedNode(str(graph))
        with self._writing():
            if self._store.contains_named_graph(target):
                self._store.remove_graph(target)
            self._store.extend(ox.Quad(t.subject, t.predicate, t.object, target) for t in triples)
            self._store.flush()

    def add_documents(
        self,
        documents: list[Document],
        graph: URIRef,
        replace: bool,
        law: dict[URIRef, Graph] | None = None,
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
        target = ox.NamedNode(str(graph))
        quads: list[ox.Quad] = []
        for document in documents:
            if document.fmt not in OXIGRAPH_FORMATS or CONTEXT_IRI in document.text:
                # the authoring format (YAML, JSON-LD with cph-kg's context) is read by rdflib
                quads.extend(
                    checked(
                        document.path,
                        (to_oxigraph_quad(s, p, o, target) for s, p, o in parse_document(document)),
                    )
                )
                continue
            before = len(quads)
            # N-Quads and TriG: the statements of every graph of the file go to ``graph``
            quads.extend(
                ox.Quad(t.subject, t.predicate, t.object, target)
                for t in checked(document.path, oxigraph_statements(document))
            )
            if len(quads) == before:
                raise InputError(document.path, "contains no RDF triples")
        law = law or {}
        stored_law = [name for name in law if self._store.contains_named_graph(_named(name))]
        quads = list(dict.fromkeys(quads))  # a triple in two files is one triple
        with self._writing():
            # counted before writing, under the writer's lock: what this load adds
            added = len(quads) if replace else sum(1 for quad in quads if quad not in self._store)
            if replace or stored_law:
                drops = [graph] if replace else []
                self._store.update(
                    " ;\n".join(f"DROP SILENT GRAPH <{name}>" for name in [*drops, *law])
                    + (" ;\n" if drops or law else "")
                    + write_request({graph: _rdflib_graph(quads), **law}, [])
                )
            else:
                self._store.extend(
                    quads
                    + [
                        to_oxigraph_quad(s, p, o, _named(name))
                        for name, content in law.items()
                        for s, p, o in content
                    ]
                )
            self._store.flush()
        return added

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
        with self._writing():
            self._store.clear()
            self._store.flush()

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """A write that the disk refuses (full, over a quota or a size limit) is one line.

        Oxigraph writes a transaction whole or not at all: the store is left as it was. A
        Ctrl-C pressed before the write stops it here; one pressed during it lets it finish
        (:mod:`cph_kg.interrupts`).
        """
        marker = self.path / WRITING_FILE
        try:
            with interrupts.deferred():
                marker.touch()
                try:
                    yield
                finally:
                    marker.unlink(missing_ok=True)
        except OSError as error:
            raise CphKgError(
                f"cannot write store {self.path}: {_one_line(error)} (nothing of this write "
                "was kept: free some space and run it again)"
            ) from None

    def dump(self, output: IO[bytes], fmt: str, graph: URIRef | None = None) -> None:
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
        for attempt in range(1, READ_ONLY_ATTEMPTS + 1):
            if not (self.path / "CURRENT").exists():
                raise CphKgError(f"no store at {self.path} (load something first: cph-kg load)")
            wait_for_short_log(self.path)
            # while a code import is under way (or was killed), the store before it
            self.location = str(readable(self.path))
            try:
                self._store = ox.Store.read_only(self.location)
                return
            except (OSError, RuntimeError) as error:
                if attempt == READ_ONLY_ATTEMPTS:
                    raise CphKgError(f"cannot open store {self.path}: {error}") from None
                time.sleep(0.05 * attempt)  # a writer is changing its files: read them again

    def _reading(self, read: Callable[[], _T]) -> _T:
        """Run a read; if a file it needed was removed by the writer, reopen and read again.

        A read changes nothing, so reading again is safe; the reopened store is the last
        committed state, still "before or after" a write.
        """
        error: Exception | None = None
        for attempt in range(READ_ONLY_ATTEMPTS):
            if attempt:
                time.sleep(0.05 * attempt)
                self._open()
            try:
                return read()
            except (OSError, _FileGone) as caught:
                error = caught
                if not isinstance(caught, _FileGone) and "No such file or directory" not in str(
                    caught
                ):
                    break  # not a file the writer removed: reading again would not help
        raise CphKgError(
            f"cannot read store {self.path}: {_one_line(error or OSError())}"
        ) from None

    def query(
        self, text: str, timeout: float | None = None, max_memory: int | None = None
    ) -> QueryResult:
        """The query, read again if the writer removed a file under it."""
        return self._reading(lambda: EmbeddedStore.query(self, text, timeout, max_memory))

    def graph_sizes(self) -> dict[str, int]:
        """Triples per named graph, read again if the writer removed a file under them."""
        return self._reading(lambda: EmbeddedStore.graph_sizes(self))

    def dump(self, output: IO[bytes], fmt: str, graph: URIRef | None = None) -> None:
        """The dump, written to ``output`` only once it was read whole."""

        def read() -> bytes:
            buffer = io.BytesIO()
            EmbeddedStore.dump(self, buffer, fmt, graph)
            return buffer.getvalue()

        output.write(self._reading(read))

    def write(self, graphs: dict[URIRef, Graph], replace: Iterable[URIRef] = ()) -> None:
        """Refused: the store is open read-only."""
        raise self._refused()

    def replace_graph(self, graph: URIRef, triples: list[ox.Triple]) -> None:
        """Refused: the store is open read-only."""
        raise self._refused()

    def add_documents(
        self,
        documents: list[Document],
        graph: URIRef,
        replace: bool,
        law: dict[URIRef, Graph] | None = None,
    ) -> int:
        """Refused: the store is open read-only."""
        raise self._refused()

    def load_code_graphs(self, graphs: dict[URIRef, Path]) -> None:
        """Refused: the store is open read-only."""
        raise self._refused()

    def clear(self) -> None:
        """Refused: the store is open read-only."""
        raise self._refused()

    def _refused(self) -> CphKgError:
        return CphKgError(f"store {self.path} is open read-only: nothing is written through it")


# --- a remote SPARQL 1.1 endpoint -------------------------------------------------------------


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

    def write(self, graphs: dict[URIRef, Graph], replace: Iterable[URIRef] = ()) -> None:
        """One SPARQL Update request: DROP the replaced graphs, INSERT DATA the new ones."""
        update = write_request(graphs, replace)
        if update:
            self._update(update)

    def load_code_graphs(self, graphs: dict[URIRef, Path]) -> None:
        """One SPARQL Update that drops each graph and inserts its N-Triples file."""
        operations = [f"DROP SILENT GRAPH <{name}>" for name in graphs]
        inserts = "\n".join(
            f"GRAPH <{name}> {{\n{path.read_text(encoding='utf-8')}}}"
            for name, path in graphs.items()
        )
        if inserts:
            operations.append(f"INSERT DATA {{\n{inserts}\n}}")
            self._update(" ;\n".join(operations))

    def replace_graph(self, graph: URIRef, triples: list[ox.Triple]) -> None:
        """One SPARQL Update that drops ``graph`` and inserts the triples."""
        content = Graph()
        for t in triples:
            content.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        self.write({graph: content}, replace=[graph])

    def add_documents(
        self,
        documents: list[Document],
        graph: URIRef,
        replace: bool,
        law: dict[URIRef, Graph] | None = None,
    ) -> int:
        """Parse with rdflib, then send one SPARQL Update (DROP and INSERT DATA), law included.

        The triples added are the graph's size after the update less its size before (another
        client writing meanwhile would be counted too: an endpoint offers no better measure).
        """
        loaded = Graph()
        for document in documents:
            parsed = parse_document(document)
            refuse_reserved(
                document.path,
                (to_oxigraph_triple(s, p, o) for s, p, o in parsed),
            )
            loaded += parsed
        law = law or {}
        before = 0 if replace else self._size(graph)
        self.write({graph: loaded, **law}, replace=([graph] if replace else []) + list(law))
        return self._size(graph) - before

    def _size(self, graph: URIRef) -> int:
        """The triples of one graph, counted by the endpoint."""
        answer = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
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


#: What an HTTP exchange with an endpoint fails with: the endpoint's refusals (:class:`_Refused`),
#: the network's and urllib's errors (``OSError``, ``URLError``, ``HTTPError``, timeouts),
#: http.client's protocol errors, and ``ValueError`` for a URL urllib cannot use. Anything else
#: is a cph-kg bug and keeps its traceback.
_EXCHANGE_FAILURES = (_Refused, OSError, http.client.HTTPException, ValueError)


def _failure(error: Exception, url: str, budget: float) -> _Refused:
    """One line for a failed HTTP exchange (never with credentials), and whether to retry it."""
    if isinstance(error, _Refused):
        return error
    if isinstance(error, urllib.error.HTTPError):
        code = error.code
        location = error.headers.get("Location", "") if error.headers else ""
        error.close()
        if 300 <= code < 400:
            target = _hide_userinfo(urllib.parse.urljoin(url, location), cut=False)
            # the target last: a message cut to length cuts the target, never the explanation
            return _Refused(
                f"endpoint {url} answered HTTP {code}, a redirect, which cph-kg does not "
                f"follow (give the final URL with --endpoint); it points to {target or 'nowhere'}"
            )
        if code == 400:
            return _Refused(f"endpoint {url} rejected the query as malformed (HTTP 400)")
        if code == 401:
            return _Refused(
                f"endpoint {url} refused the request (HTTP 401): check --user/--password"
            )
        if code == 403:
            return _Refused(f"endpoint {url} refused the request (HTTP 403)")
        return _Refused(f"endpoint {url} answered HTTP {code}", code in _TRANSIENT_STATUSES)
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
