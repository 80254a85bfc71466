"""``cph-kg convert`` and ``cph-kg convention new``: every conversion goes through RDF."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml
from click.testing import CliRunner
from rdflib.compare import isomorphic

from cph_kg.cli import main
from cph_kg.convert import template
from cph_kg.rdfio import parse_file
from tests.helpers import CONVENTIONS

EXAMPLE = CONVENTIONS / "authoring" / "gironde-2019.yaml"
BULK = Path(__file__).parent / "fixtures" / "bulk"


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_every_format_says_the_same_as_the_yaml(tmp_path: Path) -> None:
    """YAML -> each format -> RDF gives the graph the YAML gives."""
    original = parse_file(EXAMPLE)
    for fmt, suffix in [
        ("json-ld", ".jsonld"),
        ("turtle", ".ttl"),
        ("ntriples", ".nt"),
        ("yaml", ".yaml"),
        ("csv", ".csv"),
    ]:
        target = tmp_path / f"converted{suffix}"
        result = run("convert", EXAMPLE, "--to", fmt, "-o", target)
        assert result.exit_code == 0, (fmt, result.output)
        assert isomorphic(parse_file(target), original), fmt


def test_turtle_to_yaml_gives_the_authoring_document(tmp_path: Path) -> None:
    turtle = tmp_path / "one.ttl"
    turtle.write_text(parse_file(EXAMPLE).serialize(format="turtle"), encoding="utf-8")
    document = yaml.safe_load(run("convert", turtle, "--to", "yaml").stdout)
    assert document["identifier"] == "EX-yaml-gironde-2019"
    assert document["missions"] == ["II-1", "II-2"]
    assert document["centre"]["type"] == "Centre"


def test_several_conventions_go_to_csv_not_to_one_yaml(tmp_path: Path) -> None:
    two = tmp_path / "two.ttl"
    two.write_text(
        (parse_file(EXAMPLE) + parse_file(BULK / "comma.csv")).serialize(format="turtle"),
        encoding="utf-8",
    )
    as_csv = run("convert", two, "--to", "csv")
    assert as_csv.exit_code == 0
    lines = as_csv.stdout.splitlines()
    assert lines[0].startswith("identifier;title;date;departement")
    assert [line.split(";")[0] for line in lines[1:]] == ["CSV-10", "EX-yaml-gironde-2019"]
    as_yaml = run("convert", two, "--to", "yaml")
    assert as_yaml.exit_code == 2
    assert "yaml holds one convention and the input has 2" in as_yaml.stderr


def test_bad_input_is_one_line() -> None:
    result = run("convert", BULK / "mixed.csv", "--to", "yaml")
    assert result.exit_code == 2
    assert result.stderr.startswith("cph-kg: error: ") and "mixed.csv:3:" in result.stderr


def test_the_template_is_a_valid_convention_once_filled(tmp_path: Path) -> None:
    text = template("33", date(2026, 11, 27))
    assert "signatories: [ft:33, caf:33, cpam:33]" in text
    assert "les acteurs de l'intégration de la Gironde" in text
    filled = tmp_path / "new.yaml"
    filled.write_text(text, encoding="utf-8")
    result = run("validate", "--lang", "en", filled)
    assert result.exit_code == 0, result.output
    assert "✔ CHANGE-ME — conforms (Gironde, 2026-11-27)" in result.output


def test_the_template_refuses_an_unknown_departement() -> None:
    result = run("convention", "new", "--departement", "20")
    assert result.exit_code == 2
    assert "unknown département '20'" in result.stderr


def test_an_ill_formed_date_is_converted_as_written_and_refused_when_read(tmp_path: Path) -> None:
    """"2019-02-30"^^xsd:date has no YAML date: it is kept as its text, and reading says why."""
    source = parse_file(EXAMPLE).serialize(format="nt")
    turtle = tmp_path / "bad-date.nt"
    assert '"2019-03-12"^^' in source
    turtle.write_text(source.replace('"2019-03-12"^^', '"2019-02-30"^^'), encoding="utf-8")
    converted = CliRunner().invoke(main, ["convert", "--to", "yaml", str(turtle)])
    assert converted.exit_code == 0, converted.output
    assert yaml.safe_load(converted.stdout)["date"] == "2019-02-30"
    document = tmp_path / "bad-date.yaml"
    document.write_text(converted.stdout, encoding="utf-8")
    read = CliRunner().invoke(main, ["validate", str(document)])
    assert read.exit_code == 2
    assert "date '2019-02-30' is not a valid date" in read.stderr
