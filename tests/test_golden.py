"""The golden cases of data/conventions/manifest.ttl, run the way the W3C SHACL test suite runs.

Each entry names a convention file, the run data it is judged with (the day, ``cph:evaluatedOn``,
and the reading, ``cph:readingApplied``, when not the defaults) and the exact results its
validation must give: focus node, shape, severity, provision, path and value; and the verdict of
each convention (and of the centres it lists). One parametrised test runs them all, so adding a
case to the manifest adds a test.
"""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import pytest
from rdflib import RDF, RDFS, SH, Graph, URIRef
from rdflib.collection import Collection
from rdflib.term import BNode, Node

from cph_kg import Severity, Validator
from cph_kg.namespaces import CPH
from tests.helpers import ENTRIES, MANIFEST, MF, SHT

#: Shapes about the run data cph-kg always adds (the day, the reading): they can only fail for
#: another engine given the conventions without it (tests/test_shapes_elsewhere.py shows it).
RUN_DATA_SHAPES = {
    URIRef("https://w3id.org/cph-kg/shapes/r349-2#Convention-evaluatedOn"),
    URIRef("https://w3id.org/cph-kg/shapes/r349-2#Convention-readingApplied"),
    URIRef("https://w3id.org/cph-kg/shapes/r349-2#Centre-evaluatedOn"),
}


def path_key(graph: Graph, node: Node | None) -> Hashable:
    """A comparable form of a SHACL path: an IRI, or the structure of a blank-node path."""
    if not isinstance(node, BNode):
        return node
    if (graph.value(node, RDF.first)) is not None:
        return tuple(path_key(graph, item) for item in Collection(graph, node))
    return tuple(sorted((str(p), path_key(graph, o)) for p, o in graph.predicate_objects(node)))


def result_keys(graph: Graph, report: Node) -> set[tuple]:
    """The results of a report as (focus, shape, severity, provision, path, value) tuples."""
    return {
        (
            graph.value(result, SH.focusNode),
            graph.value(result, SH.sourceShape),
            graph.value(result, SH.resultSeverity),
            graph.value(result, CPH.provision),
            path_key(graph, graph.value(result, SH.resultPath)),
            graph.value(result, SH.value),
        )
        for result in graph.objects(report, SH.result)
    }


def assessments(graph: Graph, report: Node) -> dict[Node, tuple]:
    """What the report concludes of each thing it assessed: (verdict, applied version)."""
    return {
        graph.value(node, CPH.assessed): (
            graph.value(node, CPH.verdict),
            graph.value(node, CPH.appliedVersion),
        )
        for node in graph.objects(report, CPH.assessment)
    }


def run(entry: URIRef, validator: Validator):
    """Validate the entry's file with the day and reading its action gives."""
    action = MANIFEST.value(entry, MF.action)
    data_file = MANIFEST.value(action, SHT.dataGraph)
    day = MANIFEST.value(action, CPH.evaluatedOn)
    reading = MANIFEST.value(action, CPH.readingApplied)
    return validator.validate_files(
        [Path(url2pathname(urlparse(data_file).path))],
        as_of=day.toPython() if day is not None else None,
        reading=str(reading) if reading is not None else None,
    )


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: str(MANIFEST.value(e, RDFS.label)))
def test_golden_case(entry: URIRef, validator: Validator) -> None:
    outcome = run(entry, validator)
    expected_report = MANIFEST.value(entry, MF.result)
    actual_report = next(outcome.report_graph.subjects(RDF.type, SH.ValidationReport))

    actual = result_keys(outcome.report_graph, actual_report)
    expected = result_keys(MANIFEST, expected_report)
    assert actual == expected, outcome.findings
    expected_conforms = MANIFEST.value(expected_report, SH.conforms).toPython()
    assert (not outcome.findings) is expected_conforms

    verdicts = assessments(outcome.report_graph, actual_report)
    wanted = assessments(MANIFEST, expected_report)
    conventions = {v.iri for v in outcome.conventions}
    assert {c: verdicts[c] for c in conventions} == {c: wanted[c] for c in conventions}
    assert {c: verdicts[c] for c in wanted} == wanted
    has_violation = any(key[2] == Severity.VIOLATION.value for key in expected)
    assert outcome.conforms is not has_violation


def test_every_constraint_shape_has_a_failing_golden_case(shapes_graph: Graph) -> None:
    """Each shape that can produce a result is seen failing in at least one golden case."""
    parameters = {
        SH["class"],
        SH.minCount,
        SH.maxCount,
        SH.hasValue,
        SH.datatype,
        SH.sparql,
        SH.qualifiedValueShape,
        SH.minLength,
    }
    only_qualified = set(shapes_graph.objects(None, SH.qualifiedValueShape))
    constraint_shapes = {
        shape
        for shape, parameter in shapes_graph.subject_predicates()
        if parameter in parameters and shape not in only_qualified and isinstance(shape, URIRef)
    }
    failing = set(MANIFEST.objects(None, SH.sourceShape))
    assert constraint_shapes - failing == RUN_DATA_SHAPES
    assert failing - constraint_shapes == set()


def test_every_verdict_and_reading_has_a_golden_case() -> None:
    verdicts = set(MANIFEST.objects(None, CPH.verdict))
    assert verdicts == {CPH.Conforms, CPH.DoesNotConform, CPH.CannotBeAssessed, CPH.NotJudged}
    readings = {MANIFEST.value(MANIFEST.value(e, MF.action), CPH.readingApplied) for e in ENTRIES}
    assert len(readings - {None}) == 1  # the other reading is the default


def test_conforming_cases_exist_and_have_no_result() -> None:
    """The conforming fixtures are the passing side of every shape at once."""
    reports = [MANIFEST.value(entry, MF.result) for entry in ENTRIES]
    conforming = [r for r in reports if MANIFEST.value(r, SH.conforms).toPython()]
    assert len(conforming) >= 2
    assert all(MANIFEST.value(report, SH.result) is None for report in conforming)
