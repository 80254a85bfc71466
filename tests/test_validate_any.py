"""``cph-kg validate --shapes S --data D``: any data against any shapes, as Jena and pySHACL do.

The compiled engine runs where it translates every constraint, pySHACL otherwise (said on
standard error); both give the same results on the fixtures. The report comes in the same three
formats as a convention's: text, JSON (paths as property IRIs or SPARQL property paths, never
blank-node labels) and the standard ``sh:ValidationReport`` in Turtle.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import SH, Graph, URIRef
from rdflib.extras.shacl import parse_shacl_path

from cph_kg import java
from cph_kg.cli import main
from tests.helpers import ROOT, run_cph_kg

GENERIC = ROOT / "tests" / "fixtures" / "generic"
SHAPES, DATA = GENERIC / "shapes.ttl", GENERIC / "data.ttl"
EX = "http://example.org/"

#: The results SHACL defines for the fixture: focus, path (SPARQL syntax), value, severity.
EXPECTED = {
    (f"{EX}bob", f"^<{EX}knows>", None, str(SH.Violation)),
    (f"{EX}carol", f"{EX}name", None, str(SH.Violation)),
    (f"{EX}alice", f"<{EX}knows>/<{EX}name>", "42", str(SH.Warning)),
    (f"{EX}carol", f"<{EX}knows>/<{EX}name>", "42", str(SH.Warning)),
}


def run(*args: object):
    return CliRunner(env={"CPH_KG_ENDPOINT": ""}).invoke(main, [str(a) for a in args])


def rows(output: str) -> set[tuple]:
    document = json.loads(output)
    return {(r["focus"], r["path"], r["value"], r["severity"]) for r in document["results"]}


@pytest.mark.parametrize("engine", ["compiled", "pyshacl"])
def test_any_shapes_on_any_data(engine: str) -> None:
    result = run("validate", "--shapes", SHAPES, "--data", DATA, "--engine", engine, "-o", "json")
    assert result.exit_code == 1, result.output  # violations: does not conform
    assert rows(result.stdout) == EXPECTED
    document = json.loads(result.stdout)
    assert document["conforms"] is False and document["engine"] == engine
    assert document["summary"] == {"results": 4, "violations": 2, "warnings": 2, "infos": 0}
    assert all(not r["path"].startswith("_:") for r in document["results"])
    carol = next(r for r in document["results"] if r["path"] == f"{EX}name")
    assert carol["message"] == "Une personne a un nom."


@pytest.mark.slow
def test_jena_gives_the_same_results() -> None:
    try:
        java.jena_classpath()
        java.java()
    except java.JavaUnavailable as missing:
        pytest.skip(f"Jena cannot run here: {missing}")
    result = run("validate", "-s", SHAPES, "-d", DATA, "--engine", "jena", "-o", "json")
    assert result.exit_code == 1, result.output
    assert rows(result.stdout) == EXPECTED


def test_the_text_report_one_line_a_result() -> None:
    result = run("validate", "-s", SHAPES, "-d", DATA, "--lang", "en")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[:2] == [
        "SHACL validation (compiled)",
        "does not conform: 4 result(s); 2 violation(s), 2 warning(s), 0 info(s)",
    ]
    assert f"VIOLATION <{EX}carol> — path <{EX}name>: A person has a name." in lines[3]
    assert len(lines) == 6


def test_the_turtle_report_is_standard_and_stands_alone() -> None:
    result = run("validate", "-s", SHAPES, "-d", DATA, "-o", "turtle")
    report = Graph().parse(data=result.stdout, format="turtle")
    [root] = report.subjects(None, SH.ValidationReport)
    assert not report.value(root, SH.conforms).toPython()
    paths = {
        parse_shacl_path(report, path).n3() if not isinstance(path, URIRef) else str(path)
        for path in report.objects(None, SH.resultPath)
    }
    assert paths == {f"^<{EX}knows>", f"{EX}name", f"<{EX}knows>/<{EX}name>"}


def test_warnings_alone_exit_0_unless_fail_on_warning(tmp_path: Path) -> None:
    data = tmp_path / "data.ttl"
    data.write_text(
        f"<{EX}alice> a <{EX}Person> ; <{EX}name> 'Alice' ; <{EX}knows> <{EX}bob> .\n"
        f"<{EX}bob> a <{EX}Person> ; <{EX}name> 42 .\n",
        encoding="utf-8",
    )
    result = run("validate", "-s", SHAPES, "-d", data, "-o", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["conforms"] is False  # SHACL: any result breaks it
    assert run("validate", "-s", SHAPES, "-d", data, "--fail-on", "warning").exit_code == 1


def test_conforming_data_exit_0() -> None:
    shapes = GENERIC / "self-validating.ttl"
    result = run("validate", "-s", shapes, "-d", GENERIC / "data.ttl", "--lang", "en")
    assert result.exit_code == 0 and "conforms: no result" in result.stdout


def test_without_shapes_the_data_are_their_own_shapes() -> None:
    result = run("validate", "--data", GENERIC / "self-validating.ttl", "-o", "json")
    assert result.exit_code == 1
    assert rows(result.stdout) == {(f"{EX}lyon", f"{EX}population", None, str(SH.Violation))}


def test_shapes_the_compiler_does_not_translate_go_to_pyshacl() -> None:
    result = run("validate", "-s", GENERIC / "pattern-shapes.ttl", "-d", DATA, "-o", "json")
    assert "cph-kg: note: validating with pySHACL:" in result.stderr
    document = json.loads(result.stdout)
    assert document["engine"] == "pyshacl"
    assert rows(result.stdout) == {(f"{EX}bob", f"{EX}name", "42", str(SH.Violation))}


def test_files_given_as_arguments_are_data_too() -> None:
    result = run("validate", "-s", SHAPES, DATA, "-o", "json")
    assert rows(result.stdout) == EXPECTED


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["-s", SHAPES], "give the data to validate"),
        (["-s", SHAPES, "-d", DATA, "--examples"], "not with --examples"),
        (["-s", GENERIC / "none.ttl", "-d", DATA], "none.ttl"),
    ],
)
def test_mistakes_are_one_line(args: list, words: str) -> None:
    result = run("validate", *args)
    assert result.exit_code == 2
    assert words in result.stderr and result.stderr.count("\n") == 1, result.stderr


def test_a_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "shapes.ttl"
    bad.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\nsh:x sh:y .\n<a> <b> .\n")
    result = run("validate", "-s", bad, "-d", DATA)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"cph-kg: error: {bad}:") and result.stderr.count("\n") == 1


@pytest.mark.slow
def test_end_to_end_as_a_shell_runs_it() -> None:
    done = run_cph_kg("validate", "--shapes", SHAPES, "--data", DATA, "-o", "json")
    assert done.returncode == 1, done.stderr
    assert rows(done.stdout) == EXPECTED
    missing = run_cph_kg("validate", "--shapes", SHAPES, "--data", GENERIC / "none.ttl")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
