"""The ``cph-kg validate`` command, through click's test runner."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from rdflib import RDF, SH, Graph

from cph_kg.cli import main
from cph_kg.namespaces import CPH
from tests.helpers import CONFORMING, CONVENTIONS

NON_CONFORMING = CONVENTIONS / "non-conforming"


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, [str(a) for a in args])

    return invoke


def test_conforming_convention_exits_0_with_a_french_report(run) -> None:
    result = run("validate", CONFORMING)
    assert result.exit_code == 0, result.output
    assert "✔ EX-gironde-2019 — conforme (Gironde, 2019-03-12)" in result.output
    assert "Lecture appliquée : « notamment » : les organismes nommés sont requis" in result.output
    assert result.output.splitlines()[-1] == (
        "1 convention(s) : 1 conforme(s), 0 non conforme(s), 0 non appréciable(s), "
        "0 non jugée(s) ; constats juridiques : 0 violation(s), 0 avertissement(s), "
        "0 information(s) ; qualité des données : 0 violation(s), 0 avertissement(s), "
        "0 information(s)."
    )


def test_violation_exits_1_and_is_grouped_by_provision(run) -> None:
    result = run("validate", "--lang", "en", NON_CONFORMING / "missing-object-meetings.ttl")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    heading = lines.index("  R. 349-2, III, 2° — regular meetings between the actors")
    assert (
        lines[heading + 1]
        == "    VIOLATION The agreement does not organise regular meetings between the actors."
    )


@pytest.mark.slow
def test_warning_only_exits_0_unless_fail_on_warning(run) -> None:
    file = NON_CONFORMING / "no-title.ttl"
    assert run("validate", file).exit_code == 0
    assert run("validate", "--fail-on", "warning", file).exit_code == 1
    assert "AVERTISSEMENT [qualité des données]" in run("validate", file).output


def test_the_reading_option(run) -> None:
    """Without the CPAM: a violation by default, a warning under the illustrative reading."""
    file = NON_CONFORMING / "without-cpam.ttl"
    assert run("validate", file).exit_code == 1
    illustrative = run("validate", "--reading", "illustrative", "--lang", "en", file)
    assert illustrative.exit_code == 0
    assert 'Reading applied: "notamment": the named bodies are examples (illustrative)' in (
        illustrative.output
    )
    assert "    WARNING The primary health insurance fund" in illustrative.output
    document = json.loads(
        run("validate", "--reading", "illustrative", "--output", "json", file).output
    )
    assert document["reading"]["name"] == "illustrative"
    turtle = Graph().parse(data=run("validate", "--output", "turtle", file).output, format="turtle")
    [report] = turtle.subjects(RDF.type, SH.ValidationReport)
    assert str(turtle.value(report, CPH.readingApplied)).endswith("/organismes-nommes-requis")
    unknown = run("validate", "--reading", "strict", file)
    assert unknown.exit_code == 2
    assert unknown.stderr == (
        "cph-kg: error: unknown reading 'strict' (one of required, illustrative)\n"
    )


def test_json_output(run) -> None:
    result = run("validate", "--output", "json", "--lang", "en", NON_CONFORMING / "no-centre.ttl")
    assert result.exit_code == 1
    document = json.loads(result.output)
    assert document["conforms"] is False
    [convention] = document["conventions"]
    assert convention["verdict"] == "does not conform"
    assert document["summary"]["legal"] == {"violations": 1, "warnings": 0, "infos": 0}
    [finding] = convention["findings"]
    assert finding["provision_reference"] == "R. 349-2, I"
    assert finding["severity"] == "Violation"
    assert finding["rule_kind"] == "legal requirement"
    assert finding["provision"] == "https://w3id.org/cph-kg/law/casf/R349-2/I"


@pytest.mark.slow
def test_turtle_output_is_a_standard_shacl_report(run) -> None:
    result = run(
        "validate", "--output", "turtle", NON_CONFORMING / "missing-mission-information.ttl"
    )
    assert result.exit_code == 1
    report = Graph().parse(data=result.output, format="turtle")
    [node] = report.subjects(RDF.type, SH.ValidationReport)
    assert report.value(node, SH.conforms).toPython() is False
    [result_node] = report.objects(node, SH.result)
    languages = {m.language for m in report.objects(result_node, SH.resultMessage)}
    assert languages == {"fr", "en"}
    # conventions abbreviated as the data and the query tables write them (one prefix map)
    assert "@prefix conv: <https://w3id.org/cph-kg/convention/> ." in result.output
    assert "convention:" not in result.output


def test_examples_flag_validates_the_bundled_conventions(run) -> None:
    result = run("validate", "--examples")
    assert result.exit_code == 1
    assert "✔ EX-gironde-2019" in result.output
    assert "✘ EX-no-centre" in result.output


def test_missing_file_is_one_line_on_stderr_with_exit_2(run) -> None:
    result = run("validate", CONVENTIONS / "nope.ttl")
    assert result.exit_code == 2
    assert result.stderr == f"cph-kg: error: {CONVENTIONS / 'nope.ttl'}: no such file\n"
    assert result.stdout == ""


def test_no_file_is_a_usage_error(run) -> None:
    result = run("validate")
    assert result.exit_code == 2
    assert "give convention files to validate, --examples, or --store" in result.stderr


def test_format_option(run, tmp_path) -> None:
    copy = tmp_path / "convention.data"
    copy.write_bytes(CONFORMING.read_bytes())
    assert run("validate", copy).exit_code == 2
    assert run("validate", "--format", "turtle", copy).exit_code == 0


@pytest.mark.slow
def test_an_ill_formed_date_is_a_finding_not_a_traceback(run, tmp_path) -> None:
    """An ill-formed literal is a finding; rdflib would also log it with a traceback."""
    source = (CONVENTIONS / "conforming" / "gironde-2019.ttl").read_text(encoding="utf-8")
    broken = tmp_path / "bad-date.ttl"
    broken.write_text(source.replace('"2019-03-12"^^xsd:date', '"2019-02-30"^^xsd:date'), "utf-8")
    assert "2019-02-30" in broken.read_text(encoding="utf-8")
    # a subprocess: pytest's log capture would hide what Python prints on a real stderr
    result = subprocess.run(
        [sys.executable, "-m", "cph_kg", "validate", "--lang", "en", str(broken)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr == ""
    assert "exactly one date of conclusion" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("output", ["text", "json"])
def test_the_reference_engine_prints_the_same_report(run, output: str) -> None:
    """``--engine pyshacl`` runs the reference implementation: same report, word for word."""
    files = sorted((CONVENTIONS / "non-conforming").glob("*.ttl"))[:6]
    fast = run("validate", "--output", output, *files)
    reference = run("validate", "--engine", "pyshacl", "--output", output, *files)
    assert fast.exit_code == reference.exit_code == 1
    assert fast.stdout == reference.stdout
