"""Importing corpora: detect each folder's format, stream its records, build one graph per code.

Each code goes to its own named graph (``https://w3id.org/cph-kg/graph/codes/{code}``), which
:meth:`cph_kg.knowledge_graph.KnowledgeGraph.import_codes` replaces whole, in the same write as
the new triples: importing twice gives the same store, and a crash leaves the previous graph.
Bad files are reported and skipped; the rest of the import goes on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.term import Node

from cph_kg.codes.model import Article, CorpusReader, Level, Problem, Record
from cph_kg.codes.rdf import article_triples, code_triples, level_triples
from cph_kg.errors import CphKgError
from cph_kg.namespaces import CPH, ELI, GRAPH


def codes_graph(code: str) -> URIRef:
    """The named graph holding one code."""
    return URIRef(f"{GRAPH}codes/{code}")


def readers() -> list[CorpusReader]:
    """The corpus formats cph-kg reads, most specific first."""
    from cph_kg.codes.etalab import EtalabReader
    from cph_kg.codes.linked import LinkedReader

    return [LinkedReader(), EtalabReader()]


def reader_for(root: Path) -> CorpusReader:
    """The reader whose format ``root`` is in, or an error naming the folder."""
    if not root.is_dir():
        raise CphKgError(f"{root}: not a folder")
    for reader in readers():
        if reader.detect(root):
            return reader
    raise CphKgError(f"{root}: not a corpus cph-kg can read (formats: linked, etalab)")


@dataclass
class ImportSummary:
    """What an import found: counts per code and kind, and the files it could not use."""

    articles: Counter[str] = field(default_factory=Counter)
    levels: Counter[str] = field(default_factory=Counter)
    citations: Counter[str] = field(default_factory=Counter)  # by method: link, text
    unresolved: int = 0  # citations whose target is not in the imported corpus
    problems: list[Problem] = field(default_factory=list)
    triples: int = 0


def stream(roots: Sequence[Path]) -> Iterator[tuple[str, Record]]:
    """Every record of every corpus folder, with the name of its format."""
    for root in roots:
        reader = reader_for(root)
        for record in reader.read(root):
            yield reader.name, record


def build(
    records: Iterable[tuple[str, Record]], progress: Callable[[Record], None] | None = None
) -> tuple[dict[URIRef, Graph], ImportSummary]:
    """One graph per code from a stream of records, and the summary of what was seen."""
    graphs: dict[URIRef, Graph] = {}
    summary = ImportSummary()
    cited: set[Node] = set()
    present: set[URIRef] = set()
    for corpus, record in records:
        if progress is not None:
            progress(record)
        if isinstance(record, Problem):
            summary.problems.append(record)
            continue
        graph = graphs.get(codes_graph(record.code))
        if graph is None:
            graph = graphs[codes_graph(record.code)] = Graph()
            for triple in code_triples(record.code):
                graph.add(triple)
        if isinstance(record, Level):
            summary.levels[record.code] += 1
            triples = level_triples(record, corpus)
        else:
            summary.articles[record.code] += 1
            summary.citations.update(c.method for c in record.citations)
            triples = article_triples(record, corpus)
        for triple in triples:
            graph.add(triple)
            if triple[1] == CPH.citedResource:
                cited.add(triple[2])
            elif isinstance(record, Article) and triple[1] == ELI.number:
                present.add(triple[0])
    summary.unresolved = len(cited - present)
    summary.triples = sum(len(g) for g in graphs.values())
    return graphs, summary
