"""Rendering a :class:`~cph_kg.report.ValidationOutcome` as text, JSON or a SHACL report.

Text is for people at a terminal: grouped by convention, then by provision of R349-2, in the
chosen language. JSON is the same structure for programs; Turtle is the standard
``sh:ValidationReport`` (each result also carries ``cph:provision``).
"""

from __future__ import annotations

import json
from itertools import groupby

import pyoxigraph as ox

from cph_kg.output_safety import json_safe, printable
from cph_kg.point_in_time import Assessment
from cph_kg.report import ConventionVerdict, Finding, Severity, ValidationOutcome

HEADINGS = {
    "fr": {
        "title": (
            "Contrôle de conformité à l'article R. 349-2 "
            "du code de l'action sociale et des familles"
        ),
        "conforms": "conforme",
        "not_conforms": "non conforme",
        "not_judged": "non appréciée",
        "basis_signature": "date de conclusion",
        "basis_as_of": "date choisie",
        "basis_today": "aujourd'hui, la convention n'ayant pas de date de conclusion valide",
        "version": "R. 349-2 au {day} ({basis}) : version en vigueur depuis le {start}",
        "no_version": "R. 349-2 n'était pas en vigueur le {day} ({basis}) : rien à appliquer",
        "summary": (
            "{ok} convention(s) conforme(s) sur {total} ; "
            "{v} violation(s), {w} avertissement(s), {i} information(s)."
        ),
        "not_judged_count": (
            " {n} convention(s) non appréciée(s) : R. 349-2 n'était pas en vigueur."
        ),
        "data_quality": "qualité des données",
        "value": " (valeur : {})",
        Severity.VIOLATION: "VIOLATION",
        Severity.WARNING: "AVERTISSEMENT",
        Severity.INFO: "INFORMATION",
    },
    "en": {
        "title": "Conformity with article R. 349-2 of the Code de l'action sociale et des familles",
        "conforms": "conforms",
        "not_conforms": "does not conform",
        "not_judged": "not judged",
        "basis_signature": "date of conclusion",
        "basis_as_of": "chosen date",
        "basis_today": "today, the agreement having no valid date of conclusion",
        "version": "R. 349-2 on {day} ({basis}): version in force since {start}",
        "no_version": "R. 349-2 was not in force on {day} ({basis}): nothing to apply",
        "summary": (
            "{ok} of {total} convention(s) conform; {v} violation(s), {w} warning(s), {i} info(s)."
        ),
        "not_judged_count": " {n} convention(s) not judged: R. 349-2 was not in force.",
        "data_quality": "data quality",
        "value": " (value: {})",
        Severity.VIOLATION: "VIOLATION",
        Severity.WARNING: "WARNING",
        Severity.INFO: "INFO",
    },
}


def as_text(outcome: ValidationOutcome, lang: str = "fr") -> str:
    """A report for a terminal: each convention, then its findings grouped by provision."""
    words = HEADINGS[lang]
    lines = [words["title"], ""]
    for verdict in outcome.conventions:
        lines.extend(_convention_lines(verdict, lang))
        lines.append("")
    ok = sum(1 for verdict in outcome.conventions if verdict.conforms)
    lines.append(
        words["summary"].format(
            ok=ok,
            total=len(outcome.conventions),
            v=outcome.count(Severity.VIOLATION),
            w=outcome.count(Severity.WARNING),
            i=outcome.count(Severity.INFO),
        )
    )
    not_judged = sum(1 for verdict in outcome.conventions if not verdict.judged)
    if not_judged:
        lines[-1] += words["not_judged_count"].format(n=not_judged)
    return "\n".join(lines)


def _convention_lines(verdict: ConventionVerdict, lang: str) -> list[str]:
    words = HEADINGS[lang]
    mark = "✔" if verdict.conforms else ("✘" if verdict.judged else "–")
    status = words["conforms"] if verdict.conforms else words["not_conforms"]
    if not verdict.judged:
        status = words["not_judged"]
    name = printable(verdict.identifier or str(verdict.iri))
    details = printable(", ".join(part for part in (verdict.departement, verdict.date) if part))
    lines = [f"{mark} {name} — {status}" + (f" ({details})" if details else "")]
    if verdict.title:
        title = printable(verdict.title)
        lines.append(f"  « {title} »" if lang == "fr" else f'  "{title}"')
    if verdict.source:
        lines.append(f"  {printable(str(verdict.source))}")
    if verdict.assessment is not None:
        lines.append("  " + _assessment_line(verdict.assessment, lang))
    for provision, findings in groupby(verdict.findings, key=lambda f: f.provision):
        lines.append(f"  {provision.label(lang)}")
        lines.extend(_finding_line(finding, lang) for finding in findings)
    return lines


def _assessment_line(assessment: Assessment, lang: str) -> str:
    """Which day the convention is judged on, why, and which version of R349-2 applied."""
    words = HEADINGS[lang]
    day = assessment.day.isoformat()
    basis = words[f"basis_{assessment.basis.name.lower()}"]
    if assessment.version is None:
        return words["no_version"].format(day=day, basis=basis)
    start = assessment.version.start.isoformat()
    return words["version"].format(day=day, basis=basis, start=start)


def _finding_line(finding: Finding, lang: str) -> str:
    words = HEADINGS[lang]
    kind = f" [{words['data_quality']}]" if finding.rule_kind.name == "DATA_QUALITY" else ""
    value = words["value"].format(finding.value) if finding.value is not None else ""
    return printable(f"    {words[finding.severity]}{kind} {finding.message(lang)}{value}")


def as_json(outcome: ValidationOutcome, lang: str = "fr") -> str:
    """The outcome as a JSON document (messages in ``lang``)."""
    document = {
        "conforms": outcome.conforms,
        "summary": {
            "conventions": len(outcome.conventions),
            "conforming": sum(1 for verdict in outcome.conventions if verdict.conforms),
            "violations": outcome.count(Severity.VIOLATION),
            "warnings": outcome.count(Severity.WARNING),
            "infos": outcome.count(Severity.INFO),
        },
        "conventions": [
            {
                "iri": str(verdict.iri),
                "identifier": verdict.identifier,
                "title": verdict.title,
                "date": verdict.date,
                "departement": verdict.departement,
                "source": str(verdict.source) if verdict.source else None,
                "conforms": verdict.conforms if verdict.judged else None,
                "judged_on": verdict.assessment.day.isoformat() if verdict.assessment else None,
                "judged_on_basis": verdict.assessment.basis.value if verdict.assessment else None,
                "applied_version": (
                    str(verdict.assessment.version.iri)
                    if verdict.assessment and verdict.assessment.version
                    else None
                ),
                "findings": [_finding_json(finding, lang) for finding in verdict.findings],
            }
            for verdict in outcome.conventions
        ],
    }
    # one line: the C encoder (indented JSON goes through a pure-Python one, 5x slower)
    return json_safe(json.dumps(document, ensure_ascii=False))


def _finding_json(finding: Finding, lang: str) -> dict[str, str | None]:
    return {
        "provision": str(finding.provision.iri),
        "provision_reference": finding.provision.reference,
        "provision_label": finding.provision.label(lang),
        "severity": finding.severity.label,
        "rule_kind": finding.rule_kind.label,
        "message": finding.message(lang),
        "obligation": str(finding.obligation) if finding.obligation else None,
        "shape": str(finding.shape),
        "focus": str(finding.focus),
        "path": str(finding.path) if finding.path is not None else None,
        "value": str(finding.value) if finding.value is not None else None,
    }


def as_turtle(outcome: ValidationOutcome) -> str:
    """The standard SHACL validation report, in Turtle (written by Oxigraph: fast at scale)."""
    return ox.serialize(
        outcome.report_triples, format=ox.RdfFormat.TURTLE, prefixes=TURTLE_PREFIXES
    ).decode("utf-8")


#: Prefixes of the Turtle report.
TURTLE_PREFIXES = {
    "sh": "http://www.w3.org/ns/shacl#",
    "cph": "https://w3id.org/cph-kg/ontology#",
    "shape": "https://w3id.org/cph-kg/shapes/r349-2#",
    "r349": "https://w3id.org/cph-kg/law/casf/R349-2/",
    "convention": "https://w3id.org/cph-kg/convention/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
