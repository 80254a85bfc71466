"""The typed result of validating conventions against R349-2, read from a SHACL engine's results.

A SHACL result speaks of focus nodes and shapes; a lawyer asks which convention fails which
provision. This module does that translation once (:func:`read_results`), for either engine, so
renderers and API users only see conventions, provisions, severities and messages in French and
English; and it writes the standard ``sh:ValidationReport`` back from the findings
(:func:`report_triples`), so the report is the same whichever engine found them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, SH, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from cph_kg.errors import InputError
from cph_kg.namespaces import CPH
from cph_kg.oxigraph_terms import to_oxigraph, to_rdflib
from cph_kg.point_in_time import Assessment


class Severity(Enum):
    """SHACL severities, ordered from the most to the least serious."""

    VIOLATION = SH.Violation
    WARNING = SH.Warning
    INFO = SH.Info

    @property
    def label(self) -> str:
        """The name a report prints: ``Violation``, ``Warning`` or ``Info``."""
        return self.name.capitalize()

    @property
    def rank(self) -> int:
        """0 for a violation, 1 for a warning, 2 for an information: sorts the worst first."""
        return list(Severity).index(self)


class RuleKind(Enum):
    """Whether a shape states a requirement of the text or checks the data the checks need."""

    LEGAL_REQUIREMENT = CPH.LegalRequirement
    DATA_QUALITY = CPH.DataQuality

    @property
    def label(self) -> str:
        """``legal requirement`` or ``data quality``."""
        return self.name.lower().replace("_", " ")


@dataclass(frozen=True)
class Provision:
    """A subdivision of R349-2, with its citation form and labels."""

    iri: URIRef
    reference: str
    labels: dict[str, str]

    def label(self, lang: str) -> str:
        """The provision's label in ``lang`` (falls back to French, the source)."""
        return self.labels.get(lang) or self.labels.get("fr") or self.reference

    @property
    def order(self) -> tuple[int, ...]:
        """Document order: I < II < II 1° < II 2° < III …, from the IRI's path."""
        return tuple(_ordinal(part) for part in self.iri.split("/R349-2/", 1)[-1].split("/"))


@dataclass(frozen=True)
class Finding:
    """One SHACL result, read as: this convention fails (or may fail) this provision."""

    focus: Node
    provision: Provision
    severity: Severity
    rule_kind: RuleKind
    shape: Node
    component: URIRef
    obligation: Node | None
    path: Node | None
    value: Node | None
    messages: dict[str, str]
    #: The conventions the result concerns: the focus node itself, or those it is a party to.
    conventions: tuple[URIRef, ...] = ()

    def message(self, lang: str) -> str:
        """The message in ``lang``, else in French (the source language)."""
        return (
            self.messages.get(lang)
            or self.messages.get("fr")
            or next(iter(self.messages.values()), "")
        )


@dataclass
class ConventionVerdict:
    """Everything the validation found about one convention."""

    iri: URIRef
    identifier: str | None
    title: str | None
    date: str | None
    departement: str | None
    source: Path | None
    findings: list[Finding] = field(default_factory=list)
    assessment: Assessment | None = None

    def count(self, severity: Severity) -> int:
        """How many findings of ``severity`` this convention has."""
        return sum(1 for finding in self.findings if finding.severity is severity)

    @property
    def judged(self) -> bool:
        """False when R349-2 was not in force on the day the convention is judged on."""
        return self.assessment is None or self.assessment.version is not None

    @property
    def conforms(self) -> bool:
        """True when judged with no violation (warnings and infos do not break conformity)."""
        return self.judged and self.count(Severity.VIOLATION) == 0


@dataclass
class ValidationOutcome:
    """The result of one validation run: a verdict per convention, and every SHACL result."""

    conventions: list[ConventionVerdict]
    #: Every result once (a finding about a party shared by two conventions is in both verdicts).
    results: list[Finding]
    #: The shapes the results come from (a report copies their paths).
    shapes: Graph
    #: Rows of a bulk (CSV) file left out, each with its line and problem.
    skipped: list[InputError] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        """Every finding, convention by convention."""
        return [finding for verdict in self.conventions for finding in verdict.findings]

    def count(self, severity: Severity) -> int:
        """How many findings of ``severity`` the run produced."""
        return sum(verdict.count(severity) for verdict in self.conventions)

    @property
    def conforms(self) -> bool:
        """True when no judged convention has a violation."""
        return all(verdict.conforms for verdict in self.conventions if verdict.judged)

    @property
    def conforms_to_shacl(self) -> bool:
        """``sh:conforms`` of the report: no result of severity ``sh:Violation`` at all."""
        return not any(finding.severity is Severity.VIOLATION for finding in self.results)

    def fails(self, fail_on: Severity) -> bool:
        """Whether a finding at ``fail_on`` or worse exists (what the exit code reports)."""
        return any(finding.severity.rank <= fail_on.rank for finding in self.findings)

    @cached_property
    def report_triples(self) -> list[ox.Triple]:
        """The standard ``sh:ValidationReport``, built on first use (:func:`report_triples`)."""
        return report_triples(self)

    @cached_property
    def report_graph(self) -> Graph:
        """The same report as an rdflib graph, for programs that work with rdflib."""
        graph = Graph()
        for triple in self.report_triples:
            graph.add(
                (to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object))
            )
        return graph


@dataclass(frozen=True)
class Result:
    """One SHACL validation result as an engine gives it, before it is read in legal terms.

    ``messages`` are the engine's own, used only when the shape has none.
    """

    focus: Node
    shape: Node
    component: URIRef
    severity: URIRef
    path: Node | None
    value: Node | None
    messages: dict[str, str] = field(default_factory=dict)


def read_results(
    results: Iterable[Result],
    verdicts: list[ConventionVerdict],
    links: dict[Node, set[URIRef]],
    shapes: Graph,
    legal: Graph,
) -> ValidationOutcome:
    """Turn an engine's results into findings, attached to the verdicts of their conventions.

    ``links`` gives, for each focus node that is not a convention (a party, a centre), the
    conventions it concerns; ``shapes`` names the provision, rule kind, obligation and messages
    of each shape; ``legal`` the labels of the provisions.
    """
    by_iri = {verdict.iri: verdict for verdict in verdicts}
    provisions: dict[Node, Provision] = {}
    described: dict[Node, tuple] = {}  # what the shapes graph says of each shape, read once
    findings: list[Finding] = []
    for result in results:
        if result.shape not in described:
            provision_iri = shapes.value(result.shape, CPH.provision)
            if provision_iri not in provisions:
                provisions[provision_iri] = _provision(provision_iri, legal)
            described[result.shape] = (
                provisions[provision_iri],
                RuleKind(shapes.value(result.shape, CPH.ruleKind)),
                shapes.value(result.shape, CPH.expresses),
                _by_language(shapes.objects(result.shape, SH.message)),
            )
        provision, rule_kind, obligation, messages = described[result.shape]
        concerned = {result.focus} if result.focus in by_iri else links.get(result.focus, set())
        finding = Finding(
            focus=result.focus,
            provision=provision,
            severity=Severity(result.severity),
            rule_kind=rule_kind,
            shape=result.shape,
            component=result.component,
            obligation=obligation,
            path=result.path,
            value=result.value,
            messages=messages or result.messages,
            conventions=tuple(sorted((c for c in concerned if c in by_iri), key=str)),
        )
        findings.append(finding)
        for convention in finding.conventions:
            by_iri[convention].findings.append(finding)
    for verdict in verdicts:
        verdict.findings.sort(key=_finding_order)
    findings.sort(key=lambda f: (f.conventions, _finding_order(f)))
    return ValidationOutcome(conventions=verdicts, results=findings, shapes=shapes)


def _finding_order(finding: Finding) -> tuple:
    return (
        finding.provision.order,
        finding.severity.rank,
        str(finding.shape),
        str(finding.focus),
        str(finding.value),
    )


def report_triples(outcome: ValidationOutcome) -> list[ox.Triple]:
    """The standard ``sh:ValidationReport`` of an outcome, with cph-kg's annotations.

    Each result also names its provision (``cph:provision``) and the conventions it concerns
    (``cph:concernsConvention``), and the report lists every convention judged
    (``cph:validatedConvention``, since one that conforms leaves no result) with the day it was
    judged on and the version of R349-2 applied, so a stored report can be queried by provision
    and convention without the shapes or the data. Messages keep their language tags.

    Oxigraph triples, because a report of 10,000 conventions (60,000 triples) is written to the
    store or serialised as Turtle by Oxigraph in a fraction of what rdflib takes to build it.
    """
    triples: list[ox.Triple] = []

    def add(subject: Node, predicate: Node, value: Node) -> None:
        triples.append(ox.Triple(to_oxigraph(subject), to_oxigraph(predicate), to_oxigraph(value)))

    report = BNode()
    add(report, RDF.type, SH.ValidationReport)
    add(report, SH.conforms, Literal(outcome.conforms_to_shacl))
    for verdict in outcome.conventions:
        if verdict.assessment is not None:
            add(verdict.iri, CPH.evaluatedOn, Literal(verdict.assessment.day))
            if verdict.assessment.version is not None:
                add(verdict.iri, CPH.appliedVersion, verdict.assessment.version.iri)
        if verdict.judged:
            add(report, CPH.validatedConvention, verdict.iri)
    copied: set[Node] = set()
    for finding in outcome.results:
        result = BNode()
        add(report, SH.result, result)
        add(result, RDF.type, SH.ValidationResult)
        add(result, SH.focusNode, finding.focus)
        add(result, SH.resultSeverity, finding.severity.value)
        add(result, SH.sourceShape, finding.shape)
        add(result, SH.sourceConstraintComponent, finding.component)
        add(result, CPH.provision, finding.provision.iri)
        if finding.path is not None:
            add(result, SH.resultPath, finding.path)
            if finding.path not in copied:
                copied.add(finding.path)
                _copy_structure(outcome.shapes, finding.path, add)
        if finding.value is not None:
            add(result, SH.value, finding.value)
        for lang, message in sorted(finding.messages.items()):
            add(result, SH.resultMessage, Literal(message, lang=lang))
        for convention in finding.conventions:
            add(result, CPH.concernsConvention, convention)
    return triples


def _copy_structure(source: Graph, node: Node, add) -> None:
    """Copy a blank-node structure (a SHACL path such as an alternative path) and its lists."""
    if not isinstance(node, BNode):
        return
    for predicate, obj in source.predicate_objects(node):
        add(node, predicate, obj)
        _copy_structure(source, obj, add)


def _provision(iri: URIRef, data: Graph) -> Provision:
    reference = data.value(iri, CPH.provisionLabel)
    return Provision(
        iri=iri,
        reference=str(reference) if reference else str(iri),
        labels=_by_language(data.objects(iri, RDFS.label)),
    )


def _by_language(literals: Iterable[Node]) -> dict[str, str]:
    return {
        (literal.language or "fr"): str(literal)
        for literal in literals
        if isinstance(literal, Literal)
    }


_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}


def _ordinal(part: str) -> int:
    if part in _ROMAN:
        return _ROMAN[part]
    match = re.fullmatch(r"\d+", part)
    return int(part) if match else 0
