"""What every store answers: the Store protocol, and the SPARQL Update a write is sent as.

The embedded store (:mod:`cph_kg.store.embedded`) and a remote endpoint (:mod:`cph_kg.store.remote`)
answer the same queries with the same :mod:`cph_kg.sparql.results`, so a user who outgrows one
machine points ``--endpoint`` at a triple store and changes nothing else. Writes are atomic:
the embedded store adds a whole load in one transaction; an endpoint receives one SPARQL Update
request, which SPARQL 1.1 stores apply as a unit.

Graph names are Oxigraph terms (:mod:`cph_kg.vocab`), as every other term inside cph-kg: what
a user names a graph with (a string, an rdflib ``URIRef``) is converted once, by the public API
(:func:`cph_kg.knowledge_graph.graph_name`), before it reaches a store.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

import pyoxigraph as ox

from cph_kg.rdf.documents import Document
from cph_kg.sparql.results import QueryResult


class Store(Protocol):
    """What cph-kg needs of a store."""

    location: str

    def query(
        self, text: str, timeout: float | None = None, max_memory: int | None = None
    ) -> QueryResult:
        """Run a SPARQL query over the union of the named graphs."""
        ...

    def write(
        self, graphs: dict[ox.NamedNode, list[ox.Triple]], replace: Iterable[ox.NamedNode] = ()
    ) -> None:
        """Atomically drop the ``replace`` graphs and add ``graphs``."""
        ...

    def load_code_graphs(self, parts: Iterable[ox.NamedNode | bytes]) -> None:
        """Make each graph ``parts`` names hold exactly the N-Quads chunks after it, atomically.

        ``parts`` is :meth:`cph_kg.codes.importer.Builder.parts`: a graph's name, then chunks of
        N-Quads (UTF-8) whose statements are in the graphs named before them.
        """
        ...

    def replace_graph(self, graph: ox.NamedNode, triples: list[ox.Triple]) -> None:
        """Make ``graph`` hold exactly ``triples``, atomically."""
        ...

    def add_documents(
        self,
        documents: list[Document],
        graph: ox.NamedNode,
        replace: bool,
        law: dict[ox.NamedNode, list[ox.Triple]] | None = None,
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


def write_request(
    graphs: dict[ox.NamedNode, list[ox.Triple]], replace: Iterable[ox.NamedNode]
) -> str:
    """One SPARQL Update: DROP the ``replace`` graphs, then INSERT DATA every graph.

    A single request is applied as a unit by SPARQL 1.1 stores, Oxigraph included, which is
    what makes a load atomic. The triples are written in N-Triples, valid inside INSERT DATA.
    """
    return statements_request(
        {name.value: _ntriples(triples) for name, triples in graphs.items()},
        [name.value for name in replace],
    )


def statements_request(statements: dict[str, str], replace: Iterable[str]) -> str:
    """:func:`write_request` of statements already written in N-Triples, by graph IRI."""
    operations = [f"DROP SILENT GRAPH <{name}>" for name in replace]
    inserts = "\n".join(f"GRAPH <{name}> {{\n{text}}}" for name, text in statements.items())
    if inserts:
        operations.append(f"INSERT DATA {{\n{inserts}\n}}")
    return " ;\n".join(operations)


def _ntriples(triples: list[ox.Triple]) -> str:
    serialised = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    assert serialised is not None  # bytes: no output was given
    return serialised.decode("utf-8")
