"""A query on an Oxigraph store: its answer as results, Ctrl-C honoured, bounds in a child process.

In the calling process a query runs in a thread so that Ctrl-C stops the wait; with a timeout or
a memory bound it runs in a child process that is killed when the bound is reached.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import resource
import signal
import threading
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from cph_kg.errors import CphKgError, QueryTimedOut, one_line
from cph_kg.rdf.rdflib_adapter import RdflibTerms, rdflib_graph
from cph_kg.sparql.results import Boolean, QueryResult, Solutions, Triples
from cph_kg.store.locking import wait_for_short_log

_T = TypeVar("_T")


def _answer(answer: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> QueryResult:
    if isinstance(answer, ox.QueryBoolean):
        return Boolean(bool(answer))
    # Oxigraph's answer is read to its terms, then let go before any Python code runs on them:
    # it must be freed in the thread that made it, and a traceback kept by a log handler (rdflib
    # logs an ill-formed literal with its traceback) would keep this frame, and it, alive.
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        # a solution unpacks in the order of the variables: looking each value up by name cost
        # 3 µs a row of three (9 of the 21 ms of converting citation-closure's 2,857 rows)
        values = [tuple(solution) for solution in answer]
        del answer
        # the public API's rows are rdflib terms: each distinct term converted once
        term = RdflibTerms()
        return Solutions(variables, [tuple(map(term, row)) for row in values])
    triples = list(answer)
    del answer
    return Triples(rdflib_graph(triples))


def run_query(store: ox.Store, text: str) -> QueryResult:
    """Run a query on an open Oxigraph store, its errors as :class:`CphKgError`."""
    try:
        return _answer(store.query(text, use_default_graph_as_union=True))
    except SyntaxError as error:
        raise CphKgError(f"SPARQL syntax error: {one_line(error)}") from None
    except OSError as error:
        gone = "No such file or directory" in str(error)
        raise (FileGone if gone else CphKgError)(f"query failed: {one_line(error)}") from None
    except (RuntimeError, ValueError) as error:
        raise CphKgError(f"query failed: {one_line(error)}") from None


def interruptible(run: Callable[[], _T]) -> _T:
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


class FileGone(CphKgError):
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
        pipe.send(("ok", run_query(store, text)))
    except CphKgError as error:
        pipe.send(("error", str(error)))
    except OSError as error:  # the store cannot be opened
        pipe.send(("error", f"query failed: {one_line(error)}"))
    except Exception:  # a cph-kg bug: its traceback goes to the parent, which raises it
        pipe.send(("bug", traceback.format_exc()))


#: The longest a query's child process may take to start and open the store.
_CHILD_START_LIMIT = 60.0


def check_memory(max_memory: int | None) -> None:
    """A memory bound is a number of bytes, at least :data:`_MIN_QUERY_MEMORY`."""
    if max_memory is not None and not (
        isinstance(max_memory, int) and max_memory >= _MIN_QUERY_MEMORY
    ):
        raise CphKgError(
            f"a query's memory bound is at least {_MIN_QUERY_MEMORY // 2**20} MiB, "
            f"not {max_memory!r} bytes"
        )


#: The least memory a query may be bounded to: below it, opening the store alone fails.
_MIN_QUERY_MEMORY = 64 * 2**20

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


def query_in_child(
    location: str, text: str, timeout: float | None, max_memory: int | None
) -> QueryResult:
    """Run ``text`` on the store at ``location`` in a child process, bounded in time and memory.

    The timeout counts from the moment the child has opened the store; when it is up, the child
    is killed and reaped. ``max_memory`` (bytes) is what the child may allocate for the query
    (Linux); a query that needs more ends with one line.
    """
    receiver, sender = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.get_context("spawn").Process(
        target=_query_in_child, args=(location, text, sender, max_memory), daemon=True
    )
    child.start()
    sender.close()
    status: str = "error"
    payload: object = "the query process did not start"
    try:
        if receiver.poll(_CHILD_START_LIMIT):
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
        raise QueryTimedOut(f"query timed out after {timeout:g} s")
    if status == "error":
        raise CphKgError(str(payload))
    if status == "bug":
        raise RuntimeError(f"the query process failed:\n{payload}")
    if not isinstance(payload, Solutions | Boolean | Triples):
        raise TypeError(f"the query process answered {payload!r}")
    return payload
