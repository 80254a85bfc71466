"""Validating conventions against article R349-2 CASF.

A run parses the conventions into an Oxigraph store (:mod:`cph_kg.collection`), adds the law
graph (ontology, legal and reference data), decides on which day each convention is judged
(:mod:`cph_kg.point_in_time`), asks an engine (:mod:`cph_kg.engines`) for the SHACL results and
reads them as findings per convention and provision (:mod:`cph_kg.report`).

The default engine runs the shapes compiled to SPARQL on Oxigraph; ``engine="pyshacl"`` runs
pySHACL, the reference, on the same data, and ``engine="jena"`` Apache Jena's SHACL in Java. If
the shapes ever use a SHACL feature the compiler does not translate, the validator says so once
and uses pySHACL.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from datetime import date
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from cph_kg import resources
from cph_kg.collection import Collection
from cph_kg.engines import CompiledEngine, Engine, JenaEngine, PyShaclEngine
from cph_kg.errors import CphKgError
from cph_kg.namespaces import CPH
from cph_kg.oxigraph_terms import to_oxigraph
from cph_kg.point_in_time import Assessment, assess, versions, xsd_date
from cph_kg.report import ConventionVerdict, ValidationOutcome, read_results
from cph_kg.shape_compiler import Unsupported

#: Names accepted for ``engine``.
ENGINES = ("compiled", "pyshacl", "jena")

_LAW_GRAPH = ox.NamedNode("urn:cph-kg:validation:law")
_RUN_GRAPH = ox.NamedNode("urn:cph-kg:validation:run")


def _load(paths: Sequence[Path]) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


class Validator:
    """Validates conventions against the bundled ontology, legal data and shapes.

    The law and the shapes are read once per validator, so a program that validates many
    times (a server, a test suite) keeps one.
    """

    def __init__(self, engine: str = "compiled") -> None:
        if engine not in ENGINES:
            raise CphKgError(f"unknown validation engine {engine!r} (use one of {ENGINES})")
        self.engine_name = engine

    @cached_property
    def ontology(self) -> Graph:
        """The cph-kg ontology with the vendored vocabularies validation needs."""
        return _load(resources.ontology_files())

    @cached_property
    def legal_data(self) -> Graph:
        """R349-2, its obligations and concepts, départements and bodies."""
        return _load(resources.legal_data_files())

    @cached_property
    def shapes(self) -> Graph:
        """The SHACL shapes of R349-2."""
        return _load(resources.shapes_files())

    @cached_property
    def engine(self) -> Engine:
        """The engine runs use: the compiled one unless asked otherwise or unable."""
        if self.engine_name == "jena":
            return JenaEngine(self.shapes)
        if self.engine_name == "compiled":
            try:
                return CompiledEngine(self.shapes)
            except Unsupported as reason:
                warnings.warn(f"validating with pySHACL: {reason}", stacklevel=2)
        return PyShaclEngine(self.shapes)

    @cached_property
    def _law_quads(self) -> list[ox.Quad]:
        """The ontology, legal and reference data, parsed by Oxigraph once."""
        quads = []
        for path in [*resources.ontology_files(), *resources.legal_data_files()]:
            quads += [
                ox.Quad(t.subject, t.predicate, t.object, _LAW_GRAPH)
                for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
            ]
        return quads

    def validate_files(
        self,
        paths: Sequence[Path | str],
        forced_format: str | None = None,
        as_of: date | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> ValidationOutcome:
        """Parse every file (all or nothing) and validate the conventions they hold."""
        collection = Collection.from_files(paths, forced_format)
        outcome = self.validate_collection(collection, as_of, progress=progress)
        outcome.skipped = collection.skipped
        return outcome

    def validate_graph(
        self,
        conventions: Graph,
        sources: dict[URIRef, Path] | None = None,
        as_of: date | None = None,
        today: date | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> ValidationOutcome:
        """Validate the conventions in an rdflib graph (the graph is not modified)."""
        collection = Collection.from_graph(conventions)
        collection.sources = dict(sources or {})
        return self.validate_collection(collection, as_of, today, progress)

    def validate_collection(
        self,
        collection: Collection,
        as_of: date | None = None,
        today: date | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> ValidationOutcome:
        """Validate parsed conventions (the collection's store receives the law and the days).

        Each convention is judged on its own date of conclusion, or on ``as_of``: the day goes
        into the data as ``cph:evaluatedOn`` for the shapes that depend on it, and a convention
        dated before R349-2 existed is left out of the validation and reported as not judged.
        """
        collection.refuse_blank_conventions()
        store = collection.store
        store.extend(self._law_quads)
        verdicts = self._verdicts(collection, as_of, today)
        days: dict[date, ox.Literal] = {}
        judged_on = []
        for verdict in verdicts:
            subject = ox.NamedNode(str(verdict.iri))
            if verdict.judged:
                day = verdict.assessment.day  # type: ignore[union-attr]
                if day not in days:
                    days[day] = to_oxigraph(Literal(day))
                judged_on.append(ox.Quad(subject, _EVALUATED_ON, days[day], _RUN_GRAPH))
            else:
                for quad in list(store.quads_for_pattern(subject, None, None)):
                    store.remove(quad)
        store.extend(judged_on)
        results = self.engine.results(store, progress)
        links = _links(store, {r.focus for r in results} - {v.iri for v in verdicts})
        return read_results(results, verdicts, links, self.shapes, self.legal_data)

    def _verdicts(
        self, collection: Collection, as_of: date | None, today: date | None
    ) -> list[ConventionVerdict]:
        """A verdict (no finding yet) for each convention, with the day it is judged on.

        Read from Oxigraph's terms directly: at 10,000 conventions, making rdflib terms of
        the 40,000 values cost more than validating them.
        """
        law = versions(self.legal_data)
        store = collection.store
        # identifier, title, date and département of each convention: one row per convention
        # unless one of them has several values
        fields: dict[str, tuple[list, list, list, list]] = {}
        for convention, *terms in store.query(_VERDICT_FIELDS, use_default_graph_as_union=True):
            found = fields.get(convention.value)
            if found is None:
                found = fields[convention.value] = ([], [], [], [])
            for values, term in zip(found, terms, strict=True):
                if term is not None and term not in values:
                    values.append(term)
        labels: dict[str, list[ox.Literal]] = {}
        for departement, label in store.query(_LABELS, use_default_graph_as_union=True):
            labels.setdefault(departement.value, []).append(label)
        verdicts = []
        assessments: dict[str | None, Assessment] = {}  # many conventions share a day
        for iri in sorted(fields):
            identifiers, titles, dates, departements = fields[iri]
            signed = _first(dates)
            departement = _first(departements)
            label = _first(labels.get(departement.value, ())) if departement else None
            valid = isinstance(signed, ox.Literal) and signed.datatype == _XSD_DATE
            key = signed.value if valid else None  # type: ignore[union-attr]
            if key not in assessments:
                day = xsd_date(key) if key is not None else None
                assessments[key] = assess(day, law, as_of, today)
            convention = URIRef(iri)
            verdicts.append(
                ConventionVerdict(
                    iri=convention,
                    identifier=_value(_first(identifiers)),
                    title=_value(_first(titles)),
                    date=_value(signed),
                    departement=_value(label),
                    source=collection.sources.get(convention),
                    assessment=assessments[key],
                )
            )
        return verdicts


_EVALUATED_ON = ox.NamedNode(str(CPH.evaluatedOn))
_IDENTIFIER = "http://purl.org/dc/terms/identifier"
_TITLE = "http://purl.org/dc/terms/title"
_DATE = str(CPH.dateOfConclusion)
_DEPARTEMENT = str(CPH.departement)
_XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")

#: What a verdict shows of each convention: identifier, title, date and département.
_VERDICT_FIELDS = f"""
SELECT ?c ?identifier ?title ?date ?departement WHERE {{
    ?c a <{CPH.ConventionDeCooperation}> .
    FILTER (isIRI(?c))
    OPTIONAL {{ ?c <{_IDENTIFIER}> ?identifier }}
    OPTIONAL {{ ?c <{_TITLE}> ?title }}
    OPTIONAL {{ ?c <{_DATE}> ?date }}
    OPTIONAL {{ ?c <{_DEPARTEMENT}> ?departement }}
}}
"""
#: The labels of the départements conventions name.
_LABELS = f"""
SELECT DISTINCT ?d ?label WHERE {{
    ?c a <{CPH.ConventionDeCooperation}> ; <{_DEPARTEMENT}> ?d .
    ?d <http://www.w3.org/2000/01/rdf-schema#label> ?label .
}}
"""


def _first(values: Sequence) -> ox.Literal | ox.NamedNode | None:
    """The value to show when there are several: French first, then the smallest.

    The same one every run; the shapes report the excess values themselves.
    """
    if len(values) < 2:
        return values[0] if values else None
    french = [v for v in values if isinstance(v, ox.Literal) and v.language == "fr"]
    return min(french or values, key=lambda v: v.value)


def _value(term: ox.Literal | ox.NamedNode | None) -> str | None:
    return term.value if term is not None else None


def _links(store: ox.Store, foci: set[Node]) -> dict[Node, set[URIRef]]:
    """For focus nodes that are not conventions (parties, centres), the conventions they concern."""
    links: dict[Node, set[URIRef]] = {}
    for focus in foci:
        for quad in store.quads_for_pattern(None, None, to_oxigraph(focus)):
            if quad.predicate.value in _PARTY_PREDICATES and isinstance(quad.subject, ox.NamedNode):
                convention = URIRef(quad.subject.value)
                if next(store.quads_for_pattern(quad.subject, _TYPE, _CONVENTION), None):
                    links.setdefault(focus, set()).add(convention)
    return links


_PARTY_PREDICATES = {str(CPH.party), str(CPH.concludedBy)}
_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_CONVENTION = ox.NamedNode(str(CPH.ConventionDeCooperation))


_default: Validator | None = None


def validate(
    paths: Sequence[Path | str],
    forced_format: str | None = None,
    as_of: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ValidationOutcome:
    """Validate convention files against R349-2 CASF; see :class:`Validator`."""
    global _default
    if _default is None:
        _default = Validator()
    return _default.validate_files(paths, forced_format, as_of, progress)
