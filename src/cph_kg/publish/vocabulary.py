"""The ontology's terms and the shapes, read from their graphs, as the documentation shows them.

A term of the ontology is any typed resource under an ``owl:Ontology`` of cph-kg: classes,
properties, concept schemes and their concepts. For each, the documentation gives its labels,
comments and definitions in a language, its place in the hierarchy, the classes it is meant for
(``rdfs:domain``/``rdfs:range`` if any, and ``schema:domainIncludes``/``rangeIncludes``, which
is how cph-kg states intent without entailments), and the shapes that use it: a shape uses a
term that is the object of one of its statements (through its blank nodes: a qualified value
shape, a path list), or that its SPARQL constraint names.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SH, SKOS
from rdflib.term import Node

from cph_kg.namespaces import BASE, SCHEMA
from cph_kg.publish.labels import Text, anchor, curie, label, pick

#: The kinds of terms, in the order the documentation lists them, with the types that make them.
KINDS: tuple[tuple[str, tuple[URIRef, ...]], ...] = (
    ("class", (OWL.Class, RDFS.Class)),
    ("object-property", (OWL.ObjectProperty,)),
    ("datatype-property", (OWL.DatatypeProperty,)),
    ("annotation-property", (OWL.AnnotationProperty, RDF.Property)),
    ("concept-scheme", (SKOS.ConceptScheme,)),
    ("individual", (OWL.NamedIndividual, SKOS.Concept)),
)
_PREFIXED = re.compile(r"(?<![\w<])([A-Za-z][\w-]*)?:([A-Za-z_][\w-]*)")
_IRI = re.compile(r"<([^<>\s]+)>")


@dataclass(frozen=True)
class Link:
    """A term shown as a link: its text in the page's language and where it leads."""

    iri: str
    text: Text
    href: str


@dataclass(frozen=True)
class Usage:
    """A shape that uses a term, and the statement (predicate path, or SPARQL) it uses it in."""

    shape: Link
    via: str


@dataclass
class Term:
    """One term of the ontology, as its documentation shows it in one language."""

    iri: str
    curie: str
    anchor: str
    kind: str
    label: Text | None
    comment: Text | None
    definition: Text | None
    other_labels: list[Text] = field(default_factory=list)
    parents: list[Link] = field(default_factory=list)
    children: list[Link] = field(default_factory=list)
    domains: list[Link] = field(default_factory=list)
    ranges: list[Link] = field(default_factory=list)
    schemes: list[Link] = field(default_factory=list)
    deprecated: bool = False
    replaced_by: list[Link] = field(default_factory=list)
    used_by: list[Usage] = field(default_factory=list)


class Linker:
    """Makes links in one language: a term's label (or prefixed name) and where it leads.

    ``href`` says where an IRI leads: the documentation's pages map the ontology's terms and
    the shapes to anchors, the served pages map every cph-kg IRI to its own page.
    """

    def __init__(self, names: Graph, lang: str, href: Callable[[str], str]) -> None:
        self.names, self.lang, self.href = names, lang, href

    def link(self, term: URIRef) -> Link:
        """The link to ``term``, reading as its label in the linker's language."""
        text = label(self.names, term, self.lang) or Text(curie(self.names, term), None)
        return Link(str(term), text, self.href(str(term)))

    def links(self, terms: list[Node]) -> list[Link]:
        """Links to the IRIs among ``terms``, sorted by their text."""
        found = [self.link(t) for t in set(terms) if isinstance(t, URIRef)]
        return sorted(found, key=lambda link: (link.text.value.casefold(), link.iri))


def ontology_iris(ontology: Graph) -> list[URIRef]:
    """The ``owl:Ontology`` resources of cph-kg in the graph (not the vendored vocabularies)."""
    return sorted(
        o
        for o in ontology.subjects(RDF.type, OWL.Ontology)
        if isinstance(o, URIRef) and str(o).startswith(BASE)
    )


def _kind(graph: Graph, term: URIRef) -> str | None:
    types = set(graph.objects(term, RDF.type))
    for kind, classes in KINDS:
        if types.intersection(classes):
            return kind
    return "individual" if types else None


def named_shapes(shapes: Graph) -> list[URIRef]:
    """The shapes that have an IRI of their own, in IRI order."""
    found = {
        s
        for kind in (SH.NodeShape, SH.PropertyShape)
        for s in shapes.subjects(RDF.type, kind)
        if isinstance(s, URIRef)
    }
    return sorted(found)


def _declared_prefixes(shapes: Graph) -> dict[str, str]:
    return {
        str(prefix): str(namespace)
        for declaration in shapes.objects(None, SH.declare)
        for prefix in shapes.objects(declaration, SH.prefix)
        for namespace in shapes.objects(declaration, SH.namespace)
    }


def _named_in_sparql(text: str, prefixes: dict[str, str]) -> set[URIRef]:
    found = {URIRef(iri) for iri in _IRI.findall(text)}
    for prefix, local in _PREFIXED.findall(text):
        if (prefix or "") in prefixes:
            found.add(URIRef(prefixes[prefix or ""] + local))
    return found


def usages(shapes: Graph) -> dict[str, list[tuple[URIRef, str]]]:
    """For each IRI a named shape uses: (shape, how), in shape order."""
    prefixes = _declared_prefixes(shapes)
    used: dict[str, list[tuple[URIRef, str]]] = defaultdict(list)
    for shape in named_shapes(shapes):
        seen: set[tuple[str, str]] = set()
        stack: list[tuple[Node, str]] = [(shape, "")]
        visited: set[Node] = set()
        while stack:
            node, path = stack.pop()
            if node in visited:
                continue
            visited.add(node)
            for predicate, value in shapes.predicate_objects(node):
                if predicate == RDF.type:
                    continue
                step = (
                    path
                    if predicate in (RDF.first, RDF.rest)
                    else (
                        f"{path}/{curie(shapes, predicate)}" if path else curie(shapes, predicate)
                    )
                )
                if isinstance(value, BNode):
                    stack.append((value, step))
                elif isinstance(value, URIRef) and (str(value), step) not in seen:
                    seen.add((str(value), step))
                    used[str(value)].append((shape, step))
                elif isinstance(value, Literal) and predicate in (SH.select, SH.ask):
                    for named in sorted(_named_in_sparql(str(value), prefixes)):
                        if (str(named), "SPARQL") not in seen:
                            seen.add((str(named), "SPARQL"))
                            used[str(named)].append((shape, "SPARQL"))
    return used


def documented_terms(ontology: Graph) -> set[str]:
    """The IRIs of the terms :func:`terms` documents: typed resources under cph-kg's ontologies."""
    bases = [str(o) for o in ontology_iris(ontology)]
    return {
        str(s)
        for s in set(ontology.subjects())
        if isinstance(s, URIRef)
        and any(str(s).startswith(b) and str(s) != b for b in bases)
        and _kind(ontology, s) is not None
    }


def terms(ontology: Graph, shapes: Graph, linker: Linker) -> list[Term]:
    """Every term of cph-kg's ontologies, in the order of :data:`KINDS`, then by label.

    The linker's language is the page's; its graph of names (the ontology, shapes and law
    together) makes a link to a shape or a provision read as its name.
    """
    lang, names = linker.lang, linker.names
    documented = documented_terms(ontology)
    used = usages(shapes)
    found = []
    for subject in (URIRef(s) for s in documented):
        kind = _kind(ontology, subject)
        assert kind is not None
        own = label(ontology, subject, lang)
        others = [
            Text(str(v), v.language)
            for predicate in (RDFS.label, SKOS.prefLabel)
            for v in sorted(ontology.objects(subject, predicate))
            if isinstance(v, Literal)
            and own is not None
            and (v.language != own.lang or str(v) != own.value)
        ]
        parent_predicate = RDFS.subClassOf if kind == "class" else RDFS.subPropertyOf
        found.append(
            Term(
                iri=str(subject),
                curie=curie(names, subject),
                anchor=anchor(subject),
                kind=kind,
                label=own,
                comment=pick(ontology.objects(subject, RDFS.comment), lang),
                definition=pick(ontology.objects(subject, SKOS.definition), lang),
                other_labels=others,
                parents=linker.links(list(ontology.objects(subject, parent_predicate))),
                children=linker.links(list(ontology.subjects(parent_predicate, subject))),
                domains=linker.links(
                    [
                        *ontology.objects(subject, RDFS.domain),
                        *ontology.objects(subject, SCHEMA.domainIncludes),
                    ]
                ),
                ranges=linker.links(
                    [
                        *ontology.objects(subject, RDFS.range),
                        *ontology.objects(subject, SCHEMA.rangeIncludes),
                    ]
                ),
                schemes=linker.links(list(ontology.objects(subject, SKOS.inScheme))),
                deprecated=(subject, OWL.deprecated, Literal(True)) in ontology,
                replaced_by=linker.links(list(ontology.objects(subject, DCTERMS.isReplacedBy))),
                used_by=[Usage(linker.link(s), via) for s, via in used.get(str(subject), [])],
            )
        )
    order = {kind: index for index, (kind, _) in enumerate(KINDS)}
    return sorted(
        found,
        key=lambda t: (order[t.kind], (t.label.value if t.label else t.curie).casefold(), t.iri),
    )
