"""The grouping rules, service points → bodies, on small hand-made directory samples.

``tests/fixtures/reference/dila-sample.csv`` holds a few records written like DILA's, one or
two per rule (README, "Reference data"); the rules are the project's own, with only the
expected set of départements with several bodies narrowed to the sample.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from cph_kg.errors import CphKgError
from cph_kg.reference.dila import Body, group, read_records
from cph_kg.reference.france_travail import read_directions, service_points, with_coverage
from cph_kg.reference.legi import versions_in_force
from cph_kg.reference.names import key, mailing_destination, slug, without_preposition
from cph_kg.reference.rules import Assignment, Note, Rules, read_rules
from cph_kg.reference.territory import read_departements
from tests.helpers import ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "reference"
REFERENCE = ROOT / "data" / "reference"
RULES = read_rules(REFERENCE / "rules.toml")
DEPARTEMENTS = read_departements(REFERENCE / "departements.ttl")
SAMPLE_RULES = dataclasses.replace(RULES, several={"caf": ("64",), "cpam": ("59", "76")})


def grouped(rules: Rules = SAMPLE_RULES, path: Path = FIXTURES / "dila-sample.csv") -> list[Body]:
    return group(read_records(path), rules, DEPARTEMENTS).bodies


def body(kind: str, home: str, slug_: str = "") -> Body:
    [found] = [b for b in grouped() if (b.kind.key, b.home, b.slug) == (kind, home, slug_)]
    return found


def ids(found: Body) -> list[str]:
    return [r.id for r in found.records]


def test_names_compare_without_accents_case_hyphens_or_articles() -> None:
    assert key("de la Côte-d'Or") == key("Côte d'Or") == "cote d or"
    assert key("d'Ille-et Vilaine") == key("ILLE ET VILAINE") == "ille et vilaine"
    assert key("de La Réunion") == key("REUNION") == "reunion"
    assert key("Le Havre") == "havre"
    assert without_preposition("du Pays Basque et du Seignanx") == "Pays Basque et du Seignanx"
    assert slug("de la Côte d'Opale") == "cote-d-opale"


def test_the_mailing_destination_is_the_postal_code_and_town_without_cedex() -> None:
    assert mailing_destination("2 rue d'Iéna, CS 50005, 59895 Lille Cedex 9") == ("59895", "lille")
    assert mailing_destination("30 bd de Bury, 16910 ANGOULEME CEDEX 9") == ("16910", "angouleme")
    assert mailing_destination("4 rue des Forgettes, CS 86017, 76017 Rouen") == ("76017", "rouen")
    assert mailing_destination("Quartier des Carmes") is None


def test_spellings_of_a_departement_make_one_body() -> None:
    gironde = body("caf", "33")
    assert ids(gironde) == ["caf-33009-01", "caf-33063-01"]
    assert gironde.dila_names == [
        "Caisse d'allocations familiales (Caf) de Gironde",
        "Caisse d'allocations familiales (Caf) de la Gironde",
    ]
    assert gironde.label_fr == "Caisse d'allocations familiales de la Gironde"
    assert ids(body("cpam", "21")) == ["cpam-21054-01", "cpam-21231-01"]


def test_a_spelling_variant_of_the_rules_reads_as_the_departement() -> None:
    assert ids(body("caf", "76")) == ["caf-76351-02", "caf-76540-01"]


def test_an_en_dash_separates_the_service_point_too() -> None:
    val_de_marne = body("cpam", "94")
    assert ids(val_de_marne) == ["cpam-94028-01", "cpam-94034-01"]
    fresnes = next(r for r in val_de_marne.records if r.id == "cpam-94034-01")
    assert fresnes.site == "accueil de Fresnes" and not fresnes.is_seat


def test_two_head_offices_under_one_name_are_one_body() -> None:
    aisne = body("caf", "02")
    assert [r.id for r in aisne.seats] == ["caf-02691-01", "caf-02722-01"]


def test_a_place_named_record_joins_the_body_its_mail_names() -> None:
    charente = body("cpam", "16")
    assert ids(charente) == ["cpam-16015-01", "cpam-16408-01"]
    assert any("cpam-16408-01" in note.en and "names a place" in note.en for note in charente.notes)


def test_presence_comes_from_the_commune_not_the_mailing_address() -> None:
    """The Eure-et-Loir's CAF has its mail sent to Bourges (Cher): it is not in the Cher."""
    eure_et_loir = body("caf", "28")
    assert eure_et_loir.presence == ["28"]
    assert not [b for b in grouped() if b.home == "18"]


def test_a_body_is_present_where_its_service_points_are() -> None:
    basque = body("caf", "64", "pays-basque-et-du-seignanx")
    assert basque.presence == ["40", "64"]
    assert ids(basque) == ["caf-40312-01", "caf-64102-01"]
    assert body("caf", "40").presence == ["40"]
    assert body("caf", "64", "bearn-et-soule").label_fr == (
        "Caisse d'allocations familiales de Béarn-et-Soule"
    )


def test_a_name_without_head_office_whose_mail_names_no_body_is_a_body() -> None:
    rouen = body("cpam", "76", "rouen-elbeuf-dieppe")
    assert ids(rouen) == ["cpam-76217-01"]
    assert rouen.label_fr == "Caisse primaire d'assurance maladie de Rouen-Elbeuf-Dieppe"
    assert any("does not list this body's head office" in note.en for note in rouen.notes)
    assert body("cpam", "76", "le-havre").label_fr == "Caisse primaire d'assurance maladie du Havre"


def test_the_nords_cpam_is_split_by_mailing_destination() -> None:
    lille = body("cpam", "59", "lille")
    assert ids(lille) == ["cpam-59178-01", "cpam-59350-01", "cpam-59350-02"]
    assert lille.certainty == "Inferred"
    assert lille.label_fr == "Caisse primaire d'assurance maladie du Nord (siège de Lille)"
    valenciennes = body("cpam", "59", "valenciennes")
    assert ids(valenciennes) == ["cpam-59122-01"]
    assert valenciennes.seats == []


def test_a_mailing_destination_the_split_does_not_declare_is_an_error(tmp_path: Path) -> None:
    sample = tmp_path / "dila.csv"
    text = (FIXTURES / "dila-sample.csv").read_text(encoding="utf-8")
    sample.write_text(text.replace("59321 Valenciennes Cedex", "59300 Aulnoy"), encoding="utf-8")
    with pytest.raises(CphKgError, match=r"cpam-59122-01: its mailing destination \('59300'"):
        grouped(path=sample)


def test_hand_placed_records_go_where_the_rules_say() -> None:
    moselle = body("cpam", "57")
    assert ids(moselle) == ["cpam-57463-01", "cpam-57672-01"]
    assert moselle.certainty == "Inferred"
    lozere = body("ccss", "48")
    assert ids(lozere) == ["caf-48095-01", "cpam-48095-01"]
    assert lozere.label_fr == "Caisse commune de sécurité sociale de la Lozère"
    assert not [b for b in grouped() if b.home == "48" and b.kind.key != "ccss"]


def test_without_its_rule_a_place_named_record_stands_alone() -> None:
    rules = dataclasses.replace(
        SAMPLE_RULES,
        assignments=tuple(a for a in RULES.assignments if a.record != "cpam-57672-01"),
    )
    with pytest.raises(CphKgError, match=r"several cpam bodies in départements \['57', '59'"):
        grouped(rules)


def test_a_rule_about_a_record_dila_does_not_have_is_an_error() -> None:
    ghost = Assignment("cpam-00000-01", "cpam", "33", "Inferred", Note("x", "y"))
    rules = dataclasses.replace(SAMPLE_RULES, assignments=(*RULES.assignments, ghost))
    with pytest.raises(CphKgError, match="cpam-00000-01"):
        grouped(rules)


def test_the_cgss_is_its_departements_body_of_its_kind() -> None:
    guadeloupe = body("cgss", "971")
    assert guadeloupe.label_fr == "Caisse générale de sécurité sociale de la Guadeloupe"
    assert guadeloupe.presence == ["971"]


def test_records_outside_the_101_departements_are_left_out() -> None:
    result = group(read_records(FIXTURES / "dila-sample.csv"), SAMPLE_RULES, DEPARTEMENTS)
    assert [r.id for r in result.left_out] == ["caf-97801-01"]
    points = service_points(read_records(FIXTURES / "dila-sample.csv"), DEPARTEMENTS)
    assert {code: [r.id for r in rs] for code, rs in points.items()} == {
        "33": ["pole_emploi-33063-01"]
    }


def test_several_bodies_where_the_rules_expect_one_is_an_error() -> None:
    rules = dataclasses.replace(SAMPLE_RULES, several={"cpam": ("59", "76")})
    with pytest.raises(CphKgError, match=r"several caf bodies in départements \['64'\]"):
        grouped(rules)


@pytest.mark.parametrize(
    ("replace", "by", "message"),
    [
        ('2016-02-08,"10 avenue', '2016-02-31,"10 avenue', r"dila\.csv:15: update date"),
        ("(Caf) de Gironde - siège", "(Kaf) de Gironde - siège", r"caf-33063-01: .* no known kind"),
        ("dila_pivot_type", "pivot", r"dila\.csv:1: missing column\(s\) dila_pivot_type"),
    ],
)
def test_a_malformed_directory_is_one_error_naming_the_line(
    tmp_path: Path, replace: str, by: str, message: str
) -> None:
    sample = tmp_path / "dila.csv"
    text = (FIXTURES / "dila-sample.csv").read_text(encoding="utf-8")
    assert replace in text
    sample.write_text(text.replace(replace, by, 1), encoding="utf-8")
    with pytest.raises(CphKgError, match=message):
        grouped(path=sample)


def test_directions_cover_the_departements_their_names_name() -> None:
    directions = with_coverage(
        read_directions(FIXTURES / "directions-sample.csv"),
        DEPARTEMENTS,
        RULES.france_travail.strip_words,
    )
    covers = {d.name: d.covers for d in directions}
    assert covers == {
        "DIRECTION GENERALE": (),
        "PROVENCE ALPES COTE D'AZUR": (),
        "DT 04-05": ("04", "05"),
        "LOIRE HAUTE-LOIRE": ("42", "43"),
        # "NORD" is the Nord only in the Hauts-de-France: in La Réunion, the only département.
        "DT NORD EST": ("974",),
        "DT NORD": ("59",),
        "DT CHARENTE CHARENTE-MARITIME": ("16", "17"),
        "DT MEURTHE ET MOSELLE - MEUSE": ("54", "55"),
        "DT LOT - TARN-ET-GARONNE": ("46", "82"),
        "DT BERRY": (),
        "DR C FERRAND DT 63 03 15 PLAT": ("03", "15", "63"),
    }
    assert directions[0].siren == "130005481"
    assert directions[2].address == "7 C RUE DU CAPITAINE BRESSON, 05000 GAP"


def test_a_malformed_direction_is_an_error_naming_the_line(tmp_path: Path) -> None:
    sample = tmp_path / "directions.csv"
    text = (FIXTURES / "directions-sample.csv").read_text(encoding="utf-8")
    sample.write_text(text.replace("13000548123640", "1300054812364"), encoding="utf-8")
    with pytest.raises(CphKgError, match=r"directions\.csv:4: .* 14-digit SIRET"):
        read_directions(sample)


def test_stillborn_versions_are_left_out() -> None:
    day = 86_400_000
    versions = versions_in_force(
        [
            {"id": "A", "etat": "MODIFIE_MORT_NE", "dateDebut": 10 * day, "dateFin": 10 * day},
            {"id": "B", "etat": "MODIFIE", "dateDebut": 10 * day, "dateFin": 20 * day},
            {"id": "C", "etat": "MODIFIE", "dateDebut": 20 * day, "dateFin": 20 * day},
            {"id": "D", "etat": "VIGUEUR", "dateDebut": 20 * day, "dateFin": 32472144000000},
        ]
    )
    assert [(v.id, v.start.isoformat(), v.end) for v in versions] == [
        ("B", "1970-01-11", versions[0].end),
        ("D", "1970-01-21", None),
    ]
