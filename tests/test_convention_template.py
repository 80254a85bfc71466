"""``cph-kg convention new --departement N`` pre-fills the real bodies of the département.

Where a département has several bodies for a role, all are listed and the comment says any one
satisfies R. 349-2, I; where the sources identify none, the comment says so and why.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from cph_kg.bodies import roles_in
from cph_kg.cli import main
from cph_kg.convert import template
from cph_kg.namespaces import CPH
from cph_kg.rdfio import parse_file

TODAY = date(2026, 11, 27)
ORG = "https://w3id.org/cph-kg/org/"


def signatories(text: str) -> str:
    return next(line for line in text.splitlines() if line.startswith("signatories:"))


@pytest.mark.parametrize(
    ("departement", "expected"),
    [
        ("33", "signatories: [ft:33, caf:33, cpam:33]"),
        (
            "59",
            "signatories: [ft:59, caf:59, cpam:59-flandres-dunkerque-armentieres, cpam:59-lille,"
            " cpam:59-tourcoing, cpam:59-valenciennes]",
        ),
        ("971", "signatories: [ft:971, caf:971, cgss:971]"),
        ("48", "signatories: [ft:48, ccss:48]"),
        ("976", "signatories: [ft:976, cssm:976]"),
        ("2A", "signatories: [ft:2A, caf:2A, cpam:2A]"),
        (
            "64",
            "signatories: [ft:64, caf:64-bearn-et-soule, caf:64-pays-basque-et-du-seignanx,"
            " cpam:64-bayonne, cpam:64-pau-pyrenees]",
        ),
    ],
)
def test_the_template_names_the_bodies_of_the_departement(departement: str, expected: str) -> None:
    assert signatories(template(departement, TODAY)) == expected


def test_several_bodies_are_listed_and_any_one_satisfies() -> None:
    text = template("59", TODAY)
    assert (
        "#   Caisse primaire d'assurance maladie: 4 bodies play this role here; any one of them"
        " satisfies the text:" in text
    )
    assert (
        "#     cpam:59-lille (Caisse primaire d'assurance maladie du Nord (siège de Lille))" in text
    )


def test_a_body_present_in_several_departements_says_so() -> None:
    text = template("40", TODAY)
    assert (
        "#     caf:64-pays-basque-et-du-seignanx (Caisse d'allocations familiales du Pays Basque"
        " et du Seignanx; also present in 64)" in text
    )


def test_overseas_the_cgss_plays_the_cpam_role_and_the_caf_is_a_caf() -> None:
    text = template("971", TODAY)
    assert "#   Caisse d'allocations familiales: caf:971 (Caisse d'allocations familiales" in text
    assert (
        "#   Caisse primaire d'assurance maladie: cgss:971 (Caisse générale de sécurité sociale"
        " de la Guadeloupe) — role inferred, see its cph:roleAttribution" in text
    )


def test_in_the_lozere_the_caisse_commune_plays_both_roles() -> None:
    text = template("48", TODAY)
    assert text.count("ccss:48 (Caisse commune de sécurité sociale de la Lozère)") == 2


def test_in_mayotte_the_caf_role_is_reported_unknown() -> None:
    text = template("976", TODAY)
    assert "#   Caisse d'allocations familiales: not identified by cph-kg's sources." in text
    unwrapped = text.replace("\n#     ", " ")
    assert "à Mayotte, à la caisse gestionnaire du régime des prestations familiales" in unwrapped
    assert "cssm:976 (Caisse de sécurité sociale de Mayotte) — role inferred" in text


def test_france_travail_is_one_unit_named_as_on_the_templates_date() -> None:
    """One organisation renamed: the same code, the name of the day in the comment."""
    before = template("33", date(2019, 3, 12))
    assert signatories(before) == "signatories: [ft:33, caf:33, cpam:33]"
    assert "#   Pôle emploi: ft:33 (Pôle emploi (Gironde))" in before
    after = template("33", date(2024, 1, 1))
    assert "#   Pôle emploi: ft:33 (France Travail (Gironde))" in after


@pytest.mark.parametrize("departement", ["59", "971", "48", "976", "2A"])
def test_the_filled_template_names_reference_bodies(tmp_path: Path, departement: str) -> None:
    """The template reads back as a convention whose parties are the reference bodies."""
    path = tmp_path / "new.yaml"
    path.write_text(template(departement, TODAY), encoding="utf-8")
    graph = parse_file(path)
    parties = {str(p) for p in graph.objects(None, CPH.party)}
    expected = {str(h.iri) for role in roles_in(departement) for h in role.holders}
    assert parties == expected
    assert all(p.startswith(ORG) for p in parties)


@pytest.mark.slow
def test_every_departement_has_a_template_with_each_role_or_its_unknown() -> None:
    for departement in [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"]:
        text = template(departement, TODAY)
        assert "not identified" not in text, departement
        assert signatories(text).startswith(f"signatories: [ft:{departement}, "), departement


def test_the_command_writes_the_template(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["convention", "new", "--departement", "2a", "--output", str(tmp_path / "t.yaml")]
    )
    assert result.exit_code == 0, result.output
    text = (tmp_path / "t.yaml").read_text(encoding="utf-8")
    assert "departement: dep:2A" in text
    assert "cpam:2A" in signatories(text)
