"""``cph-kg`` starts without importing what its commands need, and lists them all."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from cph_kg.cli import COMMANDS, main


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_listed_summary_is_the_commands_own(name: str) -> None:
    command = main.get_command(click.Context(main), name)
    assert command is not None and command.name == name
    assert COMMANDS[name][2] == command.get_short_help_str(limit=1000)


def test_help_lists_every_command_and_an_unknown_one_is_a_usage_error() -> None:
    runner = CliRunner()
    listed = runner.invoke(main, ["--help"])
    assert listed.exit_code == 0
    assert all(f"  {name} " in listed.output for name in COMMANDS)
    unknown = runner.invoke(main, ["valdiate"])
    assert unknown.exit_code == 2 and "No such command 'valdiate'" in unknown.output


def test_starting_the_command_line_imports_no_rdf_library() -> None:
    """``cph-kg --help`` stays instant: rdflib, Oxigraph and pySHACL load with a command."""
    code = (
        "import sys; from cph_kg.cli import main; "
        "print(sorted(m for m in ('rdflib', 'pyoxigraph', 'pyshacl') if m in sys.modules))"
    )
    imported = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert imported == "[]"
    helped = subprocess.run(
        [sys.executable, "-m", "cph_kg", "--help"], capture_output=True, text=True, check=True
    )
    assert "validate" in helped.stdout
