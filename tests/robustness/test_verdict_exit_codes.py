"""Every finding is reported and the exit code follows the verdicts.

A convention with two dates of conclusion, the first before any text applied, came out
"not judged" (JSON ``conforms: true``) while its data-quality violation ("une et une seule date
de conclusion") made the exit code 1: the report said less than the exit code. A convention
whose data cannot establish the day it is judged on cannot be assessed, whatever that day would
be, and the exit code is 1 exactly when a verdict fails (or, with ``--fail-on warning``, a
warning exists).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cph_kg.validation.report import Severity, Verdict
from cph_kg.validation.validator import Validator
from tests.helpers import CONFORMING, ROOT
from tests.robustness.hostile import run

FIXTURES = ROOT / "tests" / "fixtures" / "verdicts"
TWO_DATES = sorted(FIXTURES.glob("two-dates-*.ttl"))
CONVENTION = "https://w3id.org/cph-kg/convention/gironde-2019"
DATE_SHAPE = "https://w3id.org/cph-kg/shapes/r349-2#Convention-date"


@pytest.mark.parametrize("engine", ["compiled", pytest.param("pyshacl", marks=pytest.mark.slow)])
@pytest.mark.parametrize("path", TWO_DATES, ids=lambda path: path.stem)
def test_two_dates_of_conclusion_cannot_be_assessed(path: Path, engine: str) -> None:
    """The date violation is in the report, the verdict fails, the exit code is 1."""
    result = run("validate", path, "--engine", engine, "-o", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["conforms"] is False
    (convention,) = report["conventions"]
    assert convention["iri"] == CONVENTION
    assert convention["verdict"] == "cannot be assessed"
    assert convention["conforms"] is False
    assert ("Violation", DATE_SHAPE) in {
        (finding["severity"], finding["shape"]) for finding in convention["findings"]
    }
    assert report["summary"]["cannot_be_assessed"] == 1
    assert report["summary"]["not_judged"] == 0


@pytest.mark.parametrize("path", TWO_DATES, ids=lambda path: path.stem)
def test_the_text_report_shows_the_violation_and_the_verdict(path: Path) -> None:
    """People read the same verdict, and the violation that causes it, in the text report."""
    result = run("validate", path, "--lang", "en")
    assert result.exit_code == 1, result.output
    assert "EX-gironde-2019 — cannot be assessed" in result.stdout, result.stdout
    assert "VIOLATION [data quality]" in result.stdout
    assert "1 cannot be assessed, 0 not judged" in result.stdout


def test_the_stored_report_records_the_same_verdict(tmp_path: Path) -> None:
    """``validate --store`` exits 1 and the stored report does not say the convention conforms."""
    store = tmp_path / "store"
    path = FIXTURES / "two-dates-one-before-any-text.ttl"
    assert run("load", "--location", store, path).exit_code == 0
    validated = run("validate", "--store", "--location", store, "-o", "json")
    assert validated.exit_code == 1, validated.output
    assert json.loads(validated.stdout)["conventions"][0]["verdict"] == "cannot be assessed"
    counted = run("query", "conventions-by-departement", "--location", store, "-o", "json")
    assert counted.exit_code == 0, counted.output
    (row,) = json.loads(counted.stdout)["results"]["bindings"]
    assert row["cannotBeAssessed"]["value"] == "1", row
    assert row["notJudged"]["value"] == "0", row


BOTH = FIXTURES / "legal-and-data-quality.ttl"
MISSION_SHAPE = "https://w3id.org/cph-kg/shapes/r349-2#Convention-mission-information"
CENTRE_SHAPE = "https://w3id.org/cph-kg/shapes/r349-2#CentreInDepartement"


@pytest.mark.parametrize("engine", ["compiled", pytest.param("pyshacl", marks=pytest.mark.slow)])
def test_a_data_quality_violation_outranks_a_legal_one(engine: str) -> None:
    """Mission II 1° missing and the centre in another département: cannot be assessed.

    The legal checks read the data the data-quality checks fault, so their violation is
    reported (counted as legal) but establishes no breach: the verdict is "cannot be assessed",
    as the README's table of verdicts and the ontology's cph:CannotBeAssessed say.
    """
    result = run("validate", BOTH, "--engine", engine, "-o", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    (convention,) = report["conventions"]
    assert convention["verdict"] == "cannot be assessed"
    assert {
        (finding["severity"], finding["shape"]) for finding in convention["findings"]
    } >= {("Violation", MISSION_SHAPE), ("Violation", CENTRE_SHAPE)}
    assert report["summary"]["cannot_be_assessed"] == 1
    assert report["summary"]["not_conforming"] == 0
    text = run("validate", BOTH, "--engine", engine, "--lang", "en")
    assert "EX-legal-and-data-quality — cannot be assessed" in text.stdout, text.stdout
    assert "legal findings: 1 violation(s)" in text.stdout
    assert "data quality: 1 violation(s)" in text.stdout


@pytest.fixture(scope="module")
def examples() -> list[Path]:
    """Every example convention, conforming or not, and the verdict fixtures."""
    return [*sorted(CONFORMING.parent.glob("*/*.ttl")), *TWO_DATES, BOTH]


def test_the_exit_code_follows_the_verdicts_on_every_example(examples: list[Path]) -> None:
    """For each example alone: exit 1 (violations) exactly when its verdict fails."""
    validator = Validator()
    failing = {Verdict.DOES_NOT_CONFORM, Verdict.CANNOT_BE_ASSESSED}
    for path in examples:
        outcome = validator.validate_files([path])
        verdicts = [verdict.verdict for verdict in (*outcome.conventions, *outcome.centres)]
        assert outcome.fails(Severity.VIOLATION) == any(v in failing for v in verdicts), path
        violations = outcome.count(Severity.VIOLATION)
        assert bool(violations) == outcome.fails(Severity.VIOLATION), path


def test_two_dates_in_yaml_are_refused_in_words_the_author_wrote(tmp_path: Path) -> None:
    """The authoring format holds one date: a list is one line naming file and line, no repr."""
    yaml = CONFORMING.parents[1] / "authoring" / "gironde-2019.yaml"
    path = tmp_path / "two-dates.yaml"
    path.write_text(
        yaml.read_text("utf-8").replace("date: 2019-03-12", "date: [2015-01-10, 2019-03-12]"),
        encoding="utf-8",
    )
    result = run("validate", path)
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"cph-kg: error: {path}:4: date (a list of 2 values: one date only) is not a valid "
        "date written YYYY-MM-DD (DD/MM/YYYY in a CSV file)\n"
    )
