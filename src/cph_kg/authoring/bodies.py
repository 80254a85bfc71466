"""The bodies of a département, role by role, from the reference data.

For each role R. 349-2, I names (Pôle emploi, the CAF, the CPAM), the bodies present in the
département that play it (``cph:actsAs``), with how sure the attribution is, or the recorded
unknown when the sources identify no body (``cph:UnidentifiedRoleHolder``). ``cph-kg convention
new`` pre-fills a convention from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import cast

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from cph_kg import resources
from cph_kg.errors import CphKgError
from cph_kg.namespaces import CPH, DEPARTEMENT, NAMED_BODY, ORGANISATION

ROLES = tuple(
    NAMED_BODY[role]
    for role in (
        "service-public-emploi",
        "caisse-allocations-familiales",
        "caisse-primaire-assurance-maladie",
    )
)

#: The short codes the authoring format knows for the reference bodies (its JSON-LD context).
CODES = {
    f"{ORGANISATION}{kind}/": code
    for kind, code in (
        ("caf", "caf"),
        ("cpam", "cpam"),
        ("cgss", "cgss"),
        ("ccss", "ccss"),
        ("cssm", "cssm"),
        ("france-travail", "ft"),
    )
}


@dataclass(frozen=True)
class Holder:
    """A body that plays a role in the département."""

    iri: URIRef
    label: str
    certainty: str  # "Attested" or "Inferred"
    present_in: tuple[str, ...]  # INSEE codes of every département it is present in
    names: tuple[tuple[str, date | None, date | None], ...] = ()  # dated names: label, from, until

    def name_on(self, day: date) -> str:
        """The name it bore on ``day`` (its dated names), else its name."""
        for label, start, end in self.names:
            if (start is None or start <= day) and (end is None or day <= end):
                return label
        return self.label

    @property
    def home(self) -> str:
        """The département it is based in, as its IRI says (``org/caf/64-bearn-et-soule``: 64)."""
        return str(self.iri).rstrip("/").rsplit("/", 1)[-1].split("-", 1)[0]

    @property
    def code(self) -> str:
        """Its short code in the authoring format (``cpam:59-lille``)."""
        for namespace, prefix in CODES.items():
            if str(self.iri).startswith(namespace):
                return f"{prefix}:{str(self.iri).removeprefix(namespace)}"
        return str(self.iri)


@dataclass(frozen=True)
class RoleInDepartement:
    """A role of R. 349-2, I in a département: its holders, or why none is identified."""

    role: URIRef
    label: str
    holders: tuple[Holder, ...]
    unknown: str | None  # the recorded reason, in English, when no holder is identified


@cache
def reference_graph() -> Graph:
    """The reference data, the départements and the roles' concepts, parsed once."""
    graph = Graph()
    for path in sorted((resources.root() / "data" / "reference").glob("*.ttl")):
        graph.parse(path, format="turtle")
    graph.parse(resources.root() / "data" / "legal" / "r349-2-concepts.ttl", format="turtle")
    return graph


def _text(graph: Graph, node: Node, prop: URIRef, lang: str) -> str:
    values = [v for v in graph.objects(node, prop) if getattr(v, "language", None) == lang]
    return str(values[0]) if values else ""


def _dated_names(graph: Graph, body: URIRef) -> tuple[tuple[str, date | None, date | None], ...]:
    names = []
    for node in graph.objects(body, CPH.datedName):
        start, end = graph.value(node, CPH.validFrom), graph.value(node, CPH.validUntil)
        names.append(
            (
                _text(graph, node, SKOS.prefLabel, "fr"),
                cast(Literal, start).toPython() if start is not None else None,
                cast(Literal, end).toPython() if end is not None else None,
            )
        )
    return tuple(sorted(names, key=lambda n: (n[1] or date.min, n[0])))


def roles_in(departement: str) -> list[RoleInDepartement]:
    """The three roles in ``departement`` (an INSEE code), in the order R. 349-2, I names them."""
    graph = reference_graph()
    place = DEPARTEMENT[departement]
    if (place, RDF.type, CPH.Departement) not in graph:
        raise CphKgError(f"unknown département {departement!r} (an INSEE code, e.g. 33)")
    found = []
    for role in ROLES:
        holders = []
        for body in graph.subjects(CPH.actsAs, role):
            if not isinstance(body, URIRef) or (body, CPH.presentIn, place) not in graph:
                continue
            attribution = next(
                a for a in graph.objects(body, CPH.roleAttribution) if (a, CPH.role, role) in graph
            )
            certainty = graph.value(attribution, CPH.certainty)
            holders.append(
                Holder(
                    iri=body,
                    label=_text(graph, body, SKOS.prefLabel, "fr"),
                    certainty=str(certainty).rsplit("#", 1)[-1],
                    present_in=tuple(
                        sorted(
                            str(d).rsplit("/", 1)[-1] for d in graph.objects(body, CPH.presentIn)
                        )
                    ),
                    names=_dated_names(graph, body),
                )
            )
        unknown = next(
            (
                _text(graph, gap, CPH.basisNote, "en")
                for gap in graph.subjects(CPH.forDepartement, place)
                if (gap, CPH.role, role) in graph
            ),
            None,
        )
        found.append(
            RoleInDepartement(
                role=role,
                label=_text(graph, role, SKOS.prefLabel, "fr"),
                holders=tuple(sorted(holders, key=lambda h: (h.home != departement, h.code))),
                unknown=unknown,
            )
        )
    return found
