"""A party written as a blank node is judged like a named one, never a traceback.

Turtle and JSON-LD let an author describe a party in place (``cph:party [ … ]`` or ``_:x``).
The report links each finding about a party to the conventions naming it; that lookup put the
blank node in a SPARQL ``VALUES`` block, which SPARQL 1.1 forbids, and ``validate`` ended in
``SyntaxError: expected UNDEF``.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cph_kg.cli import main
from tests.helpers import CONVENTIONS


def _with_blank_party(tmp_path: Path) -> Path:
    """The nameless-party example, its nameless association written as a blank node."""
    source = CONVENTIONS / "non-conforming" / "party-without-name.ttl"
    text = source.read_text(encoding="utf-8").replace("assoc:sans-nom", "_:sansnom")
    assert "_:sansnom a " in text
    target = tmp_path / "blank-party.ttl"
    target.write_text(text, encoding="utf-8")
    return target


def test_a_finding_about_a_blank_node_party_is_reported(tmp_path: Path) -> None:
    data = _with_blank_party(tmp_path)
    named = CliRunner().invoke(
        main,
        [
            "validate",
            "--output",
            "json",
            str(CONVENTIONS / "non-conforming" / "party-without-name.ttl"),
        ],
    )
    blank = CliRunner().invoke(main, ["validate", "--output", "json", str(data)])
    assert blank.exception is None or isinstance(blank.exception, SystemExit), blank.output
    assert blank.exit_code == named.exit_code == 0, blank.output
    assert "Traceback" not in blank.output
    report, expected = json.loads(blank.stdout), json.loads(named.stdout)
    assert report["summary"] == expected["summary"]
