"""Reasoners read cph-kg's RDF the way its shapes do: no entailment defeats a shape.

Researchers often run an RDFS or OWL 2 RL reasoner over the ontology, the law and their data
before validating (``pyshacl -i rdfs``, a triple store's inference). The ontology therefore
states no ``rdfs:domain``, ``rdfs:range`` nor ``owl:FunctionalProperty`` that would let a
reasoner conclude what a shape checks (an association named as the centre becoming a centre, two
départements named by one convention becoming one); it says what a property is meant for with
``schema:domainIncludes`` / ``schema:rangeIncludes``, which entail nothing.

The closures are computed with owlrl (the RDFS and OWL 2 RL rules pySHACL's ``-i`` uses) and then
validated by cph-kg: every golden case must give exactly the results it gives without inference,
which are the results its manifest entry expects.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import owlrl
import pytest
from rdflib import OWL, RDF, RDFS, SH, Graph, Literal, URIRef

from cph_kg import ValidationOutcome, Validator, resources
from cph_kg.namespaces import CPH
from tests.helpers import ENTRIES, MANIFEST, MF, ROOT, SHT

pytestmark = pytest.mark.slow  # RDFS and OWL 2 RL closures of the law and every example

SEMANTICS = {"rdfs": owlrl.RDFS_Semantics, "owl-rl": owlrl.OWLRL_Semantics}
GOLDEN_FILES = sorted(
    {
        Path(url2pathname(urlparse(MANIFEST.value(action, SHT.dataGraph)).path))
        for action in (MANIFEST.value(entry, MF.action) for entry in ENTRIES)
    }
)
VENDOR = ROOT / "ontology" / "vendor"
SCHEMA = "http://schema.org/"
FORBIDDEN = {RDFS.domain, RDFS.range}
FORBIDDEN_TYPES = {OWL.FunctionalProperty, OWL.InverseFunctionalProperty}


def closure(graph: Graph, semantics: type) -> Graph:
    """A copy of ``graph`` with everything the reasoner entails added.

    The RDFS rules also type literals (``"2019-03-12"^^xsd:date a xsd:date``); such triples are
    generalised RDF, which no syntax can carry to a SHACL engine, so they are left out.

    owlrl 7.6.2's RDFS closure also conflates literals of one lexical form and different
    language tags: given ``ex:a ex:p "X"@fr . ex:b ex:q "X"@en`` it adds ``ex:a ex:p "X"@en``,
    which no RDFS rule entails (here a convention naming "France Travail"@fr was made to name it
    "France Travail"@en too, because the reference data labels France Travail so in English).
    Every rule that gives a resource a literal value keeps a value the resource already has
    (rdfs7, prp-spo1, prp-eqp*; no ``owl:sameAs`` is inferred, see below), so a value no
    original triple of the subject holds is that defect's, and is left out.
    """
    closed = Graph()
    for triple in graph:
        closed.add(triple)
    owlrl.DeductiveClosure(semantics).expand(closed)
    for triple in list(closed):
        subject, _, value = triple
        if isinstance(subject, Literal) or (
            isinstance(value, Literal) and (subject, None, value) not in graph
        ):
            closed.remove(triple)
    return closed


def parse(paths: list[Path]) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path)
    return graph


@pytest.fixture(scope="module")
def law(validator: Validator) -> Graph:
    """What validation adds to conventions: the ontology with ORG, legal and reference data."""
    return parse(resources.ontology_files()) + validator.legal_data


@pytest.fixture(scope="module")
def golden(law: Graph) -> Graph:
    """Every golden case's convention file, with the law."""
    return law + parse(GOLDEN_FILES)


def results(outcome: ValidationOutcome) -> Counter:
    return Counter(
        (f.focus, f.shape, f.component, f.path, f.severity, f.value) for f in outcome.results
    )


def groups() -> dict[tuple, list]:
    """The manifest's entries by the run data of their action: (day, reading), None if default."""
    found: dict[tuple, list] = {}
    for entry in ENTRIES:
        action = MANIFEST.value(entry, MF.action)
        key = (MANIFEST.value(action, CPH.evaluatedOn), MANIFEST.value(action, CPH.readingApplied))
        found.setdefault(key, []).append(entry)
    return found


def expected_results(entries: list) -> Counter:
    """The results the manifest expects of these cases, each case judged alone."""
    expected: Counter = Counter()
    for entry in entries:
        for result in MANIFEST.objects(MANIFEST.value(entry, MF.result), SH.result):
            expected[
                tuple(
                    MANIFEST.value(result, p)
                    for p in (SH.focusNode, SH.sourceShape, SH.resultSeverity, SH.value)
                )
            ] += 1
    return expected


def data_file(entry: URIRef) -> Path:
    action = MANIFEST.value(entry, MF.action)
    return Path(url2pathname(urlparse(MANIFEST.value(action, SHT.dataGraph)).path))


def test_the_ontology_states_no_entailing_domain_range_or_functionality(
    ontology_graph: Graph,
) -> None:
    """Intent is stated with schema.org's annotations, which entail nothing."""
    cph = str(CPH._NS)
    for subject, predicate, obj in ontology_graph:
        if str(subject).startswith(cph):
            assert predicate not in FORBIDDEN, (subject, predicate)
            assert not (predicate == RDF.type and obj in FORBIDDEN_TYPES), subject
    described = set(ontology_graph.subjects(URIRef(SCHEMA + "rangeIncludes")))
    properties = set(ontology_graph.subjects(RDF.type, OWL.ObjectProperty))
    assert len(described & properties) >= 20


@pytest.mark.long  # RDFS and OWL 2 RL closures of the law and the examples
@pytest.mark.parametrize("name", SEMANTICS)
def test_golden_cases_give_the_same_results_after_inference(
    name: str, golden: Graph, law: Graph, validator: Validator
) -> None:
    """The golden cases, all in one graph, validated without inference and after a closure.

    The closure of the law is left out of what is handed to the validator (it adds the law
    itself); whatever the reasoner inferred about the law and the conventions stays in.
    """
    plain = validator.validate_graph(golden - law)
    closed = closure(golden, SEMANTICS[name])
    inferred = validator.validate_graph(closed - law)
    assert len(closed) > len(golden) + 500  # the reasoner did run
    assert results(inferred) == results(plain)
    assert [(v.iri, v.conforms, v.judged) for v in inferred.conventions] == [
        (v.iri, v.conforms, v.judged) for v in plain.conventions
    ]


def test_golden_cases_judged_together_give_what_each_gives_alone(validator: Validator) -> None:
    """Cases judged with the same run data, all in one run, give what each gives alone.

    The run data is the day and the reading; this is what lets the other tests judge the cases
    all together. A union of sets: a centre two cases name is reported once when they are
    judged together.
    """
    for (day, reading), entries in groups().items():
        together = validator.validate_files(
            sorted({data_file(entry) for entry in entries}),
            as_of=day.toPython() if day is not None else None,
            reading=str(reading) if reading is not None else None,
        )
        found = {(f.focus, f.shape, f.severity.value, f.value) for f in together.results}
        assert found == set(expected_results(entries)), (day, reading)


@pytest.mark.long  # RDFS and OWL 2 RL closures of the law and the examples
def test_owl_rl_adds_no_type_to_a_party_and_no_identity() -> None:
    """Ontology (with every vocabulary it reuses), law and every example, closed under OWL 2 RL.

    What a reasoner may conclude of a party follows from its own description (an
    ``org:Organization`` is a ``foaf:Organization`` by ORG), never from a convention naming it:
    that is how an association named as the centre became a centre and a person an
    organisation. Each party gets a stand-in with the same description (every triple whose
    subject it is) that no convention names, in the same graph: after the closure both must have
    exactly the same types.
    """
    vocabularies = sorted(VENDOR.glob("*.ttl"))
    examples = sorted((ROOT / "data" / "conventions").rglob("*.ttl"))
    examples.remove(ROOT / "data" / "conventions" / "manifest.ttl")
    graph = parse(
        [
            *sorted((ROOT / "ontology").glob("*.ttl")),
            *vocabularies,
            *resources.legal_data_files(),
            *examples,
        ]
    )
    parties = sorted({o for p in (CPH.party, CPH.concludedBy) for o in graph.objects(None, p)})
    assert len(parties) >= 10
    stand_ins = {party: URIRef(f"urn:cph-kg:test:stand-in:{n}") for n, party in enumerate(parties)}
    for party, stand_in in stand_ins.items():
        for predicate, obj in graph.predicate_objects(party):
            graph.add((stand_in, predicate, obj))

    closed = closure(graph, owlrl.OWLRL_Semantics)

    for party, stand_in in stand_ins.items():
        types = set(closed.objects(party, RDF.type))
        assert types == set(closed.objects(stand_in, RDF.type)), party
    merged = {(s, o) for s, o in closed.subject_objects(OWL.sameAs) if s != o}
    assert merged == set()
