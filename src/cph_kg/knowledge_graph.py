"""The knowledge graph as a whole: a store, the bundled law, conventions, reports and queries.

This is the API the command line is a thin layer over::

    kg = KnowledgeGraph.open()                      # the embedded store (default location)
    kg.load(["conventions.ttl"])                    # atomically, with the bundled law graphs
    kg.validate()                                   # every stored convention; report stored
    kg.query("conventions-without-cpam", departement="33")

``KnowledgeGraph.open(endpoint=URL)`` does the same against a SPARQL 1.1 endpoint.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node

from cph_kg import vocab
from cph_kg.authoring.reading import read_row_triples
from cph_kg.codes.importer import Builder, ImportSummary, Stated, stream
from cph_kg.codes.model import Record
from cph_kg.errors import CphKgError, InputError, one_line, shown
from cph_kg.rdf import bundled
from cph_kg.rdf.documents import Document, read_document
from cph_kg.rdf.rdflib_adapter import to_uriref
from cph_kg.rdf.terms import iri_flaw
from cph_kg.sparql import catalog
from cph_kg.sparql.catalog import NamedQuery
from cph_kg.sparql.results import Boolean, QueryResult, Triples, truncate
from cph_kg.store.embedded import EmbeddedStore, ReadOnlyEmbeddedStore
from cph_kg.store.protocol import Store
from cph_kg.store.remote import MAX_ANSWER_BYTES, RemoteStore
from cph_kg.validation.collection import Collection
from cph_kg.validation.readings import readings
from cph_kg.validation.report import ValidationOutcome
from cph_kg.validation.validator import Validator

ENV_STORE = "CPH_KG_STORE"
ENV_ENDPOINT = "CPH_KG_ENDPOINT"


def default_store_path() -> Path:
    """``$CPH_KG_STORE``, else ``$XDG_DATA_HOME/cph-kg/store`` (``~/.local/share/…``)."""
    if os.environ.get(ENV_STORE):
        return Path(os.environ[ENV_STORE])
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "cph-kg" / "store"


def graph_name(graph: str | URIRef | ox.NamedNode) -> ox.NamedNode:
    """The name of a graph a user gives, as the store takes it: its one conversion.

    A ``str`` (an rdflib ``URIRef`` is one) or a pyoxigraph ``NamedNode``, holding an absolute
    IRI that SPARQL and every RDF syntax can write; anything else is a one-line error, raised
    before anything is read or written.
    """
    if isinstance(graph, ox.NamedNode):
        iri = graph.value
    elif isinstance(graph, URIRef) or (isinstance(graph, str) and not isinstance(graph, Node)):
        iri = str(graph)
    else:  # an rdflib literal or blank node is a str too, but it names no graph
        raise CphKgError(
            "a graph is named by an IRI (a str, an rdflib URIRef or a pyoxigraph NamedNode), "
            f"not {type(graph).__name__} {shown(graph)}"
        )
    if flaw := iri_flaw(iri):
        raise CphKgError(
            f"graph {shown(iri)} is not an absolute IRI: {flaw} (e.g. https://example.org/g)"
        )
    try:
        return ox.NamedNode(iri)
    except ValueError as error:  # what SPARQL can write but no IRI is (a bad %-escape, a port)
        raise CphKgError(f"graph {shown(iri)} is not an IRI: {one_line(error)}") from None


@dataclass
class LoadReport:
    """What a load added (new triples per named graph) and the bulk-file rows it left out.

    The graphs are named by rdflib IRIs, as the public API hands out terms.
    """

    written: dict[URIRef, int]
    skipped: list[InputError] = field(default_factory=list)


class KnowledgeGraph:
    """A store holding the law, conventions and validation reports, and the named queries."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._validator: Validator | None = None

    @classmethod
    def open(
        cls,
        path: Path | str | None = None,
        *,
        endpoint: str | None = None,
        update_endpoint: str | None = None,
        user: str | None = None,
        password: str | None = None,
        create: bool = True,
        read_only: bool = False,
        allow_service: bool = False,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
    ) -> KnowledgeGraph:
        """Open the embedded store at ``path`` (default location if None), or an endpoint.

        With ``create=False`` a missing embedded store is an error rather than a new empty one
        (what a query wants). With ``read_only=True`` the embedded store is opened for reading
        only: it opens while another process writes (a long ``cph-kg load``), sees the last
        committed state, and refuses writes; opened for writing, a store already being written
        is an error saying it is busy. ``read_only`` implies ``create=False``.
        ``allow_service`` lets queries sent to an endpoint call SERVICE (the endpoint then
        reaches the network for them); the embedded store never does. ``max_answer_bytes``
        caps what is read of an endpoint's answer.
        """
        if path is not None and not str(path):
            raise CphKgError("the store location is empty: name a folder (--location DIR)")
        endpoint = endpoint or os.environ.get(ENV_ENDPOINT) or None
        if endpoint:
            return cls(
                RemoteStore(
                    endpoint,
                    update_endpoint,
                    user,
                    password,
                    allow_service=allow_service,
                    max_answer_bytes=max_answer_bytes,
                )
            )
        if allow_service:
            raise CphKgError("SERVICE is never allowed on the embedded store (--endpoint only)")
        location = Path(path) if path else default_store_path()
        if read_only:
            return cls(ReadOnlyEmbeddedStore(location))
        return cls(EmbeddedStore(location, create))

    def close(self) -> None:
        """Close the store (for the embedded one: the database, then its writer lock)."""
        self.store.close()

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def validator(self) -> Validator:
        """The validator, created when first needed (it parses the shapes and the law)."""
        if self._validator is None:
            self._validator = Validator()
        return self._validator

    @validator.setter
    def validator(self, validator: Validator) -> None:
        """Validate with another validator (another engine, say)."""
        self._validator = validator

    # --- writing ---------------------------------------------------------------------------

    def load(
        self,
        paths: Iterable[Path | str],
        *,
        graph: str | URIRef | ox.NamedNode = vocab.CONVENTIONS_GRAPH,
        forced_format: str | None = None,
        replace: bool = False,
    ) -> LoadReport:
        """Load files into ``graph`` atomically, with the bundled law graphs.

        Every file is read and parsed before anything is written; a bad file raises
        :class:`~cph_kg.errors.InputError` and the conventions are left as they were. The
        bundled graphs (ontology, shapes, legal and reference data) are written too when the
        store does not hold this version of them, so a store always holds the law of the
        installed cph-kg, in the same transaction as the files: a load killed at any moment
        leaves the store as it was (a fresh one empty) or loaded. With ``replace``, ``graph``
        is emptied first, in the same transaction as the new triples. A CSV bulk file is the
        exception to all or nothing: its good rows load and its bad rows come back in the
        report's ``skipped``. ``graph`` is an IRI: a ``str``, an rdflib ``URIRef`` or a
        pyoxigraph ``NamedNode`` (:func:`graph_name`).
        """
        target = graph_name(graph)
        if target in vocab.MANAGED_GRAPHS:
            raise CphKgError(f"graph {target} is managed by cph-kg; load into another graph")
        documents, skipped = [], []
        for path in paths:
            document = read_document(Path(path), forced_format)
            if document.fmt == "csv":  # the good rows load; the bad ones are reported
                rows, left_out = read_row_triples(document)
                skipped += left_out
                serialised = ox.serialize(rows, format=ox.RdfFormat.N_TRIPLES)
                assert serialised is not None  # bytes: no output was given
                text = serialised.decode("utf-8")
                document = Document(document.path, text, "nt")
            documents.append(document)
        law = self._law_to_write()
        written = {name: len(content) for name, content in law.items()}
        written[target] = self.store.add_documents(documents, target, replace, law)
        return LoadReport({to_uriref(each): size for each, size in written.items()}, skipped)

    def refresh_law(self) -> dict[URIRef, int]:
        """Write the bundled law graphs unless the store already holds this very law.

        One atomic write of its own: if a crash follows it, the store holds the installed law
        and the conventions it had, a consistent state.
        """
        graphs = self._law_to_write()
        if graphs:
            self.store.write(graphs, replace=list(graphs))
        return {to_uriref(name): len(g) for name, g in graphs.items()}

    def _law_to_write(self) -> dict[ox.NamedNode, list[ox.Triple]]:
        """The bundled law graphs, or nothing if the store holds this very law already."""
        fingerprint = ox.Literal(bundled.law_fingerprint())
        answer = self.store.query(  # the terms written as SPARQL reads them: <iri>, "literal"
            "PREFIX dct: <http://purl.org/dc/terms/> ASK { "
            + " ".join(
                f"GRAPH {name} {{ {name} dct:hasVersion {fingerprint} }}"
                for name in bundled.sources()
            )
            + " }"
        )
        return {} if answer == Boolean(True) else bundled.graphs()

    def import_codes(
        self, folders: Sequence[Path], progress: Callable[[Record], None] | None = None
    ) -> ImportSummary:
        """Import corpus folders as code graphs (see :mod:`cph_kg.codes.importer`).

        The graphs of the codes found replace the stored ones, all or nothing (bulk-loaded
        from a checkpoint, chunk by chunk as the corpus is read: see
        :meth:`cph_kg.store.embedded.EmbeddedStore.load_code_graphs`); the bundled law is
        written too when missing, so the store can walk from R349-2 into the codes, and what
        it states is not repeated in the code graphs (:class:`cph_kg.codes.importer.Stated`).
        A folder that is not a corpus is refused before anything is written.
        """
        stated = Stated.of(bundled.graphs().values())
        records = stream(folders)
        builder = Builder(stated)
        self.refresh_law()
        self.store.load_code_graphs(builder.parts(records, progress))
        return builder.summary

    def clear(self) -> None:
        """Empty the store."""
        self.store.clear()

    # --- reading ---------------------------------------------------------------------------

    def info(self) -> dict[str, int]:
        """Triples per named graph."""
        return self.store.graph_sizes()

    @staticmethod
    def queries() -> dict[str, NamedQuery]:
        """The named queries of ``queries/``."""
        return catalog.named_queries()

    def query(
        self,
        name_or_file: str | NamedQuery,
        *,
        timeout: float | None = None,
        max_memory: int | None = None,
        limit: int | None = None,
        **params: str,
    ) -> QueryResult:
        """Run a named query (or a ``.rq`` file, or a parsed query) with parameters bound.

        ``timeout`` (seconds) and ``max_memory`` (bytes, embedded store only) bound the query:
        it then runs in a process of its own, stopped when it passes either.
        """
        named = (
            name_or_file if isinstance(name_or_file, NamedQuery) else catalog.resolve(name_or_file)
        )
        text = named.bind({key: str(value) for key, value in params.items()})
        bounds = {"max_memory": max_memory} if max_memory is not None else {}
        return truncate(self.store.query(text, timeout=timeout, **bounds), limit)

    def _stored_conventions(self) -> Collection:
        """The stored conventions, ready to validate: dumped by Oxigraph when it holds them."""
        if isinstance(self.store, EmbeddedStore):
            dump = io.BytesIO()
            self.store.dump(dump, "ntriples", vocab.CONVENTIONS_GRAPH)
            return Collection.from_ntriples(dump.getvalue())
        return Collection.from_graph(self.conventions_graph())

    def conventions_graph(self) -> Graph:
        """Everything stored in the conventions graph."""
        answer = self.store.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {vocab.CONVENTIONS_GRAPH} {{ ?s ?p ?o }} }}"
        )
        assert isinstance(answer, Triples)
        return answer.graph

    # --- validating ------------------------------------------------------------------------

    def validate(
        self,
        paths: Sequence[Path | str] | None = None,
        forced_format: str | None = None,
        as_of: date | None = None,
        progress: Callable[[int, int], None] | None = None,
        reading: str | None = None,
    ) -> ValidationOutcome:
        """Validate files, or every stored convention, and store the reports.

        The same conventions are validated under every reading of the text, and the reports
        (one ``sh:ValidationReport`` per reading, each naming its reading) replace the
        validation graph, so queries such as ``failed-provisions`` read the latest run and
        ``verdicts-by-reading`` compares the readings. The outcome returned is the one under
        ``reading`` (the default reading if None).
        """
        applied = self.validator.reading(reading)
        if paths:
            collection = Collection.from_files(paths, forced_format)
        else:
            collection = self._stored_conventions()
            if not collection.holds_conventions():
                raise CphKgError("the store holds no convention to validate (cph-kg load FILE…)")
        generated = ox.Literal(datetime.now(UTC).isoformat(), datatype=vocab.XSD.dateTime)
        triples: list[ox.Triple] = []
        chosen: ValidationOutcome | None = None
        for each in readings(self.validator.legal_store):
            outcome = self.validator.validate_collection(
                collection, as_of, progress=progress if each == applied else None, reading=each
            )
            outcome.skipped = collection.skipped
            report = outcome.report_triples
            node = next(t.subject for t in report if t.object == vocab.SH.ValidationReport)
            triples += [*report, ox.Triple(node, vocab.PROV.generatedAtTime, generated)]
            if each == applied:
                chosen = outcome
        assert chosen is not None
        self.store.replace_graph(vocab.VALIDATION_GRAPH, triples)
        return chosen
