"""The validation benchmark runs as the README says, and its engines agree."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from cph_kg import java
from tests import virtuoso
from tests.helpers import ROOT

pytestmark = pytest.mark.slow  # the benchmarks run end to end


def java_missing() -> str | None:
    """Why Jena cannot run here, or None (the benchmark then leaves Jena out and says so)."""
    try:
        java.java()
        java.jena_classpath()
    except java.JavaUnavailable as missing:
        return str(missing)
    return None


@pytest.mark.long  # the validation benchmark end to end, three engines
def test_the_validation_benchmark_runs_and_its_engines_agree() -> None:
    """A small size end to end: the table is printed and the results are identical.

    The baselines prepare their data themselves (the days conventions are judged on); if that
    drifts from cph-kg's, an "identical" column says NO and this test fails.
    """
    run = _benchmark("validation", "--sizes", "15", "--seed", "5")
    rows = [line for line in run.stdout.splitlines() if line.startswith("| 15 |")]
    assert len(rows) == 4, run.stdout  # cph-kg, pySHACL, Jena, summary
    summary = rows[3].split("|")
    assert summary[3].strip() == "yes", run.stdout  # pySHACL's results are cph-kg's
    jena_missing = java_missing()
    assert summary[4].strip() == ("—" if jena_missing else "yes"), run.stdout
    if jena_missing:
        assert "not run: " in rows[2], run.stdout
    assert "One convention, warm validator" in run.stdout


@pytest.mark.slow
def test_another_commit_runs_on_the_same_files() -> None:
    """``--against REV`` runs REV's own cph-kg (its tree, its package) beside this one's."""
    run = _benchmark(
        "validation",
        *("--sizes", "12", "--baseline-up-to", "0", "--jena-budget", "0", "--against", "HEAD"),
    )
    rows = [line for line in run.stdout.splitlines() if line.startswith("| 12 |")]
    assert rows[0].startswith("| 12 | cph-kg at HEAD (same results) |"), run.stdout
    assert rows[1].startswith("| 12 | cph-kg |"), run.stdout


def test_jena_over_its_budget_is_stopped_and_reported_as_a_lower_bound(tmp_path) -> None:
    """A Jena run longer than ``--jena-budget`` is killed; its row says "> N", never a time."""
    if java_missing():
        pytest.skip(f"Jena cannot run here: {java_missing()}")
    from benchmarks.validation import row, run_jena
    from tests.generate import generate

    path = tmp_path / "conventions.nt"
    path.write_text(generate(20, 1), encoding="utf-8")
    figures = run_jena(path, budget=0.2)  # the Java virtual machine alone takes longer
    assert figures["stopped"] and figures["results"] is None
    assert figures["total"] == 0.2
    line = row(20, "Jena (command)", figures)
    assert "**> 0**" in line and "stopped after 0 s" in line


def test_the_generator_writes_the_same_conventions_in_every_format(tmp_path) -> None:
    """Turtle holds the N-Triples' triples; YAML documents validate like the same conventions."""
    from rdflib import Graph
    from rdflib.compare import isomorphic

    from cph_kg.validation.validator import Validator
    from tests.generate import REFERENCE_DEPARTEMENTS, YAML_FAULTS, generate, main

    main(["12", "--seed", "3", "--format", "turtle", "--output", str(tmp_path / "c.ttl")])
    main(["12", "--seed", "3", "--output", str(tmp_path / "c.nt")])
    turtle = Graph().parse(tmp_path / "c.ttl", format="turtle")
    assert isomorphic(turtle, Graph().parse(tmp_path / "c.nt", format="nt"))

    main(["8", "--seed", "4", "--faulty-share", "1", "--format", "yaml", "--output", str(tmp_path)])
    documents = sorted(tmp_path.glob("*.yaml"))
    assert len(documents) == 8
    validator = Validator()
    from_yaml = validator.validate_files(documents)
    same = Graph().parse(data=generate(8, 4, 1, REFERENCE_DEPARTEMENTS, YAML_FAULTS), format="nt")
    from_triples = validator.validate_graph(same)
    assert [(v.iri, v.conforms, len(v.findings)) for v in from_yaml.conventions] == [
        (v.iri, v.conforms, len(v.findings)) for v in from_triples.conventions
    ]
    assert not from_yaml.conforms  # every one of them has a fault


def test_the_csv_benchmark_times_both_formats_on_the_same_conventions() -> None:
    """``python -m benchmarks.csv_input`` prints one row per size with both ratios."""
    run = _benchmark("csv_input", "30", "--runs", "1")
    row = next(line for line in run.stdout.splitlines() if line.startswith("| 30 |"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert len(cells) == 7 and cells[3].endswith("×") and cells[6].endswith("×"), run.stdout
    assert all(float(cell) > 0 for cell in (cells[1], cells[2], cells[4], cells[5]))


def test_the_legi_reading_benchmark_times_each_step_on_the_sample() -> None:
    """``python -m benchmarks.legi_reading DIR`` prints one timed row per step of the reading."""
    run = _benchmark("legi_reading", str(ROOT / "data" / "samples" / "legi"))
    assert run.stdout.startswith("286 articles of 4 codes"), run.stdout
    rows = [line for line in run.stdout.splitlines() if line.startswith("| ") and "---" not in line]
    steps = [row.split("|")[1].strip() for row in rows[1:]]
    assert steps[0] == "JSON parsed by orjson (baseline)" and len(steps) == 5, run.stdout
    lxml = next(row for row in rows if "lxml" in row)
    assert "| 0 articles differ |" in lxml, lxml


def test_the_loader_paths_benchmark_stores_the_same_statements_either_way() -> None:
    """``python -m benchmarks.loader_paths DIR``: chunked and piped loads store every statement."""
    run = _benchmark("loader_paths", str(ROOT / "data" / "samples" / "legi"))
    rows = [line.split("|") for line in run.stdout.splitlines() if line.startswith("| 1 |")]
    assert [row[2].strip() for row in rows] == ["chunked", "pipe"], run.stdout
    counts = {(row[3].strip(), row[4].strip()) for row in rows}
    (made, stored), *others = counts
    assert not others and made == stored and int(made.replace(",", "")) > 30_000, run.stdout


def test_the_remote_results_benchmark_reads_virtuoso_each_way_and_shows_a_refusal() -> None:
    """A small answer of a fresh Virtuoso read each way, the rows checked equal.

    Then the IRI Virtuoso serves that Oxigraph's parser refuses: why rdflib reads answers.
    """
    if shutil.which(virtuoso.SERVER) is None or shutil.which(virtuoso.ISQL) is None:
        pytest.skip(virtuoso.NOT_INSTALLED)
    run = _benchmark("remote_results", "--rows", "300", "--runs", "1")
    assert "Virtuoso's answer: 300 rows" in run.stdout, run.stdout
    assert len([line for line in run.stdout.splitlines() if line.endswith("x |")]) == 5
    assert "<relative/path>: rdflib reads it; Oxigraph refuses the whole answer" in run.stdout


def _benchmark(name: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    """``python -m benchmarks.NAME ARGUMENTS`` from the project root, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", f"benchmarks.{name}", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
