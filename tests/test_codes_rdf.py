"""The code graphs' statements are valid RDF by construction: Oxigraph loads them unchecked.

The import bulk-loads its statements with Oxigraph's ``lenient`` parsing (no IRI or language
tag checked again), so :func:`cph_kg.codes.rdf.iri` must never write an invalid IRI, whatever
a corpus puts in an article number or a title; these tests check it against Oxigraph's own
strict parsing.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cph_kg.codes import rdf
from cph_kg.codes.importer import build, stream
from cph_kg.namespaces import LAW
from tests.helpers import ROOT

SAMPLE = ROOT / "data" / "samples" / "legi"


@given(st.text())
def test_an_iri_minted_from_any_text_is_valid(text: str) -> None:
    written = rdf.iri(f"{LAW}ctrav/{text}")
    # ox.NamedNode checks the IRI as the strict parser does, and so does N-Triples parsing
    ox.NamedNode(written[1:-1])
    (quad,) = ox.parse(f"{written} {written} {written} .\n".encode(), ox.RdfFormat.N_TRIPLES)
    assert quad.subject.value == written[1:-1]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (
            "https://w3id.org/cph-kg/law/ctrav/L5312-1",
            "<https://w3id.org/cph-kg/law/ctrav/L5312-1>",
        ),
        (
            "https://w3id.org/cph-kg/law/crpm/Tableau n°25",
            "<https://w3id.org/cph-kg/law/crpm/Tableau%20n%C2%B025>",
        ),
        ("https://w3id.org/x/100%", "<https://w3id.org/x/100%25>"),
        ("https://w3id.org/x/%C2%B0", "<https://w3id.org/x/%C2%B0>"),
        ("https://w3id.org/x#a#b", "<https://w3id.org/x#a%23b>"),
        ("http://data.europa.eu/eli/ontology#cites", "<http://data.europa.eu/eli/ontology#cites>"),
    ],
)
def test_what_an_iri_keeps_and_what_it_escapes(value: str, written: str) -> None:
    assert rdf.iri(value) == written


def test_an_iri_that_is_not_http_on_a_host_is_a_bug() -> None:
    with pytest.raises(ValueError, match="not an http"):
        rdf.iri("urn:x:y")


def test_the_vocabulary_written_as_it_is_is_valid() -> None:
    """Predicates and classes are written without :func:`rdf.iri`: each is a valid IRI."""
    constants = [v for k, v in vars(rdf).items() if k.isupper() and isinstance(v, str)]
    constants += [f"{rdf.TEXT_TYPES}loi"]
    for value in constants:
        if value.startswith("http"):
            assert rdf.iri(value) == f"<{value}>", value


def test_the_sample_corpora_parse_strictly() -> None:
    """Every statement the LEGI sample gives is accepted by Oxigraph's strict N-Quads parser."""
    with build(stream([SAMPLE])) as built:
        strict = list(ox.parse(path=built.quads, format=ox.RdfFormat.N_QUADS))
    assert len(strict) == built.summary.triples > 1000
