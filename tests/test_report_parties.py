"""The report names the party a finding is about, and writes paths as IRIs, never ``_:x``.

A finding about a centre or a body (a party's own shape, or a convention's shape whose value is
a party) says which one by its name, as a reader knows it; a joint convention's finding about
one of its centres names that centre. JSON paths are property IRIs or SPARQL property paths.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cph_kg import Validator
from cph_kg.cli import main
from cph_kg.validation.render import as_json, as_text
from tests.helpers import CONVENTIONS, run_cph_kg

NON_CONFORMING = CONVENTIONS / "non-conforming"
EXAMPLE = CONVENTIONS / "authoring" / "gironde-2019.yaml"
NAME_PATH = (
    "<http://www.w3.org/2004/02/skos/core#prefLabel>|<http://www.w3.org/2000/01/rdf-schema#label>"
)


def run(*args: object):
    return CliRunner(env={"CPH_KG_ENDPOINT": ""}).invoke(main, [str(a) for a in args])


def test_a_value_that_is_a_party_is_named(validator: Validator) -> None:
    outcome = validator.validate_files([NON_CONFORMING / "centre-outside-departement.ttl"])
    text = as_text(outcome, "en")
    assert (
        "(value: Centre provisoire d'hébergement La Presqu'île (Lyon) "
        "<https://w3id.org/cph-kg/org/cph/la-presqu-ile-lyon>)"
    ) in text
    [finding] = json.loads(as_json(outcome, "en"))["conventions"][0]["findings"]
    assert finding["value_name"] == "Centre provisoire d'hébergement La Presqu'île (Lyon)"


def test_a_party_without_a_name_is_shown_by_its_iri(validator: Validator) -> None:
    outcome = validator.validate_files([NON_CONFORMING / "party-without-name.ttl"])
    [line] = [line for line in as_text(outcome, "en").splitlines() if "has no name" in line]
    assert "[data quality] https://w3id.org/cph-kg/org/association/sans-nom: A party" in line


def test_json_paths_are_never_blank_node_labels(validator: Validator) -> None:
    files = sorted(NON_CONFORMING.glob("*.ttl"))
    document = json.loads(as_json(validator.validate_files(files), "en"))
    paths = [f["path"] for c in document["conventions"] for f in c["findings"]]
    assert paths and not any(path and path.startswith("_:") for path in paths)
    assert NAME_PATH in paths  # the name shape's alternative path, in SPARQL syntax


def test_a_joint_conventions_finding_names_its_centre(tmp_path: Path) -> None:
    text = EXAMPLE.read_text("utf-8")
    start, end = text.index("centre:\n"), text.index("signatories:")
    centres = (
        "centres:\n"
        "  - id: centres:les-tilleuls-bordeaux\n    type: Centre\n"
        "    name: Centre provisoire d'hébergement Les Tilleuls (Bordeaux)\n"
        "    presentIn: dep:33\n"
        "  - id: centres:les-cedres-lyon\n    type: Centre\n"
        "    name: Centre provisoire d'hébergement Les Cèdres (Lyon)\n"
        "    presentIn: dep:69\n"
    )
    path = tmp_path / "joint.yaml"
    path.write_text(text[:start] + centres + text[end:], encoding="utf-8")
    result = run("validate", "--lang", "en", path)
    assert result.exit_code == 1, result.output
    [line] = [line for line in result.stdout.splitlines() if "VIOLATION" in line]
    assert "Les Cèdres (Lyon) <https://w3id.org/cph-kg/org/cph/les-cedres-lyon>" in line
    assert "Les Tilleuls" not in line
    done = run_cph_kg("validate", "--lang", "en", "-o", "json", path)
    assert done.returncode == 1
    [finding] = json.loads(done.stdout)["conventions"][0]["findings"]
    assert finding["value_name"] == "Centre provisoire d'hébergement Les Cèdres (Lyon)"


def test_a_blank_node_party_without_a_name_is_said_to_be_unnamed(
    tmp_path: Path, validator: Validator
) -> None:
    source = (NON_CONFORMING / "party-without-name.ttl").read_text("utf-8")
    path = tmp_path / "blank.ttl"
    path.write_text(source.replace("assoc:sans-nom", "_:sans-nom"), encoding="utf-8")
    outcome = validator.validate_files([path])
    lines = [line for line in as_text(outcome, "fr").splitlines() if "n'a pas de nom" in line]
    assert lines and all(
        "[qualité des données] une partie sans nom : " in line for line in lines
    ), lines
