"""Three engines, one verdict: the compiled engine, pySHACL (the reference) and Apache Jena.

Speed must never change a verdict, and the shapes must mean the same in any SHACL engine. Every
example and golden-case convention, every authoring example, and generated collections (a fault
on every clause, several days of judgement) are validated by the compiled engine and pySHACL;
the examples together on each day and the generated collections also by Jena's SHACL, an
independent implementation in Java run as a subprocess (skipped, with the reason, where Java or
Debian's ``libapache-jena-java`` is missing). Results are compared as multisets of (focus node,
shape, constraint component, path, severity, value), and the verdicts (judged, day, version,
conformity) as well.

Jena starts a Java virtual machine for each run (two to three seconds), so it validates the
examples all in one run rather than file by file: judged together they give exactly the results
each gives alone (``tests/test_inference.py`` checks that of the golden cases).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from datetime import date
from pathlib import Path

import pytest
from rdflib import RDF, Graph
from rdflib.collection import Collection
from rdflib.term import BNode, Node

from cph_kg import ValidationOutcome, Validator, java
from cph_kg.validation.collection import Collection as Conventions
from cph_kg.validation.shape_compiler import compile_shapes
from tests.generate import FAULTS, generate
from tests.helpers import CONVENTIONS

pytestmark = pytest.mark.slow  # generated collections through pySHACL and Jena

EXAMPLES = sorted(
    path
    for path in CONVENTIONS.rglob("*")
    if path.suffix in {".ttl", ".yaml", ".jsonld"} and path.name != "manifest.ttl"
)


@pytest.fixture(scope="module")
def reference() -> Validator:
    """pySHACL, on the same data."""
    return Validator(engine="pyshacl")


@pytest.fixture(scope="module")
def jena() -> Validator:
    """Apache Jena's SHACL, on the same data; the tests using it are skipped without Java."""
    try:
        java.java()
        java.jena_classpath()
    except java.JavaUnavailable as missing:
        pytest.skip(f"Jena SHACL cannot run here: {missing}")
    return Validator(engine="jena")


def path_key(graph: Graph, node: Node | None) -> Hashable:
    """A comparable form of a SHACL path: its IRI, or the structure of a blank-node path."""
    if not isinstance(node, BNode):
        return node
    if graph.value(node, RDF.first) is not None:
        return tuple(path_key(graph, item) for item in Collection(graph, node))
    return tuple(sorted((str(p), path_key(graph, o)) for p, o in graph.predicate_objects(node)))


def results(outcome: ValidationOutcome) -> Counter:
    """The outcome's results as a multiset of comparable tuples."""
    return Counter(
        (
            finding.focus,
            finding.shape,
            finding.component,
            path_key(outcome.shapes, finding.path),
            finding.severity,
            finding.value,
            finding.conventions,
        )
        for finding in outcome.results
    )


def verdicts(outcome: ValidationOutcome) -> list[tuple]:
    """Each convention's verdict, without its findings (compared through the results)."""
    return [
        (v.iri, v.identifier, v.judged, v.conforms, v.assessment, len(v.findings))
        for v in outcome.conventions
    ]


def assert_same(fast: ValidationOutcome, slow: ValidationOutcome) -> None:
    """Same results and same verdicts; and the multiset is not trivially empty on both sides."""
    assert results(fast) == results(slow)
    assert verdicts(fast) == verdicts(slow)


def test_the_bundled_shapes_compile(shapes_graph: Graph) -> None:
    """Every constraint of the bundled shapes has a query, so the fast path is always taken."""
    checks = compile_shapes(shapes_graph)
    assert Validator().engine.name == "compiled"
    shapes = {check.shape for check in checks}
    assert len(checks) >= 30 and len(shapes) >= 25


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_example_gives_pyshacls_results(
    path: Path, validator: Validator, reference: Validator
) -> None:
    assert_same(validator.validate_files([path]), reference.validate_files([path]))


@pytest.mark.parametrize(
    "as_of", [None, date(2015, 12, 31), date(2021, 5, 1), date(2024, 1, 1)], ids=str
)
def test_every_example_together_on_several_days(
    as_of: date | None, validator: Validator, reference: Validator
) -> None:
    """All examples in one run (shared parties), on their own dates or on chosen days."""
    paths = [p for p in EXAMPLES if p.parent.name != "authoring"]  # same IRIs as gironde-2019
    fast = validator.validate_files(paths, as_of=as_of)
    assert_same(fast, reference.validate_files(paths, as_of=as_of))
    assert fast.results or as_of == date(2015, 12, 31)


@pytest.mark.parametrize(
    "as_of", [None, date(2015, 12, 31), date(2021, 5, 1), date(2024, 1, 1)], ids=str
)
def test_every_example_together_gives_the_same_results_in_jena(
    as_of: date | None, validator: Validator, jena: Validator
) -> None:
    """Every example and golden case in one Jena run, on their own dates or on chosen days."""
    paths = [p for p in EXAMPLES if p.parent.name != "authoring"]
    fast = validator.validate_files(paths, as_of=as_of)
    assert_same(fast, jena.validate_files(paths, as_of=as_of))
    assert fast.results or as_of == date(2015, 12, 31)


@pytest.mark.long  # generated collections at scale
@pytest.mark.parametrize("seed", [11, 12])
def test_generated_collections_give_the_same_results_in_jena(
    seed: int, validator: Validator, jena: Validator
) -> None:
    """150 conventions, 80 % faulty, in the compiled engine and in Jena."""
    conventions = Graph().parse(data=generate(150, seed=seed, faulty_share=0.8), format="nt")
    fast = validator.validate_graph(conventions)
    assert_same(fast, jena.validate_graph(conventions))
    assert len({finding.shape for finding in fast.results}) >= 15


@pytest.mark.long  # generated collections at scale
@pytest.mark.parametrize("seed", [11, 12])
def test_generated_collections_give_pyshacls_results(
    seed: int, validator: Validator, reference: Validator
) -> None:
    """150 conventions, 80 % faulty: every fault of the generator occurs, every shape reports."""
    conventions = Graph().parse(data=generate(150, seed=seed, faulty_share=0.8), format="nt")
    fast = validator.validate_graph(conventions)
    assert_same(fast, reference.validate_graph(conventions))
    reported = {finding.shape for finding in fast.results}
    assert len(reported) >= 15, reported
    assert len(FAULTS) == 15


def test_jena_without_its_jars_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where Debian's Jena is not installed, the error says which package to install."""
    monkeypatch.setenv("CPH_KG_JAVA_DIR", "/nonexistent")
    with pytest.raises(java.JavaUnavailable, match="apt-get install libapache-jena-java"):
        Validator(engine="jena").validate_files([EXAMPLES[0]])


def test_the_compiled_engine_leaves_no_scratch_graph(validator: Validator) -> None:
    """The focus nodes it writes into the store while checking are gone when it returns."""
    collection = Conventions.from_files([EXAMPLES[0]])
    before = set(collection.store.named_graphs())
    validator.engine.results(collection.store)
    assert set(collection.store.named_graphs()) == before
