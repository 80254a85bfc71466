"""The CSV bulk format: rows as a spreadsheet exports them, good rows kept, bad rows listed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from cph_kg import InputError, Validator
from cph_kg.cli import main
from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.rdfio import parse_file, read_document, read_rows
from tests.generate import generate
from tests.helpers import ROOT

BULK = Path(__file__).parent / "fixtures" / "bulk"
MIXED = BULK / "mixed.csv"


def test_good_rows_are_kept_and_bad_rows_listed_with_their_line() -> None:
    graph, problems = read_rows(read_document(MIXED))
    assert [(p.line, p.problem.split(" (")[0]) for p in problems] == [
        (3, "unknown département 'dep:20'"),
        (5, "identifier 'CSV-1' is also on line 2"),
        (6, "date '31/02/2020' is not a valid date written YYYY-MM-DD"),
        (7, "unknown provision 'III-9' in objects"),
    ]
    identifiers = sorted(str(o) for o in graph.objects(None, None) if str(o).startswith("CSV-"))
    assert identifiers == ["CSV-1", "CSV-3"]


def test_a_byte_order_mark_semicolons_and_french_dates(validator: Validator) -> None:
    outcome = validator.validate_files([MIXED])
    assert [(v.identifier, v.date) for v in outcome.conventions] == [
        ("CSV-1", "2019-03-12"),
        ("CSV-3", "2021-06-15"),
    ]
    assert len(outcome.skipped) == 4


def test_commas_and_pipes_as_a_spreadsheet_may_write_them(validator: Validator) -> None:
    outcome = validator.validate_files([BULK / "comma.csv"])
    [verdict] = outcome.conventions
    assert verdict.identifier == "CSV-10" and verdict.conforms


def test_parse_file_is_strict_on_a_bad_row() -> None:
    with pytest.raises(InputError) as caught:
        parse_file(MIXED)
    assert caught.value.line == 3


def test_an_unknown_column_is_named_with_a_suggestion() -> None:
    with pytest.raises(InputError, match=r"unknown column 'titel' \(did you mean 'title'\?\)"):
        parse_file(BULK / "bad-column.csv")


@pytest.mark.slow
def test_cli_validate_and_load_keep_good_rows_and_exit_2(tmp_path: Path) -> None:
    runner = CliRunner(env={"CPH_KG_STORE": str(tmp_path / "store"), "CPH_KG_ENDPOINT": ""})
    validated = runner.invoke(main, ["validate", "--lang", "en", str(MIXED)])
    assert validated.exit_code == 2
    assert "✔ CSV-1 — conforms" in validated.stdout
    assert validated.stderr.count("cph-kg: skipped ") == 4
    loaded = runner.invoke(main, ["load", str(MIXED)])
    assert loaded.exit_code == 2
    assert "4 row(s) left out" in loaded.stderr
    with KnowledgeGraph.open(tmp_path / "store", create=False) as kg:
        assert sorted(v.identifier for v in kg.validate().conventions) == ["CSV-1", "CSV-3"]


def test_progress_is_told_once_per_check_and_changes_nothing(validator: Validator) -> None:
    """The progress bar advances once per compiled check; the verdicts are those without it."""
    conventions = Graph().parse(data=generate(150, seed=3), format="nt")
    quiet = validator.validate_graph(conventions)
    steps: list[tuple[int, int]] = []
    shown = validator.validate_graph(conventions, progress=lambda d, t: steps.append((d, t)))
    total = len(validator.engine.checks)
    assert steps == [(1, total)] * total

    def verdicts(outcome):
        return [
            (str(v.iri), v.conforms, sorted((str(f.shape), str(f.value)) for f in v.findings))
            for v in outcome.conventions
        ]

    assert verdicts(shown) == verdicts(quiet)
    assert any(not v.conforms for v in quiet.conventions)


def test_cli_shows_progress_on_a_terminal(tmp_path: Path) -> None:
    """With a terminal on standard error, validating many conventions shows a progress bar."""
    data = tmp_path / "conventions.nt"
    data.write_text(generate(120, seed=4), encoding="utf-8")
    run = subprocess.run(
        ["script", "-qec", f"{sys.executable} -m cph_kg validate {data}", "/dev/null"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert "Validating" in run.stdout
    assert "120/120" in run.stdout or "100%" in run.stdout


@pytest.mark.slow
def test_a_thousand_generated_conventions_load_and_validate_from_the_cli(tmp_path: Path) -> None:
    """The bulk case of the issue: 1,000 rows, loaded, then validated with a progress bar."""
    from tests.generate import generate_csv

    bulk = tmp_path / "thousand.csv"
    bulk.write_text(generate_csv(1000, seed=7), encoding="utf-8")
    runner = CliRunner(env={"CPH_KG_STORE": str(tmp_path / "store"), "CPH_KG_ENDPOINT": ""})
    loaded = runner.invoke(main, ["load", str(bulk)])
    assert loaded.exit_code == 0, loaded.output
    run = subprocess.run(
        ["script", "-qec", f"{sys.executable} -m cph_kg validate --lang en {bulk}", "/dev/null"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    screen = run.stdout.replace("\r", "\n")
    assert "Validating" in screen
    summary = [line for line in screen.splitlines() if line.startswith("1000 convention(s): ")]
    assert summary, screen[-500:]
    conforming = int(summary[0].split(": ")[1].split(" conform")[0])
    assert 600 < conforming < 800  # about 30 % of the rows are faulty by construction
