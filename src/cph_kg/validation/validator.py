"""Validating conventions against article R349-2 CASF.

A run parses the conventions into an Oxigraph store (:mod:`cph_kg.validation.collection`), adds the
law graph (ontology, legal and reference data), adds the run's data the shapes read — the day each
convention and each centre is judged on (:mod:`cph_kg.validation.point_in_time`) and the reading of
the text applied (:mod:`cph_kg.validation.readings`) —, asks an engine
(:mod:`cph_kg.validation.engines`) for the SHACL results and reads them as findings per convention,
centre and provision (:mod:`cph_kg.validation.report`). Nothing else is decided in Python: any
SHACL engine given the same graph reaches the same verdicts.

The default engine runs the shapes compiled to SPARQL on Oxigraph; ``engine="pyshacl"`` runs
pySHACL, the reference, on the same data, and ``engine="jena"`` Apache Jena's SHACL in Java. If
the shapes ever use a SHACL feature the compiler does not translate, the validator says so once
and uses pySHACL.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import DCTERMS, RDFS, SKOS, Graph, URIRef

from cph_kg import resources, vocab
from cph_kg.errors import CphKgError
from cph_kg.namespaces import CPH
from cph_kg.rdf import bundled
from cph_kg.rdf.rdflib_adapter import rdflib_graph
from cph_kg.rdf.terms import Term, solutions
from cph_kg.validation.collection import Collection
from cph_kg.validation.engines import CompiledEngine, Engine, JenaEngine, PyShaclEngine
from cph_kg.validation.point_in_time import (
    Assessment,
    DayBasis,
    Version,
    assess,
    governing_texts,
    in_force_on,
    xsd_date,
)
from cph_kg.validation.readings import Reading, reading
from cph_kg.validation.report import (
    CentreVerdict,
    ConventionVerdict,
    ValidationOutcome,
    read_results,
)
from cph_kg.validation.shape_compiler import Unsupported

#: Names accepted for ``engine``.
ENGINES = ("compiled", "pyshacl", "jena")


@cache
def _quads(paths: tuple[Path, ...], graph: ox.NamedNode | ox.DefaultGraph) -> tuple[ox.Quad, ...]:
    """The triples of bundled files as quads of ``graph``, made once per process.

    Making 9,000 quads in Python takes five times as long as a store takes to add them.
    """
    return tuple(ox.Quad(t.subject, t.predicate, t.object, graph) for t in bundled.triples(paths))


def _not_stated(store: ox.Store, quads: Sequence[ox.Quad]) -> list[ox.Quad]:
    """The quads whose triple no graph of ``store`` states yet.

    The shapes read the union of the store's graphs, and Oxigraph's union keeps a triple stated
    in two graphs twice: a convention file restating a body's type, presence and role, as the
    reference data states them, made each party of each convention match three patterns twice
    over, eight rows where one is meant, in every check that joins them (a third of a run's
    memory, measured at 10,000 conventions). The results are the same, the rows not.
    """
    return [
        quad
        for quad in quads
        if next(store.quads_for_pattern(quad.subject, quad.predicate, quad.object), None) is None
    ]


def _run_data(
    verdicts: list[ConventionVerdict], centres: list[CentreVerdict], reading: ox.NamedNode
) -> Iterator[ox.Quad]:
    """The day each convention and centre is judged on, and the reading applied, as quads.

    Made one at a time as the store takes them: at 50,000 conventions, a list of the 100,000
    quads held 40 MiB at the busiest moment of a run.
    """
    days: dict[date, ox.Literal] = {}  # one day, many conventions

    def judged_on(assessment: Assessment) -> ox.Literal:
        if assessment.day not in days:
            days[assessment.day] = ox.Literal(assessment.day.isoformat(), datatype=vocab.XSD.date)
        return days[assessment.day]

    run = vocab.RUN_DATA_GRAPH
    for verdict in verdicts:
        subject = ox.NamedNode(str(verdict.iri))
        day = judged_on(verdict.assessment)  # type: ignore[arg-type]
        yield ox.Quad(subject, vocab.CPH.evaluatedOn, day, run)
        yield ox.Quad(subject, vocab.CPH.readingApplied, reading, run)
    for centre in centres:
        yield ox.Quad(
            ox.NamedNode(str(centre.iri)), vocab.CPH.evaluatedOn, judged_on(centre.assessment), run
        )


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
    def legal_store(self) -> ox.Store:
        """R349-2, its obligations and concepts, départements and bodies, in an Oxigraph store.

        The point-in-time rules, the readings and the report's provision labels read it; its
        triples are those Oxigraph parsed once per process (:mod:`cph_kg.rdf.bundled`), in the
        default graph. A store of the validator's own: what a caller adds to it stays there.
        """
        store = ox.Store()
        store.extend(_quads(tuple(resources.legal_data_files()), ox.DefaultGraph()))
        return store

    @cached_property
    def legal_data(self) -> Graph:
        """The same legal data as an rdflib graph, for programs that work with rdflib.

        Converted from Oxigraph's parse when first asked for; cph-kg itself reads
        :attr:`legal_store`.
        """
        return rdflib_graph(bundled.triples(resources.legal_data_files()))

    @cached_property
    def shapes(self) -> Graph:
        """The SHACL shapes of R349-2, parsed by rdflib: pySHACL and the compiler read them.

        rdflib's parse keeps the files' prefixes, which the compiler's messages use.
        """
        graph = Graph()
        for path in resources.shapes_files():
            graph.parse(path, format="turtle")
        return graph

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
    def law_quads(self) -> tuple[ox.Quad, ...]:
        """The ontology, legal and reference data, parsed by Oxigraph once per process."""
        paths = (*resources.ontology_files(), *resources.legal_data_files())
        return _quads(paths, vocab.RUN_LAW_GRAPH)

    def validate_files(
        self,
        paths: Sequence[Path | str],
        forced_format: str | None = None,
        as_of: date | None = None,
        progress: Callable[[int, int], None] | None = None,
        reading: str | None = None,
    ) -> ValidationOutcome:
        """Parse every file (all or nothing) and validate the conventions they hold."""
        applied = self.reading(reading)  # an unknown reading is refused before any parsing
        collection = Collection.from_files(paths, forced_format)
        outcome = self.validate_collection(collection, as_of, progress=progress, reading=applied)
        outcome.skipped = collection.skipped
        return outcome

    def validate_graph(
        self,
        conventions: Graph,
        sources: dict[URIRef, Path] | None = None,
        as_of: date | None = None,
        today: date | None = None,
        progress: Callable[[int, int], None] | None = None,
        reading: str | None = None,
    ) -> ValidationOutcome:
        """Validate the conventions in an rdflib graph (the graph is not modified)."""
        applied = self.reading(reading)
        collection = Collection.from_graph(conventions)
        collection.sources = dict(sources or {})
        return self.validate_collection(collection, as_of, today, progress, applied)

    def reading(self, name: str | Reading | None = None) -> Reading:
        """The reading called ``name`` (``required``, ``illustrative``), or the default."""
        if isinstance(name, Reading):
            return name
        return reading(self.legal_store, name)

    def validate_collection(
        self,
        collection: Collection,
        as_of: date | None = None,
        today: date | None = None,
        progress: Callable[[int, int], None] | None = None,
        reading: str | Reading | None = None,
    ) -> ValidationOutcome:
        """Validate parsed conventions (the collection's store receives the law and the run data).

        Each convention is judged on its own date of conclusion, or on ``as_of``, under the
        reading ``reading`` (the default one if None); each centre on ``as_of`` or today. The
        days and the reading go into the data (``cph:evaluatedOn``, ``cph:readingApplied``)
        for the shapes, which decide from them which text applies: a convention no text
        governed on its day gets no legal finding and is reported as not judged. The
        collection may be validated again, under another reading: each run replaces the last
        one's data.
        """
        collection.refuse_blank_conventions()
        applied = self.reading(reading)
        store = collection.store
        store.extend(_not_stated(store, self.law_quads))
        store.clear_graph(vocab.RUN_DATA_GRAPH)
        verdicts = self._verdicts(collection, as_of, today)
        centres = self._centres(collection, as_of, today)
        store.extend(_run_data(verdicts, centres, ox.NamedNode(applied.iri)))
        results = self.engine.results(store, progress)
        conventions: set[Term] = {ox.NamedNode(v.iri) for v in verdicts}
        links = _links(store, {r.focus for r in results} - conventions)
        outcome = read_results(results, verdicts, links, self.shapes, self.legal_store, centres)
        outcome.reading = applied
        # the parties findings are about, as focus (a party's shape) or value (a convention's)
        parties = {r.focus for r in results} | {
            r.value for r in results if isinstance(r.value, ox.NamedNode | ox.BlankNode)
        }
        outcome.names = _names(store, parties - conventions)
        return outcome

    @cached_property
    def _texts(self) -> list[list[Version]]:
        """The versions of the texts that can govern a convention, most specific first."""
        return governing_texts(self.legal_store)

    def _centres(
        self, collection: Collection, as_of: date | None, today: date | None
    ) -> list[CentreVerdict]:
        """The centres provisoires d'hébergement of the data, each judged on as_of or today."""
        if as_of is not None:
            day, basis = as_of, DayBasis.AS_OF
        else:
            day, basis = today or date.today(), DayBasis.TODAY
        assessment = Assessment(day, basis, in_force_on(day, self._texts))
        names: dict[str, list[ox.Literal]] = {}
        for centre, name in solutions(
            collection.store.query(_CENTRES, use_default_graph_as_union=True)
        ):
            found = names.setdefault(centre.value, [])
            if name is not None:
                found.append(name)
        return [
            CentreVerdict(
                iri=URIRef(iri),
                name=_value(_first(names[iri])),
                assessment=assessment,
            )
            for iri in sorted(names)
        ]

    def _verdicts(
        self, collection: Collection, as_of: date | None, today: date | None
    ) -> list[ConventionVerdict]:
        """A verdict (no finding yet) for each convention, with the day it is judged on.

        Read from Oxigraph's terms directly: at 10,000 conventions, making rdflib terms of
        the 40,000 values cost more than validating them.
        """
        law = self._texts
        store = collection.store
        # identifier, title, date and département of each convention: one row per convention
        # unless one of them has several values
        fields: dict[str, tuple[list[Any], list[Any], list[Any], list[Any]]] = {}
        for convention, *terms in solutions(
            store.query(_VERDICT_FIELDS, use_default_graph_as_union=True)
        ):
            found = fields.get(convention.value)
            if found is None:
                found = fields[convention.value] = ([], [], [], [])
            for values, term in zip(found, terms, strict=True):
                if term is not None and term not in values:
                    values.append(term)
        labels: dict[str, list[ox.Literal]] = {}
        for departement, label in solutions(store.query(_LABELS, use_default_graph_as_union=True)):
            labels.setdefault(departement.value, []).append(label)
        verdicts = []
        assessments: dict[str | None, Assessment] = {}  # many conventions share a day
        for iri in sorted(fields):
            identifiers, titles, dates, departements = fields[iri]
            signed = _first(dates)
            departement = _first(departements)
            label = _first(labels.get(departement.value, ())) if departement else None
            valid = isinstance(signed, ox.Literal) and signed.datatype == vocab.XSD.date
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


_DATE = str(CPH.dateOfConclusion)
_DEPARTEMENT = str(CPH.departement)

#: What a verdict shows of each convention: identifier, title, date and département.
_VERDICT_FIELDS = f"""
SELECT ?c ?identifier ?title ?date ?departement WHERE {{
    ?c a <{CPH.ConventionDeCooperation}> .
    FILTER (isIRI(?c))
    OPTIONAL {{ ?c <{DCTERMS.identifier}> ?identifier }}
    OPTIONAL {{ ?c <{DCTERMS.title}> ?title }}
    OPTIONAL {{ ?c <{_DATE}> ?date }}
    OPTIONAL {{ ?c <{_DEPARTEMENT}> ?departement }}
}}
"""
#: The centres provisoires d'hébergement of the data, with their names.
_CENTRES = f"""
SELECT ?k ?name WHERE {{
    ?k a <{CPH.CentreProvisoireHebergement}> .
    FILTER isIRI(?k)
    OPTIONAL {{ ?k <{SKOS.prefLabel}>|<{RDFS.label}> ?name }}
}}
"""
#: The labels of the départements conventions name.
_LABELS = f"""
SELECT DISTINCT ?d ?label WHERE {{
    ?c a <{CPH.ConventionDeCooperation}> ; <{_DEPARTEMENT}> ?d .
    ?d <http://www.w3.org/2000/01/rdf-schema#label> ?label .
}}
"""


def _first(values: Sequence[Any]) -> ox.Literal | ox.NamedNode | None:
    """The value to show when there are several: French first, then the smallest.

    The same one every run; the shapes report the excess values themselves.
    """
    if len(values) < 2:
        return values[0] if values else None
    french = [v for v in values if isinstance(v, ox.Literal) and v.language == "fr"]
    return min(french or values, key=lambda v: v.value)


def _value(term: ox.Literal | ox.NamedNode | None) -> str | None:
    return term.value if term is not None else None


def _links(store: ox.Store, foci: set[Term]) -> dict[Term, set[ox.NamedNode]]:
    """For focus nodes that are not conventions, the conventions they concern.

    A party or centre concerns the conventions it is a party to (or added to by an avenant);
    an avenant concerns the convention it amends. Read from the quads, a few look-ups a focus
    node: one query for all of them (a VALUES block joined with a union) made Oxigraph join
    every convention with every focus node, 4.8 s for 1,017 centres among 50,000 conventions.
    """
    links: dict[Term, set[ox.NamedNode]] = {}
    for focus in foci:
        if not isinstance(focus, ox.NamedNode | ox.BlankNode):
            continue
        found = {
            quad.subject
            for predicate in (vocab.CPH.party, vocab.CPH.concludedBy)
            for quad in store.quads_for_pattern(None, predicate, focus)
            if isinstance(quad.subject, ox.NamedNode)
        }
        if isinstance(focus, ox.NamedNode):  # as the query of named nodes did, not blank ones
            for adding in store.quads_for_pattern(None, vocab.CPH.addsParty, focus):
                found |= _amended(store, adding.subject)
            found |= _amended(store, focus)
        conventions = {node for node in found if _is_convention(store, node)}
        if conventions:
            links[focus] = conventions
    return links


def _amended(store: ox.Store, avenant: object) -> set[ox.NamedNode]:
    """The named nodes ``avenant`` amends (cph:amends)."""
    if not isinstance(avenant, ox.NamedNode | ox.BlankNode):
        return set()
    return {
        quad.object
        for quad in store.quads_for_pattern(avenant, vocab.CPH.amends, None)
        if isinstance(quad.object, ox.NamedNode)
    }


def _is_convention(store: ox.Store, node: ox.NamedNode) -> bool:
    """Whether ``node`` is a convention."""
    found = store.quads_for_pattern(node, vocab.RDF.type, vocab.CPH.ConventionDeCooperation)
    return next(found, None) is not None


#: Where a party's name is read from, in order: its preferred label, then any label.
_NAME_PREDICATES = (vocab.SKOS.prefLabel, vocab.RDFS.label)


def _names(store: ox.Store, parties: set[Term]) -> dict[Term, str]:
    """The name of each party a finding is about (French first), for the report to show."""
    names: dict[Term, str] = {}
    for party in parties:
        if not isinstance(party, ox.NamedNode | ox.BlankNode):
            continue  # a literal names nothing (and None would match every subject)
        for predicate in _NAME_PREDICATES:
            labels = [
                quad.object
                for quad in store.quads_for_pattern(party, predicate, None)
                if isinstance(quad.object, ox.Literal)
            ]
            chosen = _first(labels)
            if chosen is not None:
                names[party] = chosen.value
                break
    return names


_default: Validator | None = None


def validate(
    paths: Sequence[Path | str],
    forced_format: str | None = None,
    as_of: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    reading: str | None = None,
) -> ValidationOutcome:
    """Validate convention files against R349-2 CASF; see :class:`Validator`.

    ``reading`` names the reading of the open parts of the text (``required``, the default, or
    ``illustrative``: see ``data/legal/r349-2-readings.ttl``).
    """
    global _default
    if _default is None:
        _default = Validator()
    return _default.validate_files(paths, forced_format, as_of, progress, reading)
