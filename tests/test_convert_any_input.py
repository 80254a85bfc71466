"""``cph-kg convert`` on any input file: a result, or one line naming the problem; no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cph_kg.cli import main
from tests.helpers import ROOT

FORMATS = ("turtle", "ntriples", "json-ld", "yaml", "csv")
INPUTS = sorted(
    path
    for folder in (
        "tests/fixtures/authoring",
        "tests/fixtures/bad-input",
        "tests/fixtures/bulk",
        "tests/fixtures/good-input",
        "data/conventions",
    )
    for path in (ROOT / folder).rglob("*")
    if path.is_file()
    and path.suffix
    in (".ttl", ".nt", ".jsonld", ".json", ".yaml", ".yml", ".csv", ".rdf", ".xml", ".nq", ".trig")
)


@pytest.mark.parametrize("source", INPUTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_convert_gives_a_result_or_one_line(source: Path, tmp_path: Path) -> None:
    for fmt in FORMATS:
        run = CliRunner().invoke(
            main, ["convert", str(source), "--to", fmt, "--out", str(tmp_path / "out")]
        )
        assert run.exception is None or isinstance(run.exception, SystemExit), (fmt, run.exc_info)
        assert run.exit_code in (0, 2), (fmt, run.output)
        if run.exit_code == 2:
            assert run.stderr.startswith("cph-kg: error: ") and run.stderr.count("\n") == 1, (
                fmt,
                run.stderr,
            )
