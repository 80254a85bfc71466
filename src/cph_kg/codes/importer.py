"""Importing corpora: detect each folder's format, stream its records, build one graph per code.

Each code goes to its own named graph (``https://w3id.org/cph-kg/graph/codes/{code}``), which
:meth:`cph_kg.knowledge_graph.KnowledgeGraph.import_codes` replaces whole: importing twice gives
the same store. Bad files are reported and skipped; the rest of the import goes on.

Records are turned into N-Quads lines as they stream by and handed on in chunks
(:meth:`Builder.parts`), so memory does not grow with the corpus and the store loads one chunk
while the next is read: the embedded store bulk-loads each chunk as it comes
(:meth:`cph_kg.store.embedded.EmbeddedStore.load_code_graphs`). Each graph is announced before
its first statement, so the store drops what it held of that graph first. What a record
points at by a Légifrance id (a link to any version of an article of any code of the import,
an amending text known by its JORFTEXT id) is written at the end, once every record has been
seen: the id map and those references are what is kept for the whole import, not the records
or their statements.

A statement the store holds already in the bundled law (``data/reference/legal-bases.ttl``
describes twelve LEGI articles, their versions and texts) is not written again in a code graph:
each statement is in the store once. Oxigraph's union of the named graphs keeps a statement
once per graph, and the queries' joins multiply on each repeat.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import pyoxigraph as ox

from cph_kg.codes.identifiers import (
    article_iri,
    code_for_legitext,
    code_iri,
    legitext_titles,
    level_iri,
    other_code_iri,
    text_iri,
)
from cph_kg.codes.legi import text_number
from cph_kg.codes.model import (
    AmendingText,
    Amendment,
    Article,
    Citation,
    CorpusReader,
    Level,
    Problem,
    Record,
)
from cph_kg.codes.rdf import (
    CHANGED_BY,
    CITES,
    amendment_triples,
    article_triples,
    citation_triples,
    code_triples,
    level_triples,
    text_article_triples,
    text_triples,
    version_iris,
)
from cph_kg.errors import CphKgError
from cph_kg.namespaces import GRAPH, LAW


def codes_graph(code: str) -> ox.NamedNode:
    """The named graph holding one code."""
    return ox.NamedNode(f"{GRAPH}codes/{code}")


def readers() -> list[CorpusReader]:
    """The corpus formats cph-kg reads, most specific first."""
    from cph_kg.codes.etalab import EtalabReader
    from cph_kg.codes.legi import LegiReader
    from cph_kg.codes.linked import LinkedReader

    return [LegiReader(), LinkedReader(), EtalabReader()]


def reader_for(root: Path) -> CorpusReader:
    """The reader whose format ``root`` is in, or an error naming the folder."""
    if not root.is_dir():
        raise CphKgError(f"{root}: not a folder")
    for reader in readers():
        if reader.detect(root):
            return reader
    raise CphKgError(f"{root}: not a corpus cph-kg can read (formats: legi, linked, etalab)")


@dataclass
class ImportSummary:
    """What an import found: counts per code and kind, and the files it could not use."""

    articles: Counter[str] = field(default_factory=Counter)
    levels: Counter[str] = field(default_factory=Counter)
    versions: Counter[str] = field(default_factory=Counter)
    amendments: Counter[str] = field(default_factory=Counter)
    citations: Counter[str] = field(default_factory=Counter)  # by method: link, text
    unresolved: int = 0  # citations whose target is not in the imported corpus
    problems: list[Problem] = field(default_factory=list)
    triples: int = 0


@dataclass
class CodeGraphs:
    """The code graphs of an import, as one N-Quads file, and what the import found.

    The file sits in a temporary folder, removed by :meth:`close` (or leaving a ``with``).
    """

    graphs: list[ox.NamedNode]
    quads: Path
    summary: ImportSummary
    folder: Path

    def lines(self, graph: ox.NamedNode) -> Iterator[str]:
        """The statements of one graph, as N-Triples lines."""
        suffix = _graph_suffix(graph)
        with self.quads.open(encoding="utf-8") as handle:
            for line in handle:
                if line.endswith(suffix):
                    yield f"{line[: -len(suffix)]} .\n"

    def close(self) -> None:
        """Remove the files."""
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> CodeGraphs:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


@dataclass(frozen=True)
class Stated:
    """Statements the store holds already (the bundled law), not to be repeated in a code graph.

    Only a line whose subject is among ``subjects`` is parsed and looked up, so the check costs
    nothing for the statements of the articles the bundled law does not describe.
    """

    subjects: frozenset[str]  # "<iri>", as a line starts
    triples: frozenset[tuple[object, object, object]]

    @classmethod
    def of(cls, graphs: Iterable[Iterable[ox.Triple]]) -> Stated:
        """What ``graphs`` state about IRIs."""
        triples = set()
        subjects = set()
        for graph in graphs:
            for triple in graph:
                if isinstance(triple.subject, ox.NamedNode):
                    subjects.add(f"<{triple.subject.value}>")
                    triples.add((triple.subject, triple.predicate, triple.object))
        return cls(frozenset(subjects), frozenset(triples))

    def new(self, statements: list[str]) -> list[str]:
        """The statements (N-Triples lines without their end) not stated yet."""
        subjects = self.subjects
        if all(s[: s.find(" ")] not in subjects for s in statements):
            return statements
        return [s for s in statements if not self._stated(s)]

    def _stated(self, statement: str) -> bool:
        if statement[: statement.find(" ")] not in self.subjects:
            return False
        line = f"{statement} .\n".encode()
        (quad,) = ox.parse(line, format=ox.RdfFormat.N_TRIPLES)
        return (quad.subject, quad.predicate, quad.object) in self.triples


def _graph_suffix(graph: ox.NamedNode) -> str:
    """What ends an N-Quads line of ``graph``, after its object."""
    return f" <{graph.value}> .\n"


class _Quads:
    """The N-Quads of the code graphs as they are made, handed on in chunks."""

    def __init__(self, stated: Stated | None) -> None:
        self.stated = stated
        self.suffixes: dict[ox.NamedNode, str] = {}
        self.counts: Counter[ox.NamedNode] = Counter()
        self.announced: list[ox.NamedNode] = []  # graphs started since the last chunk
        self.parts: list[str] = []  # the next chunk's text
        self.size = 0  # its statements

    def write(self, graph: ox.NamedNode, statements: list[str]) -> None:
        """Add ``statements`` (N-Triples lines without their end) to ``graph`` (:meth:`open`)."""
        if self.stated is not None:
            statements = self.stated.new(statements)
        if statements:
            suffix = self.suffixes[graph]
            self.parts += (suffix.join(statements), suffix)
            self.size += len(statements)
            self.counts[graph] += len(statements)

    def open(self, graph: ox.NamedNode, first: list[str]) -> None:
        """Start ``graph`` with ``first`` unless it is started."""
        if graph not in self.suffixes:
            self.suffixes[graph] = _graph_suffix(graph)
            self.announced.append(graph)
            self.write(graph, first)

    def ready(self, size: int) -> Iterator[ox.NamedNode | bytes]:
        """The graphs started since the last call, then the statements made, if ``size`` or more.

        A graph comes before any chunk holding its statements.
        """
        if self.announced:
            yield from self.announced
            self.announced = []
        if self.size and self.size >= size:
            parts, self.parts, self.size = self.parts, [], 0
            yield "".join(parts).encode("utf-8")


def stream(roots: Sequence[Path]) -> Iterator[tuple[str, Record]]:
    """Every record of every corpus folder, with the name of its format.

    Every folder's format is found before the first record is read: a folder cph-kg cannot
    read is refused before anything is written.
    """
    found = [(root, reader_for(root)) for root in roots]
    return ((reader.name, record) for root, reader in found for record in reader.read(root))


@dataclass
class _Pending:
    """A citation or amendment written at the end, once the ids it carries can be resolved."""

    graph: ox.NamedNode
    article: str
    text: str  # the article, or the version whose text makes the citation / that was changed
    node: str
    item: Citation | Amendment


#: Statements in a chunk of :meth:`Builder.parts`: Oxigraph bulk-loads each in one batch
#: (``benchmarks/README.md``, "LEGI codes").
CHUNK_STATEMENTS = 250_000


class Builder:
    """Makes the statements of each code graph and keeps the Légifrance ids seen, to resolve.

    :meth:`parts` gives the graphs and their statements; :attr:`summary` is complete once they
    have all been taken.
    """

    def __init__(self, stated: Stated | None = None) -> None:
        self.quads = _Quads(stated)
        self.summary = ImportSummary()
        self.ids: dict[str, str] = {}  # LEGIARTI (any version, cid) or LEGISCTA -> IRI
        self.pending: list[_Pending] = []
        self.texts: dict[str, list[AmendingText]] = defaultdict(list)  # JORFTEXT -> as seen
        self.present: set[str] = set()
        self.read: set[tuple[str, str]] = set()  # (format, article IRI) of the articles read

    def parts(
        self,
        records: Iterable[tuple[str, Record]],
        progress: Callable[[Record], None] | None = None,
        size: int | None = None,
    ) -> Iterator[ox.NamedNode | bytes]:
        """Each code graph's name, then chunks of N-Quads (UTF-8) of about ``size`` statements.

        A graph's name comes before the first chunk holding its statements: a store replacing
        the graphs drops what it holds of one when its name comes. ``size`` is
        :data:`CHUNK_STATEMENTS` unless given.
        """
        size = CHUNK_STATEMENTS if size is None else size
        for corpus, record in records:
            if progress is not None:
                progress(record)
            self.add(corpus, record)
            yield from self.quads.ready(size)
        for _ in self.finish():
            yield from self.quads.ready(size)
        yield from self.quads.ready(0)

    def graph(self, code: str) -> ox.NamedNode:
        """The graph of ``code``, its file started with the code's own triples."""
        name = codes_graph(code)
        self.quads.open(name, code_triples(code))
        return name

    def add(self, corpus: str, record: Record) -> None:
        """One record's statements; its id-borne references are kept for the end."""
        if isinstance(record, Problem):
            self.summary.problems.append(record)
            return
        graph = self.graph(record.code)
        if isinstance(record, Level):
            self.summary.levels[record.code] += 1
            self.quads.write(graph, level_triples(record, corpus))
            if record.legi_id:
                self.ids[record.legi_id] = str(level_iri(record.code, record.path))
            return
        self._article(corpus, record, graph)

    def _article(self, corpus: str, article: Article, graph: ox.NamedNode) -> None:
        """An article now; its citations and amendments pending."""
        summary = self.summary
        subject = str(article_iri(article.code, article.number, article.qualifier))
        if (corpus, subject) in self.read:
            # two articles of one corpus given one IRI would merge into one: the second is
            # reported, not read (the same article from two corpora is one article: merged)
            summary.problems.append(
                Problem(article.source or Path("?"), f"a second article {subject}: skipped")
            )
            return
        self.read.add((corpus, subject))
        self.present.add(subject)
        summary.articles[article.code] += 1
        summary.versions[article.code] += len(article.versions)
        summary.amendments[article.code] += len(article.amendments)
        summary.citations.update(c.method for c in article.citations)
        versions = version_iris(article)
        self.quads.write(graph, article_triples(article, corpus, versions))
        for legi_id in (article.legi_cid, *versions):
            if legi_id:
                self.ids[legi_id] = subject
        speaker = versions.get(article.current or "", subject)
        for index, citation in enumerate(article.citations, start=1):
            node = f"{subject}/citation/{index}"
            self.pending.append(_Pending(graph, subject, speaker, node, citation))
            if citation.legi_text and citation.legi_text.startswith("JORFTEXT"):
                number, nature = text_number(citation.legi_title or citation.text, None)
                self.texts[citation.legi_text].append(
                    AmendingText(citation.legi_text, "", nature, number, None, None)
                )
        for index, amendment in enumerate(article.amendments, start=1):
            node = f"{speaker}/change/{index}"
            self.pending.append(_Pending(graph, subject, speaker, node, amendment))
            if amendment.text.jorf_id:
                self.texts[amendment.text.jorf_id].append(amendment.text)

    def finish(self) -> Iterator[None]:
        """Resolve the pending references and write them; count what could not be found.

        A generator: it pauses after each reference, so the caller hands on what is ready.
        """
        text_iris = {jorf: self._text_iri(jorf, seen) for jorf, seen in self.texts.items()}
        written: dict[ox.NamedNode, set[str]] = defaultdict(
            set
        )  # texts and text articles per graph
        cited: set[str] = set()
        # what the text being written (an article or its version) cites or was changed by so
        # far: an article's references are pending one after the other, so a link stated
        # twice is found without a set as large as the import
        citing: str = ""
        linked: set[tuple[str, str | None]] = set()
        quads = self.quads
        for pending in self.pending:
            graph = pending.graph
            item = pending.item
            if isinstance(item, Citation):
                target = self._target(item, pending.article, text_iris)
                cited.add(target)
                if pending.text != citing:
                    citing, linked = pending.text, set()
                stated = (CITES, target) in linked
                linked.add((CITES, target))
                quads.write(
                    graph,
                    citation_triples(
                        item, pending.article, pending.text, pending.node, target, stated
                    ),
                )
                yield
                continue
            text = self._amending_text_iri(item.text, text_iris)
            article = f"{text}/article/{item.article}" if text and item.article else None
            if pending.text != citing:
                citing, linked = pending.text, set()
            stated = (CHANGED_BY, text) in linked
            linked.add((CHANGED_BY, text))
            quads.write(
                graph, amendment_triples(item, pending.text, pending.node, text, article, stated)
            )
            done = written[graph]
            if text is not None and text not in done:
                done.add(text)
                best = _best(self.texts.get(item.text.jorf_id or "", []) or [item.text])
                quads.write(graph, text_triples(text, best))
            if article is not None and article not in done:
                done.add(article)
                quads.write(graph, text_article_triples(article, text or "", item.article or ""))
            yield
        self.pending.clear()
        self.summary.unresolved = sum(
            1 for target in cited if target.startswith(LAW) and target not in self.present
        )
        self.summary.triples = sum(quads.counts.values())

    def _target(self, citation: Citation, citing: str, text_iris: dict[str, str]) -> str:
        """What a citation aims at: by the id its link carries, else by number and code."""
        if citation.legi_id is not None:
            known = self.ids.get(citation.legi_id)
            if known is not None:
                return known
            text = citation.legi_text or ""
            if text.startswith("JORFTEXT"):
                base = text_iris.get(text) or f"{text_iri(None, None, text)}"
                named = citation.number or _text_article(citation.legi_title)
                whole = citation.legi_id == text
                return base if whole or not named else f"{base}/article/{named}"
            code = code_for_legitext(text)
            if code is not None:
                base = str(code_iri(code.short))
                return str(article_iri(code.short, citation.number)) if citation.number else base
            name = legitext_titles().get(text) or text
            base = str(other_code_iri(name))
            return f"{base}/{citation.number}" if citation.number else base
        if citation.number is None:
            return citing
        if citation.code is not None:
            return str(article_iri(citation.code, citation.number))
        return f"{other_code_iri(citation.code_name or 'code-inconnu')}/{citation.number}"

    @staticmethod
    def _text_iri(jorf_id: str, seen: list[AmendingText]) -> str:
        """One IRI per JORF text: by nature and number when every mention agrees, else by id."""
        numbered = {(t.nature, t.number) for t in seen if t.number and t.nature}
        if len(numbered) == 1:
            nature, number = next(iter(numbered))
            return str(text_iri(nature, number, jorf_id))
        return str(text_iri(None, None, jorf_id))

    @staticmethod
    def _amending_text_iri(text: AmendingText, text_iris: dict[str, str]) -> str | None:
        """The IRI of an amending text: by its JORFTEXT id, else by nature and number if any."""
        if text.jorf_id:
            return text_iris[text.jorf_id]
        found = text_iri(text.nature, text.number, None)
        return None if found is None else str(found)


def _best(seen: list[AmendingText]) -> AmendingText:
    """Of the mentions of one text, the one with the fullest title and dates."""
    return max(seen, key=lambda t: (bool(t.title), "n°" in t.title, bool(t.signed), t.title))


def _text_article(title: str | None) -> str | None:
    """The article a link's title names: "LOI n° 2016-1691 du 9 décembre 2016 - art. 6 (V)"."""
    if not title or " - art. " not in title:
        return None
    number = title.split(" - art. ", 1)[1].split(" ", 1)[0].strip(" ,")
    return number or None


def build(
    records: Iterable[tuple[str, Record]],
    progress: Callable[[Record], None] | None = None,
    stated: Stated | None = None,
) -> CodeGraphs:
    """One graph per code from a stream of records, as one N-Quads file, and the summary.

    The file is in a temporary folder: use the result in a ``with`` block (or
    :meth:`CodeGraphs.close` it). Statements ``stated`` holds are left out. An import streams
    the same statements to the store instead (:meth:`Builder.parts`).
    """
    builder = Builder(stated)
    folder = Path(tempfile.mkdtemp(prefix="cph-kg-import-"))
    path = folder / "codes.nq"
    graphs: list[ox.NamedNode] = []
    try:
        with path.open("wb") as handle:
            for part in builder.parts(records, progress):
                if isinstance(part, bytes):
                    handle.write(part)
                else:
                    graphs.append(part)
        return CodeGraphs(graphs, path, builder.summary, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
