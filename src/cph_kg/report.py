"""The typed result of validating conventions against R349-2, read out of a SHACL report.

A pySHACL report speaks of focus nodes and shapes; a lawyer asks which convention fails which
provision. This module does that translation once, so renderers and API users only see
conventions, provisions, severities and messages in French and English.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from rdflib import RDF, RDFS, SH, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from cph_kg.errors import InputError
from cph_kg.namespaces import CPH
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
    shape: URIRef
    obligation: URIRef | None
    path: Node | None
    value: Node | None
    messages: dict[str, str]

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
    """The result of one validation run: a verdict per convention and the SHACL report."""

    conventions: list[ConventionVerdict]
    report_graph: Graph
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

    def fails(self, fail_on: Severity) -> bool:
        """Whether a finding at ``fail_on`` or worse exists (what the exit code reports)."""
        return any(finding.severity.rank <= fail_on.rank for finding in self.findings)


def annotate_report(report: Graph, shapes: Graph, data: Graph) -> None:
    """Make each result of ``report`` name its provision and convention, in French and English.

    Adds ``cph:provision`` (from the source shape) and ``cph:concernsConvention`` (the focus
    node itself, or the conventions it is a party to), so that a stored report can be queried
    by provision and convention without the shapes or the data; and, on the report itself,
    ``cph:validatedConvention`` for every convention examined, since one that conforms leaves
    no result behind. pySHACL drops the language tags
    of SPARQL-constraint messages; the shapes carry the tagged messages, so results get those.
    """
    conventions = set(data.subjects(RDF.type, CPH.ConventionDeCooperation))
    for node in report.subjects(RDF.type, SH.ValidationReport):
        for convention in conventions:
            report.add((node, CPH.validatedConvention, convention))
    for result in list(report.objects(None, SH.result)):
        shape = report.value(result, SH.sourceShape)
        report.add((result, CPH.provision, shapes.value(shape, CPH.provision)))
        focus = report.value(result, SH.focusNode)
        linked = (
            {focus}
            if focus in conventions
            else {c for p in (CPH.party, CPH.concludedBy) for c in data.subjects(p, focus)}
            & conventions
        )
        for convention in linked:
            report.add((result, CPH.concernsConvention, convention))
        tagged = [m for m in shapes.objects(shape, SH.message) if isinstance(m, Literal)]
        if tagged:
            report.remove((result, SH.resultMessage, None))
            for message in tagged:
                report.add((result, SH.resultMessage, message))


def merge(outcomes: list[ValidationOutcome]) -> ValidationOutcome:
    """One outcome, and one ``sh:ValidationReport``, from the outcomes of several runs."""
    merged = Graph()
    report = BNode()
    conforms = True
    for outcome in outcomes:
        for node in outcome.report_graph.subjects(RDF.type, SH.ValidationReport):
            conforms = conforms and bool(outcome.report_graph.value(node, SH.conforms).toPython())
        for s, p, o in outcome.report_graph:
            if (s, RDF.type, SH.ValidationReport) in outcome.report_graph:
                if p in (SH.result, CPH.validatedConvention):
                    merged.add((report, p, o))
            else:
                merged.add((s, p, o))
    merged.add((report, RDF.type, SH.ValidationReport))
    merged.add((report, SH.conforms, Literal(conforms)))
    verdicts = sorted((v for o in outcomes for v in o.conventions), key=lambda v: str(v.iri))
    return ValidationOutcome(conventions=verdicts, report_graph=merged)


def record_assessments(report: Graph, assessments: dict[URIRef, Assessment]) -> None:
    """Say in the report the day each convention was judged on and the version applied."""
    for convention, assessment in assessments.items():
        report.add((convention, CPH.evaluatedOn, Literal(assessment.day)))
        if assessment.version is not None:
            report.add((convention, CPH.appliedVersion, assessment.version.iri))


def read_outcome(
    report: Graph,
    data: Graph,
    shapes: Graph,
    sources: dict[URIRef, Path],
    assessments: dict[URIRef, Assessment] | None = None,
) -> ValidationOutcome:
    """Turn an annotated SHACL report (see :func:`annotate_report`) into verdicts by convention.

    ``data`` must hold the conventions and the legal data (for provision labels), ``shapes``
    the shapes (for the provision, rule kind and obligation each names), ``sources`` the file
    each convention came from.
    """
    assessments = assessments or {}
    verdicts = {
        iri: _verdict(iri, data, sources.get(iri), assessments.get(iri))
        for iri in sorted(data.subjects(RDF.type, CPH.ConventionDeCooperation), key=str)
        if isinstance(iri, URIRef)
    }
    provisions: dict[URIRef, Provision] = {}
    for result in report.objects(None, SH.result):
        shape = report.value(result, SH.sourceShape)
        provision_iri = shapes.value(shape, CPH.provision)
        if provision_iri not in provisions:
            provisions[provision_iri] = _provision(provision_iri, data)
        focus = report.value(result, SH.focusNode)
        finding = Finding(
            focus=focus,
            provision=provisions[provision_iri],
            severity=Severity(report.value(result, SH.resultSeverity)),
            rule_kind=RuleKind(shapes.value(shape, CPH.ruleKind)),
            shape=shape,
            obligation=shapes.value(shape, CPH.expresses),
            path=report.value(result, SH.resultPath),
            value=report.value(result, SH.value),
            messages=_by_language(report.objects(result, SH.resultMessage)),
        )
        for convention in sorted(report.objects(result, CPH.concernsConvention), key=str):
            verdicts[convention].findings.append(finding)
    for verdict in verdicts.values():
        verdict.findings.sort(key=lambda f: (f.provision.order, f.severity.rank, str(f.shape)))
    return ValidationOutcome(conventions=list(verdicts.values()), report_graph=report)


def _verdict(
    iri: URIRef, data: Graph, source: Path | None, assessment: Assessment | None
) -> ConventionVerdict:
    departement = data.value(iri, CPH.departement)
    return ConventionVerdict(
        iri=iri,
        identifier=_text(data.value(iri, DCTERMS.identifier)),
        title=_text(_preferred(data.objects(iri, DCTERMS.title))),
        date=_text(data.value(iri, CPH.dateOfConclusion)),
        departement=_text(data.value(departement, RDFS.label)) if departement else None,
        source=source,
        assessment=assessment,
    )


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


def _preferred(literals: Iterable[Node]) -> Node | None:
    by_language = {getattr(lit, "language", None): lit for lit in literals}
    return by_language.get("fr") or next(iter(by_language.values()), None)


def _text(node: Node | None) -> str | None:
    return str(node) if node is not None else None


_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}


def _ordinal(part: str) -> int:
    if part in _ROMAN:
        return _ROMAN[part]
    match = re.fullmatch(r"\d+", part)
    return int(part) if match else 0
