"""Shared fixtures: the repository's folders and one validator for the whole session.

Parsing the law graph and the shapes costs about a second; sharing one :class:`Validator`
keeps the suite fast without sharing any state that a test could change.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from cph_kg import Validator, resources

ROOT = Path(__file__).resolve().parents[1]
CONVENTIONS = ROOT / "data" / "conventions"
CONFORMING = CONVENTIONS / "conforming" / "gironde-2019.ttl"


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
    """The cph-kg ontology alone (without the vendored vocabularies)."""
    return Graph().parse(ROOT / "ontology" / "cph.ttl")
