"""The typed result of validating conventions against R349-2, read from a SHACL engine's results.

A SHACL result speaks of focus nodes and shapes; a lawyer asks which convention fails which
provision. This module does that translation once (:func:`read_results`), for either engine, so
renderers and API users only see conventions, provisions, severities and messages in French and
English; and it writes the standard ``sh:ValidationReport`` back from the findings
(:func:`report_triples`), so the report is the same whichever engine found them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from functools import cached_property
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox
from rdflib import SH, Graph, Literal, URIRef
from rdflib.term import Node

from cph_kg import vocab
from cph_kg.errors import InputError
from cph_kg.namespaces import CPH
from cph_kg.rdf.rdflib_adapter import OxigraphTerms, rdflib_graph, to_rdflib
from cph_kg.rdf.terms import Subject, Term, objects, subjects, value
from cph_kg.validation.point_in_time import Assessment, law_day
from cph_kg.validation.readings import Reading, by_language


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


class Verdict(Enum):
    """What the assessment of a convention (or a centre) concludes.

    A data-quality violation means the legal checks cannot be relied on ("cannot be assessed"),
    whatever they found; on sound data, legal findings decide between "conforms" and "does not
    conform"; a convention no text governed on its day is "not judged".
    """

    CONFORMS = CPH.Conforms
    DOES_NOT_CONFORM = CPH.DoesNotConform
    CANNOT_BE_ASSESSED = CPH.CannotBeAssessed
    NOT_JUDGED = CPH.NotJudged

    @property
    def key(self) -> str:
        """``conforms``, ``does not conform``, ``cannot be assessed`` or ``not judged``."""
        return self.name.lower().replace("_", " ")

    def label(self, lang: str) -> str:
        """The verdict in ``lang`` (French or English)."""
        return _VERDICT_LABELS[lang][self]


_VERDICT_LABELS = {
    "fr": {
        Verdict.CONFORMS: "conforme",
        Verdict.DOES_NOT_CONFORM: "non conforme",
        Verdict.CANNOT_BE_ASSESSED: "non appréciable",
        Verdict.NOT_JUDGED: "non jugée",
    },
    "en": {verdict: verdict.key for verdict in Verdict},
}


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
        article, _, path = self.iri.rpartition("/law/")[2].partition("/")[2].partition("/")
        return (article != "R349-2", *(_ordinal(part) for part in path.split("/") if part))


@dataclass(frozen=True)
class FindingTerms:
    """What a finding is about, as Oxigraph terms: cph-kg's own term model.

    The report is written from these; :class:`Finding` gives each as an rdflib term too.
    """

    focus: Term
    shape: Subject
    component: ox.NamedNode
    obligation: Term | None
    path: Subject | None
    value: Term | None
    #: The conventions the result concerns: the focus node itself, or those it is a party to.
    conventions: tuple[ox.NamedNode, ...] = ()


@dataclass(frozen=True)
class Finding:
    """One SHACL result, read as: this convention fails (or may fail) this provision.

    Its RDF terms are held as Oxigraph terms (:attr:`terms`); ``focus``, ``shape``,
    ``component``, ``obligation``, ``path``, ``value`` and ``conventions`` give them as rdflib
    terms, for programs that work with rdflib.
    """

    provision: Provision
    severity: Severity
    rule_kind: RuleKind
    messages: dict[str, str]
    terms: FindingTerms
    #: What the report adds to the shape's message, by language (what the text cites that day).
    details: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def focus(self) -> Node:
        """The focus node (a convention, a party, a centre, an avenant)."""
        return to_rdflib(self.terms.focus)

    @property
    def shape(self) -> Node:
        """The shape whose constraint the focus node fails."""
        return to_rdflib(self.terms.shape)

    @property
    def component(self) -> URIRef:
        """The SHACL constraint component (``sh:MinCountConstraintComponent``…)."""
        return URIRef(self.terms.component.value)

    @property
    def obligation(self) -> Node | None:
        """The obligation the shape expresses (``cph:expresses``), if it names one."""
        return to_rdflib(self.terms.obligation)

    @property
    def path(self) -> Node | None:
        """The result's path (a property, or a path's blank node in the shapes graph)."""
        return to_rdflib(self.terms.path)

    @property
    def value(self) -> Node | None:
        """The value node at fault, if the result names one."""
        return to_rdflib(self.terms.value)

    @property
    def conventions(self) -> tuple[URIRef, ...]:
        """The conventions the result concerns: the focus node itself, or those it is a party to."""
        return tuple(URIRef(convention.value) for convention in self.terms.conventions)

    @property
    def legal(self) -> bool:
        """True for a finding about a requirement of the text, False for data quality."""
        return self.rule_kind is RuleKind.LEGAL_REQUIREMENT

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

    def count(self, severity: Severity, legal: bool | None = None) -> int:
        """How many findings of ``severity`` (legal ones only, or data quality, if asked)."""
        return _count(self.findings, severity, legal)

    @property
    def judged(self) -> bool:
        """False when no text (R349-2 or L. 349-2) was in force on the day it is judged on."""
        return self.assessment is None or self.assessment.version is not None

    @property
    def verdict(self) -> Verdict:
        """The verdict, from the findings.

        Cannot be assessed (a data-quality violation); else does not conform (a legal
        violation); else not judged (no text applied on its day); else conforms. A data-quality
        violation outranks both: the legal checks read the data it faults (the date picks the
        version of the text, the département the bodies required), so a legal finding made on
        such data is reported but not relied on; and data that fails its checks (two dates of
        conclusion, one before L. 349-2 and one after) cannot establish that no text applied.
        """
        return _verdict(self.judged, self.findings)

    @property
    def conforms(self) -> bool:
        """True when the verdict is "conforms" (warnings and infos do not break conformity)."""
        return self.verdict is Verdict.CONFORMS


@dataclass
class CentreVerdict:
    """A centre's own obligation: an agreement in force on the day it is judged on."""

    iri: URIRef
    name: str | None
    assessment: Assessment
    findings: list[Finding] = field(default_factory=list)

    def count(self, severity: Severity, legal: bool | None = None) -> int:
        """How many findings of ``severity`` the centre has."""
        return _count(self.findings, severity, legal)

    @property
    def verdict(self) -> Verdict:
        """Not judged when no text applied that day; else as a convention's verdict.

        Cannot be assessed (a data-quality violation: the day it is judged on is not given,
        which only another engine's input can lack); else does not conform (a legal violation);
        else conforms.
        """
        return _verdict(self.assessment.version is not None, self.findings)


def _verdict(judged: bool, findings: list[Finding]) -> Verdict:
    """The one rule of verdicts, for conventions and centres alike (see ConventionVerdict)."""
    if _count(findings, Severity.VIOLATION, legal=False):
        return Verdict.CANNOT_BE_ASSESSED
    if _count(findings, Severity.VIOLATION, legal=True):
        return Verdict.DOES_NOT_CONFORM
    return Verdict.CONFORMS if judged else Verdict.NOT_JUDGED


def _count(findings: Iterable[Finding], severity: Severity, legal: bool | None) -> int:
    return sum(
        1
        for finding in findings
        if finding.severity is severity and (legal is None or finding.legal is legal)
    )


@dataclass
class ValidationOutcome:
    """The result of one validation run: a verdict per convention and centre, every result."""

    conventions: list[ConventionVerdict]
    #: Every result once (a finding about a party shared by two conventions is in both verdicts).
    results: list[Finding]
    #: The shapes the results come from (a report copies their paths).
    shapes: Graph
    #: Rows of a bulk (CSV) file left out, each with its line and problem.
    skipped: list[InputError] = field(default_factory=list)
    #: The centres provisoires d'hébergement of the data, each judged on its own obligation.
    centres: list[CentreVerdict] = field(default_factory=list)
    #: The reading of the text applied (None only for outcomes built by hand).
    reading: Reading | None = None
    #: The name of each party (centre, body) a finding is about, from the data, by its
    #: Oxigraph term (a finding's ``terms.focus`` or ``terms.value``).
    names: dict[Term, str] = field(default_factory=dict)

    def _verdicts(self) -> list[ConventionVerdict | CentreVerdict]:
        return [*self.conventions, *self.centres]

    @property
    def findings(self) -> list[Finding]:
        """Every finding, convention by convention, then centre by centre."""
        return [finding for verdict in self._verdicts() for finding in verdict.findings]

    def count(self, severity: Severity, legal: bool | None = None) -> int:
        """How many findings of ``severity`` the run produced (legal or data quality if asked)."""
        return _count(self.findings, severity, legal)

    def verdicts(self) -> dict[Verdict, int]:
        """How many conventions have each verdict."""
        counted = {verdict: 0 for verdict in Verdict}
        for convention in self.conventions:
            counted[convention.verdict] += 1
        return counted

    @property
    def conforms(self) -> bool:
        """True when no convention nor centre fails or cannot be assessed."""
        failing = {Verdict.DOES_NOT_CONFORM, Verdict.CANNOT_BE_ASSESSED}
        return not any(c.verdict in failing for c in self._verdicts())

    @property
    def conforms_to_shacl(self) -> bool:
        """``sh:conforms`` of the report: no result of severity ``sh:Violation`` at all."""
        return not any(finding.severity is Severity.VIOLATION for finding in self.results)

    def fails(self, fail_on: Severity) -> bool:
        """What the exit code reports: a verdict that fails, or a finding at ``fail_on`` or worse.

        The verdicts come first, so that the exit code never says less than the report.
        """
        return not self.conforms or any(
            finding.severity.rank <= fail_on.rank for finding in self.findings
        )

    @cached_property
    def report_triples(self) -> list[ox.Triple]:
        """The standard ``sh:ValidationReport``, built on first use (:func:`report_triples`)."""
        return report_triples(self)

    @cached_property
    def report_graph(self) -> Graph:
        """The same report as an rdflib graph, for programs that work with rdflib."""
        return rdflib_graph(self.report_triples)


@dataclass(frozen=True)
class Result:
    """One SHACL validation result as an engine gives it, before it is read in legal terms.

    Oxigraph terms, whichever engine found it. ``messages`` are the engine's own, used only
    when the shape has none.
    """

    focus: Term
    shape: Subject
    component: ox.NamedNode
    #: ``sh:Violation``, ``sh:Warning``, ``sh:Info``, or (in a generic run) a shape's own.
    severity: ox.NamedNode
    path: Subject | None
    value: Term | None
    messages: dict[str, str] = field(default_factory=dict)


def read_results(
    results: Iterable[Result],
    verdicts: list[ConventionVerdict],
    links: dict[Term, set[ox.NamedNode]],
    shapes: Graph,
    legal: ox.Store,
    centres: list[CentreVerdict] | None = None,
) -> ValidationOutcome:
    """Turn an engine's results into findings, attached to the verdicts of their conventions.

    ``links`` gives, for each focus node that is not a convention (a party, a centre, an
    avenant), the conventions it concerns; ``shapes`` (the rdflib graph pySHACL and the
    compiler read) names the provision, rule kind, obligation and messages of each shape, and
    which shapes judge a centre's own obligation (``cph:assesses``); ``legal`` (the legal data
    in an Oxigraph store) the labels of the provisions and what they cite.
    """
    by_node = {ox.NamedNode(verdict.iri): verdict for verdict in verdicts}
    by_centre = {ox.NamedNode(centre.iri): centre for centre in centres or []}
    provisions: dict[Node, Provision] = {}
    described: dict[Term, tuple[Any, ...]] = {}  # what the shapes graph says of each shape, once
    findings: list[Finding] = []
    for result in results:
        if result.shape not in described:
            shape = to_rdflib(result.shape)
            provision_iri = cast(URIRef, shapes.value(shape, CPH.provision))
            if provision_iri not in provisions:
                provisions[provision_iri] = _provision(provision_iri, legal)
            obligation = shapes.value(shape, CPH.expresses)
            described[result.shape] = (
                provisions[provision_iri],
                RuleKind(shapes.value(shape, CPH.ruleKind)),
                None if obligation is None else _SHAPE_TERMS(obligation),
                {
                    (message.language or "fr"): str(message)
                    for message in shapes.objects(shape, SH.message)
                    if isinstance(message, Literal)
                },
                shapes.value(shape, CPH.assesses) == CPH.CentreProvisoireHebergement,
            )
        provision, rule_kind, obligation, messages, for_centre = described[result.shape]
        if for_centre:
            concerned: set[ox.NamedNode] = set()
        elif result.focus in by_node:
            concerned = {cast(ox.NamedNode, result.focus)}
        else:
            concerned = links.get(result.focus, set())
        conventions = tuple(sorted((c for c in concerned if c in by_node), key=_iri))
        finding = Finding(
            provision=provision,
            severity=_SEVERITIES[result.severity],
            rule_kind=rule_kind,
            messages=messages or result.messages,
            terms=FindingTerms(
                focus=result.focus,
                shape=result.shape,
                component=result.component,
                obligation=obligation,
                path=result.path,
                value=result.value,
                conventions=conventions,
            ),
            details=_details(result, provision, conventions, by_node, legal),
        )
        findings.append(finding)
        for convention in conventions:
            by_node[convention].findings.append(finding)
        if for_centre and result.focus in by_centre:
            by_centre[cast(ox.NamedNode, result.focus)].findings.append(finding)
    every: list[ConventionVerdict | CentreVerdict] = [*verdicts, *by_centre.values()]
    for verdict in every:
        verdict.findings.sort(key=_finding_order)
    findings.sort(key=lambda f: (tuple(c.value for c in f.terms.conventions), _finding_order(f)))
    return ValidationOutcome(
        conventions=verdicts, results=findings, shapes=shapes, centres=list(by_centre.values())
    )


#: Each SHACL severity by its Oxigraph term.
_SEVERITIES = {ox.NamedNode(severity.value): severity for severity in Severity}


def _iri(node: ox.NamedNode) -> str:
    return node.value


#: The terms of the shapes graph (rdflib's: pySHACL and the compiler read it) as Oxigraph's.
_SHAPE_TERMS = OxigraphTerms()


def _details(
    result: Result,
    provision: Provision,
    conventions: tuple[ox.NamedNode, ...],
    by_node: dict[ox.NamedNode, ConventionVerdict],
    legal: ox.Store,
) -> dict[str, str]:
    """What the provision cites on the convention's day.

    Given when the finding's value is an article one of the provision's wordings cites: "on that
    day, R. 349-2, II, 2° cites R. 413-8", never a guess at what the convention should cite.
    """
    if not isinstance(result.value, ox.NamedNode) or len(conventions) != 1:
        return {}
    assessment = by_node[conventions[0]].assessment
    wordings = subjects(legal, vocab.ELI.is_member_of, ox.NamedNode(provision.iri))
    cites = any(
        next(legal.quads_for_pattern(wording, vocab.ELI.cites, result.value), None) is not None
        for wording in wordings
    )
    if assessment is None or not cites:
        return {}
    day = assessment.day
    for wording in wordings:
        version = _version_of(wording, legal)
        if version is None:
            continue
        start = value(legal, version, vocab.ELI.first_date_entry_in_force)
        end = value(legal, version, vocab.ELI.date_no_longer_in_force)
        if start is None or law_day(start) > day or (end is not None and law_day(end) < day):
            continue
        articles = objects(legal, wording, vocab.ELI.cites)
        cited = sorted(_cited(article, legal) for article in articles)
        if not cited:
            return {}
        since = law_day(start).isoformat()
        return {
            "fr": f"Le {day.isoformat()}, {provision.reference} cite {', '.join(cited)} "
            f"(version en vigueur depuis le {since}).",
            "en": f"On {day.isoformat()}, {provision.reference} cites {', '.join(cited)} "
            f"(version in force since {since}).",
        }
    return {}


def _cited(article: Term, legal: ox.Store) -> str:
    """How a report names an article a wording cites: its provision label, else its IRI."""
    label = (
        value(legal, article, vocab.CPH.provisionLabel) if isinstance(article, Subject) else None
    )
    return (label or article).value


def _version_of(wording: Subject, legal: ox.Store) -> Subject | None:
    """The dated article version a subdivision wording belongs to (eli:is_part_of, upwards)."""
    node: Subject = wording
    for _ in range(8):
        parent = value(legal, node, vocab.ELI.is_part_of)
        if not isinstance(parent, Subject):
            return None
        node = parent
        if value(legal, node, vocab.ELI.first_date_entry_in_force) is not None:
            return node
    return None


def _finding_order(finding: Finding) -> tuple[Any, ...]:
    terms = finding.terms
    return (
        finding.provision.order,
        finding.severity.rank,
        terms.shape.value,
        terms.focus.value,
        "None" if terms.value is None else terms.value.value,
    )


def report_triples(outcome: ValidationOutcome) -> list[ox.Triple]:
    """The standard ``sh:ValidationReport`` of an outcome, with cph-kg's annotations.

    Each result also names its provision (``cph:provision``) and the conventions it concerns
    (``cph:concernsConvention``). The report names the reading applied (``cph:readingApplied``)
    and holds an assessment (``cph:Assessment``) of every convention and centre: the day it was
    judged on, the version of the text applied and the verdict; it lists every convention judged
    (``cph:validatedConvention``, since one that conforms leaves no result). So a stored report
    can be queried by provision, convention and verdict without the shapes or the data, and
    reports under two readings can be compared. Messages keep their language tags.

    Oxigraph triples, because a report of 10,000 conventions (60,000 triples) is written to the
    store or serialised as Turtle by Oxigraph in a fraction of what rdflib takes to build it.
    """
    triples: list[ox.Triple] = []
    public = OxigraphTerms()  # the verdicts' IRIs, rdflib's on the public API: converted once

    def add(subject: Subject, predicate: ox.NamedNode, value: Term) -> None:
        triples.append(ox.Triple(subject, predicate, value))

    report = ox.BlankNode()
    add(report, vocab.RDF.type, vocab.SH.ValidationReport)
    add(report, vocab.SH.conforms, _TRUE if outcome.conforms_to_shacl else _FALSE)
    reading = None if outcome.reading is None else public(outcome.reading.iri)
    if reading is not None:
        add(report, vocab.CPH.readingApplied, reading)
    days: dict[date, ox.Literal] = {}
    for verdict in outcome._verdicts():
        assessment = ox.BlankNode()
        iri = public(verdict.iri)
        add(report, vocab.CPH.assessment, assessment)
        add(assessment, vocab.RDF.type, vocab.CPH.Assessment)
        add(assessment, vocab.CPH.assessed, iri)
        add(assessment, vocab.CPH.verdict, public(verdict.verdict.value))
        if reading is not None:
            add(assessment, vocab.CPH.readingApplied, reading)
        if verdict.assessment is not None:
            day = verdict.assessment.day
            if day not in days:
                days[day] = ox.Literal(day.isoformat(), datatype=vocab.XSD.date)
            add(assessment, vocab.CPH.evaluatedOn, days[day])
            if verdict.assessment.version is not None:
                add(assessment, vocab.CPH.appliedVersion, public(verdict.assessment.version.iri))
        if isinstance(verdict, ConventionVerdict) and verdict.verdict is not Verdict.NOT_JUDGED:
            add(report, vocab.CPH.validatedConvention, iri)
    copied: set[Subject] = set()
    for finding in outcome.results:
        terms = finding.terms
        result = ox.BlankNode()
        add(report, vocab.SH.result, result)
        add(result, vocab.RDF.type, vocab.SH.ValidationResult)
        add(result, vocab.SH.focusNode, terms.focus)
        add(result, vocab.SH.resultSeverity, public(finding.severity.value))
        add(result, vocab.SH.sourceShape, terms.shape)
        add(result, vocab.SH.sourceConstraintComponent, terms.component)
        add(result, vocab.CPH.provision, public(finding.provision.iri))
        if terms.path is not None:
            add(result, vocab.SH.resultPath, terms.path)
            if terms.path not in copied:
                copied.add(terms.path)
                _copy_structure(outcome.shapes, terms.path, add)
        if terms.value is not None:
            add(result, vocab.SH.value, terms.value)
        for lang, message in sorted(finding.messages.items()):
            add(result, vocab.SH.resultMessage, ox.Literal(message, language=lang))
        for lang, detail in sorted(finding.details.items()):
            add(result, vocab.RDFS.comment, ox.Literal(detail, language=lang))
        for convention in terms.conventions:
            add(result, vocab.CPH.concernsConvention, convention)
    return triples


_TRUE = ox.Literal(True)
_FALSE = ox.Literal(False)


def _copy_structure(
    source: Graph, node: Subject, add: Callable[[Subject, ox.NamedNode, Term], None]
) -> None:
    """Copy a blank-node structure (a SHACL path such as an alternative path) and its lists.

    The shapes graph is rdflib's (pySHACL and the compiler read it): its terms are converted.
    """
    if not isinstance(node, ox.BlankNode):
        return
    for predicate, obj in source.predicate_objects(to_rdflib(node)):
        copied = _SHAPE_TERMS(obj)
        add(node, _SHAPE_TERMS(predicate), copied)
        _copy_structure(source, copied, add)


def _provision(iri: URIRef, legal: ox.Store) -> Provision:
    node = ox.NamedNode(iri)
    reference = value(legal, node, vocab.CPH.provisionLabel)
    return Provision(
        iri=iri,
        reference=reference.value if reference is not None else str(iri),
        labels=by_language(objects(legal, node, vocab.RDFS.label)),
    )


_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}


def _ordinal(part: str) -> int:
    if part in _ROMAN:
        return _ROMAN[part]
    match = re.fullmatch(r"\d+", part)
    return int(part) if match else 0
