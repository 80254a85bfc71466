"""The shipped reference data: every département's bodies, their roles and why, France Travail.

Counts per département and role, the named special cases (Nord, Pyrénées-Atlantiques, the
overseas CGSS, the Lozère's caisse commune, Mayotte), France Travail as one organisation with
dated names, the legal bases and the provenance of every body.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from cph_kg.namespaces import CPH, ELI, ORG
from tests.generate import DEPARTEMENTS
from tests.helpers import BASE, CAF, CPAM, FT, REFERENCE, SPE, dep, org, reference

#: The 101 départements, each of which the reference data must cover.
CODES = DEPARTEMENTS


def holders(code: str, role: URIRef) -> list[URIRef]:
    graph = reference()
    return sorted(
        b for b in graph.subjects(CPH.actsAs, role) if (b, CPH.presentIn, dep(code)) in graph
    )


def unknowns(code: str, role: URIRef) -> list[URIRef]:
    graph = reference()
    return [
        g for g in graph.subjects(CPH.forDepartement, dep(code)) if (g, CPH.role, role) in graph
    ]


def attribution(body: URIRef, role: URIRef) -> URIRef:
    graph = reference()
    [found] = [a for a in graph.objects(body, CPH.roleAttribution) if (a, CPH.role, role) in graph]
    return found


def bases(node: URIRef) -> set[str]:
    return {str(b).removeprefix(BASE) for b in reference().objects(node, CPH.legalBasis)}


@pytest.mark.parametrize("code", CODES)
def test_every_departement_has_each_role_or_a_recorded_unknown(code: str) -> None:
    for role in (CAF, CPAM):
        assert bool(holders(code, role)) != bool(unknowns(code, role)), (code, role)
    assert holders(code, SPE) == [org(f"france-travail/{code}")]


def test_the_number_of_bodies_per_departement_and_role() -> None:
    counts = Counter()
    for code in CODES:
        for name, role in (("caf", CAF), ("cpam", CPAM)):
            counts[name, len(holders(code, role))] += 1
    several_caf = {c: len(holders(c, CAF)) for c in CODES if len(holders(c, CAF)) > 1}
    several_cpam = {c: len(holders(c, CPAM)) for c in CODES if len(holders(c, CPAM)) > 1}
    assert several_caf == {"40": 2, "64": 2}  # the Pays Basque et Seignanx CAF serves the Seignanx
    assert several_cpam == {"59": 4, "62": 2, "64": 2, "76": 2}
    assert counts["caf", 0] == 1 and counts["cpam", 0] == 0  # Mayotte's CAF role is unknown


def test_the_number_of_bodies_per_kind() -> None:
    graph = reference()
    kinds = {
        "CaisseAllocationsFamiliales": 100,
        "CaissePrimaireAssuranceMaladie": 101,
        "CaisseGeneraleSecuriteSociale": 4,
        "CaisseCommuneSecuriteSociale": 1,
        "CaisseSecuriteSocialeMayotte": 1,
        "UnidentifiedRoleHolder": 1,
    }
    assert {k: len(set(graph.subjects(RDF.type, CPH[k]))) for k in kinds} == kinds
    units = {u for u in graph.subjects(ORG.unitOf, FT) if (u, CPH.actsAs, SPE) in graph}
    assert len(units) == 101


def test_the_nord_has_four_cpams_and_any_one_plays_the_role() -> None:
    assert holders("59", CPAM) == [
        org("cpam/59-flandres-dunkerque-armentieres"),
        org("cpam/59-lille"),
        org("cpam/59-tourcoing"),
        org("cpam/59-valenciennes"),
    ]
    graph = reference()
    assert (org("cpam/59-lille"), CPH.certainty, CPH.Inferred) in graph  # split by mail
    assert (org("cpam/59-flandres-dunkerque-armentieres"), CPH.certainty, CPH.Attested) in graph


def test_the_pyrenees_atlantiques_have_two_cafs_and_two_cpams() -> None:
    assert holders("64", CAF) == [
        org("caf/64-bearn-et-soule"),
        org("caf/64-pays-basque-et-du-seignanx"),
    ]
    assert holders("64", CPAM) == [org("cpam/64-bayonne"), org("cpam/64-pau-pyrenees")]
    assert holders("62", CPAM) == [org("cpam/62-artois"), org("cpam/62-cote-d-opale")]
    assert holders("76", CPAM) == [org("cpam/76-le-havre"), org("cpam/76-rouen-elbeuf-dieppe")]


def test_the_examples_bodies_keep_their_iris_and_names() -> None:
    graph = reference()
    for code in ("13", "33", "44", "67", "69"):
        assert holders(code, CAF) == [org(f"caf/{code}")]
        assert holders(code, CPAM) == [org(f"cpam/{code}")]
    assert graph.value(org("caf/33"), SKOS.prefLabel) == Literal(
        "Caisse d'allocations familiales de la Gironde", lang="fr"
    )
    assert graph.value(org("france-travail/33"), SKOS.prefLabel) == Literal(
        "France Travail (Gironde)", lang="fr"
    )


@pytest.mark.parametrize("code", ["971", "972", "973", "974"])
def test_overseas_the_cgss_plays_the_cpam_role_and_the_caf_the_cafs(code: str) -> None:
    graph = reference()
    assert holders(code, CAF) == [org(f"caf/{code}")]
    assert holders(code, CPAM) == [org(f"cgss/{code}")]
    cgss = attribution(org(f"cgss/{code}"), CPAM)
    assert (cgss, CPH.certainty, CPH.Inferred) in graph
    assert bases(cgss) == {"law/css/L752-4", "law/css/L752-1"}
    caf = attribution(org(f"caf/{code}"), CAF)
    assert (caf, CPH.certainty, CPH.Attested) in graph
    assert "law/css/L752-1" in bases(caf)
    assert (org(f"cgss/{code}"), CPH.actsAs, CAF) not in graph


def test_in_the_lozere_the_caisse_commune_plays_both_roles_inferred() -> None:
    graph = reference()
    ccss = org("ccss/48")
    assert holders("48", CAF) == holders("48", CPAM) == [ccss]
    for role in (CAF, CPAM):
        found = attribution(ccss, role)
        assert (found, CPH.certainty, CPH.Inferred) in graph
        assert bases(found) == {"law/css/L216-4", "law/css/R216-3"}
    notes = {str(n) for n in graph.objects(attribution(ccss, CAF), CPH.basisNote)}
    assert any("l'arrêté qui l'a créée n'est pas dans les sources du projet" in n for n in notes)
    assert {str(r).rsplit("/", 1)[-1] for r in graph.objects(ccss, PROV.wasDerivedFrom)} == {
        "caf-48095-01",
        "cpam-48095-01",
    }


def test_mayotte_the_cssm_plays_the_cpam_role_and_the_caf_role_is_unknown() -> None:
    graph = reference()
    cssm = org("cssm/976")
    assert holders("976", CPAM) == [cssm]
    assert (attribution(cssm, CPAM), CPH.certainty, CPH.Inferred) in graph
    assert bases(cssm) == {"text/ordonnance/96-1122"}
    assert list(graph.objects(cssm, PROV.wasDerivedFrom)) == []  # no DILA record
    [gap] = unknowns("976", CAF)
    assert (gap, RDF.type, CPH.UnidentifiedRoleHolder) in graph
    assert bases(gap) == {"law/ctrav/L5523-10", "law/crpm/L781-44"}
    note = str(graph.value(gap, CPH.basisNote, any=True))
    assert "caisse gestionnaire du régime des prestations familiales" in note


def test_france_travail_is_one_organisation_with_dated_names() -> None:
    graph = reference()
    assert (FT, RDF.type, ORG.FormalOrganization) in graph
    assert graph.value(FT, CPH.siren) == Literal("130005481")
    names = {
        str(graph.value(n, SKOS.prefLabel)): (
            graph.value(n, CPH.validFrom),
            graph.value(n, CPH.validUntil),
            graph.value(n, CPH.certainty),
        )
        for n in graph.objects(FT, CPH.datedName)
    }
    assert names == {
        "Pôle emploi": (None, Literal(date(2023, 12, 31)), CPH.Attested),
        "France Travail": (Literal(date(2024, 1, 1)), None, CPH.Attested),
    }
    assert not list(graph.subjects(RDF.type, ORG.ChangeEvent)) or all(
        (e, ORG.resultingOrganization, FT) not in graph
        for e in graph.subjects(RDF.type, ORG.ChangeEvent)
    )
    assert (FT, ORG.changedBy, None) not in graph and (FT, ORG.resultedFrom, None) not in graph


def test_the_renaming_rests_on_the_dated_versions_of_l5312_1() -> None:
    graph = reference()
    [renamed] = [
        n for n in graph.objects(FT, CPH.datedName) if graph.value(n, CPH.validFrom) is not None
    ]
    assert bases(renamed) == {
        "law/ctrav/L5312-1/version/2024-01-01",
        "text/loi/2023-1196/article/6",
    }
    version = URIRef(BASE + "law/ctrav/L5312-1/version/2024-01-01")
    assert graph.value(version, ELI.id_local) == Literal("LEGIARTI000048600658")
    assert graph.value(version, ELI.first_date_entry_in_force) == Literal(date(2024, 1, 1))
    before = URIRef(BASE + "law/ctrav/L5312-1/version/2023-09-01")
    # its last day in force (ELI); LEGI's dateFin, 2024-01-01, is the first day after it
    assert graph.value(before, ELI.date_no_longer_in_force) == Literal(date(2023, 12, 31))
    loi = URIRef(BASE + "text/loi/2023-1196")
    assert graph.value(loi, ELI.id_local) == Literal("JORFTEXT000048581935")
    assert graph.value(loi, ELI.date_publication) == Literal(date(2023, 12, 19))
    current = URIRef(BASE + "law/ctrav/L5312-1/version/2025-01-01")
    words = graph.value(graph.value(current, ELI.is_realized_by), CPH.text)  # its expression
    assert str(words).startswith(
        "I. - L'opérateur France Travail est une institution nationale publique dotée de la "
        "personnalité morale"
    )


@pytest.mark.parametrize("code", CODES)
def test_each_unit_is_france_travail_in_its_departement(code: str) -> None:
    graph = reference()
    unit = org(f"france-travail/{code}")
    assert (unit, ORG.unitOf, FT) in graph
    assert set(graph.objects(unit, CPH.presentIn)) == {dep(code)}
    labels = {
        str(graph.value(n, SKOS.prefLabel)): graph.value(n, CPH.certainty)
        for n in graph.objects(unit, CPH.datedName)
    }
    name = str(graph.value(unit, SKOS.prefLabel)).removeprefix("France Travail ")
    assert labels == {f"Pôle emploi {name}": CPH.Inferred, f"France Travail {name}": CPH.Inferred}
    assert list(graph.objects(unit, PROV.wasDerivedFrom))  # 2016 service points


def test_territorial_directions_cover_the_departements_they_name() -> None:
    graph = reference()

    def directions(code: str) -> set[str]:
        return {
            str(graph.value(d, SKOS.prefLabel))
            for d in graph.objects(org(f"france-travail/{code}"), ORG.subOrganizationOf)
        }

    assert directions("04") == directions("05") == {"DT 04-05"}
    assert directions("974") == {"DT NORD EST", "DT SUD OUEST"}
    assert directions("63") == {"DR C FERRAND DT 63 03 15 PLAT"}
    assert directions("33") == {"DT GIRONDE"}
    without = [c for c in CODES if not directions(c)]
    assert without == ["18", "36", "37", "41", "79", "86"]
    berry = org("france-travail/direction/18029")
    notes = {str(n) for n in graph.objects(berry, SKOS.editorialNote)}
    assert any("The referential does not say which départements it covers" in n for n in notes)


def test_every_record_of_the_101_departements_is_in_exactly_one_body() -> None:
    graph = reference()
    records = set(graph.subjects(RDF.type, CPH.DirectoryRecord))
    used = Counter(
        r for _, _, r in graph.triples((None, PROV.wasDerivedFrom, None)) if r in records
    )
    assert len(records) == 2852  # 2854 DILA records but Saint-Martin's (978) two
    assert set(used) == records and set(used.values()) == {1}
    for record in records:
        assert graph.value(record, DCTERMS.modified).datatype is not None


def test_every_legal_basis_is_described() -> None:
    graph = reference()
    cited = {b for _, _, b in graph.triples((None, CPH.legalBasis, None))}
    assert cited and all((b, RDF.type, None) in graph for b in cited)
    for path, legiarti in (
        ("law/css/L211-1", "LEGIARTI000037950337"),
        ("law/css/L212-1", "LEGIARTI000031686187"),
        ("law/css/L752-4", "LEGIARTI000044629703"),
        ("law/ctrav/L5312-1", "LEGIARTI000053606086"),
    ):
        article = URIRef(BASE + path)
        in_force = [
            v
            for v in graph.objects(article, ELI.has_member)
            if any(graph.objects(graph.value(v, ELI.is_realized_by) or v, CPH.text))
        ]
        assert [graph.value(v, ELI.id_local) for v in in_force] == [Literal(legiarti)]
        assert graph.value(article, ELI.id_local) is None  # a LEGIARTI names a version


def test_labels_are_french_and_english() -> None:
    graph = reference()
    for body in set(graph.subjects(CPH.actsAs, None)):
        languages = {label.language for label in graph.objects(body, RDFS.label)}
        assert languages == {"fr", "en"}, body


def test_legifrance_identifiers_are_those_of_the_legi_excerpt() -> None:
    """Every LEGITEXT, LEGIARTI and JORFTEXT of the legal bases is in the LEGI excerpt."""
    excerpt = (REFERENCE / "sources" / "legi-2026-excerpt.json").read_text(encoding="utf-8")
    graph = Graph().parse(REFERENCE / "legal-bases.ttl")
    identifiers = {str(value) for value in graph.objects(None, ELI.id_local)}
    assert len(identifiers) > 40
    assert all(f'"{identifier}"' in excerpt for identifier in identifiers)


def test_version_end_dates_are_legi_s_date_fin_less_one_day() -> None:
    """ELI's end date (the last day in force) is LEGI's ``dateFin`` less one day.

    ``dateFin`` is the first day a version is no longer in force: in the excerpt (as in 36,054
    of the 37,467 consecutive pairs of the four legi-2026 codes) it is the next version's
    ``dateDebut``. So the last day is the day before the next start, never that start itself
    (two versions in force on one day), and a gap LEGI gives (an abrogated article re-enacted
    years later, C. séc. soc. L. 216-4) stays a gap.
    """
    import json
    from datetime import UTC, datetime, timedelta

    excerpt = json.loads(
        (REFERENCE / "sources" / "legi-2026-excerpt.json").read_text(encoding="utf-8")
    )
    graph = reference()

    def day_of(milliseconds: int) -> date:
        return datetime.fromtimestamp(milliseconds / 1000, UTC).date()

    checked = adjacent = 0
    for article in excerpt["articles"]:
        kept = sorted(
            (v for v in article["versions"] if v["dateFin"] > v["dateDebut"]),
            key=lambda v: v["dateDebut"],
        )
        for index, raw in enumerate(kept):
            start, end = day_of(raw["dateDebut"]), day_of(raw["dateFin"])
            version = URIRef(f"{BASE}law/{article['code']}/{article['num']}/version/{start}")
            written = graph.value(version, ELI.date_no_longer_in_force)
            if end.year == 2999:
                assert written is None
                continue
            assert written == Literal(end - timedelta(days=1)), version
            checked += 1
            if index + 1 < len(kept) and kept[index + 1]["dateDebut"] == raw["dateFin"]:
                adjacent += 1
    assert (checked, adjacent) == (47, 46)
    gap = URIRef(BASE + "law/css/L216-4/version/1988-01-06")
    assert graph.value(gap, ELI.date_no_longer_in_force) == Literal(date(1996, 4, 24))
    assert (URIRef(BASE + "law/css/L216-4/version/2006-12-22"), None, None) in graph
