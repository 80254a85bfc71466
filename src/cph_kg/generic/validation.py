"""SHACL on any data with any shapes: ``cph-kg validate --shapes S.ttl --data D.ttl``.

What Jena's ``shacl validate`` and pySHACL's command do, with cph-kg's engines: the shapes
compiled to SPARQL on Oxigraph where the compiler translates every constraint they use, pySHACL
otherwise (said once on standard error), or Jena. Nothing of R349-2 is added: no law graph, no
day of judgement; the data graph is the union of the data files, and without ``--shapes`` the
data are their own shapes graph, as in Jena and pySHACL.

``conforms`` is SHACL's (§3.6 of the Recommendation): no validation result of any severity.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import cast

import pyoxigraph as ox
from rdflib import SH, BNode, Graph, URIRef
from rdflib.term import Node

from cph_kg.authoring.reading import parse_file
from cph_kg.errors import CphKgError
from cph_kg.rdf.rdflib_adapter import RdflibTerms
from cph_kg.rdf.terms import Subject
from cph_kg.store.files import read_files
from cph_kg.validation.engines import CompiledEngine, Engine, JenaEngine, Progress, PyShaclEngine
from cph_kg.validation.report import Result
from cph_kg.validation.shape_compiler import Unsupported

#: Severities from the most to the least severe.
SEVERITIES = (SH.Violation, SH.Warning, SH.Info)


@dataclass(frozen=True)
class GenericResult:
    """One validation result of a generic run, as rdflib terms.

    The engines give Oxigraph terms (:class:`~cph_kg.validation.report.Result`); a generic
    run's report shortens terms with the prefixes of the user's shapes and data files and
    copies their paths, which rdflib keeps: its results are converted once, here.
    """

    focus: Node
    shape: Node
    component: URIRef
    severity: URIRef
    path: Node | None
    value: Node | None
    messages: dict[str, str]


def generic_results(results: Sequence[Result]) -> list[GenericResult]:
    """The engines' results as rdflib terms, each distinct term converted once."""
    term = RdflibTerms()
    return [
        GenericResult(
            focus=cast(Node, term(result.focus)),
            shape=cast(Node, term(result.shape)),
            component=URIRef(result.component.value),
            severity=URIRef(result.severity.value),
            path=term(result.path),
            value=term(result.value),
            messages=result.messages,
        )
        for result in results
    ]


@dataclass
class GenericOutcome:
    """The results of one run, with the shapes graph they refer to (messages, paths)."""

    results: list[GenericResult]
    shapes: Graph
    engine: str

    @property
    def conforms(self) -> bool:
        """SHACL's verdict: no result at all, whatever its severity."""
        return not self.results

    def count(self, severity: URIRef) -> int:
        """The results of one severity."""
        return sum(1 for result in self.results if result.severity == severity)

    def fails(self, threshold: URIRef) -> bool:
        """Whether a result is at least as severe as ``threshold`` (for the exit code)."""
        return any(rank(result.severity) <= rank(threshold) for result in self.results)


def rank(severity: URIRef) -> int:
    """0 for a violation, 1 a warning, 2 an info; a severity of the shapes' own, 3."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def engine_for(name: str, shapes: Graph) -> Engine:
    """The engine ``name`` on ``shapes``; the compiled one falls back to pySHACL, saying why."""
    if name == "jena":
        return _NamedShapesJena(shapes)
    if name == "compiled":
        try:
            return CompiledEngine(shapes)
        except Unsupported as reason:
            warnings.warn(f"validating with pySHACL: {reason}", stacklevel=2)
    return PyShaclEngine(shapes)


#: Where blank-node shapes get the IRIs Jena reports them by (:class:`_NamedShapesJena`).
_SHAPE_IRI = "urn:cph-kg:shape:"


class _NamedShapesJena:
    """Jena's SHACL, with the shapes that are blank nodes named for the run.

    Jena writes the shapes graph it was given anew, so a blank-node shape in its report is a
    node of its own, whose path cannot be found in the shapes graph. Each blank node that is a
    shape (``sh:property`` objects and subjects of ``sh:path``) is given an IRI for the run,
    and the results are read back onto the original nodes. Path nodes stay blank: an IRI there
    would be read as a predicate.
    """

    name = "jena"

    def __init__(self, shapes: Graph) -> None:
        blank = {n for n in shapes.objects(None, SH.property) if isinstance(n, BNode)}
        blank |= {n for n in shapes.subjects(SH.path, None) if isinstance(n, BNode)}
        self.names: dict[Node, Node] = {node: URIRef(f"{_SHAPE_IRI}{node}") for node in blank}
        # Jena's results are Oxigraph terms: each run's IRI back to the blank node it names
        self.back: dict[Subject, Subject] = {
            ox.NamedNode(f"{_SHAPE_IRI}{node}"): ox.BlankNode(str(node)) for node in blank
        }
        named = Graph()
        for s, p, o in shapes:
            named.add((self.names.get(s, s), p, self.names.get(o, o)))
        self.engine = JenaEngine(named)

    def results(self, store: ox.Store, progress: Progress | None = None) -> list[Result]:
        """Jena's results, each shape the shapes graph's own node again."""
        return [
            replace(result, shape=self.back.get(result.shape, result.shape))
            for result in self.engine.results(store, progress)
        ]


def validate_data(
    data: Sequence[Path | str],
    shapes: Sequence[Path | str] = (),
    engine: str = "compiled",
    forced_format: str | None = None,
) -> GenericOutcome:
    """Validate the union of the ``data`` files against the ``shapes`` files (or themselves)."""
    if not data:
        raise CphKgError("give the data to validate: --data FILE")
    store = read_files(data, forced_format)
    shapes_graph = Graph()
    for path in shapes or data:
        shapes_graph += parse_file(path, None if shapes else forced_format)
    chosen = engine_for(engine, shapes_graph)
    results = generic_results(chosen.results(store))
    results.sort(key=lambda r: (rank(r.severity), str(r.focus), str(r.shape), str(r.value)))
    return GenericOutcome(results, shapes_graph, chosen.name)
