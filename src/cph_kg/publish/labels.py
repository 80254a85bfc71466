"""How a page names an RDF term in a language: labels, prefixed names, anchors.

French labels are the source and English ones translations: a page in English shows the French
label of a term that has no English one, and says so with the ``lang`` attribute.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SH, SKOS
from rdflib.term import Node

#: The languages pages are written in; the first is the source.
LANGUAGES = ("fr", "en")
#: Predicates that name a thing, the most specific first.
NAMING = (SKOS.prefLabel, RDFS.label, SH.name, DCTERMS.title)
_ANCHOR = re.compile(r"[^A-Za-z0-9_.-]")


@dataclass(frozen=True)
class Text:
    """A string to show, and the language it is in (None for one without a language)."""

    value: str
    lang: str | None


def pick(values: Iterable[Node], lang: str) -> Text | None:
    """The literal in ``lang``, else in French, else any literal; None when there is none."""
    literals = [v for v in values if isinstance(v, Literal)]
    for wanted in (lang, LANGUAGES[0]):
        for literal in sorted(literals):
            if literal.language == wanted:
                return Text(str(literal), wanted)
    plain = sorted(literals)
    return Text(str(plain[0]), plain[0].language) if plain else None


def label(graph: Graph, term: Node, lang: str) -> Text | None:
    """The name ``graph`` gives ``term`` in ``lang`` (see :func:`pick`), or None."""
    for predicate in NAMING:
        found = pick(graph.objects(term, predicate), lang)
        if found is not None:
            return found
    return None


def curie(graph: Graph, term: URIRef) -> str:
    """``prefix:local`` with the prefixes bound in ``graph``, else the IRI."""
    try:
        prefix, _, local = graph.namespace_manager.compute_qname(term, generate=False)
    except (KeyError, ValueError):
        return str(term)
    return f"{prefix}:{local}" if prefix else str(term)


def anchor(term: URIRef) -> str:
    """An HTML id for a term: its local name (after ``#`` or the last ``/``), made safe."""
    text = str(term)
    local = text.rsplit("#", 1)[1] if "#" in text else text.rstrip("/").rsplit("/", 1)[-1]
    return _ANCHOR.sub("-", local) or "term"
