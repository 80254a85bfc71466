"""Oxigraph's side of cph-kg's terms: the syntaxes it parses, its answers, its parse errors.

Conversions to and from rdflib are :mod:`cph_kg.rdf.rdflib_adapter`'s alone.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from cph_kg.errors import InputError

#: rdflib parser names (:mod:`cph_kg.rdf.documents`) that Oxigraph parses itself.
OXIGRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "json-ld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
}

#: The syntaxes with named graphs; cph-kg merges them into the document's triples.
QUAD_FORMATS = ("nquads", "trig")


def solutions(answer: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> ox.QuerySolutions:
    """The solutions of a SELECT query cph-kg wrote (anything else is a cph-kg bug)."""
    if not isinstance(answer, ox.QuerySolutions):
        raise TypeError(f"a SELECT query answered {type(answer).__name__}")
    return answer


def syntax_error(path: Path, error: SyntaxError) -> InputError:
    """Oxigraph's parse error as one line naming the file and line.

    "Parser error at line 3 column 1: The prefix … (line 3)" becomes "syntax error: The
    prefix …" at line 3.
    """
    message = str(error).split(": ", 1)[-1] if "Parser error" in str(error) else str(error)
    message = re.sub(r"\s*\(line \d+\)$", "", message)
    return InputError(path, f"syntax error: {message}", error.lineno)
