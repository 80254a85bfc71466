"""Oxigraph's side of cph-kg's terms: the syntaxes it parses, its answers, its parse errors.

And the one rule for an absolute IRI a user gives (:func:`iri_flaw`). Conversions to and from
rdflib are :mod:`cph_kg.rdf.rdflib_adapter`'s alone.
"""

from __future__ import annotations

import re
import unicodedata
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


#: An RDF term as Oxigraph gives it (RDF-star triple terms aside: cph-kg has none).
Term = ox.NamedNode | ox.BlankNode | ox.Literal
#: What may stand as the subject of a triple.
Subject = ox.NamedNode | ox.BlankNode


#: A character no IRI cph-kg accepts holds: those the IRIREF production of SPARQL 1.1, Turtle
#: and N-Triples excludes (U+0000–U+0020 and ``<>"{}|^`\``), DEL, and every other Unicode
#: whitespace (``\s``: U+00A0, U+2000–U+200A, U+2028, U+3000…; see :func:`iri_flaw`).
_NOT_IN_IRI = re.compile(r'[\x00-\x20\x7f<>"{}|\\^`]|\s')
#: An IRI's scheme and its colon (RFC 3986, 3.1).
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def iri_character_flaw(text: str) -> str | None:
    """The first character of ``text`` no IRI cph-kg accepts may hold, named; None if none.

    ``"it holds U+00A0 NO-BREAK SPACE"``: named, because the character is often invisible.
    The rule is :func:`iri_flaw`'s; a compact IRI (``caf:33``) is checked with it too.
    """
    found = _NOT_IN_IRI.search(text)
    if found is None:
        return None
    character = found.group()
    name = unicodedata.name(character, "") or "(a control character)"
    return f"it holds U+{ord(character):04X} {name}"


def iri_flaw(text: str) -> str | None:
    r"""Why ``text`` is no absolute IRI cph-kg accepts from a user, in a few words; None if it is.

    The rule is the IRIREF production of SPARQL 1.1, Turtle and N-Triples (a scheme, then no
    character of U+0000–U+0020 nor ``<>"{}|^`\``), with DEL and every Unicode whitespace also
    refused. The grammars let U+00A0 NO-BREAK SPACE, U+2003 EM SPACE or U+3000 IDEOGRAPHIC
    SPACE through, and RFC 3987 counts them among its ``ucschar``; but its section 6.1 (b) says
    look-alikes of "space" should be avoided, and in what a user types or pastes (a graph name,
    a query parameter, a centre's IRI in a YAML file) they are almost always a copy-and-paste
    accident that would make an IRI no one can write again. cph-kg refuses them, and the
    one-line error names the character. Letters outside ASCII are IRI characters and stay
    accepted (``https://example.org/é``). Every check of a user's IRI (query parameters, graph
    names, authoring documents) is this one.
    """
    if not _SCHEME.match(text):
        return "it has no scheme (such as https:)"
    return iri_character_flaw(text)


def value(store: ox.Store, subject: Subject, predicate: ox.NamedNode) -> Term | None:
    """One object of ``subject predicate ?`` in any graph of ``store`` (None if there is none).

    The term lookups of :class:`rdflib.Graph` (``value``, ``objects``, ``subjects``) on an
    Oxigraph store: the law is read this way instead of as an rdflib graph.
    """
    for quad in store.quads_for_pattern(subject, predicate, None):
        return quad.object  # type: ignore[return-value]  # the law holds no triple term
    return None


def objects(store: ox.Store, subject: Subject, predicate: ox.NamedNode) -> list[Term]:
    """Every object of ``subject predicate ?`` in ``store``."""
    return [quad.object for quad in store.quads_for_pattern(subject, predicate, None)]  # type: ignore[misc]


def subjects(store: ox.Store, predicate: ox.NamedNode, value: Term) -> list[Subject]:
    """Every subject of ``? predicate value`` in ``store``."""
    return [quad.subject for quad in store.quads_for_pattern(None, predicate, value)]  # type: ignore[misc]


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
