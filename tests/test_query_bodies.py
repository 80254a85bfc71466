"""The named query ``bodies-of-departement`` on the bundled reference data, row by row."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from cph_kg.errors import CphKgError
from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.namespaces import CPH
from tests.querying import STORE_KINDS, exercises, opened, rows

BASE = "https://w3id.org/cph-kg/"
SPE = URIRef(BASE + "concept/named-body/service-public-emploi")
CAF = URIRef(BASE + "concept/named-body/caisse-allocations-familiales")
CPAM = URIRef(BASE + "concept/named-body/caisse-primaire-assurance-maladie")
TRUE, FALSE = Literal(True), Literal(False)


def fr(text: str) -> Literal:
    return Literal(text, lang="fr")


def org(path: str) -> URIRef:
    return URIRef(BASE + "org/" + path)


@pytest.fixture(scope="module", params=STORE_KINDS)
def kg(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[KnowledgeGraph]:
    """A store holding the bundled law and reference data only."""
    location: Path = tmp_path_factory.mktemp(f"bodies-{request.param}") / "store"
    with KnowledgeGraph.open(location) as store:
        store.refresh_law()
    with opened(location, request.param) as store:
        yield store


@exercises("bodies-of-departement")
def test_bodies_of_departement(kg: KnowledgeGraph) -> None:
    # Role IRIs sort caisse-allocations…, caisse-primaire…, service-public-emploi.
    caf = fr("Caisse d'allocations familiales")
    cpam = fr("Caisse primaire d'assurance maladie")
    spe = fr("Pôle emploi")
    assert rows(kg, "bodies-of-departement", departement="59") == [
        (
            CAF,
            caf,
            org("caf/59"),
            fr("Caisse d'allocations familiales du Nord"),
            CPH.Attested,
            FALSE,
        ),
        (
            CPAM,
            cpam,
            org("cpam/59-flandres-dunkerque-armentieres"),
            fr("Caisse primaire d'assurance maladie de Flandres-Dunkerque-Armentières"),
            CPH.Attested,
            FALSE,
        ),
        (
            CPAM,
            cpam,
            org("cpam/59-lille"),
            fr("Caisse primaire d'assurance maladie du Nord (siège de Lille)"),
            CPH.Attested,
            FALSE,
        ),
        (
            CPAM,
            cpam,
            org("cpam/59-tourcoing"),
            fr("Caisse primaire d'assurance maladie du Nord (siège de Tourcoing)"),
            CPH.Attested,
            FALSE,
        ),
        (
            CPAM,
            cpam,
            org("cpam/59-valenciennes"),
            fr("Caisse primaire d'assurance maladie du Nord (Valenciennes)"),
            CPH.Attested,
            FALSE,
        ),
        (SPE, spe, org("france-travail/59"), fr("France Travail (Nord)"), CPH.Attested, FALSE),
    ]
    assert rows(kg, "bodies-of-departement", departement="976") == [
        (CAF, caf, None, None, None, TRUE),
        (
            CPAM,
            cpam,
            org("cssm/976"),
            fr("Caisse de sécurité sociale de Mayotte"),
            CPH.Inferred,
            FALSE,
        ),
        (SPE, spe, org("france-travail/976"), fr("France Travail (Mayotte)"), CPH.Attested, FALSE),
    ]
    assert [row[:3] for row in rows(kg, "bodies-of-departement", departement="48")] == [
        (CAF, caf, org("ccss/48")),
        (CPAM, cpam, org("ccss/48")),
        (SPE, spe, org("france-travail/48")),
    ]
    with pytest.raises(CphKgError, match="'99' is not a département INSEE code"):
        rows(kg, "bodies-of-departement", departement="99")
