"""The 101 départements and their régions, as ``data/reference/departements.ttl`` gives them.

The build matches directory names against them (``key`` of the official name) and places a
service point in the département of its commune's INSEE code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.term import Node

from cph_kg.namespaces import CPH, DEPARTEMENT
from cph_kg.reference.names import key


@dataclass(frozen=True)
class Departement:
    """A département: INSEE code, official name, "de la …" form, and its région's name."""

    code: str
    name: str
    with_preposition: str
    region: str

    @property
    def iri(self) -> URIRef:
        """Its IRI in the project's namespace."""
        return DEPARTEMENT[self.code]

    @property
    def key(self) -> str:
        """Its name's comparable form (:func:`cph_kg.reference.names.key`)."""
        return key(self.name)


def read_departements(path: Path) -> dict[str, Departement]:
    """The départements of ``path`` by INSEE code."""
    graph = Graph().parse(path, format="turtle")

    def french(node: Node | None, prop: URIRef) -> str:
        return next(str(v) for v in graph.objects(node, prop) if getattr(v, "language", "") == "fr")

    found = {}
    for node in graph.subjects(RDF.type, CPH.Departement):
        code = str(graph.value(node, CPH.inseeCode))
        found[code] = Departement(
            code=code,
            name=french(node, RDFS.label),
            with_preposition=french(node, CPH.nameWithPreposition),
            region=french(graph.value(node, CPH.region), RDFS.label),
        )
    return dict(sorted(found.items()))


def departement_of_commune(commune: str) -> str:
    """The INSEE code of the département of a commune code ("33005" → 33, "97209" → 972)."""
    return commune[:3] if commune.startswith("97") else commune[:2]
