"""The golden cases of data/conventions/manifest.ttl, run the way the W3C SHACL test suite runs.

Each entry names a convention file and the exact results its validation must give: focus node,
shape, severity, provision, path and value. One parametrised test runs them all, so adding a
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


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: str(MANIFEST.value(e, RDFS.label)))
def test_golden_case(entry: URIRef, validator: Validator) -> None:
    data_file = MANIFEST.value(MANIFEST.value(entry, MF.action), SHT.dataGraph)
    expected_report = MANIFEST.value(entry, MF.result)
    outcome = validator.validate_files([Path(url2pathname(urlparse(data_file).path))])

    actual_report = next(outcome.report_graph.subjects(RDF.type, SH.ValidationReport))
    actual = result_keys(outcome.report_graph, actual_report)
    expected = result_keys(MANIFEST, expected_report)
    assert actual == expected, outcome.findings
    expected_conforms = MANIFEST.value(expected_report, SH.conforms).toPython()
    assert (not outcome.findings) is expected_conforms
    # The typed verdict counts violations only: warnings and infos leave a convention conforming.
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
    assert constraint_shapes - failing == set()
    assert failing - constraint_shapes == set()


def test_conforming_cases_exist_and_have_no_result() -> None:
    """The conforming fixtures are the passing side of every shape at once."""
    reports = [MANIFEST.value(entry, MF.result) for entry in ENTRIES]
    conforming = [r for r in reports if MANIFEST.value(r, SH.conforms).toPython()]
    assert len(conforming) >= 2
    assert all(MANIFEST.value(report, SH.result) is None for report in conforming)
