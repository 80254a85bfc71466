"""SHACL property paths written as text: a property's IRI, or SPARQL property-path syntax.

A report that prints a path node as it is shows a blank-node label (``_:n3f…``) for every
path that is not a single property, which means nothing outside the run. Here a predicate path
is its IRI and any other path is written as SPARQL 1.1 writes it (``^<p>``, ``<p>/<q>``,
``(<p>|<q>)``, ``<p>*``), by rdflib's reader of SHACL paths.
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.extras.shacl import SHACLPathError, parse_shacl_path
from rdflib.term import Node


def path_text(path: Node | None, shapes: Graph) -> str | None:
    """``path`` (a node of ``shapes``) as its property IRI or a SPARQL property path."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return str(path)
    try:
        return parse_shacl_path(shapes, path).n3()
    except (SHACLPathError, AttributeError, TypeError):
        return None
