"""Files queried where they are, without a store on disk: ``cph-kg query --data FILE…``.

As Jena's ``arq --data``: the files are parsed (every syntax ``load`` reads, the authoring
formats included) into an Oxigraph store in memory, each in a named graph of its own named by
the file's ``file:`` IRI, and queried with the union of those graphs as the default graph, as
the persistent store is. Nothing is written anywhere; nothing of the bundled law is added
unless the user names its files.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from cph_kg.authoring.reading import read_row_triples
from cph_kg.errors import CphKgError, InputError, QueryTimedOut
from cph_kg.namespaces import CONTEXT_IRI
from cph_kg.rdf.documents import oxigraph_statements, read_document
from cph_kg.rdf.terms import OXIGRAPH_FORMATS
from cph_kg.sparql.guard import check_query
from cph_kg.sparql.results import QueryResult
from cph_kg.store.querying import check_timeout, interruptible, run_query


def read_files(paths: Sequence[Path | str], forced_format: str | None = None) -> ox.Store:
    """An Oxigraph store in memory holding each file in the named graph of its ``file:`` IRI.

    Every file is read before the store is filled; a bad one is an :class:`InputError` naming
    it (and the line, for a syntax error). A bulk CSV file with a bad row is refused whole.
    """
    store = ox.Store()
    quads: list[ox.Quad] = []
    for path in paths:
        document = read_document(Path(path), forced_format)
        graph = ox.NamedNode(document.path.resolve().as_uri())
        statements: list[ox.Triple | ox.Quad]
        if document.fmt in OXIGRAPH_FORMATS and CONTEXT_IRI not in document.text:
            statements = list(oxigraph_statements(document))
        else:  # the authoring formats and the CSV bulk format
            triples, left_out = read_row_triples(document)
            if left_out:
                raise left_out[0]
            statements = list(triples)
        if not statements:
            raise InputError(document.path, "contains no RDF triples")
        quads.extend(ox.Quad(s.subject, s.predicate, s.object, graph) for s in statements)
    store.extend(quads)
    return store


class FileStore:
    """Files in memory, answering queries as :class:`cph_kg.store.embedded.EmbeddedStore` does."""

    writable = False

    def __init__(self, paths: Sequence[Path | str], forced_format: str | None = None) -> None:
        self.location = ", ".join(str(path) for path in paths)
        self._store = read_files(paths, forced_format)

    def query(
        self, text: str, timeout: float | None = None, max_memory: int | None = None
    ) -> QueryResult:
        """Run a read-only query; with ``timeout``, give up waiting when time is up.

        The query runs in a thread; past the timeout the caller gets the error and the thread
        is abandoned (a daemon: it ends with the process, which the command line does at once).
        A memory limit needs a process of its own, which files in memory cannot be handed to:
        ``max_memory`` is refused.
        """
        if max_memory is not None:
            raise CphKgError("a memory limit applies to a store's queries, not to --data files")
        check_query(text)
        check_timeout(timeout)
        if timeout is None:
            return interruptible(lambda: run_query(self._store, text))
        outcome: list[QueryResult | CphKgError] = []

        def run() -> None:
            try:
                outcome.append(run_query(self._store, text))
            except CphKgError as error:
                outcome.append(error)

        worker = threading.Thread(target=run, name="cph-kg query --data", daemon=True)
        worker.start()
        worker.join(timeout)
        if not outcome:
            raise QueryTimedOut(f"query timed out after {timeout:g} s")
        if isinstance(outcome[0], CphKgError):
            raise outcome[0]
        return outcome[0]

    def close(self) -> None:
        """Nothing to release: the store lives in memory."""
