"""The readings of R349-2 that cph-kg can apply, read from the legal data.

Where the text is open ("notamment Pôle emploi, la caisse d'allocations familiales et la caisse
primaire d'assurance maladie"), how it is read is data (``data/legal/r349-2-readings.ttl``): a
named ``cph:Reading`` with its effect on the obligations, its reasoning and its authority. The
validator adds the reading applied to the graph it validates and the shapes gate on it; this
module only finds the readings, their names (``skos:notation``, what ``--reading`` takes) and
the default.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import URIRef

from cph_kg import vocab
from cph_kg.errors import CphKgError
from cph_kg.rdf.terms import Term, objects, subjects, value


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


def readings(legal: ox.Store) -> list[Reading]:
    """Every reading of the legal data, the default first, then by name.

    ``legal`` is the legal data in an Oxigraph store (``Validator.legal_store``).
    """
    found = []
    for iri in subjects(legal, vocab.RDF.type, vocab.CPH.Reading):
        assert isinstance(iri, ox.NamedNode)
        default = value(legal, iri, vocab.CPH.defaultReading)
        notation = value(legal, iri, vocab.SKOS.notation)
        found.append(
            Reading(
                iri=URIRef(iri.value),
                name=notation.value if notation is not None else "None",
                labels=by_language(objects(legal, iri, vocab.RDFS.label)),
                reasoning=by_language(objects(legal, iri, vocab.CPH.reasoning)),
                default=isinstance(default, ox.Literal)
                and default.datatype == vocab.XSD.boolean
                and default.value in ("true", "1"),
            )
        )
    return sorted(found, key=lambda r: (not r.default, r.name))


def reading(legal: ox.Store, name: str | None = None) -> Reading:
    """The reading called ``name`` (its ``skos:notation``), or the default one."""
    known = readings(legal)
    if name is None:
        return next(r for r in known if r.default)
    for candidate in known:
        if name in (candidate.name, str(candidate.iri)):
            return candidate
    names = ", ".join(r.name for r in known)
    raise CphKgError(f"unknown reading {name!r} (one of {names})")


def by_language(literals: Iterable[Term]) -> dict[str, str]:
    """Literals by language tag (a plain literal is French, the source language)."""
    return {
        (literal.language or "fr"): literal.value
        for literal in literals
        if isinstance(literal, ox.Literal)
    }
