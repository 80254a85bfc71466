"""The report of a generic SHACL run (:mod:`cph_kg.generic.validation`) as text, JSON or Turtle.

The same three formats as a convention's report. Text is for a terminal: one line a result,
terms shortened with the prefixes of the shapes and data files. JSON is for programs: terms as
strings (an IRI as itself, a literal as its lexical form, a blank node as ``_:label``) and
each path as its property IRI, or a complex path in SPARQL property-path syntax, never a
blank-node label. Turtle is the standard ``sh:ValidationReport``, complex paths and blank-node
shapes copied from the shapes graph so that the report stands on its own.
"""

from __future__ import annotations

import json

from rdflib import RDF, SH, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from cph_kg.authoring.convert import described
from cph_kg.generic.validation import GenericOutcome, GenericResult
from cph_kg.output_safety import json_safe, printable
from cph_kg.validation.paths import path_text

WORDS = {
    "fr": {
        "title": "Validation SHACL ({engine})",
        "conforms": "conforme : aucun résultat",
        "not_conforms": (
            "non conforme : {n} résultat(s) ; {v} violation(s), {w} avertissement(s), "
            "{i} information(s)"
        ),
        "value": "valeur",
        "path": "chemin",
        SH.Violation: "VIOLATION",
        SH.Warning: "AVERTISSEMENT",
        SH.Info: "INFORMATION",
    },
    "en": {
        "title": "SHACL validation ({engine})",
        "conforms": "conforms: no result",
        "not_conforms": (
            "does not conform: {n} result(s); {v} violation(s), {w} warning(s), {i} info(s)"
        ),
        "value": "value",
        "path": "path",
        SH.Violation: "VIOLATION",
        SH.Warning: "WARNING",
        SH.Info: "INFO",
    },
}


def message(result: GenericResult, shapes: Graph, lang: str) -> str:
    """The shape's ``sh:message`` in ``lang`` (or any), else the engine's, else the component."""
    mine = [m for m in shapes.objects(result.shape, SH.message) if isinstance(m, Literal)]
    for candidates in (
        [m for m in mine if m.language == lang],
        [m for m in mine if not m.language],
        mine,
    ):
        if candidates:
            return str(min(candidates))
    if result.messages:
        return result.messages.get(lang) or next(iter(sorted(result.messages.values())))
    return str(result.component).removeprefix(str(SH))


def _term(node: Node | None) -> str | None:
    """A term for JSON: an IRI as itself, a literal its lexical form, a blank node _:label."""
    if node is None:
        return None
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def as_text(outcome: GenericOutcome, lang: str = "fr") -> str:
    """One line a result, under the verdict; terms shortened with the files' prefixes."""
    words = WORDS[lang]
    names = outcome.shapes.namespace_manager
    lines = [words["title"].format(engine=outcome.engine)]
    if outcome.conforms:
        lines.append(words["conforms"])
    else:
        lines.append(
            words["not_conforms"].format(
                n=len(outcome.results),
                v=outcome.count(SH.Violation),
                w=outcome.count(SH.Warning),
                i=outcome.count(SH.Info),
            )
        )
    for result in outcome.results:
        severity = words.get(result.severity, result.severity.n3(names))
        parts = [f"{severity} {result.focus.n3(names)}"]
        path = path_text(result.path, outcome.shapes)
        if result.path is not None:
            shown = result.path.n3(names) if isinstance(result.path, URIRef) else path
            parts.append(f"{words['path']} {shown}")
        if result.value is not None:
            parts.append(f"{words['value']} {result.value.n3(names)}")
        said = message(result, outcome.shapes, lang)
        text = " — ".join(parts) + f": {said}"
        shape = result.shape.n3(names) if isinstance(result.shape, URIRef) else None
        component = result.component.n3(names)
        tags = [tag for tag in (shape, component) if tag and not tag.endswith(f":{said}")]
        lines.append(printable(text + (f" [{', '.join(tags)}]" if tags else "")))
    return "\n".join(lines) + "\n"


def as_json(outcome: GenericOutcome, lang: str = "fr") -> str:
    """The outcome as JSON (messages in ``lang``)."""
    document = {
        "conforms": outcome.conforms,
        "engine": outcome.engine,
        "summary": {
            "results": len(outcome.results),
            "violations": outcome.count(SH.Violation),
            "warnings": outcome.count(SH.Warning),
            "infos": outcome.count(SH.Info),
        },
        "results": [
            {
                "focus": _term(result.focus),
                "path": path_text(result.path, outcome.shapes),
                "value": _term(result.value),
                "severity": str(result.severity),
                "shape": _term(result.shape),
                "component": str(result.component),
                "message": message(result, outcome.shapes, lang),
            }
            for result in outcome.results
        ],
    }
    return json_safe(json.dumps(document, ensure_ascii=False, indent=2)) + "\n"


def as_turtle(outcome: GenericOutcome) -> str:
    """The standard ``sh:ValidationReport``."""
    report = Graph()
    for prefix, namespace in outcome.shapes.namespaces():
        report.bind(prefix, namespace, replace=True)
    root = BNode()
    report.add((root, RDF.type, SH.ValidationReport))
    report.add((root, SH.conforms, Literal(outcome.conforms)))
    for result in outcome.results:
        node = BNode()
        report.add((root, SH.result, node))
        report.add((node, RDF.type, SH.ValidationResult))
        report.add((node, SH.focusNode, result.focus))
        report.add((node, SH.resultSeverity, result.severity))
        report.add((node, SH.sourceShape, result.shape))
        report.add((node, SH.sourceConstraintComponent, result.component))
        if result.path is not None:
            report.add((node, SH.resultPath, result.path))
            if isinstance(result.path, BNode):
                report += described(outcome.shapes, result.path)  # type: ignore[arg-type]
        if result.value is not None:
            report.add((node, SH.value, result.value))
        for literal in outcome.shapes.objects(result.shape, SH.message):
            report.add((node, SH.resultMessage, literal))
        if not any(outcome.shapes.objects(result.shape, SH.message)):
            for language, text in sorted(result.messages.items()):
                report.add((node, SH.resultMessage, Literal(text, lang=language)))
        if isinstance(result.shape, BNode):
            report += described(outcome.shapes, result.shape)  # type: ignore[arg-type]
    return report.serialize(format="turtle")
