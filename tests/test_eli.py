"""ELI is used as ELI 1.5 defines it: every eli: property within its domain and range.

The vendored ELI ontology (``ontology/vendor/eli.ttl``) gives each property a domain and a range,
often a union (``eli:LegalExpression`` or ``eli:LegalResource``). Every ``eli:`` triple of the law
graph — the ontology, the legal data and the reference data — must have a subject the ontologies
type as a member of the property's domain, and an object in its range: for a class, a node typed
so (with the sub-class closure of ELI, cph, ORG and SKOS); for a datatype, a literal of it. So a
décret is never a ``prov:Activity`` (``prov:wasGeneratedBy``), a text is not on a work but on its
French expression, and a LEGIARTI identifier sits on a version.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
from rdflib import OWL, PROV, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.collection import Collection

from cph_kg import Validator
from cph_kg.namespaces import ELI
from tests.helpers import ROOT

VENDOR = ROOT / "ontology" / "vendor"
LITERAL_RANGES = {
    XSD.date: lambda o: isinstance(o, Literal) and o.datatype == XSD.date,
    XSD.string: lambda o: (
        isinstance(o, Literal) and o.datatype in (None, XSD.string) and o.language is None
    ),
    XSD.anyURI: lambda o: isinstance(o, Literal) and o.datatype == XSD.anyURI,
    RDFS.Literal: lambda o: isinstance(o, Literal),
}


def members(graph: Graph, node) -> set:
    """The classes a domain or range names: one class, or the members of an owl:unionOf."""
    union = graph.value(node, OWL.unionOf)
    if union is not None:
        return set(Collection(graph, union))
    return {node}


@pytest.fixture(scope="module")
def eli() -> Graph:
    return Graph().parse(VENDOR / "eli.ttl")


@pytest.fixture(scope="module")
def law(validator: Validator) -> Graph:
    return validator.ontology + validator.legal_data


def types_of(graph: Graph) -> dict:
    """Every node's types, closed under rdfs:subClassOf."""
    parents = defaultdict(set)
    for child, parent in graph.subject_objects(RDFS.subClassOf):
        if isinstance(parent, URIRef):
            parents[child].add(parent)

    def closed(cls, seen=None):
        seen = seen if seen is not None else set()
        if cls in seen:
            return seen
        seen.add(cls)
        for parent in parents[cls]:
            closed(parent, seen)
        return seen

    found = defaultdict(set)
    for node, cls in graph.subject_objects(RDF.type):
        found[node] |= closed(cls)
    return found


def test_every_eli_property_is_used_within_its_domain_and_range(eli: Graph, law: Graph) -> None:
    everything = law + eli
    types = types_of(everything)
    wrong = []
    used = set()
    for subject, predicate, obj in law:
        if not str(predicate).startswith(str(ELI)):
            continue
        used.add(predicate)
        assert (predicate, None, None) in eli, f"{predicate} is not an ELI 1.5 term"
        for domain in eli.objects(predicate, RDFS.domain):
            allowed = members(eli, domain)
            if not allowed & types[subject] and OWL.Thing not in allowed:
                wrong.append(("domain", subject, predicate, sorted(map(str, allowed))))
        for range_ in eli.objects(predicate, RDFS.range):
            allowed = members(eli, range_)
            literal_checks = [LITERAL_RANGES[a] for a in allowed if a in LITERAL_RANGES]
            if literal_checks:
                if not any(check(obj) for check in literal_checks):
                    wrong.append(("range", subject, predicate, obj))
            elif OWL.Thing in allowed:
                if isinstance(obj, Literal):
                    wrong.append(("range", subject, predicate, obj))
            elif isinstance(obj, Literal) or not allowed & types[obj]:
                wrong.append(("range", subject, predicate, obj))
    assert not wrong, "\n".join(map(str, wrong[:40])) + f"\n… {len(wrong)} in all"
    # what issue 14 asked of ELI is there: expressions, force, dates, the texts and their effects
    assert {
        ELI.is_realized_by,
        ELI.realizes,
        ELI.language,
        ELI.title,
        ELI.in_force,
        ELI.first_date_entry_in_force,
        ELI.date_no_longer_in_force,
        ELI.date_document,
        ELI.date_publication,
        ELI.based_on,
        ELI.commenced_by,
        ELI.amends,
        ELI.amended_by,
        ELI.repeals,
        ELI.repealed_by,
        ELI.type_document,
        ELI.passed_by,
        ELI.jurisdiction,
        ELI.id_local,
    } <= used
    # a décret is a legal resource, not a prov:Activity
    assert not any(law.triples((None, PROV.wasGeneratedBy, None)))


def test_what_a_text_changes_names_the_text_back(law: Graph) -> None:
    """eli:amends / eli:amended_by and eli:repeals / eli:repealed_by are stated both ways."""
    for forward, backward in ((ELI.amends, ELI.amended_by), (ELI.repeals, ELI.repealed_by)):
        ahead = set(law.subject_objects(forward))
        back = {(text, changed) for changed, text in law.subject_objects(backward)}
        assert ahead, forward
        assert ahead == back, (forward, ahead ^ back)
