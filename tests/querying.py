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
from cph_kg.results import Solutions
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
