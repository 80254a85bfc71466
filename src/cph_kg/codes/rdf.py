"""Turning corpus records into ELI statements, written as N-Triples lines.

Whole codes give millions of statements: they are written straight as N-Triples text (one line
per statement, :func:`triple`), which Oxigraph parses in bulk, rather than built as rdflib
terms (measured: ``benchmarks/README.md``, "Code import").

- a code, a level: ``eli:LegalResource`` / ``cph:CodeLevel`` with number, kind, title, place;
- an article: ``eli:LegalResource`` and ``eli:LegalResourceSubdivision``; when the corpus gives
  its versions (LEGI), also an ``eli:ComplexWork`` whose members (``eli:has_member``) are its
  ``cph:ArticleVersion``s, each with its LEGIARTI id (``eli:id_local``), LEGI state and period
  of force (``eli:first_date_entry_in_force``, ``eli:date_no_longer_in_force``: the last day in
  force, both attested by LEGI), and the current one realised by its French expression
  (``eli:is_realized_by``, an ``eli:LegalExpression``) that holds the text;
- a citation: an ``eli:cites`` triple from the text that makes it (the article, or the LEGI
  version whose text it is) and a ``cph:Citation`` node saying how it was found, by which
  words, which provision it aims at and, for a link, the id it carries;
- an amendment (LEGI): a ``cph:Change`` node from the version to the amending text and its
  article, with the kind of change and its date, and ``eli:changed_by`` from the version to the
  text; the text is an ``eli:LegalResource`` with its JORFTEXT id, title, nature, number, dates.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from urllib.parse import quote

from cph_kg.codes.identifiers import CODES, article_iri, code_iri, level_iri
from cph_kg.codes.model import AmendingText, Amendment, Article, Citation, Level, Version

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
_DCT = "http://purl.org/dc/terms/"
_ELI = "http://data.europa.eu/eli/ontology#"
_CPH = "https://w3id.org/cph-kg/ontology#"
TYPE = f"{_RDF}type"
LABEL = f"{_RDFS}label"
TITLE = f"{_DCT}title"
CITES = f"{_ELI}cites"
NUMBER = f"{_ELI}number"
IS_PART_OF = f"{_ELI}is_part_of"
HAS_PART = f"{_ELI}has_part"
HAS_MEMBER = f"{_ELI}has_member"
IS_MEMBER_OF = f"{_ELI}is_member_of"
ID_LOCAL = f"{_ELI}id_local"
FIRST_DAY = f"{_ELI}first_date_entry_in_force"
LAST_DAY = f"{_ELI}date_no_longer_in_force"
LEGAL_RESOURCE = f"{_ELI}LegalResource"
SUBDIVISION = f"{_ELI}LegalResourceSubdivision"
TEXT = f"{_CPH}text"
#: French, in the EU's authority table of languages (``eli:language``).
FRENCH = "http://publications.europa.eu/resource/authority/language/FRA"
CITED_RESOURCE = f"{_CPH}citedResource"
METHODS = {"link": f"{_CPH}Hyperlink", "text": f"{_CPH}PlainText"}
#: The kinds of change of cph:ChangeKindScheme (ontology/cph.ttl), by the reader's word.
CHANGE_KINDS = {
    "creation": "Creation",
    "modification": "Modification",
    "codification": "Codification",
    "abrogation": "Abrogation",
    "move": "Move",
    "transfer": "Transfer",
    "rectification": "Rectification",
    "annulment": "Annulment",
}
#: The kinds of amending text (``eli:type_document``), SKOS concepts under this IRI: the scheme
#: of ``data/legal/jorf-texts.ttl`` (loi, ordonnance, décret), the other kinds LEGI names in
#: ``ontology/cph.ttl``.
TEXT_TYPES = "https://w3id.org/cph-kg/concept/resource-type/"
#: Characters kept as they are after an IRI's host: those RFC 3987 allows unescaped in a path,
#: a query or a fragment ("%" only where it starts an escape, "#" only once: see :func:`iri`).
_IRI_SAFE = ":/?&=%~-._!$'()*+,;@"
#: An IRI :func:`iri` writes as it is: http(s), a host, then only the characters above, with
#: no "%" (an IRI with an escape is checked by the slow way) and one "#" at most.
_PLAIN = re.compile(
    r"https?://[A-Za-z0-9.-]+(?:[/?][A-Za-z0-9:/?&=~\-._!$'()*+,;@]*)?"
    r"(?:#[A-Za-z0-9:/?&=~\-._!$'()*+,;@]*)?"
)
#: The scheme and host of an IRI cph-kg mints.
_HOST = re.compile(r"https?://[A-Za-z0-9.-]+(?=[/?#]|$)")
#: A "%" that does not start an escape ("%" and two hexadecimal digits).
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def iri(value: str) -> str:
    """An IRI as N-Triples writes it, valid by construction; other characters percent-encoded.

    Every IRI cph-kg mints is http(s) on a fixed host, so what follows the host is checked:
    a character RFC 3987 does not allow unescaped there (a space, a letter outside ASCII…),
    a "%" that starts no escape, and a second "#" are percent-encoded. So every IRI written is
    a valid absolute IRI, which is why the code graphs are bulk-loaded without Oxigraph
    checking each IRI again (``lenient``: :mod:`cph_kg.store.loading`). A value that is not
    http(s) on a host is a bug, and raises ``ValueError``. Most IRIs need no encoding: one
    regular expression, no ``quote`` (on each of the millions of IRIs of a whole code, it was
    a fifth of the import).
    """
    if _PLAIN.fullmatch(value):
        return f"<{value}>"
    host = _HOST.match(value)
    if host is None:
        raise ValueError(f"not an http(s) IRI on a host: {value!r}")
    path, mark, fragment = value[host.end() :].partition("#")
    parts = [quote(_LONE_PERCENT.sub("%25", part), safe=_IRI_SAFE) for part in (path, fragment)]
    return f"<{host.group()}{parts[0]}{mark}{parts[1]}>"


def literal(value: str, lang: str | None = None) -> str:
    """A string literal, with a language tag when given."""
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def day(value: date) -> str:
    """An ``xsd:date`` literal."""
    return f'"{value.isoformat()}"^^<{_XSD_DATE}>'


def triple(subject: str, predicate: str, obj: str) -> str:
    """One N-Triples line from IRIs (subject, predicate) and an object already written."""
    return f"{iri(subject)} <{predicate}> {obj} .\n"


def code_triples(code: str) -> Iterator[str]:
    """The code itself: title and Légifrance identifier."""
    known = CODES[code]
    subject = str(code_iri(code))
    yield triple(subject, TYPE, iri(LEGAL_RESOURCE))
    yield triple(subject, TITLE, literal(known.title, "fr"))
    yield triple(subject, LABEL, literal(known.title, "fr"))
    yield triple(subject, ID_LOCAL, literal(known.legitext))


def parent_iri(code: str, path: tuple[str, ...]) -> str:
    """The level at ``path``, or the code itself for the empty path."""
    return str(level_iri(code, path) if path else code_iri(code))


def level_triples(level: Level, corpus: str) -> Iterator[str]:
    """A level, its number, kind and title, its place in the hierarchy, and LEGI's id and dates."""
    subject = str(level_iri(level.code, level.path))
    parent = parent_iri(level.code, level.path[:-1])
    yield triple(subject, TYPE, iri(f"{_CPH}CodeLevel"))
    yield triple(subject, TYPE, iri(SUBDIVISION))
    yield triple(subject, NUMBER, literal(level.number))
    yield triple(subject, f"{_CPH}levelKind", literal(level.kind))
    if level.title:
        yield triple(subject, TITLE, literal(level.title, "fr"))
    label = f"{level.kind.capitalize()} {level.number}".strip()
    if level.title:
        label += f" : {level.title}"
    yield triple(subject, LABEL, literal(label, "fr"))
    yield triple(subject, IS_PART_OF, iri(parent))
    yield triple(parent, HAS_PART, iri(subject))
    yield triple(subject, f"{_CPH}corpus", literal(f"{corpus}: {level.source}"))
    if level.legi_id:
        yield triple(subject, ID_LOCAL, literal(level.legi_id))
    if level.start:
        yield triple(subject, FIRST_DAY, day(level.start))
    if level.end:
        yield triple(subject, LAST_DAY, day(level.end))


def version_iris(article: Article) -> dict[str, str]:
    """The IRI of each version of ``article``, by its LEGIARTI id.

    A version in force gets ``…/version/{first day in force}``; when LEGI gives two versions in
    force from the same day, the one in force longest keeps that IRI. A version never in force
    (LEGI's end on or before its start) and the other version of such a pair are named by their
    LEGIARTI id, ``…/version/{LEGIARTI…}``: they have no first day in force of their own.
    """
    article_base = str(article_iri(article.code, article.number, article.qualifier))
    by_day: dict[date, Version] = {}
    for version in article.versions:
        if version.in_force:
            assert version.start is not None
            kept = by_day.get(version.start)
            if kept is None or _later(version.end, kept.end):
                by_day[version.start] = version
    named = {v.legi_id: f"{article_base}/version/{d.isoformat()}" for d, v in by_day.items()}
    return {
        v.legi_id: named.get(v.legi_id, f"{article_base}/version/{v.legi_id}")
        for v in article.versions
    }


def _later(end: date | None, other: date | None) -> bool:
    """Whether a period ending ``end`` lasts beyond one ending ``other`` (None: no end)."""
    return other is not None and (end is None or end > other)


def article_triples(article: Article, corpus: str, versions: dict[str, str]) -> Iterator[str]:
    """An article, its place, its versions and its text (on the current version, if any).

    ``versions`` is :func:`version_iris` of the article. Citations and amendments are written
    by the importer once what they point at is resolved.
    """
    subject = str(article_iri(article.code, article.number, article.qualifier))
    parent = parent_iri(article.code, article.parent)
    yield triple(subject, TYPE, iri(LEGAL_RESOURCE))
    yield triple(subject, TYPE, iri(SUBDIVISION))
    yield triple(subject, NUMBER, literal(article.number))
    yield triple(subject, LABEL, literal(f"Article {article.number}", "fr"))
    yield triple(subject, IS_PART_OF, iri(parent))
    yield triple(parent, HAS_PART, iri(subject))
    yield triple(subject, f"{_CPH}corpus", literal(f"{corpus}: {article.source}"))
    if article.legi_cid:
        yield triple(subject, f"{_CPH}legiCid", literal(article.legi_cid))
    if not article.versions:
        yield triple(subject, TEXT, literal(article.text, "fr"))
        return
    yield triple(subject, TYPE, iri(f"{_ELI}ComplexWork"))
    for version in article.versions:
        yield from version_triples(version, subject, versions[version.legi_id])
    current = versions.get(article.current or "")
    if current is not None:
        # the words are the version's French expression's (ELI), as in the legal and reference
        # data, so that a version the bundled law describes gets the same statements
        expression = f"{current}/fr"
        yield triple(current, f"{_ELI}is_realized_by", iri(expression))
        yield triple(expression, TYPE, iri(f"{_ELI}LegalExpression"))
        yield triple(expression, f"{_ELI}realizes", iri(current))
        yield triple(expression, f"{_ELI}language", iri(FRENCH))
        yield triple(expression, TEXT, literal(article.text, "fr"))
        if article.nota:
            yield triple(current, f"{_CPH}nota", literal(article.nota, "fr"))


def version_triples(version: Version, article: str, subject: str) -> Iterator[str]:
    """One version: its article, id, LEGI state and, if it was in force, its dates (attested)."""
    yield triple(subject, TYPE, iri(f"{_CPH}ArticleVersion"))
    yield triple(subject, IS_MEMBER_OF, iri(article))
    yield triple(article, HAS_MEMBER, iri(subject))
    yield triple(subject, ID_LOCAL, literal(version.legi_id))
    if version.state:
        yield triple(subject, f"{_CPH}legiState", literal(version.state))
    if version.in_force:
        assert version.start is not None
        yield triple(subject, FIRST_DAY, day(version.start))
        yield triple(subject, f"{_CPH}entryIntoForceCertainty", iri(f"{_CPH}Attested"))
        if version.end is not None:
            yield triple(subject, LAST_DAY, day(version.end - timedelta(days=1)))
            yield triple(subject, f"{_CPH}endOfForceCertainty", iri(f"{_CPH}Attested"))
        return
    # never in force: LEGI's own dates, which make no period
    if version.start is not None:
        yield triple(subject, f"{_CPH}legiStartDate", day(version.start))
    if version.end is not None:
        yield triple(subject, f"{_CPH}legiEndDate", day(version.end))


def citation_triples(
    citation: Citation, article: str, text: str, node: str, target: str
) -> Iterator[str]:
    """One citation of ``article``, made by ``text`` (the article or its version), to ``target``.

    A reference to a subdivision of the citing article itself keeps its node but makes no
    ``eli:cites`` loop.
    """
    if target != article:
        yield triple(text, CITES, iri(target))
    yield triple(node, TYPE, iri(f"{_CPH}Citation"))
    yield triple(node, f"{_CPH}citingArticle", iri(article))
    if text != article:
        yield triple(node, f"{_CPH}citingVersion", iri(text))
    yield triple(node, CITED_RESOURCE, iri(target))
    yield triple(node, f"{_CPH}foundBy", iri(METHODS[citation.method]))
    yield triple(node, f"{_CPH}citationText", literal(citation.text, "fr"))
    if citation.provision:
        yield triple(node, f"{_CPH}citedProvision", literal(citation.provision))
    if citation.legi_id:
        yield triple(node, f"{_CPH}linkTarget", literal(citation.legi_id))


def amendment_triples(
    amendment: Amendment, version: str, node: str, text: str | None, article: str | None
) -> Iterator[str]:
    """One amendment of ``version``: the change node and ``eli:changed_by`` the text."""
    yield triple(version, f"{_CPH}change", iri(node))
    yield triple(node, TYPE, iri(f"{_CPH}Change"))
    kind = CHANGE_KINDS.get(amendment.kind)
    if kind:
        yield triple(node, f"{_CPH}changeKind", iri(f"{_CPH}{kind}"))
    yield triple(node, f"{_CPH}legiLinkType", literal(amendment.link_type))
    if amendment.orientation:
        yield triple(node, f"{_CPH}legiLinkOrientation", literal(amendment.orientation))
    yield triple(node, f"{_CPH}amendingTextTitle", literal(amendment.text.title, "fr"))
    if amendment.date:
        yield triple(node, f"{_CPH}changeDate", day(amendment.date))
    if text is not None:
        yield triple(version, f"{_ELI}changed_by", iri(text))
        yield triple(node, f"{_CPH}amendingText", iri(text))
    if article is not None:
        yield triple(node, f"{_CPH}amendingArticle", iri(article))
    if amendment.article_id:
        yield triple(node, f"{_CPH}amendingArticleId", literal(amendment.article_id))


def text_triples(subject: str, text: AmendingText) -> Iterator[str]:
    """An amending text published in the Journal officiel, as ELI describes a legal resource."""
    yield triple(subject, TYPE, iri(LEGAL_RESOURCE))
    yield triple(subject, TITLE, literal(text.title, "fr"))
    yield triple(subject, LABEL, literal(text.title, "fr"))
    if text.jorf_id:
        yield triple(subject, ID_LOCAL, literal(text.jorf_id))
    if text.nature:
        yield triple(subject, f"{_ELI}type_document", iri(f"{TEXT_TYPES}{_slug(text.nature)}"))
    if text.number:
        yield triple(subject, NUMBER, literal(text.number))
    if text.signed:
        yield triple(subject, f"{_ELI}date_document", day(text.signed))
    if text.published:
        yield triple(subject, f"{_ELI}date_publication", day(text.published))


def text_article_triples(subject: str, text: str, number: str) -> Iterator[str]:
    """An article of an amending text, part of it."""
    yield triple(subject, TYPE, iri(SUBDIVISION))
    yield triple(subject, NUMBER, literal(number))
    yield triple(subject, IS_PART_OF, iri(text))
    yield triple(text, HAS_PART, iri(subject))


def _slug(nature: str) -> str:
    """``LOI_ORGANIQUE`` as ``loi-organique``."""
    return nature.lower().replace("_", "-")
