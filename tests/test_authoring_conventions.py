"""Authoring that fits real conventions: joint centres, no date, unedited templates refused.

Real conventions are sometimes concluded by several CPH of a département together, sometimes
undated in the copy a researcher holds; and a template written by ``convention new`` but not
filled in must never pass for a convention that conforms.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from rdflib import URIRef

from cph_kg import InputError, Validator
from cph_kg.authoring.convert import template
from cph_kg.authoring.format import read_json, read_yaml, to_yaml
from cph_kg.authoring.reading import parse_file
from cph_kg.cli import main
from cph_kg.namespaces import CPH
from tests.helpers import CONVENTIONS, run_cph_kg

EXAMPLE = CONVENTIONS / "authoring" / "gironde-2019.yaml"
CONVENTION = URIRef("https://w3id.org/cph-kg/convention/ex-yaml-gironde-2019")
CENTRES = "https://w3id.org/cph-kg/org/cph/"

JOINT_CENTRES = """\
centres:
  - id: centres:les-tilleuls-bordeaux
    type: Centre
    name: Centre provisoire d'hébergement Les Tilleuls (Bordeaux)
    presentIn: dep:33
  - id: centres:les-pins-merignac
    type: Centre
    name: Centre provisoire d'hébergement Les Pins (Mérignac)
    presentIn: dep:33
"""


def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


def joint(folder: Path) -> Path:
    """The YAML example, concluded jointly by two centres of the Gironde."""
    text = example_text()
    start = text.index("centre:\n")
    end = text.index("signatories:")
    path = folder / "joint.yaml"
    path.write_text(text[:start] + JOINT_CENTRES + text[end:], encoding="utf-8")
    return path


def run(*args: object):
    return CliRunner(env={"CPH_KG_ENDPOINT": ""}).invoke(main, [str(a) for a in args])


# --- several centres concluding jointly ---------------------------------------------------------


def test_centres_each_conclude_the_convention(tmp_path: Path) -> None:
    graph = read_yaml(joint(tmp_path), joint(tmp_path).read_text("utf-8"))
    assert set(graph.objects(CONVENTION, CPH.concludedBy)) == {
        URIRef(CENTRES + "les-tilleuls-bordeaux"),
        URIRef(CENTRES + "les-pins-merignac"),
    }
    for centre in graph.objects(CONVENTION, CPH.concludedBy):
        assert (centre, None, CPH.CentreProvisoireHebergement) in graph


def test_a_joint_convention_conforms_as_the_single_one_does(
    tmp_path: Path, validator: Validator
) -> None:
    [verdict] = validator.validate_files([joint(tmp_path)]).conventions
    assert verdict.conforms and verdict.findings == [], verdict.findings


def test_a_joint_convention_in_json(tmp_path: Path) -> None:
    document = yaml.safe_load(joint(tmp_path).read_text("utf-8"))
    document["date"] = document["date"].isoformat()
    path = tmp_path / "joint.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    graph = read_json(path, path.read_text("utf-8"))
    assert len(set(graph.objects(CONVENTION, CPH.concludedBy))) == 2


def test_centres_come_back_as_a_list(tmp_path: Path) -> None:
    path = joint(tmp_path)
    document = yaml.safe_load(to_yaml(read_yaml(path, path.read_text("utf-8"))))
    assert "centre" not in document
    assert [c["id"] for c in document["centres"]] == [
        "centres:les-pins-merignac",
        "centres:les-tilleuls-bordeaux",
    ]
    again = tmp_path / "again.yaml"
    again.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    assert read_yaml(again, again.read_text("utf-8")).isomorphic(
        read_yaml(path, path.read_text("utf-8"))
    )


@pytest.mark.parametrize(
    ("replacement", "line", "words"),
    [
        ("centres: []\n", 6, "centres is []: write a list of centres"),
        ("centres: centres:x\n", 6, "write a list of centres"),
        ("centres: [42]\n", 6, "42 in centres is not an IRI"),
        ("centre: centres:a\ncentres: [centres:b]\n", 7, "not both"),
        ("", 2, "missing field 'centre' (or 'centres')"),
    ],
)
def test_centres_mistakes_name_the_line(
    tmp_path: Path, replacement: str, line: int | None, words: str
) -> None:
    text = example_text()
    start, end = text.index("centre:\n"), text.index("signatories:")
    path = tmp_path / "bad.yaml"
    path.write_text(text[:start] + replacement + text[end:], encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_yaml(path, path.read_text("utf-8"))
    assert words in str(raised.value)
    assert raised.value.line == line


# --- a convention without a date ------------------------------------------------------------------


def undated(folder: Path) -> Path:
    path = folder / "undated.yaml"
    path.write_text(example_text().replace("date: 2019-03-12\n", ""), encoding="utf-8")
    return path


def test_an_undated_convention_is_read_as_rdf_without_a_date(tmp_path: Path) -> None:
    path = undated(tmp_path)
    graph = read_yaml(path, path.read_text("utf-8"))
    assert graph.value(CONVENTION, CPH.dateOfConclusion) is None


def test_an_undated_convention_is_judged_on_today_as_its_turtle_twin(
    tmp_path: Path, validator: Validator
) -> None:
    from_yaml = validator.validate_files([undated(tmp_path)])
    turtle = tmp_path / "undated.ttl"
    parse_file(undated(tmp_path)).serialize(turtle, format="turtle")
    from_turtle = validator.validate_files([turtle])
    [mine], [twin] = from_yaml.conventions, from_turtle.conventions
    assert mine.assessment is not None and mine.assessment.day == date.today()
    assert mine.assessment.basis == twin.assessment.basis  # type: ignore[union-attr]
    assert [(f.shape, f.severity) for f in mine.findings] == [
        (f.shape, f.severity) for f in twin.findings
    ]


def test_the_report_says_an_undated_convention_is_judged_on_today(tmp_path: Path) -> None:
    result = run("validate", "--lang", "en", undated(tmp_path))
    assert f"on {date.today().isoformat()} (today, the agreement having no valid date" in (
        result.stdout
    )
    assert "Traceback" not in result.output


# --- an unedited template ------------------------------------------------------------------------


def test_an_unedited_template_does_not_pass(tmp_path: Path) -> None:
    path = tmp_path / "new.yaml"
    path.write_text(template("33", date.today()), encoding="utf-8")
    result = run("validate", path)
    assert result.exit_code == 2
    assert result.stderr == (
        f"cph-kg: error: {path}:8: identifier 'CHANGE-ME' is still a placeholder of the "
        "template: fill it in\n"
    )


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("identifier: EX-yaml-gironde-2019", "identifier: change-me", "identifier"),
        ("Les Tilleuls (Bordeaux)", "…", "centre.name"),
        ("centres:les-tilleuls-bordeaux", "centres:change-me", "centre.id"),
        ("[pe:33, caf:33, cpam:33]", "[pe:33, caf:33, cpam:33, assoc:…]", "signatories.3"),
        ("Les Tilleuls\n", "… \n", "title"),
    ],
)
def test_each_placeholder_is_named(tmp_path: Path, old: str, new: str, field: str) -> None:
    text = example_text()
    assert old in text
    path = tmp_path / "half-edited.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError) as raised:
        read_yaml(path, path.read_text("utf-8"))
    assert f"{field} " in str(raised.value) and "placeholder" in str(raised.value)


def test_a_filled_in_template_is_read(tmp_path: Path) -> None:
    text = template("33", date.today())
    filled = (
        text.replace("CHANGE-ME.pdf", "convention-2026.pdf")
        .replace("CHANGE-ME", "EX-2026")
        .replace("centres:change-me", "centres:les-tilleuls")
        .replace("hébergement …", "hébergement Les Tilleuls")
    )
    path = tmp_path / "filled.yaml"
    path.write_text(filled, encoding="utf-8")
    assert len(read_yaml(path, filled)) > 0


def test_an_ellipsis_inside_a_title_is_no_placeholder(tmp_path: Path) -> None:
    path = tmp_path / "titled.yaml"
    path.write_text(
        example_text().replace("Les Tilleuls\n", "Les Tilleuls (extraits…)\n", 1), "utf-8"
    )
    assert len(read_yaml(path, path.read_text("utf-8"))) > 0


@pytest.mark.slow
def test_an_unedited_template_end_to_end(tmp_path: Path) -> None:
    path = tmp_path / "new.yaml"
    made = run_cph_kg("convention", "new", "--out", path)
    assert made.returncode == 0, made.stderr
    done = run_cph_kg("validate", path)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "placeholder of the template" in done.stderr
    undated_run = run_cph_kg("validate", "--lang", "en", undated(tmp_path))
    assert undated_run.returncode == 1  # the date is missing: a data-quality violation
    assert "(today, the agreement having no valid date of conclusion)" in undated_run.stdout
