"""Rendering a :class:`~cph_kg.validation.report.ValidationOutcome` as text, JSON or a SHACL report.

Text is for people at a terminal: the reading applied, then each convention and its findings by
provision, then the centres' own obligation, in the chosen language. JSON is the same structure
for programs; Turtle is the standard ``sh:ValidationReport`` (each result also carries
``cph:provision``; the report names the reading and holds each verdict).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from itertools import groupby

import pyoxigraph as ox
from rdflib import Graph

from cph_kg.namespaces import R349_2, prefixes
from cph_kg.output_safety import json_safe, printable
from cph_kg.rdf.terms import Term
from cph_kg.validation.paths import path_text
from cph_kg.validation.point_in_time import Assessment, DayBasis
from cph_kg.validation.report import (
    CentreVerdict,
    ConventionVerdict,
    Finding,
    Severity,
    ValidationOutcome,
    Verdict,
)

HEADINGS = {
    "fr": {
        "title": (
            "Contrôle de conformité à l'article R. 349-2 "
            "du code de l'action sociale et des familles"
        ),
        "reading": "Lecture appliquée : {label} ({name})",
        "basis_signature": "date de conclusion",
        "basis_as_of": "date choisie",
        "basis_today": "aujourd'hui, la convention n'ayant pas de date de conclusion valide",
        "basis_today_centre": "aujourd'hui",
        "version": "{reference} au {day} ({basis}) : version en vigueur depuis le {start}",
        "before": " ; R. 349-2 n'était pas encore en vigueur",
        "no_version": (
            "ni R. 349-2 ni L. 349-2 n'était en vigueur le {day} ({basis}) : rien à appliquer"
        ),
        "centres": "Centres provisoires d'hébergement au {day} ({basis}) :",
        "centres_summary": "{ok} centre(s) sur {total} avec une convention en vigueur.",
        "summary": (
            "{total} convention(s) : {ok} conforme(s), {nc} non conforme(s), "
            "{ca} non appréciable(s), {nj} non jugée(s) ; constats juridiques : {lv} "
            "violation(s), {lw} avertissement(s), {li} information(s) ; qualité des données : "
            "{dv} violation(s), {dw} avertissement(s), {di} information(s)."
        ),
        "data_quality": "qualité des données",
        "value": " (valeur : {})",
        "about": "{} : ",
        "unnamed": "une partie sans nom",
        Severity.VIOLATION: "VIOLATION",
        Severity.WARNING: "AVERTISSEMENT",
        Severity.INFO: "INFORMATION",
    },
    "en": {
        "title": "Conformity with article R. 349-2 of the Code de l'action sociale et des familles",
        "reading": "Reading applied: {label} ({name})",
        "basis_signature": "date of conclusion",
        "basis_as_of": "chosen date",
        "basis_today": "today, the agreement having no valid date of conclusion",
        "basis_today_centre": "today",
        "version": "{reference} on {day} ({basis}): version in force since {start}",
        "before": "; R. 349-2 was not yet in force",
        "no_version": "neither R. 349-2 nor L. 349-2 was in force on {day} ({basis}): "
        "nothing to apply",
        "centres": "Centres provisoires d'hébergement on {day} ({basis}):",
        "centres_summary": "{ok} of {total} centre(s) with an agreement in force.",
        "summary": (
            "{total} convention(s): {ok} conform, {nc} do not conform, {ca} cannot be "
            "assessed, {nj} not judged; legal findings: {lv} violation(s), {lw} warning(s), "
            "{li} info(s); data quality: {dv} violation(s), {dw} warning(s), {di} info(s)."
        ),
        "data_quality": "data quality",
        "value": " (value: {})",
        "about": "{}: ",
        "unnamed": "an unnamed party",
        Severity.VIOLATION: "VIOLATION",
        Severity.WARNING: "WARNING",
        Severity.INFO: "INFO",
    },
}

#: The mark before a convention or centre in the text report.
MARKS = {
    Verdict.CONFORMS: "✔",
    Verdict.DOES_NOT_CONFORM: "✘",
    Verdict.CANNOT_BE_ASSESSED: "?",
    Verdict.NOT_JUDGED: "–",
}


def as_text(outcome: ValidationOutcome, lang: str = "fr") -> str:
    """A report for a terminal.

    The reading, each convention and its findings by provision, the centres' own obligation,
    then the counts.
    """
    words = HEADINGS[lang]
    lines = [words["title"]]
    if outcome.reading is not None:
        lines.append(
            words["reading"].format(label=outcome.reading.label(lang), name=outcome.reading.name)
        )
    lines.append("")
    for verdict in outcome.conventions:
        lines.extend(_convention_lines(verdict, lang, outcome.names))
        lines.append("")
    if outcome.centres:
        first = outcome.centres[0].assessment
        basis = words["basis_as_of" if first.basis is DayBasis.AS_OF else "basis_today_centre"]
        lines.append(words["centres"].format(day=first.day.isoformat(), basis=basis))
        for centre in outcome.centres:
            lines.extend(_centre_lines(centre, lang, outcome.names))
        ok = sum(1 for centre in outcome.centres if centre.verdict is Verdict.CONFORMS)
        lines.append(words["centres_summary"].format(ok=ok, total=len(outcome.centres)))
        lines.append("")
    lines.append(_summary(outcome, lang))
    return "\n".join(lines)


def _summary(outcome: ValidationOutcome, lang: str) -> str:
    counted = outcome.verdicts()
    return HEADINGS[lang]["summary"].format(
        total=len(outcome.conventions),
        ok=counted[Verdict.CONFORMS],
        nc=counted[Verdict.DOES_NOT_CONFORM],
        ca=counted[Verdict.CANNOT_BE_ASSESSED],
        nj=counted[Verdict.NOT_JUDGED],
        lv=outcome.count(Severity.VIOLATION, legal=True),
        lw=outcome.count(Severity.WARNING, legal=True),
        li=outcome.count(Severity.INFO, legal=True),
        dv=outcome.count(Severity.VIOLATION, legal=False),
        dw=outcome.count(Severity.WARNING, legal=False),
        di=outcome.count(Severity.INFO, legal=False),
    )


def _convention_lines(verdict: ConventionVerdict, lang: str, names: dict[Term, str]) -> list[str]:
    name = printable(verdict.identifier or str(verdict.iri))
    details = printable(", ".join(part for part in (verdict.departement, verdict.date) if part))
    status = verdict.verdict.label(lang)
    lines = [f"{MARKS[verdict.verdict]} {name} — {status}" + (f" ({details})" if details else "")]
    if verdict.title:
        title = printable(verdict.title)
        lines.append(f"  « {title} »" if lang == "fr" else f'  "{title}"')
    if verdict.source:
        lines.append(f"  {printable(str(verdict.source))}")
    if verdict.assessment is not None:
        lines.append("  " + _assessment_line(verdict.assessment, lang))
    lines.extend(_findings_lines(verdict.findings, lang, names))
    return lines


def _centre_lines(centre: CentreVerdict, lang: str, names: dict[Term, str]) -> list[str]:
    name = printable(centre.name or str(centre.iri))
    lines = [f"{MARKS[centre.verdict]} {name} — {centre.verdict.label(lang)}"]
    lines.extend(_findings_lines(centre.findings, lang, names, about=False))  # named above
    return lines


def _findings_lines(
    findings: list[Finding], lang: str, names: dict[Term, str], about: bool = True
) -> list[str]:
    lines = []
    for provision, grouped in groupby(findings, key=lambda f: f.provision):
        lines.append(f"  {provision.label(lang)}")
        lines.extend(_finding_line(finding, lang, names, about) for finding in grouped)
    return lines


def _assessment_line(assessment: Assessment, lang: str) -> str:
    """Which day the convention is judged on, why, and which version of which text applied."""
    words = HEADINGS[lang]
    day = assessment.day.isoformat()
    basis = words[f"basis_{assessment.basis.name.lower()}"]
    version = assessment.version
    if version is None:
        return words["no_version"].format(day=day, basis=basis)
    line = words["version"].format(
        reference=version.reference, day=day, basis=basis, start=version.start.isoformat()
    )
    return line + ("" if version.article == R349_2 else words["before"])


def _finding_line(finding: Finding, lang: str, names: dict[Term, str], about: bool = True) -> str:
    """Severity, kind, the party it is about (when not the convention), message, value.

    A party is named as the data name it (``skos:prefLabel``, else ``rdfs:label``), with its
    IRI when it is the value, so that a joint convention's finding says which centre.
    """
    words = HEADINGS[lang]
    kind = "" if finding.legal else f" [{words['data_quality']}]"
    terms = finding.terms
    # a node shape's SPARQL check reports the focus itself as the value (SHACL): not repeated
    value = ""
    if terms.value is not None and terms.value != terms.focus:
        named = names.get(terms.value)
        iri = isinstance(terms.value, ox.NamedNode)
        value = words["value"].format(f"{named} <{terms.value.value}>" if named and iri else named)
        if not named:
            value = words["value"].format(terms.value.value)
    party = ""
    if about and terms.focus not in terms.conventions:
        party = words["about"].format(party_name(terms.focus, names, lang))
    detail = finding.details.get(lang)
    return printable(
        f"    {words[finding.severity]}{kind} {party}{finding.message(lang)}{value}"
        + (f" {detail}" if detail else "")
    )


def party_name(party: Term, names: dict[Term, str], lang: str) -> str:
    """A party as a reader knows it: its name, else its IRI; a blank node without one, said."""
    if party in names:
        return names[party]
    return HEADINGS[lang]["unnamed"] if isinstance(party, ox.BlankNode) else party.value


def as_json(outcome: ValidationOutcome, lang: str = "fr") -> str:
    """The outcome as a JSON document (messages in ``lang``), on one line.

    One pass over the verdicts: each convention's verdict and counts are worked out once (at
    50,000 conventions, asking the outcome for them took a third of the rendering). Each
    entry is written as soon as it is built, and only the text is kept: the document as one
    tree of dictionaries took more memory than its text (80 MiB at 10,000 conventions,
    for 12 MB of text). The text is the one ``json.dumps`` writes of the whole document.
    """
    counted = dict.fromkeys(Verdict, 0)
    counts = {(severity, legal): 0 for severity in Severity for legal in (True, False)}
    conventions = []
    for verdict in outcome.conventions:
        judged = verdict.verdict
        head = {
            "iri": str(verdict.iri),
            "identifier": verdict.identifier,
            "title": verdict.title,
            "date": verdict.date,
            "departement": verdict.departement,
            "source": str(verdict.source) if verdict.source else None,
            "verdict": judged.key,
            "conforms": None if judged is Verdict.NOT_JUDGED else judged is Verdict.CONFORMS,
        }
        conventions.append(
            _dumps(_judged_json(head, verdict, judged, outcome, lang, counts, counted))
        )
    centres = []
    centre_verdicts = dict.fromkeys(Verdict, 0)
    for centre in outcome.centres:
        judged = centre.verdict
        head = {"iri": str(centre.iri), "name": centre.name, "verdict": judged.key}
        centres.append(
            _dumps(_judged_json(head, centre, judged, outcome, lang, counts, centre_verdicts))
        )
    failing = (Verdict.DOES_NOT_CONFORM, Verdict.CANNOT_BE_ASSESSED)
    summary = {
        "reading": _reading_json(outcome, lang),
        "conforms": not any(counted[v] or centre_verdicts[v] for v in failing),
        "summary": {
            "conventions": len(outcome.conventions),
            "conforming": counted[Verdict.CONFORMS],
            "not_conforming": counted[Verdict.DOES_NOT_CONFORM],
            "cannot_be_assessed": counted[Verdict.CANNOT_BE_ASSESSED],
            "not_judged": counted[Verdict.NOT_JUDGED],
            "violations": counts[Severity.VIOLATION, True] + counts[Severity.VIOLATION, False],
            "warnings": counts[Severity.WARNING, True] + counts[Severity.WARNING, False],
            "infos": counts[Severity.INFO, True] + counts[Severity.INFO, False],
            "legal": _counts(counts, legal=True),
            "data_quality": _counts(counts, legal=False),
            "centres": len(centres),
            "centres_conforming": centre_verdicts[Verdict.CONFORMS],
        },
    }
    # the document's members in json.dumps's order and separators, joined once (joining each
    # list first would copy the whole text twice)
    return "".join(
        (
            _dumps(summary)[:-1],
            ', "conventions": ',
            *_listed(conventions),
            ', "centres": ',
            *_listed(centres),
            "}",
        )
    )


def _listed(entries: list[str]) -> list[str]:
    """The parts of a JSON array of these entries' texts, as ``json.dumps`` separates them."""
    parts = ["["]
    for index, entry in enumerate(entries):
        if index:
            parts.append(", ")
        parts.append(entry)
    parts.append("]")
    return parts


def _dumps(value: object) -> str:
    """JSON text on one line, with the characters a terminal would obey escaped.

    The C encoder: indented JSON goes through a pure-Python one, 5x slower.
    """
    return json_safe(json.dumps(value, ensure_ascii=False))


def _judged_json(
    head: Mapping[str, object],
    item: ConventionVerdict | CentreVerdict,
    verdict: Verdict,
    outcome: ValidationOutcome,
    lang: str,
    counts: dict[tuple[Severity, bool], int],
    verdicts: dict[Verdict, int],
) -> dict[str, object]:
    """A convention's or a centre's entry (``head``, its assessment, its findings), counted."""
    for finding in item.findings:
        counts[finding.severity, finding.legal] += 1
    verdicts[verdict] += 1
    return {
        **head,
        **_assessment_json(item.assessment),
        "findings": [
            _finding_json(finding, lang, outcome.shapes, outcome.names) for finding in item.findings
        ],
    }


def _reading_json(outcome: ValidationOutcome, lang: str) -> dict[str, str] | None:
    if outcome.reading is None:
        return None
    return {
        "name": outcome.reading.name,
        "iri": str(outcome.reading.iri),
        "label": outcome.reading.label(lang),
    }


def _counts(counts: dict[tuple[Severity, bool], int], legal: bool) -> dict[str, int]:
    return {
        "violations": counts[Severity.VIOLATION, legal],
        "warnings": counts[Severity.WARNING, legal],
        "infos": counts[Severity.INFO, legal],
    }


def _assessment_json(assessment: Assessment | None) -> dict[str, str | None]:
    version = assessment.version if assessment else None
    return {
        "judged_on": assessment.day.isoformat() if assessment else None,
        "judged_on_basis": assessment.basis.value if assessment else None,
        "applied_version": str(version.iri) if version else None,
        "applied_text": version.reference if version else None,
    }


def _finding_json(
    finding: Finding, lang: str, shapes: Graph, names: dict[Term, str]
) -> dict[str, str | None]:
    """A finding for programs; the path a property IRI or SPARQL property path, never _:x."""
    terms = finding.terms
    about = terms.focus not in terms.conventions
    return {
        "provision": str(finding.provision.iri),
        "provision_reference": finding.provision.reference,
        "provision_label": finding.provision.label(lang),
        "severity": finding.severity.label,
        "rule_kind": finding.rule_kind.label,
        "message": finding.message(lang),
        "detail": finding.details.get(lang),
        "obligation": terms.obligation.value if terms.obligation is not None else None,
        "shape": terms.shape.value,
        "focus": terms.focus.value,
        "focus_name": names.get(terms.focus) if about else None,
        "path": path_text(finding.path, shapes),  # the shapes graph is rdflib's
        "value": terms.value.value if terms.value is not None else None,
        "value_name": names.get(terms.value) if terms.value is not None else None,
    }


def as_turtle(outcome: ValidationOutcome) -> str:
    """The standard SHACL validation report, in Turtle (written by Oxigraph: fast at scale)."""
    return ox.serialize(  # type: ignore[union-attr]  # bytes: no output was given
        outcome.report_triples, format=ox.RdfFormat.TURTLE, prefixes=TURTLE_PREFIXES
    ).decode("utf-8")


#: Prefixes of the Turtle report: Oxigraph declares every prefix it is given, so only these.
TURTLE_PREFIXES = prefixes("sh", "cph", "shape", "r349", "conv", "skos", "rdfs", "xsd")
