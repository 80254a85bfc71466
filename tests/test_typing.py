"""cph-kg's published types hold: mypy, in the strict settings of pyproject.toml, finds nothing.

The package ships ``py.typed``, so researchers' own type checkers read these annotations as a
contract; a test (rather than a separate CI step) keeps every landing honest about it.
"""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import ROOT


def test_the_package_type_checks() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "mypy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
