"""A verdict is believed only from the report cph-kg writes; a load cannot forge one.

The named queries once read the union of the graphs, so a loaded file holding
``[] cph:concernsConvention conv:x ; sh:resultSeverity sh:Violation`` made a conforming
convention fail (even after ``validate --store``), and ``[] cph:validatedConvention conv:evil``
made a never-validated one conform. Two mechanisms close it, each tested on its own:

- a load (and a file given to ``validate``) refuses the vocabulary only cph-kg writes: SHACL,
  the ontology's report properties, the validation run's facts, statements about the law, the
  ontology, the shapes or cph-kg's graphs; one line, exit 2, the store unchanged;
- the queries about verdicts read only the validation graph: forged statements put in another
  graph by other means (another tool writing to an endpoint) change no verdict.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from cph_kg import CphKgError, vocab
from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.sparql.results import Boolean
from tests.helpers import CONFORMING
from tests.robustness.hostile import assert_one_line_error, run, snapshot

CONVENTION = "https://w3id.org/cph-kg/convention/gironde-2019"
PREFIXES = """\
@prefix cph: <https://w3id.org/cph-kg/ontology#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix conv: <https://w3id.org/cph-kg/convention/> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
#: A failing result for a conforming convention.
FAILING = "[] cph:concernsConvention conv:gironde-2019 ; sh:resultSeverity sh:Violation .\n"
#: A never-validated convention said to be validated.
VALIDATED = (
    "conv:evil a cph:ConventionDeCooperation ; cph:departement "
    "<https://w3id.org/cph-kg/departement/33> .\n[] cph:validatedConvention conv:evil .\n"
)
#: A report under the default reading that assesses the never-validated convention as conforming.
ASSESSED = (
    "[] cph:readingApplied "
    "<https://w3id.org/cph-kg/law/casf/R349-2/reading/organismes-nommes-requis> ;\n"
    "   cph:assessment [ cph:assessed conv:evil ; cph:verdict cph:Conforms ] .\n"
)

#: Files a load refuses, and the term the one-line error names.
FORGERIES = {
    "failing-result": (FAILING, "concernsConvention"),
    "validated-by-no-one": (VALIDATED, "validatedConvention"),
    "a-report": ("[] a sh:ValidationReport ; sh:conforms false .\n", "shacl#"),
    "a-shape": ("conv:s a sh:NodeShape .\n", "declares a <http://www.w3.org/ns/shacl#NodeShape>"),
    "the-law": (
        "<https://w3id.org/cph-kg/law/casf/R349-2> dct:title 'forged'@fr .\n",
        "describes <https://w3id.org/cph-kg/law/casf/R349-2>",
    ),
    "the-ontology": (
        "cph:ConventionDeCooperation rdfs:label 'forged'@fr .\n",
        "describes <https://w3id.org/cph-kg/ontology#ConventionDeCooperation>",
    ),
    "a-graph-fingerprint": (
        "<https://w3id.org/cph-kg/graph/legal> dct:hasVersion 'x' .\n",
        "describes <https://w3id.org/cph-kg/graph/legal>",
    ),
    "the-day-judged-on": (
        "conv:gironde-2019 cph:evaluatedOn '1990-01-01'^^xsd:date .\n",
        "evaluatedOn",
    ),
    "the-reading-applied": (
        "conv:gironde-2019 cph:readingApplied "
        "<https://w3id.org/cph-kg/law/casf/R349-2/reading/organismes-nommes-exemples> .\n",
        "readingApplied",
    ),
    "an-assessment": (ASSESSED, "readingApplied"),
}


@pytest.fixture(scope="module")
def validated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding a conforming convention and its stored report."""
    store = tmp_path_factory.mktemp("verdicts") / "store"
    with KnowledgeGraph.open(store) as kg:
        kg.load([CONFORMING])
        kg.validate()
    return store


def conforms(kg: KnowledgeGraph, convention: str) -> bool:
    answer = kg.query("convention-conforms", convention=convention)
    assert isinstance(answer, Boolean)
    return answer.value


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FORGERIES))
def test_a_load_refuses_what_only_cph_kg_writes(validated: Path, tmp_path: Path, name: str) -> None:
    text, words = FORGERIES[name]
    path = tmp_path / "forged.ttl"
    path.write_text(PREFIXES + text, encoding="utf-8")
    before = snapshot(validated)
    result = run("load", "--location", validated, path)
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, path, None, words)
    with KnowledgeGraph.open(validated) as kg, pytest.raises(CphKgError, match="cph-kg only"):
        kg.load([path])
    assert snapshot(validated) == before
    judged = tmp_path / "judged.ttl"  # a convention beside the forgery, as validate wants
    judged.write_text(CONFORMING.read_text("utf-8") + PREFIXES + text, encoding="utf-8")
    result = run("validate", judged)
    assert result.exit_code == 2 and "written by cph-kg only" in result.stderr, result.stderr


def test_forged_statements_outside_the_report_change_no_verdict(
    validated: Path, tmp_path: Path
) -> None:
    """Written straight into the conventions graph (as another tool could), they are not read."""
    copy = tmp_path / "store"
    shutil.copytree(validated, copy)
    forged = ox.Store()
    forged.load((PREFIXES + FAILING + VALIDATED + ASSESSED).encode(), ox.RdfFormat.TURTLE)
    with KnowledgeGraph.open(copy) as kg:
        before = {
            name: kg.query(name)
            for name in (
                "conventions-by-departement",
                "failed-provisions",
                "findings-by-provision",
                "verdicts-by-reading",
                "readings-compared",
            )
        }
        target = vocab.CONVENTIONS_GRAPH
        kg.store._store.extend(  # type: ignore[attr-defined]
            ox.Quad(q.subject, q.predicate, q.object, target) for q in forged
        )
        assert conforms(kg, CONVENTION)
        assert not conforms(kg, "https://w3id.org/cph-kg/convention/evil")
        for name, answer in before.items():
            after = kg.query(name)
            if name == "conventions-by-departement":  # conv:evil is one more, never validated
                row = next(r for r in after.rows if r[1] == Literal("33"))
                old = next(r for r in answer.rows if r[1] == Literal("33"))
                # conventions, conforming, not conforming, cannot be assessed, not judged, never
                # validated: conv:evil counts only in the first and the last
                assert row[3:] == (
                    Literal(int(old[3]) + 1),
                    *old[4:8],
                    Literal(int(old[8]) + 1),
                ), (old, row)
            else:
                assert after == answer, name
        triples = kg.query("construct-convention", convention=CONVENTION)
        assert (None, URIRef("http://www.w3.org/ns/shacl#resultSeverity"), None) not in [
            (None, p, None) for _, p, _ in triples.graph
        ]
