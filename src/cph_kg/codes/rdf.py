"""Turning corpus records into ELI statements, written as N-Triples lines.

Whole codes give millions of statements: they are written straight as text, which Oxigraph
parses in bulk, rather than built as rdflib terms (measured: ``benchmarks/README.md``, "Code
import"). Each function gives a record's statements as N-Triples lines without their end
(``<s> <p> o``): the importer ends them with the graph's name, as N-Quads. The vocabulary is
written once, each subject once per record.

- a code, a level: ``eli:LegalResource`` / ``cph:CodeLevel`` with number, kind, title, place
  (``eli:is_part_of`` its parent, and ``cph:partOfText`` the code at the top of that chain);
- an article: ``eli:LegalResource`` and ``eli:LegalResourceSubdivision``; when the corpus gives
  its versions (LEGI), also an ``eli:ComplexWork`` whose members (``eli:has_member``) are its
  ``cph:ArticleVersion``s, each with its LEGIARTI id (``eli:id_local``), LEGI state and period
  of force (``eli:first_date_entry_in_force``, ``eli:date_no_longer_in_force``: the last day in
  force, both attested by LEGI), and the current one realised by its French expression
  (``eli:is_realized_by``, an ``eli:LegalExpression``) that holds the text;
- a citation: an ``eli:cites`` triple from the text that makes it (the article, or the LEGI
  version whose text it is), ``cph:citesInSomeVersion`` from the article, and a
  ``cph:Citation`` node saying how it was found, by which words, which provision it aims at
  and, for a link, the id it carries;
- an amendment (LEGI): a ``cph:Change`` node from the version to the amending text and its
  article, with the kind of change and its date, and ``eli:changed_by`` from the version to the
  text; the text is an ``eli:LegalResource`` with its JORFTEXT id, title, nature, number, dates.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import quote

from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from cph_kg import namespaces
from cph_kg.codes.identifiers import CODES, article_iri, code_iri, level_iri
from cph_kg.codes.model import AmendingText, Amendment, Article, Citation, Level, Version

# The namespaces as plain strings: the lines are written with f-strings, millions of them.
# cph: terms the closed namespace does not declare (legiCid, change…) are written from _CPH.
_XSD_DATE = str(XSD.date)
_ELI = str(namespaces.ELI)
_CPH = str(namespaces.CPH)
TYPE = str(RDF.type)
LABEL = str(RDFS.label)
TITLE = str(DCTERMS.title)
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
#: The code or JO text at the top of an article's or level's eli:is_part_of chain, stated.
PART_OF_TEXT = f"{_CPH}partOfText"
#: What an article cites in one of its versions (or itself, unversioned), stated on the article.
CITES_IN_SOME_VERSION = f"{_CPH}citesInSomeVersion"
#: French, in the EU's authority table of languages (``eli:language``).
FRENCH = str(namespaces.FRENCH)
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
TEXT_TYPES = str(namespaces.RESOURCE_TYPE)
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


# the vocabulary, written once
_TYPE = iri(TYPE)
_LABEL = iri(LABEL)
_TITLE = iri(TITLE)
_CITES = iri(CITES)
_NUMBER = iri(NUMBER)
_IS_PART_OF = iri(IS_PART_OF)
_HAS_PART = iri(HAS_PART)
_HAS_MEMBER = iri(HAS_MEMBER)
_IS_MEMBER_OF = iri(IS_MEMBER_OF)
_ID_LOCAL = iri(ID_LOCAL)
_FIRST_DAY = iri(FIRST_DAY)
_LAST_DAY = iri(LAST_DAY)
_TEXT = iri(TEXT)
_CITED_RESOURCE = iri(CITED_RESOURCE)
_PART_OF_TEXT = iri(PART_OF_TEXT)
_CITES_IN_SOME_VERSION = iri(CITES_IN_SOME_VERSION)
_LEGAL_RESOURCE = iri(LEGAL_RESOURCE)
_SUBDIVISION = iri(SUBDIVISION)
_CODE_LEVEL = iri(f"{_CPH}CodeLevel")
_LEVEL_KIND = iri(f"{_CPH}levelKind")
_CORPUS = iri(f"{_CPH}corpus")
_LEGI_CID = iri(f"{_CPH}legiCid")
_COMPLEX_WORK = iri(f"{_ELI}ComplexWork")
_IS_REALIZED_BY = iri(f"{_ELI}is_realized_by")
_REALIZES = iri(f"{_ELI}realizes")
_LANGUAGE = iri(f"{_ELI}language")
_LEGAL_EXPRESSION = iri(f"{_ELI}LegalExpression")
_FRENCH = iri(FRENCH)
_NOTA = iri(f"{_CPH}nota")
_ARTICLE_VERSION = iri(f"{_CPH}ArticleVersion")
_LEGI_STATE = iri(f"{_CPH}legiState")
_ENTRY_CERTAINTY = iri(f"{_CPH}entryIntoForceCertainty")
_END_CERTAINTY = iri(f"{_CPH}endOfForceCertainty")
_ATTESTED = iri(f"{_CPH}Attested")
_LEGI_START = iri(f"{_CPH}legiStartDate")
_LEGI_END = iri(f"{_CPH}legiEndDate")
_CITATION = iri(f"{_CPH}Citation")
_CITING_ARTICLE = iri(f"{_CPH}citingArticle")
_CITING_VERSION = iri(f"{_CPH}citingVersion")
_FOUND_BY = iri(f"{_CPH}foundBy")
_CITATION_TEXT = iri(f"{_CPH}citationText")
_CITED_PROVISION = iri(f"{_CPH}citedProvision")
_LINK_TARGET = iri(f"{_CPH}linkTarget")
_METHODS = {method: iri(value) for method, value in METHODS.items()}
_CHANGE = iri(f"{_CPH}change")
_CHANGE_CLASS = iri(f"{_CPH}Change")
_CHANGE_KIND = iri(f"{_CPH}changeKind")
_CHANGE_KINDS = {word: iri(f"{_CPH}{kind}") for word, kind in CHANGE_KINDS.items()}
_LINK_TYPE = iri(f"{_CPH}legiLinkType")
_LINK_ORIENTATION = iri(f"{_CPH}legiLinkOrientation")
_AMENDING_TEXT_TITLE = iri(f"{_CPH}amendingTextTitle")
_CHANGE_DATE = iri(f"{_CPH}changeDate")
CHANGED_BY = f"{_ELI}changed_by"
_CHANGED_BY = iri(CHANGED_BY)
_AMENDING_TEXT = iri(f"{_CPH}amendingText")
_AMENDING_ARTICLE = iri(f"{_CPH}amendingArticle")
_AMENDING_ARTICLE_ID = iri(f"{_CPH}amendingArticleId")
_TYPE_DOCUMENT = iri(f"{_ELI}type_document")
_DATE_DOCUMENT = iri(f"{_ELI}date_document")
_DATE_PUBLICATION = iri(f"{_ELI}date_publication")


def code_triples(code: str) -> list[str]:
    """The code itself: title and Légifrance identifier."""
    known = CODES[code]
    s = iri(str(code_iri(code)))
    title = literal(known.title, "fr")
    return [
        f"{s} {_TYPE} {_LEGAL_RESOURCE}",
        f"{s} {_TITLE} {title}",
        f"{s} {_LABEL} {title}",
        f"{s} {_ID_LOCAL} {literal(known.legitext)}",
    ]


def parent_iri(code: str, path: tuple[str, ...]) -> str:
    """The level at ``path``, or the code itself for the empty path."""
    return str(level_iri(code, path) if path else code_iri(code))


def level_triples(level: Level, corpus: str) -> list[str]:
    """A level, its number, kind and title, its place in the hierarchy, and LEGI's id and dates."""
    s = iri(str(level_iri(level.code, level.path)))
    parent = iri(parent_iri(level.code, level.path[:-1]))
    label = f"{level.kind.capitalize()} {level.number}".strip()
    if level.title:
        label += f" : {level.title}"
    lines = [
        f"{s} {_TYPE} {_CODE_LEVEL}",
        f"{s} {_TYPE} {_SUBDIVISION}",
        f"{s} {_NUMBER} {literal(level.number)}",
        f"{s} {_LEVEL_KIND} {literal(level.kind)}",
    ]
    if level.title:
        lines.append(f"{s} {_TITLE} {literal(level.title, 'fr')}")
    lines += [
        f"{s} {_LABEL} {literal(label, 'fr')}",
        f"{s} {_IS_PART_OF} {parent}",
        f"{parent} {_HAS_PART} {s}",
        f"{s} {_PART_OF_TEXT} {iri(str(code_iri(level.code)))}",
        f"{s} {_CORPUS} {literal(f'{corpus}: {level.source}')}",
    ]
    if level.legi_id:
        lines.append(f"{s} {_ID_LOCAL} {literal(level.legi_id)}")
    if level.start:
        lines.append(f"{s} {_FIRST_DAY} {day(level.start)}")
    if level.end:
        lines.append(f"{s} {_LAST_DAY} {day(level.end)}")
    return lines


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


def article_triples(article: Article, corpus: str, versions: dict[str, str]) -> list[str]:
    """An article, its place, its versions and its text (on the current version, if any).

    ``versions`` is :func:`version_iris` of the article. Citations and amendments are written
    by the importer once what they point at is resolved.
    """
    subject = str(article_iri(article.code, article.number, article.qualifier))
    s = iri(subject)
    parent = iri(parent_iri(article.code, article.parent))
    lines = [
        f"{s} {_TYPE} {_LEGAL_RESOURCE}",
        f"{s} {_TYPE} {_SUBDIVISION}",
        f"{s} {_NUMBER} {literal(article.number)}",
        f"{s} {_LABEL} {literal(f'Article {article.number}', 'fr')}",
        f"{s} {_IS_PART_OF} {parent}",
        f"{parent} {_HAS_PART} {s}",
        f"{s} {_PART_OF_TEXT} {iri(str(code_iri(article.code)))}",
        f"{s} {_CORPUS} {literal(f'{corpus}: {article.source}')}",
    ]
    if article.legi_cid:
        lines.append(f"{s} {_LEGI_CID} {literal(article.legi_cid)}")
    if not article.versions:
        lines.append(f"{s} {_TEXT} {literal(article.text, 'fr')}")
        return lines
    lines.append(f"{s} {_TYPE} {_COMPLEX_WORK}")
    for version in article.versions:
        lines += version_triples(version, subject, versions[version.legi_id])
    current = versions.get(article.current or "")
    if current is not None:
        # the words are the version's French expression's (ELI), as in the legal and reference
        # data, so that a version the bundled law describes gets the same statements
        c = iri(current)
        expression = iri(f"{current}/fr")
        lines += [
            f"{c} {_IS_REALIZED_BY} {expression}",
            f"{expression} {_TYPE} {_LEGAL_EXPRESSION}",
            f"{expression} {_REALIZES} {c}",
            f"{expression} {_LANGUAGE} {_FRENCH}",
            f"{expression} {_TEXT} {literal(article.text, 'fr')}",
        ]
        if article.nota:
            lines.append(f"{c} {_NOTA} {literal(article.nota, 'fr')}")
    return lines


def version_triples(version: Version, article: str, subject: str) -> list[str]:
    """One version: its article, id, LEGI state and, if it was in force, its dates (attested)."""
    s = iri(subject)
    a = iri(article)
    lines = [
        f"{s} {_TYPE} {_ARTICLE_VERSION}",
        f"{s} {_IS_MEMBER_OF} {a}",
        f"{a} {_HAS_MEMBER} {s}",
        f"{s} {_ID_LOCAL} {literal(version.legi_id)}",
    ]
    if version.state:
        lines.append(f"{s} {_LEGI_STATE} {literal(version.state)}")
    if version.in_force:
        assert version.start is not None
        lines.append(f"{s} {_FIRST_DAY} {day(version.start)}")
        lines.append(f"{s} {_ENTRY_CERTAINTY} {_ATTESTED}")
        if version.end is not None:
            lines.append(f"{s} {_LAST_DAY} {day(version.end - timedelta(days=1))}")
            lines.append(f"{s} {_END_CERTAINTY} {_ATTESTED}")
        return lines
    # never in force: LEGI's own dates, which make no period
    if version.start is not None:
        lines.append(f"{s} {_LEGI_START} {day(version.start)}")
    if version.end is not None:
        lines.append(f"{s} {_LEGI_END} {day(version.end)}")
    return lines


def citation_triples(
    citation: Citation, article: str, text: str, node: str, target: str, linked: bool = False
) -> list[str]:
    """One citation of ``article``, made by ``text`` (the article or its version), to ``target``.

    A reference to a subdivision of the citing article itself keeps its node but makes no
    ``eli:cites`` loop. ``linked``: an earlier citation of ``text`` has stated its
    ``eli:cites`` and ``cph:citesInSomeVersion`` to ``target`` already (an article citing
    one article twice), so they are not written again (the bulk loader pays for every line).
    """
    n = iri(node)
    t = iri(target)
    lines = (
        [f"{iri(text)} {_CITES} {t}", f"{iri(article)} {_CITES_IN_SOME_VERSION} {t}"]
        if target != article and not linked
        else []
    )
    lines += [f"{n} {_TYPE} {_CITATION}", f"{n} {_CITING_ARTICLE} {iri(article)}"]
    if text != article:
        lines.append(f"{n} {_CITING_VERSION} {iri(text)}")
    lines += [
        f"{n} {_CITED_RESOURCE} {t}",
        f"{n} {_FOUND_BY} {_METHODS[citation.method]}",
        f"{n} {_CITATION_TEXT} {literal(citation.text, 'fr')}",
    ]
    if citation.provision:
        lines.append(f"{n} {_CITED_PROVISION} {literal(citation.provision)}")
    if citation.legi_id:
        lines.append(f"{n} {_LINK_TARGET} {literal(citation.legi_id)}")
    return lines


def amendment_triples(
    amendment: Amendment,
    version: str,
    node: str,
    text: str | None,
    article: str | None,
    stated: bool = False,
) -> list[str]:
    """One amendment of ``version``: the change node and ``eli:changed_by`` the text.

    ``stated``: an earlier amendment of ``version`` has stated its ``eli:changed_by`` the
    text already (two articles of one text changed it), so it is not written again.
    """
    v = iri(version)
    n = iri(node)
    lines = [f"{v} {_CHANGE} {n}", f"{n} {_TYPE} {_CHANGE_CLASS}"]
    kind = _CHANGE_KINDS.get(amendment.kind)
    if kind:
        lines.append(f"{n} {_CHANGE_KIND} {kind}")
    lines.append(f"{n} {_LINK_TYPE} {literal(amendment.link_type)}")
    if amendment.orientation:
        lines.append(f"{n} {_LINK_ORIENTATION} {literal(amendment.orientation)}")
    lines.append(f"{n} {_AMENDING_TEXT_TITLE} {literal(amendment.text.title, 'fr')}")
    if amendment.date:
        lines.append(f"{n} {_CHANGE_DATE} {day(amendment.date)}")
    if text is not None:
        t = iri(text)
        if not stated:
            lines.append(f"{v} {_CHANGED_BY} {t}")
        lines.append(f"{n} {_AMENDING_TEXT} {t}")
    if article is not None:
        lines.append(f"{n} {_AMENDING_ARTICLE} {iri(article)}")
    if amendment.article_id:
        lines.append(f"{n} {_AMENDING_ARTICLE_ID} {literal(amendment.article_id)}")
    return lines


def text_triples(subject: str, text: AmendingText) -> list[str]:
    """An amending text published in the Journal officiel, as ELI describes a legal resource."""
    s = iri(subject)
    title = literal(text.title, "fr")
    lines = [f"{s} {_TYPE} {_LEGAL_RESOURCE}", f"{s} {_TITLE} {title}", f"{s} {_LABEL} {title}"]
    if text.jorf_id:
        lines.append(f"{s} {_ID_LOCAL} {literal(text.jorf_id)}")
    if text.nature:
        kind = iri(TEXT_TYPES + namespaces.slugify(text.nature))
        lines.append(f"{s} {_TYPE_DOCUMENT} {kind}")
    if text.number:
        lines.append(f"{s} {_NUMBER} {literal(text.number)}")
    if text.signed:
        lines.append(f"{s} {_DATE_DOCUMENT} {day(text.signed)}")
    if text.published:
        lines.append(f"{s} {_DATE_PUBLICATION} {day(text.published)}")
    return lines


def text_article_triples(subject: str, text: str, number: str) -> list[str]:
    """An article of an amending text, part of it."""
    s = iri(subject)
    t = iri(text)
    return [
        f"{s} {_TYPE} {_SUBDIVISION}",
        f"{s} {_NUMBER} {literal(number)}",
        f"{s} {_IS_PART_OF} {t}",
        f"{s} {_PART_OF_TEXT} {t}",
        f"{t} {_HAS_PART} {s}",
    ]
