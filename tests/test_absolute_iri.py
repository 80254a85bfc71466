"""One rule for an absolute IRI a user gives, in every place that takes one.

A query parameter and a graph name (``sparql.catalog``, ``KnowledgeGraph.load``) refused
U+00A0 while an authoring document (``authoring.format``) let it through; both now ask
:func:`cph_kg.rdf.terms.iri_flaw`. Unicode whitespace is refused with a one-line error naming
the character; a letter outside ASCII is an IRI character and stays accepted.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef

from cph_kg.authoring.format import read_yaml
from cph_kg.errors import CphKgError, InputError
from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.rdf.terms import iri_flaw
from cph_kg.sparql import catalog
from tests.helpers import CONVENTIONS, ROOT

#: IRIs with a space of some kind in them, and the words of the error that refuses each.
SPACED = [
    ("https://example.org/a b", "U+0020 SPACE"),
    ("https://example.org/a\tb", "U+0009 (a control character)"),
    ("https://example.org/a\u00a0b", "U+00A0 NO-BREAK SPACE"),
    ("https://example.org/a\u2003b", "U+2003 EM SPACE"),
    ("https://example.org/a\u3000b", "U+3000 IDEOGRAPHIC SPACE"),
]
#: A valid IRI with a letter outside ASCII (RFC 3987's ucschar).
ACCENTED = "https://example.org/centre-héraultais"

TYPED = catalog.load(ROOT / "tests" / "fixtures" / "rq" / "typed.rq")
YAML = (CONVENTIONS / "authoring" / "gironde-2019.yaml").read_text(encoding="utf-8")


def authoring_document(tmp_path: Path, centre: str) -> Path:
    """The YAML example with its centre named by the IRI ``centre``."""
    path = tmp_path / "convention.yaml"
    text = YAML.replace("id: centres:les-tilleuls-bordeaux", f'id: "{centre}"')
    assert text != YAML
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("iri", "words"), SPACED)
def test_the_rule_refuses_every_space_and_names_it(iri: str, words: str) -> None:
    assert iri_flaw(iri) == f"it holds {words}"


def test_the_rule_accepts_letters_outside_ascii_and_wants_a_scheme() -> None:
    assert iri_flaw(ACCENTED) is None
    assert iri_flaw("urn:cph-kg:é") is None
    assert iri_flaw("example.org/a") == "it has no scheme (such as https:)"


@pytest.mark.parametrize(("iri", "words"), SPACED)
def test_a_query_parameter_with_a_space_is_refused(iri: str, words: str) -> None:
    with pytest.raises(CphKgError, match="not an absolute IRI") as caught:
        TYPED.bind({"iri": iri})
    message = str(caught.value)
    assert words in message and "\n" not in message


def test_a_query_parameter_with_an_accent_is_bound() -> None:
    assert f"<{ACCENTED}>" in TYPED.bind({"iri": ACCENTED})


@pytest.mark.parametrize(("iri", "words"), SPACED)
def test_a_graph_name_with_a_space_is_refused(tmp_path: Path, iri: str, words: str) -> None:
    with KnowledgeGraph.open(tmp_path / "store") as kg, pytest.raises(CphKgError) as caught:
        kg.load([], graph=URIRef(iri))
    message = str(caught.value)
    assert "is not an absolute IRI" in message and words in message and "\n" not in message


@pytest.mark.parametrize(("iri", "words"), SPACED)
def test_an_authoring_iri_with_a_space_is_refused(tmp_path: Path, iri: str, words: str) -> None:
    path = authoring_document(tmp_path, iri)
    with pytest.raises(InputError) as caught:
        read_yaml(path, path.read_text(encoding="utf-8"))
    message = str(caught.value)
    assert "not an absolute IRI" in message and words in message and "\n" not in message


def test_an_authoring_iri_with_an_accent_is_read(tmp_path: Path) -> None:
    path = authoring_document(tmp_path, ACCENTED)
    graph = read_yaml(path, path.read_text(encoding="utf-8"))
    assert URIRef(ACCENTED) in set(graph.subjects())
