"""The readings of R349-2 that cph-kg can apply, read from the legal data.

Where the text is open ("notamment Pôle emploi, la caisse d'allocations familiales et la caisse
primaire d'assurance maladie"), how it is read is data (``data/legal/r349-2-readings.ttl``): a
named ``cph:Reading`` with its effect on the obligations, its reasoning and its authority. The
validator adds the reading applied to the graph it validates and the shapes gate on it; this
module only finds the readings, their names (``skos:notation``, what ``--reading`` takes) and
the default.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from cph_kg.errors import CphKgError
from cph_kg.namespaces import CPH


@dataclass(frozen=True)
class Reading:
    """A named reading: its IRI, its short name, labels and reasoning by language."""

    iri: URIRef
    name: str
    labels: dict[str, str]
    reasoning: dict[str, str]
    default: bool

    def label(self, lang: str) -> str:
        """The reading's label in ``lang`` (French, the source, otherwise)."""
        return self.labels.get(lang) or self.labels.get("fr") or self.name


def readings(legal: Graph) -> list[Reading]:
    """Every reading of the legal data, the default first, then by name."""
    found = []
    for iri in legal.subjects(RDF.type, CPH.Reading):
        assert isinstance(iri, URIRef)
        default = legal.value(iri, CPH.defaultReading)
        found.append(
            Reading(
                iri=iri,
                name=str(legal.value(iri, SKOS.notation)),
                labels=_by_language(legal.objects(iri, RDFS.label)),
                reasoning=_by_language(legal.objects(iri, CPH.reasoning)),
                default=isinstance(default, Literal) and default.toPython() is True,
            )
        )
    return sorted(found, key=lambda r: (not r.default, r.name))


def reading(legal: Graph, name: str | None = None) -> Reading:
    """The reading called ``name`` (its ``skos:notation``), or the default one."""
    known = readings(legal)
    if name is None:
        return next(r for r in known if r.default)
    for candidate in known:
        if name in (candidate.name, str(candidate.iri)):
            return candidate
    names = ", ".join(r.name for r in known)
    raise CphKgError(f"unknown reading {name!r} (one of {names})")


def _by_language(literals) -> dict[str, str]:
    return {
        (literal.language or "fr"): str(literal)
        for literal in literals
        if isinstance(literal, Literal)
    }
