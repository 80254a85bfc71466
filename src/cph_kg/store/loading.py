"""Bulk-loading chunks of N-Quads on background threads while the caller makes the next ones.

A code import has two halves of about the same cost: Python reading the corpus into N-Quads,
and Oxigraph's bulk loader (parsing, then sorting each batch into its indexes). Oxigraph's
``bulk_load`` lets go of Python's interpreter lock, so while one thread loads a chunk, the
caller's thread makes the next: both cores work (``benchmarks/README.md``, "LEGI codes").

Chunks are given to ``bulk_load`` as bytes, not through a pipe: given a path, Oxigraph splits
a file for parallel parsing by its size, which a pipe does not have (on four cores or more it
would load nothing), and given a Python file object it takes the interpreter lock for every
read. The queue holds as many chunks as there are threads, so memory stays a few chunks.
"""

from __future__ import annotations

import queue
import threading
from types import TracebackType

import pyoxigraph as ox

#: Chunks loaded at once: one parses while the other sorts, or both when the caller is done.
THREADS = 2


class ChunkLoaders:
    """Threads that bulk-load each chunk :meth:`put` gives them into ``store``.

    Leaving the ``with`` block waits for every chunk given; an error in a thread is raised in
    the caller's, at its next :meth:`put` or on leaving the block, and the chunks after it are
    dropped. Leaving on an error drops the chunks not yet loaded and waits only for those
    being loaded (a bulk load cannot be stopped half-way): no thread is left writing, even if
    Ctrl-C is pressed again meanwhile, since the caller may then put the store's files back.
    """

    def __init__(self, store: ox.Store, threads: int = THREADS) -> None:
        self._store = store
        self._chunks: queue.Queue[bytes] = queue.Queue(maxsize=threads)
        self._error: BaseException | None = None
        self._closing = False  # no more chunks will come
        self._stopped = False  # the chunks not yet loaded are dropped
        self._threads = [
            threading.Thread(target=self._load, name=f"cph-kg bulk load {n}", daemon=True)
            for n in range(threads)
        ]

    def __enter__(self) -> ChunkLoaders:
        for thread in self._threads:
            thread.start()
        return self

    def put(self, chunk: bytes) -> None:
        """Hand ``chunk`` to a thread, waiting while every thread is busy."""
        self._raise()
        self._chunks.put(chunk)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._closing = True
        self._stopped = kind is not None
        interrupted = False
        for thread in self._threads:
            while thread.is_alive():
                try:
                    thread.join()
                except KeyboardInterrupt:
                    self._stopped = interrupted = True
        if kind is None:
            if interrupted:
                raise KeyboardInterrupt
            self._raise()

    def _load(self) -> None:
        while True:
            try:
                chunk = self._chunks.get(timeout=0.05)
            except queue.Empty:
                if self._closing:
                    return
                continue
            if self._error is not None or self._stopped:
                continue  # drained, so that the caller never waits on a full queue
            try:
                # lenient: the statements are cph-kg's own, valid by construction (no IRI or
                # language tag checked again: cph_kg.codes.rdf.iri)
                self._store.bulk_load(chunk, ox.RdfFormat.N_QUADS, lenient=True)
            except BaseException as error:  # raised in the caller's thread
                self._error = self._error or error

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error
