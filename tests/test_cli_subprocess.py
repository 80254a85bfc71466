"""End to end: the installed command, run as a user runs it, in a separate process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import CONFORMING, CONVENTIONS, run_cph_kg


def cph_kg(*args: str) -> subprocess.CompletedProcess[str]:
    return run_cph_kg(*args)


@pytest.mark.slow
def test_validate_the_examples_end_to_end() -> None:
    run = cph_kg("validate", "--examples", "--lang", "en")
    assert run.returncode == 1
    assert "✔ EX-gironde-2019 — conforms (Gironde, 2019-03-12)" in run.stdout
    assert run.stdout.rstrip().endswith("1 info(s).")
    assert run.stderr == ""


@pytest.mark.slow
def test_conforming_file_exits_0() -> None:
    assert cph_kg("validate", CONFORMING).returncode == 0


def test_bad_input_is_one_line_without_traceback() -> None:
    run = cph_kg("validate", CONVENTIONS / "manifest.ttl", CONFORMING)
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1
    assert "Traceback" not in run.stderr
    assert "holds no cph:ConventionDeCooperation" in run.stderr


def test_console_script_is_installed() -> None:
    """The ``cph-kg`` entry point sits beside the interpreter that runs the tests."""
    script = Path(sys.executable).parent / "cph-kg"
    run = subprocess.run([script, "--version"], capture_output=True, text=True, check=False)
    assert run.returncode == 0
    assert "0.1.0" in run.stdout
