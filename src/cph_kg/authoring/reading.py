"""What a document is, and the reader it needs: an authoring format, or RDF in a standard syntax.

The authoring formats are YAML, JSON-LD with cph-kg's context and CSV.

Every input goes through :func:`parse_document` (or :func:`read_rows` for the bulk formats),
so the command line, the API and the stores read a file the same way.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from cph_kg.authoring.format import read_json, read_yaml
from cph_kg.authoring.spreadsheet import read_csv, read_csv_triples
from cph_kg.errors import InputError
from cph_kg.namespaces import CONTEXT_IRI
from cph_kg.rdf.documents import Document, parse_rdf, read_document
from cph_kg.rdf.rdflib_adapter import oxigraph_triples


def parse_file(path: Path | str, forced_format: str | None = None) -> Graph:
    """Parse one file into a new graph, or raise :class:`InputError` saying where and why."""
    return parse_document(read_document(path, forced_format))


def parse_document(document: Document) -> Graph:
    """Parse a read document, or raise :class:`InputError` saying where and why.

    The authoring formats are read by :mod:`cph_kg.authoring.format` and
    :mod:`cph_kg.authoring.spreadsheet`, RDF syntaxes by :func:`cph_kg.rdf.documents.parse_rdf`.
    """
    path, text, fmt = document.path, document.text, document.fmt
    if fmt == "yaml":
        return read_yaml(path, text)
    if fmt == "csv":  # strict here; read_rows() keeps the good rows of a bulk file
        graph, problems = read_csv(path, text)
        if problems:
            raise problems[0]
        return graph
    if fmt == "json-ld" and CONTEXT_IRI in text:
        return read_json(path, text)
    return parse_rdf(document)


def read_row_triples(document: Document) -> tuple[list[ox.Triple], list[InputError]]:
    """:func:`read_rows` as Oxigraph triples, built without rdflib terms for the bulk format."""
    if document.fmt == "csv":
        return read_csv_triples(document.path, document.text)
    return oxigraph_triples(parse_document(document)), []


def read_rows(document: Document) -> tuple[Graph, list[InputError]]:
    """A document's graph and the rows left out.

    Only the CSV bulk format can leave rows out (its good rows are kept); every other format is
    all or nothing.
    """
    if document.fmt == "csv":
        return read_csv(document.path, document.text)
    return parse_document(document), []
