"""The conventions of one validation run, parsed into an in-memory Oxigraph store.

Every file goes into a named graph of its own, so the checks that span files (a convention or
an identifier described twice) are queries, and a bad file is refused before anything is
validated. Turtle, N-Triples, N-Quads, TriG, JSON-LD and RDF/XML are parsed by Oxigraph into the
store (:func:`cph_kg.rdf.documents.load_document`); the authoring formats (YAML, JSON with cph-kg's
context, CSV) are read by :mod:`cph_kg.rdf.documents` and copied in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import DCTERMS, Graph, URIRef

from cph_kg import vocab
from cph_kg.authoring.reading import read_row_triples
from cph_kg.errors import CphKgError, InputError
from cph_kg.namespaces import CONTEXT_IRI, CPH
from cph_kg.rdf.documents import Document, load_document, read_document
from cph_kg.rdf.rdflib_adapter import to_oxigraph_quad
from cph_kg.rdf.reserved import refuse_reserved_in
from cph_kg.rdf.terms import OXIGRAPH_FORMATS, solutions

_CONVENTION = f"<{CPH.ConventionDeCooperation}>"


@dataclass
class Collection:
    """Conventions to validate: an Oxigraph store, the file of each convention, skipped rows."""

    store: ox.Store = field(default_factory=ox.Store)
    sources: dict[URIRef, Path] = field(default_factory=dict)
    skipped: list[InputError] = field(default_factory=list)

    @classmethod
    def from_files(
        cls, paths: Sequence[Path | str], forced_format: str | None = None
    ) -> Collection:
        """Parse every file (all or nothing) and check what spans files.

        A file that holds no convention is an input error: validating the ontology or a list
        of bodies by mistake would otherwise "conform" without checking anything. So is a file
        that speaks for the validator or the law (:mod:`cph_kg.rdf.reserved`).
        """
        collection = cls()
        files = [Path(path) for path in paths]
        for index, path in enumerate(files):
            collection._add(read_document(path, forced_format), vocab.file_graph(index))
        collection._check_files(files)
        for index, path in enumerate(files):
            refuse_reserved_in(collection.store, vocab.file_graph(index), path)
        return collection

    @classmethod
    def from_graph(cls, graph: Graph) -> Collection:
        """The conventions of an rdflib graph (the graph is not modified)."""
        collection = cls()
        target = vocab.file_graph(0)
        collection.store.extend(to_oxigraph_quad(s, p, o, target) for s, p, o in graph)
        return collection

    @classmethod
    def from_ntriples(cls, data: bytes) -> Collection:
        """The conventions of an N-Triples dump (a stored conventions graph)."""
        collection = cls()
        collection.store.load(data, ox.RdfFormat.N_TRIPLES, to_graph=vocab.file_graph(0))
        return collection

    def refuse_blank_conventions(self) -> None:
        """A convention that is a blank node is refused, never silently left unjudged."""
        ask = f"ASK {{ ?c a {_CONVENTION} FILTER(isBlank(?c)) }}"
        if self.store.query(ask, use_default_graph_as_union=True):
            raise CphKgError(
                "a cph:ConventionDeCooperation to validate is a blank node: give it an IRI "
                "(a convention is judged, cited and queried by its IRI)"
            )

    def holds_conventions(self) -> bool:
        """Whether any graph of the collection describes a convention."""
        ask = f"ASK {{ ?c a {_CONVENTION} }}"
        return bool(self.store.query(ask, use_default_graph_as_union=True))

    def _add(self, document: Document, graph: ox.NamedNode) -> None:
        if document.fmt in OXIGRAPH_FORMATS and CONTEXT_IRI not in document.text:
            load_document(self.store, document, graph)  # the same checks as cph-kg load
        else:
            parsed, skipped = read_row_triples(document)
            self.skipped += skipped
            self.store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in parsed)

    def _check_files(self, files: list[Path]) -> None:
        """Each file holds a convention; no convention nor identifier is described twice.

        The common case, nothing described twice, is established with two light queries;
        only when something is, the full check below finds the first problem to report.
        """
        sources: dict[URIRef, Path] = {}
        for graph, convention in solutions(
            self.store.query(f"SELECT ?g ?c WHERE {{ GRAPH ?g {{ ?c a {_CONVENTION} }} }}")
        ):
            iri = URIRef(convention.value) if isinstance(convention, ox.NamedNode) else None
            if iri is None or iri in sources:
                self._find_duplicates(files)
                return
            sources[iri] = files[int(graph.value.removeprefix(vocab.FILE_GRAPHS))]
        if self.store.query(_SHARED_IDENTIFIER) or len(set(sources.values())) < len(files):
            self._find_duplicates(files)
            return
        self.sources.update(sources)

    def _find_duplicates(self, files: list[Path]) -> None:
        """Each file holds a convention; the first convention or identifier described twice."""
        found: dict[int, list[tuple[URIRef, list[str]]]] = {}
        for row in solutions(
            self.store.query(
                f"SELECT ?g ?c (GROUP_CONCAT(?id; separator='\\u0000') AS ?ids) WHERE {{ "
                f"GRAPH ?g {{ ?c a {_CONVENTION} "
                f"OPTIONAL {{ ?c <{DCTERMS.identifier}> ?id }} }} }} "
                "GROUP BY ?g ?c ORDER BY ?c"
            )
        ):
            index = int(row["g"].value.removeprefix(vocab.FILE_GRAPHS))
            if isinstance(row["c"], ox.BlankNode):
                raise InputError(files[index], _BLANK_CONVENTION)
            ids = row["ids"].value.split("\0") if row["ids"] and row["ids"].value else []
            found.setdefault(index, []).append((URIRef(row["c"].value), ids))
        identifiers: dict[str, Path] = {}
        for index, path in enumerate(files):
            if index not in found:
                raise InputError(path, "holds no cph:ConventionDeCooperation to validate")
            for convention, ids in found[index]:
                if convention in self.sources:
                    first = self.sources[convention]
                    raise InputError(
                        path, f"convention <{convention}> is also described in {first}"
                    )
                self.sources[convention] = path
                for identifier in sorted(ids):
                    if identifier in identifiers:
                        raise InputError(
                            path,
                            f"identifier {identifier!r} is also used in {identifiers[identifier]}",
                        )
                    identifiers[identifier] = path


#: Why a convention that is a blank node is refused rather than left out.
_BLANK_CONVENTION = (
    "describes a cph:ConventionDeCooperation that is a blank node: give it an IRI "
    "(a convention is judged, cited and queried by its IRI)"
)
#: Whether two conventions (or one in two files) share an identifier.
_SHARED_IDENTIFIER = f"""
ASK {{
    GRAPH ?g1 {{ ?c1 a {_CONVENTION} ; <{DCTERMS.identifier}> ?id }}
    GRAPH ?g2 {{ ?c2 a {_CONVENTION} ; <{DCTERMS.identifier}> ?id }}
    FILTER (?c1 != ?c2 || ?g1 != ?g2)
}}
"""
