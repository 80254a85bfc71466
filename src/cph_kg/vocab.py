"""The Oxigraph forms of the terms and graph names cph-kg's code reads and writes, each made once.

Oxigraph is cph-kg's term model inside (parsing, stores, queries, report triples);
:mod:`cph_kg.namespaces` owns the IRIs, as rdflib namespaces for the edges that need rdflib
(pySHACL, the shape compiler, JSON-LD). A module that hands a term to a pyoxigraph store, or
compares one with its answers, takes it from here (``vocab.SH.focusNode``,
``vocab.CPH.readingApplied``) rather than declaring its own ``ox.NamedNode(…)``.

Each vocabulary is a class whose annotations are the terms the code uses, named as in the
vocabulary: a misspelt term is a type error for mypy, and a term a closed rdflib namespace
(``CPH``, ``SH``, ``RDF``…) does not declare is an ``AttributeError`` when this module is
imported.
"""

from __future__ import annotations

import inspect
from typing import Any

import pyoxigraph as ox
from rdflib import namespace as rdflib_namespaces

from cph_kg import namespaces


class _Terms:
    """The Oxigraph forms of some terms of one namespace: the subclass's annotations."""

    def __init_subclass__(cls, namespace: Any, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in inspect.get_annotations(cls):
            setattr(cls, name, ox.NamedNode(str(getattr(namespace, name))))


class RDF(_Terms, namespace=rdflib_namespaces.RDF):
    """RDF."""

    type: ox.NamedNode


class RDFS(_Terms, namespace=rdflib_namespaces.RDFS):
    """RDF Schema."""

    label: ox.NamedNode
    comment: ox.NamedNode


class XSD(_Terms, namespace=rdflib_namespaces.XSD):
    """XML Schema datatypes."""

    boolean: ox.NamedNode
    date: ox.NamedNode
    dateTime: ox.NamedNode
    string: ox.NamedNode


class SKOS(_Terms, namespace=rdflib_namespaces.SKOS):
    """SKOS."""

    prefLabel: ox.NamedNode
    notation: ox.NamedNode


class DCT(_Terms, namespace=rdflib_namespaces.DCTERMS):
    """DCMI terms."""

    hasVersion: ox.NamedNode


class PROV(_Terms, namespace=rdflib_namespaces.PROV):
    """PROV-O."""

    generatedAtTime: ox.NamedNode


class ELI(_Terms, namespace=namespaces.ELI):
    """ELI, the European Legislation Identifier ontology."""

    based_on: ox.NamedNode
    cites: ox.NamedNode
    date_no_longer_in_force: ox.NamedNode
    first_date_entry_in_force: ox.NamedNode
    has_member: ox.NamedNode
    is_member_of: ox.NamedNode
    is_part_of: ox.NamedNode


class SH(_Terms, namespace=rdflib_namespaces.SH):
    """SHACL: the report's terms."""

    ValidationReport: ox.NamedNode
    ValidationResult: ox.NamedNode
    conforms: ox.NamedNode
    focusNode: ox.NamedNode
    result: ox.NamedNode
    resultMessage: ox.NamedNode
    resultPath: ox.NamedNode
    resultSeverity: ox.NamedNode
    sourceConstraintComponent: ox.NamedNode
    sourceShape: ox.NamedNode
    value: ox.NamedNode


class CPH(_Terms, namespace=namespaces.CPH):
    """The cph-kg ontology."""

    Assessment: ox.NamedNode
    ConventionDeCooperation: ox.NamedNode
    Reading: ox.NamedNode
    addsParty: ox.NamedNode
    amends: ox.NamedNode
    appliedVersion: ox.NamedNode
    assessed: ox.NamedNode
    assessment: ox.NamedNode
    concernsConvention: ox.NamedNode
    concludedBy: ox.NamedNode
    defaultReading: ox.NamedNode
    evaluatedOn: ox.NamedNode
    party: ox.NamedNode
    provision: ox.NamedNode
    provisionLabel: ox.NamedNode
    readingApplied: ox.NamedNode
    reasoning: ox.NamedNode
    validatedConvention: ox.NamedNode
    verdict: ox.NamedNode


#: cph-kg's named graphs, the names the Store protocol and the code inside take; their IRIs are
#: :mod:`cph_kg.namespaces`' (rdflib's, for the public API: ``KnowledgeGraph.load(graph=…)``
#: converts what it is given once, ``LoadReport.written`` names the graphs in rdflib's terms).
ONTOLOGY_GRAPH = ox.NamedNode(str(namespaces.ONTOLOGY_GRAPH))
SHAPES_GRAPH = ox.NamedNode(str(namespaces.SHAPES_GRAPH))
LEGAL_GRAPH = ox.NamedNode(str(namespaces.LEGAL_GRAPH))
REFERENCE_GRAPH = ox.NamedNode(str(namespaces.REFERENCE_GRAPH))
CONVENTIONS_GRAPH = ox.NamedNode(str(namespaces.CONVENTIONS_GRAPH))
VALIDATION_GRAPH = ox.NamedNode(str(namespaces.VALIDATION_GRAPH))
#: The graphs cph-kg writes itself (the bundled law, the validation report): a load into one
#: is refused.
MANAGED_GRAPHS = (ONTOLOGY_GRAPH, SHAPES_GRAPH, LEGAL_GRAPH, REFERENCE_GRAPH, VALIDATION_GRAPH)

#: The graphs of a validation run's own in-memory stores (never a user's store): the law the
#: checks read, the run data (each convention's day and reading), the foci of a check, and
#: each input file's graph (``FILE_GRAPHS`` and the file's index).
RUN_LAW_GRAPH = ox.NamedNode("urn:cph-kg:validation:law")
RUN_DATA_GRAPH = ox.NamedNode("urn:cph-kg:validation:run")
RUN_FOCUS_GRAPH = ox.NamedNode("urn:cph-kg:validation:focus")
FILE_GRAPHS = "urn:cph-kg:validation:file:"


def file_graph(index: int) -> ox.NamedNode:
    """The graph of a validation run's input file number ``index`` (from 0)."""
    return ox.NamedNode(f"{FILE_GRAPHS}{index}")
