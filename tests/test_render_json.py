"""The JSON report is written entry by entry: its text must be the one json.dumps writes whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cph_kg.output_safety import json_safe
from cph_kg.validation import render
from cph_kg.validation.validator import Validator

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "conventions"


def _whole(text: str) -> str:
    """The text json.dumps writes of the document ``text`` holds, in one piece."""
    return json_safe(json.dumps(json.loads(text), ensure_ascii=False))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_json_report_is_json_dumps_of_the_whole_document(
    validator: Validator, lang: str
) -> None:
    files = sorted((EXAMPLES / "non-conforming").glob("*.ttl"))[:6]
    files += sorted((EXAMPLES / "conforming").glob("*.ttl"))[:2]
    outcome = validator.validate_files(files)
    assert outcome.centres and any(verdict.findings for verdict in outcome.conventions)
    text = render.as_json(outcome, lang)
    assert text == _whole(text)
    document = json.loads(text)
    assert list(document) == ["reading", "conforms", "summary", "conventions", "centres"]
    assert [entry["iri"] for entry in document["conventions"]] == [
        str(verdict.iri) for verdict in outcome.conventions
    ]
    assert len(document["centres"]) == len(outcome.centres)


def test_a_report_with_no_centre_has_an_empty_list(validator: Validator) -> None:
    outcome = validator.validate_files([sorted((EXAMPLES / "conforming").glob("*.ttl"))[0]])
    outcome.centres = []
    text = render.as_json(outcome)
    assert text == _whole(text)
    assert json.loads(text)["centres"] == []
