"""Turning corpus records into ELI triples: codes, levels, articles, and qualified citations.

Every citation gives an ``eli:cites`` triple (so ``eli:cites+`` walks the citation graph) and a
``cph:Citation`` node that says how it was found, by which words, and which provision it aims
at. A reference to a subdivision of the same article ("au I") keeps its Citation node but makes
no ``eli:cites`` loop.
"""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import DCTERMS

from cph_kg.codes.identifiers import (
    CODES,
    article_iri,
    code_iri,
    level_iri,
    other_code_iri,
)
from cph_kg.codes.model import Article, Citation, Level
from cph_kg.namespaces import CPH, ELI

Triple = tuple[URIRef, URIRef, URIRef | Literal]
METHODS = {"link": CPH.Hyperlink, "text": CPH.PlainText}


def code_triples(code: str) -> Iterator[Triple]:
    """The code itself: title and Légifrance identifier."""
    known = CODES[code]
    iri = code_iri(code)
    yield iri, RDF.type, ELI.LegalResource
    yield iri, DCTERMS.title, Literal(known.title, lang="fr")
    yield iri, RDFS.label, Literal(known.title, lang="fr")
    yield iri, ELI.id_local, Literal(known.legitext)


def _parent_iri(code: str, path: tuple[str, ...]) -> URIRef:
    return level_iri(code, path) if path else code_iri(code)


def level_triples(level: Level, corpus: str) -> Iterator[Triple]:
    """A level, its number, kind and title, and its place in the hierarchy."""
    iri = level_iri(level.code, level.path)
    parent = _parent_iri(level.code, level.path[:-1])
    yield iri, RDF.type, CPH.CodeLevel
    yield iri, RDF.type, ELI.LegalResourceSubdivision
    yield iri, ELI.number, Literal(level.number)
    yield iri, CPH.levelKind, Literal(level.kind)
    if level.title:
        yield iri, DCTERMS.title, Literal(level.title, lang="fr")
    label = f"{level.kind.capitalize()} {level.number}"
    if level.title:
        label += f" : {level.title}"
    yield iri, RDFS.label, Literal(label, lang="fr")
    yield iri, ELI.is_part_of, parent
    yield parent, ELI.has_part, iri
    yield iri, CPH.corpus, Literal(f"{corpus}: {level.source}")


def cited_iri(citation: Citation, citing: URIRef) -> URIRef:
    """What a citation aims at: an article of a known code, of another code, or the citing one."""
    if citation.number is None:
        return citing
    if citation.code is not None:
        return article_iri(citation.code, citation.number)
    return URIRef(f"{other_code_iri(citation.code_name or 'code-inconnu')}/{citation.number}")


def article_triples(article: Article, corpus: str) -> Iterator[Triple]:
    """An article, its text, its place, and each of its citations."""
    iri = article_iri(article.code, article.number)
    parent = _parent_iri(article.code, article.parent)
    yield iri, RDF.type, ELI.LegalResource
    yield iri, RDF.type, ELI.LegalResourceSubdivision
    yield iri, ELI.number, Literal(article.number)
    yield iri, RDFS.label, Literal(f"Article {article.number}", lang="fr")
    yield iri, CPH.text, Literal(article.text, lang="fr")
    yield iri, ELI.is_part_of, parent
    yield parent, ELI.has_part, iri
    yield iri, CPH.corpus, Literal(f"{corpus}: {article.source}")
    for index, citation in enumerate(article.citations, start=1):
        target = cited_iri(citation, iri)
        node = URIRef(f"{iri}/citation/{index}")
        if target != iri:
            yield iri, ELI.cites, target
        yield node, RDF.type, CPH.Citation
        yield node, CPH.citingArticle, iri
        yield node, CPH.citedResource, target
        yield node, CPH.foundBy, METHODS[citation.method]
        yield node, CPH.citationText, Literal(citation.text, lang="fr")
        if citation.provision:
            yield node, CPH.citedProvision, Literal(citation.provision)
