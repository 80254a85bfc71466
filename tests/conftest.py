"""Shared fixtures: the repository's folders and one validator for the whole session.

Parsing the law graph and the shapes costs about a second; sharing one :class:`Validator`
keeps the suite fast without sharing any state that a test could change.
"""

from __future__ import annotations

import pytest
from rdflib import Graph

from cph_kg import Validator, resources
from tests.helpers import ROOT


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A long run is slow too, so the developer's loop (``-m "not slow"``) leaves it out."""
    unmarked = [
        i.nodeid for i in items if i.get_closest_marker("long") and not i.get_closest_marker("slow")
    ]
    if unmarked:
        raise pytest.UsageError(f"marked long but not slow: {', '.join(unmarked)}")


@pytest.fixture(scope="session")
def validator() -> Validator:
    """One validator, its graphs parsed once."""
    return Validator()


@pytest.fixture(scope="session")
def legal_graph() -> Graph:
    """R349-2, its obligations and concepts, and the reference data."""
    graph = Graph()
    for path in resources.legal_data_files():
        graph.parse(path)
    return graph


@pytest.fixture(scope="session")
def shapes_graph() -> Graph:
    """The shapes of R349-2."""
    graph = Graph()
    for path in resources.shapes_files():
        graph.parse(path)
    return graph


@pytest.fixture(scope="session")
def ontology_graph() -> Graph:
    """The cph-kg ontology alone (``ontology/*.ttl``, without the vendored vocabularies)."""
    graph = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        graph.parse(path)
    return graph
