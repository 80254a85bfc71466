"""What the query tests share: the store variants they run on, row helpers, and coverage.

Every named query is tested on the embedded store and on a real Oxigraph server, with exact
rows; :func:`exercises` records which queries a test runs, and ``test_queries`` checks that no
file of ``queries/`` goes without a test.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

from rdflib import XSD, Literal, Namespace

from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.sparql.results import Solutions
from tests.helpers import oxigraph_server

#: The project's namespaces, as the expected rows name things.
CPH = Namespace("https://w3id.org/cph-kg/ontology#")
CONV = Namespace("https://w3id.org/cph-kg/convention/")
CENTRE = Namespace("https://w3id.org/cph-kg/org/cph/")
ASSOC = Namespace("https://w3id.org/cph-kg/org/association/")
DEP = Namespace("https://w3id.org/cph-kg/departement/")
CAF = Namespace("https://w3id.org/cph-kg/org/caf/")
CPAM = Namespace("https://w3id.org/cph-kg/org/cpam/")
FT = Namespace("https://w3id.org/cph-kg/org/france-travail/")
MISSION = Namespace("https://w3id.org/cph-kg/concept/mission/")
OBJECT = Namespace("https://w3id.org/cph-kg/concept/object/")
R349 = Namespace("https://w3id.org/cph-kg/law/casf/R349-2/")
OBL = Namespace("https://w3id.org/cph-kg/law/casf/R349-2/obligation/")
CASF = Namespace("https://w3id.org/cph-kg/law/casf/")
CESEDA = Namespace("https://w3id.org/cph-kg/law/ceseda/")
SHAPE = Namespace("https://w3id.org/cph-kg/shapes/r349-2#")
EDUCATION = Namespace("https://w3id.org/cph-kg/law/other/code-de-l-education/")

V2016, V2021 = R349["version/2016-03-05"], R349["version/2021-05-01"]


def fr(text: str) -> Literal:
    """A French literal."""
    return Literal(text, lang="fr")


def en(text: str) -> Literal:
    """An English literal."""
    return Literal(text, lang="en")


def day(text: str) -> Literal:
    """An xsd:date literal."""
    return Literal(text, datatype=XSD.date)


def count(value: int) -> Literal:
    """An xsd:integer literal, as COUNT gives it."""
    return Literal(value)


#: The two ways a store is queried: in process, and through the SPARQL 1.1 Protocol.
STORE_KINDS = ["embedded", "server"]

EXERCISED: set[str] = set()


def exercises(*names: str) -> Callable:
    """Record that the decorated test runs these named queries."""

    def mark(test: Callable) -> Callable:
        EXERCISED.update(names)
        return test

    return mark


@contextlib.contextmanager
def opened(location: Path, kind: str) -> Iterator[KnowledgeGraph]:
    """The store at ``location``, opened in process or served by Oxigraph on 127.0.0.1."""
    if kind == "embedded":
        with KnowledgeGraph.open(location, create=False) as graph:
            yield graph
    else:
        with oxigraph_server(location) as url, KnowledgeGraph.open(endpoint=url) as graph:
            yield graph


def rows(kg: KnowledgeGraph, name: str, **params: str) -> list[tuple]:
    """The rows of a SELECT named query, as tuples of rdflib terms."""
    result = kg.query(name, **params)
    assert isinstance(result, Solutions), result
    return result.rows


def columns(kg: KnowledgeGraph, name: str, **params: str) -> list[str]:
    """The variables of a SELECT named query, in order."""
    result = kg.query(name, **params)
    assert isinstance(result, Solutions), result
    return result.variables


#: Pairs the stated shortcuts must give and the chains they shorten, each as a query of
#: ``(?a ?b)``: what is stated, and what walking the graph finds.
_SHORTCUTS = {
    "cph:citesInSomeVersion": (
        "?a cph:citesInSomeVersion ?b",
        # what a work or one of its members cites; a member is reached through its work
        "?a eli:has_member?/eli:cites ?b FILTER (?a != ?b) "
        "FILTER NOT EXISTS { ?a eli:is_member_of ?work }",
    ),
    "cph:partOfText": (
        "?a cph:partOfText ?b",
        # the top of the chain, for every cited resource that has one
        "{ SELECT DISTINCT ?a WHERE { ?citing eli:cites ?a } } "
        "?a eli:is_part_of+ ?b FILTER NOT EXISTS { ?b eli:is_part_of ?above }",
    ),
}


def shortcut_differences(kg: KnowledgeGraph) -> dict[str, tuple[set, set]]:
    """Each stated shortcut that differs from its walk: (stated only, walked only).

    citation-closure reads cph:citesInSomeVersion and cph:partOfText instead of walking
    eli:has_member?/eli:cites and eli:is_part_of+; it gives the walk's rows as long as the two
    agree. partOfText may be stated on articles no one cites: the walk is then checked too.
    """
    prefixes = (
        "PREFIX eli: <http://data.europa.eu/eli/ontology#> "
        "PREFIX cph: <https://w3id.org/cph-kg/ontology#> "
    )
    differences = {}
    for name, (stated, walked) in _SHORTCUTS.items():
        found = [
            set(kg.store.query(f"{prefixes}SELECT DISTINCT ?a ?b WHERE {{ {pattern} }}").rows)
            for pattern in (stated, walked)
        ]
        if name == "cph:partOfText":  # stated on more than what is cited: walk those too
            tops = kg.store.query(
                f"{prefixes}SELECT DISTINCT ?a ?b WHERE {{ ?a cph:partOfText ?stated . "
                "?a eli:is_part_of+ ?b FILTER NOT EXISTS { ?b eli:is_part_of ?above } }"
            )
            found[1] |= set(tops.rows)
        if found[0] != found[1]:
            differences[name] = (found[0] - found[1], found[1] - found[0])
    return differences
