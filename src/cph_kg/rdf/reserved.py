"""What only cph-kg writes: a user's load may not speak for the validator, the law or the model.

The named queries believe a verdict only from the validation graph, which only ``validate
--store`` writes. A loaded file holding report terms would no longer change a verdict there,
but it would still read as a report to anyone querying the union of the graphs (a researcher's
own query, another tool), and a file describing R349-2, a shape or a term of the ontology would
put words in the law's mouth. So a load refuses, naming the file and the term, a statement:

- whose predicate or class is a term of SHACL (reports, results, shapes);
- whose predicate is a property the ontology defines for reports, results or shapes (its
  ``rdfs:domain`` or ``schema:domainIncludes`` is a SHACL class), or one of the validation
  run's own facts (:data:`RUN_PROPERTIES`: the day a convention is judged on, the version
  applied, the reading applied), which validation adds itself;
- whose subject is a resource of the ontology, the shapes, the law or cph-kg's named graphs.

The same refusal holds for a file given to ``validate`` (its facts would decide the day or the
reading a convention is judged by). A load also refuses a convention that is a blank node: it
could be neither judged nor cited.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox
from rdflib.namespace import RDFS, SDO, SH

from cph_kg import resources, vocab
from cph_kg.errors import InputError
from cph_kg.namespaces import BASE, GRAPH, LAW, SCHEMA
from cph_kg.rdf.terms import solutions

SHACL = str(SH)
ONTOLOGY = BASE + "ontology"
#: Resources nobody but cph-kg describes: the ontology and its terms, the shapes, the articles
#: of the codes and their versions, cph-kg's named graphs.
MANAGED_SUBJECTS = (ONTOLOGY, BASE + "shapes/", str(LAW), GRAPH)
#: Facts a validation run adds to the conventions it judges.
RUN_PROPERTIES = frozenset(
    term.value
    for term in (vocab.CPH.evaluatedOn, vocab.CPH.appliedVersion, vocab.CPH.readingApplied)
)
_TYPE = vocab.RDF.type.value
_CONVENTION = vocab.CPH.ConventionDeCooperation.value
_S = TypeVar("_S", bound=ox.Triple | ox.Quad)
_DOMAINS = (
    str(RDFS.domain),
    str(SCHEMA.domainIncludes),
    str(SDO.domainIncludes),
)


@cache
def reserved_properties() -> frozenset[str]:
    """The ontology's properties of reports, results and shapes, and the run's own facts."""
    found = set(RUN_PROPERTIES)
    for path in resources.ontology_files():
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if (
                triple.predicate.value in _DOMAINS
                and isinstance(triple.object, ox.NamedNode)
                and triple.object.value.startswith(SHACL)
                and triple.subject.value.startswith(ONTOLOGY)
            ):
                found.add(triple.subject.value)
    return frozenset(found)


def refuse_reserved(path: Path, statements: Iterable[ox.Triple | ox.Quad]) -> None:
    """Raise :class:`InputError` at the first statement of ``path`` that only cph-kg may make."""
    for _ in checked(path, statements):
        pass


def checked(path: Path, statements: Iterable[_S]) -> Iterator[_S]:
    """The statements of ``path``, each checked as it passes (:func:`refuse_reserved`)."""
    properties = reserved_properties()
    for statement in statements:
        predicate = statement.predicate.value
        if predicate.startswith(SHACL) or predicate in properties:
            raise _refused(path, f"uses <{predicate}>")
        subject = statement.subject
        if isinstance(subject, ox.NamedNode) and subject.value.startswith(MANAGED_SUBJECTS):
            raise _refused(path, f"describes <{subject.value}>")
        value = statement.object
        if predicate == _TYPE and isinstance(value, ox.NamedNode):
            if value.value.startswith(SHACL):
                raise _refused(path, f"declares a <{value.value}>")
            if value.value == _CONVENTION and isinstance(subject, ox.BlankNode):
                raise InputError(
                    path,
                    "describes a cph:ConventionDeCooperation that is a blank node: give it an "
                    "IRI (a convention is judged, cited and queried by its IRI)",
                )
        yield statement


def refuse_reserved_in(store: ox.Store, graph: ox.NamedNode, path: Path) -> None:
    """The same refusal for a document already parsed into ``graph`` of a scratch store.

    One query, evaluated by Oxigraph, finds the first offending statement (if any), which the
    Python check then names.
    """
    properties = " ".join(f"<{iri}>" for iri in sorted(reserved_properties()))
    subjects = " || ".join(f'STRSTARTS(STR(?s), "{prefix}")' for prefix in MANAGED_SUBJECTS)
    query = (
        f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} "
        f'FILTER(STRSTARTS(STR(?p), "{SHACL}") || ?p IN ({properties.replace(" ", ", ")}) '
        f"|| (isIRI(?s) && ({subjects})) "
        f'|| (?p = <{_TYPE}> && isIRI(?o) && STRSTARTS(STR(?o), "{SHACL}"))) }} LIMIT 1'
    )
    for row in solutions(store.query(query)):
        refuse_reserved(path, [ox.Triple(row["s"], row["p"], row["o"])])


def _refused(path: Path, what: str) -> InputError:
    return InputError(
        path,
        f"{what}: validation reports, shapes, the law and the ontology are written by cph-kg "
        "only (validate --store writes the report)",
    )
