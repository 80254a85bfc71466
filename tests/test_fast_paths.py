"""The shortcuts that make validation fast at scale give the answers of the long way.

Each shortcut decides, from cheap evidence, that the thorough check has nothing to find; these
tests put the evidence on both sides of its boundary.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from cph_kg.errors import InputError
from cph_kg.rdf.documents import MAX_TERM_BYTES, Document, may_hold_long_term
from cph_kg.validation.collection import Collection
from cph_kg.validation.report import ValidationOutcome
from cph_kg.validation.validator import Validator

SHORTEST = MAX_TERM_BYTES // 4  # characters a term of MAX_TERM_BYTES bytes needs at least
LINE = '<urn:s> <urn:p> "x" .\n'


def ntriples(long_line: int, before: int = 300_000) -> Document:
    """Many short lines, then one line of ``long_line`` characters, then short lines again."""
    filler = LINE * (before // len(LINE))
    line = '<urn:s> <urn:p> "' + "a" * (long_line - 20) + '" .\n'
    return Document(Path("big.nt"), filler + line + filler, "nt")


@pytest.mark.parametrize("offset", [0, 1, 12_345, SHORTEST // 2 + 7])
def test_a_line_long_enough_for_a_long_term_is_always_seen(offset: int) -> None:
    """Wherever the line falls against the windows looked at, a line of SHORTEST is found."""
    document = ntriples(SHORTEST, before=offset + 300_000)
    assert may_hold_long_term(document)


def test_short_lines_rule_the_scan_out() -> None:
    document = ntriples(SHORTEST // 2 - 1, before=2_500_000)
    assert len(document.text) > 2 * SHORTEST
    assert not may_hold_long_term(document)


def test_other_syntaxes_are_always_scanned() -> None:
    document = ntriples(100)
    assert may_hold_long_term(Document(Path("big.ttl"), document.text, "turtle"))


def conventions(*identifiers: str) -> str:
    conv = "https://w3id.org/cph-kg/convention/"
    kind = "<https://w3id.org/cph-kg/ontology#ConventionDeCooperation>"
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    ident = "<http://purl.org/dc/terms/identifier>"
    return "".join(
        f'<{conv}c{n}> {rdf_type} {kind} .\n<{conv}c{n}> {ident} "{identifier}" .\n'
        for n, identifier in enumerate(identifiers)
    )


def test_distinct_conventions_take_the_light_check(tmp_path: Path) -> None:
    path = tmp_path / "many.nt"
    path.write_text(conventions("A", "B", "C"), encoding="utf-8")
    collection = Collection.from_files([path])
    assert sorted(str(c) for c in collection.sources) == [
        f"https://w3id.org/cph-kg/convention/c{n}" for n in range(3)
    ]


def test_an_identifier_shared_in_one_file_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "twice.nt"
    path.write_text(conventions("A", "B", "A"), encoding="utf-8")
    with pytest.raises(InputError, match="identifier 'A' is also used in"):
        Collection.from_files([path])


def test_a_convention_in_two_files_is_still_refused(tmp_path: Path) -> None:
    first, second = tmp_path / "one.nt", tmp_path / "two.nt"
    first.write_text(conventions("A"), encoding="utf-8")
    second.write_text(conventions("B"), encoding="utf-8")
    with pytest.raises(InputError, match="also described in"):
        Collection.from_files([first, second])


EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "conventions"


def test_law_a_file_restates_is_in_the_store_once_and_changes_no_finding(
    tmp_path: Path, validator: Validator
) -> None:
    """Restating the reference data's triples about a party changes no finding.

    The union the shapes read holds each triple once: Oxigraph's union keeps a triple of two
    graphs twice, multiplying every join.
    """
    example = EXAMPLES / "non-conforming" / "pole-emploi-named-2025.ttl"
    bodies = {ox.NamedNode(f"https://w3id.org/cph-kg/org/{body}/33") for body in ("caf", "cpam")}
    restated = [q for q in validator.law_quads if q.subject in bodies]
    assert len(restated) >= 6
    copy = tmp_path / "restating.ttl"
    copy.write_text(
        example.read_text(encoding="utf-8")
        + "".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in restated),
        encoding="utf-8",
    )
    plain = validator.validate_files([example])
    collection = Collection.from_files([copy])
    restating = validator.validate_collection(collection)

    def findings(outcome: ValidationOutcome) -> list[tuple[str, ...]]:
        return sorted((str(f.focus), str(f.shape), str(f.value)) for f in outcome.results)

    assert findings(restating) == findings(plain) != []
    for quad in restated:
        graphs = [q.graph_name for q in collection.store.quads_for_pattern(*quad.triple)]
        assert len(graphs) == 1, quad


@pytest.mark.parametrize("suffix", ["nt", "ttl"])
def test_a_file_handed_to_oxigraph_in_slices_keeps_its_error_line(
    tmp_path: Path, suffix: str
) -> None:
    """A syntax error far past the first slice the parser reads is named by its line.

    After thousands of lines holding characters of two and three bytes.
    """
    good = '<urn:s> <urn:p> "Pôle emploi, caisse d\'allocations — « é »" .\n'
    path = tmp_path / f"long.{suffix}"
    path.write_text(conventions("A") + good * 20_000 + "<urn:s> <urn:p> oops .\n" + good, "utf-8")
    with pytest.raises(InputError) as raised:
        Collection.from_files([path])
    assert raised.value.line == 2 + 20_000 + 1
