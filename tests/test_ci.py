"""CI runs the README's test command, and the suite keeps its long runs behind a marker.

The guide asks for one README command that sets up and runs the tests, the same one CI runs;
issue 13 asks for a suite that runs in CI in under five minutes with the long runs behind a
marker. These tests keep the README, ``.ci/run`` and ``pyproject.toml`` saying the same thing.
"""

from __future__ import annotations

import re
import tomllib

from tests.helpers import ROOT


def readme_test_commands() -> list[str]:
    """The commands of the README's one test line, split on ``&&``."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"one command sets up and runs the tests.*?```sh\n(.*?)\n```", readme, re.S)
    assert block, "the README's test command is gone"
    return [part.strip() for part in block.group(1).split("&&")]


def test_ci_runs_the_readme_test_commands_in_order() -> None:
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text("utf-8").splitlines()]
    commands = readme_test_commands()
    setup, tests = commands[:2], commands[2:]
    assert " && ".join(setup) in ci
    assert [line for line in ci if "-m pytest" in line and not line.startswith("#")] == tests


def test_the_suite_leaves_the_long_runs_to_their_own_command() -> None:
    options = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["pytest"]
    assert "-m 'not load and not long'" in options["ini_options"]["addopts"]
    assert readme_test_commands()[-2:] == [
        ".venv/bin/python -m pytest",
        ".venv/bin/python -m pytest -m long",
    ]
