"""The validation benchmark runs as the README says, and both of its engines agree."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_the_validation_benchmark_runs_and_its_engines_agree() -> None:
    """A small size end to end: the table is printed and the results are identical.

    The baseline prepares its data itself (the days conventions are judged on); if that drifts
    from cph-kg's, the "identical results" column says NO and this test fails.
    """
    run = subprocess.run(
        [sys.executable, "benchmarks/validation.py", "--sizes", "60", "--seed", "5"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    rows = [line for line in run.stdout.splitlines() if line.startswith("| 60 |")]
    assert len(rows) == 3, run.stdout  # cph-kg, pySHACL, summary
    assert "| yes |" in rows[2], run.stdout
    assert "One convention, warm validator" in run.stdout
