"""What a resource's page shows, read from the store by query.

Three parts, none of which knows the model: what the resource states (its concise bounded
description: blank nodes spelt out), what refers to it (a blank node that does, such as a
validation result, spelt out too), and the answers of every named query that takes an IRI
parameter, run with the resource bound to it (empty answers are left out). A document whose
resources are named ``IRI#name`` (the ontology, a file of shapes) is shown as the documentation
shows it.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rdflib import OWL, RDF, BNode, Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from cph_kg import catalog
from cph_kg.errors import CphKgError
from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.publish.labels import NAMING, Text, label
from cph_kg.publish.shapes import ShapeDoc, Statement, Value, shape_docs, statements
from cph_kg.publish.tables import table
from cph_kg.publish.vocabulary import Link, Linker, Term, terms
from cph_kg.results import Boolean, Solutions, Triples
from cph_kg.sparql_text import bind_values, where_group_start

QUERIES = Path(__file__).parent / "queries"
#: How many named queries a page runs at once.
PARALLEL_QUERIES = 4


@cache
def page_query(name: str) -> str:
    """The text of one of the pages' own queries (``web/queries/NAME.rq``)."""
    return (QUERIES / f"{name}.rq").read_text(encoding="utf-8")


def bind_many(text: str, variable: str, terms: list[URIRef]) -> str:
    """``text`` with ``?variable`` bound to each of ``terms`` (IRIs the store gave)."""
    start = where_group_start(text)
    values = " ".join(term.n3() for term in terms)
    return f"{text[:start]}\n  VALUES ?{variable} {{ {values} }}\n{text[start:]}"


@dataclass
class Incoming:
    """A predicate by which resources refer to this one, and those resources."""

    predicate: Link
    subjects: list[Value]


@dataclass
class Section:
    """A named query's answer about the resource."""

    name: str
    title: str
    description: str
    parameter: str
    table: dict[str, list] | None = None
    answer: bool | None = None


@dataclass
class ResourceView:
    """Everything a resource's page shows."""

    iri: str
    title: Text | None
    types: list[Link]
    statements: list[Statement]
    incoming: list[Incoming]
    sections: list[Section]
    truncated: bool = False
    terms: list[Term] = field(default_factory=list)
    shapes: list[ShapeDoc] = field(default_factory=list)
    obligations: dict[str, list] | None = None


def _graph(answer: object) -> Graph:
    assert isinstance(answer, Triples), answer
    return answer.graph


def exists(kg: KnowledgeGraph, iri: URIRef) -> bool:
    """True when the graph says something of ``iri`` or of resources named ``iri#…``."""
    answer = kg.store.query(bind_values(page_query("exists"), {"resource": iri}))
    return isinstance(answer, Boolean) and answer.value


def description(kg: KnowledgeGraph, iri: URIRef) -> Graph:
    """The resource's concise bounded description, and those of its ``#`` resources.

    Only a document has ``#`` resources (an ontology, a file of shapes: an ``owl:Ontology``, or
    an IRI that says nothing itself), and only for one are they looked for: the look-up reads
    every subject of the store.
    """
    graph = _graph(kg.store.query(bind_values(page_query("describe"), {"resource": iri})))
    if len(graph) and (iri, RDF.type, OWL.Ontology) not in graph:
        return graph
    hashed = _hash_terms(kg, iri)
    if hashed:
        graph += _graph(kg.store.query(bind_many(page_query("describe-terms"), "term", hashed)))
    return graph


def _hash_terms(kg: KnowledgeGraph, iri: URIRef) -> list[URIRef]:
    answer = kg.store.query(bind_values(page_query("hash-terms"), {"resource": iri}))
    assert isinstance(answer, Solutions)
    return [row[0] for row in answer.rows if isinstance(row[0], URIRef)]


def _sections(
    kg: KnowledgeGraph, iri: URIRef, lang: str
) -> list[tuple[catalog.NamedQuery, str, object]]:
    """Every named query with an IRI parameter, run with the resource bound to it.

    A query that has a ``lang`` parameter gets the page's language. The queries run side by
    side (the store answers several at once), so a page costs about its slowest query.
    """
    runs = []
    for _, query in sorted(catalog.named_queries().items()):
        if query.form not in ("SELECT", "ASK"):
            continue
        for parameter in query.parameters:
            others = [p for p in query.parameters if p.required and p is not parameter]
            if parameter.type != "iri" or others:
                continue
            given = {parameter.name: str(iri)}
            if any(p.name == "lang" for p in query.parameters):
                given["lang"] = lang
            runs.append((query, parameter.name, given))

    def run(item: tuple[catalog.NamedQuery, str, dict[str, str]]) -> object:
        try:
            return kg.query(item[0].name, **item[2])
        except CphKgError:
            return None  # a query that cannot run on this resource is not about it

    with ThreadPoolExecutor(max_workers=PARALLEL_QUERIES) as pool:
        answers = list(pool.map(run, runs))
    return [
        (query, name, answer)
        for (query, name, _), answer in zip(runs, answers, strict=True)
        if (isinstance(answer, Solutions) and answer.rows) or isinstance(answer, Boolean)
    ]


def names_of(kg: KnowledgeGraph, graphs: list[Graph], extra: list[Node]) -> Graph:
    """The names of every IRI the page will show, in one query."""
    iris = {
        node for graph in graphs for triple in graph for node in triple if isinstance(node, URIRef)
    } | {node for node in extra if isinstance(node, URIRef)}
    names = Graph()
    ordered = sorted(iris)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start : start + 500]
        names += _graph(kg.store.query(bind_many(page_query("labels"), "term", chunk)))
    return names


def resource_view(
    kg: KnowledgeGraph, iri: URIRef, lang: str, href: Callable[[str], str]
) -> ResourceView:
    """The page of ``iri`` in ``lang``; ``href`` says where a link to an IRI leads."""
    described = description(kg, iri)
    referring = _graph(kg.store.query(bind_values(page_query("incoming"), {"resource": iri})))
    answers = _sections(kg, iri, lang)
    cells = [
        term
        for _, _, answer in answers
        if isinstance(answer, Solutions)
        for row in answer.rows
        for term in row
    ]
    names = names_of(kg, [described, referring], cells)
    for prefix, namespace in kg_prefixes().items():
        names.bind(prefix, namespace, override=True, replace=True)
    linker = Linker(names, lang, href)

    inline = _inline(kg, described, iri, linker)
    view = ResourceView(
        iri=str(iri),
        title=label(names, iri, lang),
        types=linker.links(list(described.objects(iri, RDF.type))),
        statements=[
            Statement(
                s.predicate,
                [
                    Value(link=v.link, statements=inline.get(v.link.iri, [])) if v.link else v
                    for v in s.values
                ],
            )
            for s in statements(described, linker, iri, lang, skip=(RDF.type,))
        ],
        incoming=_incoming(referring, linker, iri, lang),
        sections=[
            Section(
                name=query.name,
                title=query.title,
                description=query.description,
                parameter=parameter,
                table=_without_self(table(linker, answer), str(iri))
                if isinstance(answer, Solutions)
                else None,
                answer=answer.value if isinstance(answer, Boolean) else None,
            )
            for query, parameter, answer in answers
        ],
        truncated=len(referring) >= 2000,
    )
    hashed = [s for s in set(described.subjects()) if str(s).startswith(f"{iri}#")]
    if hashed:
        _document(kg, iri, described, linker, view)
    return view


#: Beyond this many linked resources, a page does not show what each says inline.
MAX_INLINE = 100


def _inline(
    kg: KnowledgeGraph, described: Graph, iri: URIRef, linker: Linker
) -> dict[str, list[Statement]]:
    """The literal statements of the resources ``iri`` links to (names left out)."""
    linked = sorted(
        {o for p, o in described.predicate_objects(iri) if isinstance(o, URIRef) and p != RDF.type}
    )
    if not linked or len(linked) > MAX_INLINE:
        return {}
    literals = _graph(kg.store.query(bind_many(page_query("literals"), "term", linked)))
    found = {}
    for term in linked:
        said = statements(literals, linker, term, linker.lang, skip=NAMING)
        if said:
            found[str(term)] = said
    return found


def _without_self(rows: dict[str, list], iri: str) -> dict[str, list]:
    """A table without the columns that only repeat the page's own resource."""
    kept = [
        i
        for i in range(len(rows["columns"]))
        if not all(
            row[i] is not None and row[i].link is not None and row[i].link.iri == iri
            for row in rows["rows"]
        )
    ]
    return {
        "columns": [rows["columns"][i] for i in kept],
        "rows": [[row[i] for i in kept] for row in rows["rows"]],
    }


def _incoming(referring: Graph, linker: Linker, iri: URIRef, lang: str) -> list[Incoming]:
    found = []
    shown: set[Node] = set()  # a blank node referring by two predicates is shown once
    for predicate in sorted(set(referring.predicates(None, iri))):
        subjects = [
            s for s in sorted(set(referring.subjects(predicate, iri)), key=str) if s not in shown
        ]
        shown.update(s for s in subjects if isinstance(s, BNode))
        if not subjects:
            continue
        values = [
            Value(link=linker.link(s))
            if isinstance(s, URIRef)
            else Value(
                statements=[
                    *statements(referring, linker, s, lang, skip=(predicate,)),
                    *(
                        Statement(linker.link(p), [Value(link=linker.link(up))])
                        for up, p in referring.subject_predicates(s)
                        if isinstance(up, URIRef)
                    ),
                ]
            )
            for s in subjects
            if isinstance(s, URIRef | BNode)
        ]
        found.append(Incoming(linker.link(predicate), values))
    return sorted(found, key=lambda i: i.predicate.text.value.casefold())


def _document(
    kg: KnowledgeGraph, iri: URIRef, described: Graph, linker: Linker, view: ResourceView
) -> None:
    """An ontology's terms, or a file's shapes and the obligations they express."""
    if (iri, RDF.type, OWL.Ontology) in described and any(
        (s, RDF.type, SH.NodeShape) in described for s in described.subjects()
    ):
        view.shapes = shape_docs(described, linker, linker.lang)
        obligations = kg.query("obligations", lang=linker.lang)
        if isinstance(obligations, Solutions):
            view.obligations = table(linker, obligations)
    elif (iri, RDF.type, OWL.Ontology) in described:
        shapes = _graph(kg.store.query(page_query("shapes")))
        view.terms = terms(described, shapes, linker)


@cache
def kg_prefixes() -> dict[str, str]:
    """The prefixes of the project's files, for prefixed names on the pages."""
    from cph_kg.publish.site import prefixes

    return prefixes()
