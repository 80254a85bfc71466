"""The two SHACL engines of cph-kg: shapes compiled to SPARQL on Oxigraph, and pySHACL.

Both read the same store (conventions, law and ontology) and give the same
:class:`~cph_kg.report.Result` list; everything before (parsing, point in time) and after
(findings, verdicts, report) is shared. The compiled engine is the default because it is fast;
pySHACL is the reference implementation the compiled one is tested against
(``tests/test_differential.py``) and the one used when the shapes need a SHACL feature the
compiler does not translate.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Protocol

import pyoxigraph as ox
from rdflib import SH, Graph, Literal, plugin
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Processor
from rdflib.term import Node

from cph_kg.oxigraph_terms import to_rdflib
from cph_kg.report import Result
from cph_kg.shape_compiler import Check, compile_shapes

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

    def results(self, store: ox.Store, progress: Progress | None = None) -> list[Result]:
        """One query per check; each row is one result."""
        found: list[Result] = []
        for check in self.checks:
            rows = store.query(check.query, use_default_graph_as_union=True)
            projected = {variable.value for variable in rows.variables}
            reports_value, reports_path = "value" in projected, "path" in projected
            # SHACL: a SPARQL-based constraint of a node shape whose solution leaves ?value
            # unbound reports the focus node as the value (the node shape's value node).
            value_is_focus = check.path is None and check.component == SH.SPARQLConstraintComponent
            for row in rows:
                focus = to_rdflib(row["this"])
                value = to_rdflib(row["value"]) if reports_value else None
                found.append(
                    Result(
                        focus=focus,  # type: ignore[arg-type]
                        shape=check.shape,
                        component=check.component,
                        severity=check.severity,
                        path=(to_rdflib(row["path"]) if reports_path else None) or check.path,
                        value=focus if value is None and value_is_focus else value,
                    )
                )
            if progress is not None:
                progress(1, len(self.checks))
        return found


class _ParsingOnceProcessor(SPARQLProcessor):
    """rdflib's SPARQL processor, parsing each query text once.

    pySHACL runs a SPARQL-based constraint once per focus node, handing rdflib the same query
    text each time, and rdflib parses it again every time: parsing (pyparsing) then took 95 % of
    pySHACL's time on ten conventions, measured. The query evaluated is the one rdflib builds
    from the text; only the parsing is remembered.
    """

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):
        """Evaluate the query, translated once per (text, base, namespaces)."""
        if isinstance(strOrQuery, str):
            namespaces = tuple(sorted((initNs or {}).items()))
            strOrQuery = _translated(strOrQuery, base, namespaces)
        return super().query(strOrQuery, initBindings, initNs, base, DEBUG)


@functools.lru_cache(maxsize=512)
def _translated(text: str, base: str | None, namespaces: tuple) -> Query:
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

        data = Graph().parse(
            data=ox.serialize(
                (ox.Triple(q.subject, q.predicate, q.object) for q in store),
                format=ox.RdfFormat.N_TRIPLES,
            ),
            format="nt",
        )
        _, report, _ = shacl_validate(
            data, shacl_graph=self.shapes, inference="none", advanced=True, allow_warnings=True
        )
        found = []
        for result in report.objects(None, SH.result):
            shape = report.value(result, SH.sourceShape)
            path: Node | None = self.shapes.value(shape, SH.path)
            if path is None:  # a SPARQL constraint may bind ?path itself
                path = report.value(result, SH.resultPath)
            found.append(
                Result(
                    focus=report.value(result, SH.focusNode),  # type: ignore[arg-type]
                    shape=shape,  # type: ignore[arg-type]
                    component=report.value(result, SH.sourceConstraintComponent),  # type: ignore[arg-type]
                    severity=report.value(result, SH.resultSeverity),  # type: ignore[arg-type]
                    path=path,
                    value=report.value(result, SH.value),
                    messages={
                        (m.language or "en"): str(m)
                        for m in report.objects(result, SH.resultMessage)
                        if isinstance(m, Literal)
                    },
                )
            )
        if progress is not None:
            progress(1, 1)
        return found
