"""cph-kg's SHACL engines: shapes compiled to SPARQL on Oxigraph, pySHACL, and Apache Jena.

All read the same store (conventions, law and ontology) and give the same
:class:`~cph_kg.validation.report.Result` list; everything before (parsing, point in time) and after
(findings, verdicts, report) is shared. The compiled engine is the default because it is fast;
pySHACL is the reference implementation the compiled one is tested against
(``tests/test_differential.py``) and the one used when the shapes need a SHACL feature the
compiler does not translate. Jena's SHACL, run as a subprocess on the same data written to
files, is a third, independent implementation (Java, Debian's ``libapache-jena-java``).
"""

from __future__ import annotations

import functools
import os
import subprocess
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol, cast

import pyoxigraph as ox
from rdflib import SH, Graph, Literal, plugin
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Processor
from rdflib.term import Node

from cph_kg import java, vocab
from cph_kg.errors import CphKgError
from cph_kg.rdf.rdflib_adapter import OxigraphTerms, rdflib_graph
from cph_kg.rdf.terms import solutions
from cph_kg.validation.memory import release_freed_memory
from cph_kg.validation.report import Result
from cph_kg.validation.shape_compiler import Check, compile_shapes

Progress = Callable[[int, int], None]


class Engine(Protocol):
    """Finds the SHACL validation results of the data in a store."""

    name: str

    def results(self, store: ox.Store, progress: Progress | None = None) -> list[Result]:
        """Every validation result of the union of the store's graphs against the shapes."""
        ...


class CompiledEngine:
    """Runs each constraint as one SPARQL query over the whole store (see shape_compiler)."""

    name = "compiled"

    def __init__(self, shapes: Graph) -> None:
        self.checks: list[Check] = compile_shapes(shapes)
        # each check's shape, component, severity and path as the results carry them: the
        # compiler reads the shapes graph with rdflib, the results are Oxigraph terms
        term = OxigraphTerms()
        self._terms = [
            (
                term(check.shape),
                term(check.component),
                term(check.severity),
                None if check.path is None else term(check.path),
            )
            for check in self.checks
        ]

    def results(self, store: ox.Store, progress: Progress | None = None) -> list[Result]:
        """One query per check, run on every core; each row is one result.

        The focus nodes of the shapes (the conventions, the parties…) are found once per
        distinct target and written into a scratch graph of the store, which the checks read
        instead of each finding them again; the graph is removed before returning. Oxigraph
        evaluates a query without holding Python's lock, so the checks run in a few threads at
        once; their rows are read back here, each distinct term converted once. What the
        queries freed is given back to the system (:mod:`cph_kg.validation.memory`) for the
        findings and the report to use.
        """
        queries = self._with_focus_graph(store)
        found: list[Result] = []
        try:
            with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
                answers = pool.map(lambda query: _rows(store, query), queries)
                for check, terms, rows in zip(self.checks, self._terms, answers, strict=True):
                    shape, component, severity, default_path = terms
                    # SHACL: a SPARQL-based constraint of a node shape whose solution leaves
                    # ?value unbound reports the focus node as the value (the node shape's
                    # value node).
                    value_is_focus = (
                        check.path is None and check.component == SH.SPARQLConstraintComponent
                    )
                    for focus, value, path in rows:
                        found.append(
                            Result(
                                focus=focus,
                                shape=shape,
                                component=component,
                                severity=severity,
                                path=path or default_path,
                                value=focus if value is None and value_is_focus else value,
                            )
                        )
                    if progress is not None:
                        progress(1, len(self.checks))
        finally:
            store.remove_graph(vocab.RUN_FOCUS_GRAPH)
            release_freed_memory()
        return found

    def _with_focus_graph(self, store: ox.Store) -> list[str]:
        """Each check's query reading its focus nodes from the focus graph, once it is filled."""
        markers: dict[str, ox.NamedNode] = {}
        for focus in sorted({check.focus for check in self.checks}):
            marker = markers[focus] = ox.NamedNode(f"{vocab.RUN_FOCUS_GRAPH.value}#{len(markers)}")
            found = solutions(
                store.query(f"SELECT ?this WHERE {focus}", use_default_graph_as_union=True)
            )
            graph = vocab.RUN_FOCUS_GRAPH
            store.extend(ox.Quad(row[0], marker, graph, graph) for row in found)
        return [
            check.query.replace(
                check.focus,
                f"{{ GRAPH <{vocab.RUN_FOCUS_GRAPH.value}> {{ ?this <{markers[check.focus].value}> "
                f"<{vocab.RUN_FOCUS_GRAPH.value}> }} }}",
                1,
            )
            for check in self.checks
        ]


def _rows(store: ox.Store, query: str) -> list[tuple[Any, Any, Any]]:
    """The (focus, value, path) rows of one check, as Oxigraph terms (None if not reported).

    A SPARQL-based constraint may bind ``?path`` itself (SHACL's ``sh:resultPath``).
    """
    answer = solutions(store.query(query, use_default_graph_as_union=True))
    projected = {variable.value for variable in answer.variables}
    reports_value, reports_path = "value" in projected, "path" in projected
    return [
        (
            row["this"],
            row["value"] if reports_value else None,
            row["path"] if reports_path else None,
        )
        for row in answer
    ]


#: Threads running checks at once: Oxigraph's evaluation runs outside Python's lock.
_WORKERS = min(4, os.cpu_count() or 1)
#: The scratch graph holding each check's focus nodes while the checks run.


class _ParsingOnceProcessor(SPARQLProcessor):
    """rdflib's SPARQL processor, parsing each query text once.

    pySHACL runs a SPARQL-based constraint once per focus node, handing rdflib the same query
    text each time, and rdflib parses it again every time: parsing (pyparsing) then took 95 % of
    pySHACL's time on ten conventions, measured. The query evaluated is the one rdflib builds
    from the text; only the parsing is remembered.
    """

    def query(  # type: ignore[override]  # rdflib's own query() takes ``base`` too
        self,
        strOrQuery: str | Query,
        initBindings: Any = None,
        initNs: Any = None,
        base: str | None = None,
        DEBUG: bool = False,
    ) -> Any:
        """Evaluate the query, translated once per (text, base, namespaces)."""
        if isinstance(strOrQuery, str):
            namespaces = tuple(sorted((initNs or {}).items()))
            strOrQuery = translated_query(strOrQuery, base, namespaces)
        return super().query(strOrQuery, initBindings, initNs, base, DEBUG)


@functools.lru_cache(maxsize=512)
def translated_query(text: str, base: str | None, namespaces: tuple[Any, ...]) -> Query:
    return translateQuery(parseQuery(text), base, dict(namespaces))


class PyShaclEngine:
    """pySHACL on an rdflib copy of the store: the reference implementation."""

    name = "pyshacl"

    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        # rdflib's SPARQL processor, parsing each query once (the same results, see above)
        plugin.register("sparql", Processor, __name__, _ParsingOnceProcessor.__name__)

    def results(self, store: ox.Store, progress: Progress | None = None) -> list[Result]:
        """PySHACL's report, read back into results (no inference: the data states types)."""
        from pyshacl import validate as shacl_validate  # on use: importing it takes 0.5 s

        # The store's triples as rdflib terms directly (the same terms as an N-Triples round
        # trip, without writing and parsing 10,000 triples of law: 0.3 s a run). The graph is
        # this run's own, so pySHACL may validate it in place instead of copying it first (it
        # copies in advanced mode because SHACL rules may add triples; the shapes have none,
        # and a rule would only add them to this copy).
        data = rdflib_graph(store)
        _, report, _ = shacl_validate(
            data,
            shacl_graph=self.shapes,
            inference="none",
            advanced=True,
            allow_warnings=True,
            inplace=True,
        )
        found = read_report(report, self.shapes)
        if progress is not None:
            progress(1, 1)
        return found


class JenaEngine:
    """Apache Jena's SHACL (``shacl validate``) in a Java subprocess, on the data as N-Triples.

    The store's triples and the shapes are written to a temporary folder, Jena reads them as a
    user's command line would, and its ``sh:ValidationReport`` (Turtle on standard output) is
    read back into results. Java and the jars are looked up when it runs
    (:mod:`cph_kg.java`); their absence is a :class:`~cph_kg.java.JavaUnavailable` error.
    """

    name = "jena"

    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes

    def results(self, store: ox.Store, progress: Progress | None = None) -> list[Result]:
        """Jena's report of the union of the store's graphs, read back into results."""
        with tempfile.TemporaryDirectory(prefix="cph-kg-jena-") as folder:
            data, shapes = Path(folder) / "data.nt", Path(folder) / "shapes.ttl"
            ox.serialize(
                (ox.Triple(q.subject, q.predicate, q.object) for q in store),
                output=str(data),
                format=ox.RdfFormat.N_TRIPLES,
            )
            self.shapes.serialize(shapes, format="turtle")
            report = run_jena_shacl(shapes, data)
        found = read_report(report, self.shapes)
        if progress is not None:
            progress(1, 1)
        return found


def run_jena_shacl(shapes: Path, data: Path) -> Graph:
    """``shacl validate --shapes SHAPES --data DATA`` of Debian's Jena; its report as a graph."""
    command = [java.java(), "-cp", java.jena_classpath(), "shacl.shacl", "validate"]
    done = subprocess.run(
        [*command, "--shapes", str(shapes), "--data", str(data)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines() or ["no message"]
        raise CphKgError(f"Jena SHACL failed (exit {done.returncode}): {lines[0]}")
    return Graph().parse(data=done.stdout, format="turtle")


def read_report(report: Graph, shapes: Graph) -> list[Result]:
    """The results of a standard ``sh:ValidationReport``, whichever engine wrote it.

    The path is taken from the shape where it has one, so that blank-node paths compare as the
    shapes graph's own nodes. pySHACL and Jena's reports are read with rdflib (pySHACL gives
    an rdflib graph); their terms are converted to Oxigraph's here, each distinct one once.
    """
    term = OxigraphTerms()
    found = []
    for result in report.objects(None, SH.result):
        # a report states these four of every result (SHACL 3.6.2): never None
        focus, shape, component, severity = (
            cast(Node, report.value(result, predicate))
            for predicate in (
                SH.focusNode,
                SH.sourceShape,
                SH.sourceConstraintComponent,
                SH.resultSeverity,
            )
        )
        path: Node | None = shapes.value(shape, SH.path)
        if path is None:  # a SPARQL constraint may bind ?path itself
            path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        found.append(
            Result(
                focus=term(focus),
                shape=term(shape),
                component=term(component),
                severity=term(severity),
                path=None if path is None else term(path),
                value=None if value is None else term(value),
                messages={
                    (m.language or "en"): str(m)
                    for m in report.objects(result, SH.resultMessage)
                    if isinstance(m, Literal)
                },
            )
        )
    return found
