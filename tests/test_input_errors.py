"""Bad input: one clear line naming the file, the line and the problem, and nothing validated.

The bad files live in tests/fixtures/bad-input/, one per problem; each test states the line
and the words the user must see. Hostile input (encodings, empty files, sizes, nesting, XML
entities, remote contexts, YAML bombs, broken CSV) is in tests/robustness/, through the CLI.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cph_kg import InputError, Validator
from cph_kg.rdfio import parse_file
from tests.helpers import CONFORMING

BAD = Path(__file__).parent / "fixtures" / "bad-input"

CASES = [
    ("unterminated-string.ttl", 5, "Turtle syntax error: newline found in string literal"),
    ("unbound-prefix.ttl", 3, 'Turtle syntax error: Prefix "cph:" not bound'),
    ("bad-term.nt", 3, "syntax error"),
    ("trailing-comma.jsonld", 5, "JSON syntax error"),
    ("mismatched-tag.rdf", 5, "RDF/XML syntax error: mismatched tag"),
    ("only-prefixes.ttl", None, "contains no RDF triples"),
    ("convention.csv", 1, "missing column 'date'"),
    ("notes.txt", None, "cannot tell the RDF syntax from the extension"),
    ("missing.ttl", None, "no such file"),
]


@pytest.mark.parametrize(("name", "line", "words"), CASES, ids=[c[0] for c in CASES])
def test_bad_file_gives_one_line_naming_file_line_and_problem(
    name: str, line: int | None, words: str
) -> None:
    with pytest.raises(InputError) as caught:
        parse_file(BAD / name)
    error = caught.value
    assert error.line == line
    assert words in error.problem
    assert "\n" not in str(error)
    prefix = f"{BAD / name}:{line}: " if line else f"{BAD / name}: "
    assert str(error).startswith(prefix)


def test_a_file_without_convention_is_refused(validator: Validator) -> None:
    with pytest.raises(InputError, match="holds no cph:ConventionDeCooperation"):
        validator.validate_files([BAD / "no-convention.ttl"])


def test_a_directory_is_refused(tmp_path: Path) -> None:
    directory = tmp_path / "conventions.ttl"
    directory.mkdir()
    with pytest.raises(InputError, match="is a directory"):
        parse_file(directory)


def test_one_bad_file_fails_the_whole_batch(validator: Validator) -> None:
    """All or nothing: a good file before a bad one is not validated alone."""
    with pytest.raises(InputError) as caught:
        validator.validate_files([CONFORMING, BAD / "unbound-prefix.ttl"])
    assert caught.value.path == BAD / "unbound-prefix.ttl"


def test_the_same_convention_in_two_files_is_refused(validator: Validator) -> None:
    with pytest.raises(InputError, match="also described in"):
        validator.validate_files([CONFORMING, CONFORMING])


def test_forced_format_overrides_the_extension(tmp_path: Path) -> None:
    copy = tmp_path / "convention.txt"
    copy.write_bytes(CONFORMING.read_bytes())
    assert len(parse_file(copy, "turtle")) > 10
    with pytest.raises(InputError, match="unknown format 'n3'"):
        parse_file(copy, "n3")


def test_entities_that_only_abbreviate_iris_are_accepted() -> None:
    """Ontology editors write <!ENTITY owl "http://…#">: harmless, and still read."""
    graph = parse_file(Path(__file__).parent / "fixtures" / "good-input" / "namespace-entities.rdf")
    assert len(graph) == 2
