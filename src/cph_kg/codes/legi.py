"""The LEGI format: whole codes as Légifrance's API and the DILA LEGI base give them, in JSON.

A corpus in this format is a folder of ``LEGITEXT….json`` files, one tree per code (the
``data/`` folder of the ``@socialgouv/legi-data`` package)::

    {"type": "code", "data": {"id": "LEGITEXT000006072050", "title": "Code du travail", …},
     "children": [{"type": "section", "data": {"id": "LEGISCTA…", "title": "Partie législative",
                   "dateDebut": "2008-05-01", "dateFin": "2999-01-01", …}, "children": [
                   {"type": "article", "data": {"id": "LEGIARTI…", "cid": "LEGIARTI…",
                    "num": "L5312-1", "etat": "VIGUEUR", "texteHtml": "<p>…</p>",
                    "articleVersions": [{"id", "etat", "version", "dateDebut", "dateFin"}…],
                    "lienModifications": [{"textCid", "textTitle", "linkType", …}…]}}]}]}

Each file is parsed whole with orjson, one code at a time (chosen on measurement:
``benchmarks/README.md``), and its records are yielded as the tree is walked, so no more than
one code's tree is held at once. What this reader gives beyond the Markdown formats:

- every version of an article (``articleVersions``), with its LEGIARTI id, state and period;
  the text and the amendments belong to the version ``data.id`` names (LEGI gives only that
  version's text and links);
- the amendments (``lienModifications``): the amending text (JORFTEXT id, title, nature,
  number read from the title, dates of signature and publication), its article, the kind of
  change and its date;
- citations from the links of ``texteHtml``, which carry the cited article's LEGIARTI id: the
  importer resolves the id once every article of the import is known (any version id, or the
  stable id, gives the article, across codes). Plain-text citations are found as in the other
  formats, and dropped where they repeat a link.

Dates are LEGI's: milliseconds since 1970 (UTC) for articles and versions, ``YYYY-MM-DD`` for
levels; ``2999-01-01`` means no end. A level or version's ``dateFin`` is its first day no
longer in force.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import orjson
from lxml import etree

from cph_kg.codes.citations import extract
from cph_kg.codes.identifiers import (
    CODES,
    NO_END,
    article_number,
    code_for_legitext,
    legitext_titles,
)
from cph_kg.codes.linked import Body
from cph_kg.codes.model import (
    AmendingText,
    Amendment,
    Article,
    Citation,
    Level,
    Problem,
    Record,
    Version,
)
from cph_kg.namespaces import slugify

#: The files of a LEGI corpus folder.
_PATTERN = "LEGITEXT*.json"
#: How many bytes :meth:`LegiReader.detect` reads of a file.
_SNIFF_BYTES = 256
#: LEGI's link types, by the kind of change they record (both ways LEGI writes each link).
CHANGE_KINDS = {
    "CREE": "creation",
    "CREATION": "creation",
    "MODIFIE": "modification",
    "MODIFICATION": "modification",
    "CODIFICATION": "codification",
    "ABROGE": "abrogation",
    "ABROGATION": "abrogation",
    "DEPLACE": "move",
    "DEPLACEMENT": "move",
    "TRANSFERE": "transfer",
    "TRANSFERT": "transfer",
    "RECTIFICATION": "rectification",
    "ANNULATION": "annulment",
}
#: The kinds of level, as a title starts ("Sous-section 2 : …"); longest first.
_LEVEL = re.compile(
    r"(?i)(?P<kind>sous-sous-paragraphe|sous-paragraphe|paragraphe|sous-section|section|chapitre"
    r"|titre|livre|annexes?)\b\s*(?P<rest>.*)$"
)
_NUMERAL = (
    r"(?:Ier|1er|premier|première|préliminaire|unique|\d+(?:er)?|[IVXLCDM]+|[A-Z])"
    r"(?:[-.]\d+)*(?!\w)"
    r"(?:\s+(?:bis|ter|quater|quinquies|sexies|septies|octies|nonies|decies|[A-Z])\b)*"
)
_NUMBERED = re.compile(rf"(?i)(?P<number>{_NUMERAL})\.?\s*(?:(?::|-|–)\s*)?(?P<title>.*)$")
_PART = re.compile(r"(?i)partie\s+(?P<number>[^:]+?)\s*(?::\s*(?P<title>.*))?$")
_ORDINAL_PART = re.compile(r"(?i)(?P<number>\w+ième|première)\s+partie\s*(?::\s*(?P<title>.*))?$")
#: The title of an amending text, up to its article: "LOI n°2023-1196 du 18 décembre 2023".
_TEXT_TITLE_END = re.compile(r"\s+-\s+art\b.*$|\s+art\.\s.*$|,\s+v\.\s+init\.?$|\s+\([VDT]*\)$")
#: A text's nature and number at the start of its title.
_TEXT_NUMBER = re.compile(
    r"(?i)^(?P<head>décret|decret|loi\s+organique|loi|ordonnance|décision|arrêté)\b\s*"
    r"(?P<mark>n\s*°\s*)?(?P<number>\d{1,4}-\d+(?:\s+(?:QPC|DC|L|LP|LOM|FNR|ELEC))?|\d{5,})\b"
)
_HEADS = {
    "DECRET": ("décret", "decret"),
    "LOI": ("loi",),
    "LOI_ORGANIQUE": ("loi organique", "loi"),
    "ORDONNANCE": ("ordonnance",),
    "DECISION": ("décision",),
    "ARRETE": ("arrêté",),
}
#: Légifrance's pages a link can cite: an article of a code or of a text, a code, a text.
_PAGES = ("affichCodeArticle.do", "affichTexteArticle.do", "affichCode.do", "affichTexte.do")
#: "- art. L1 (V)" at the end of a link's title: the article it names.
_TITLE_ARTICLE = re.compile(r"-\s+art\.\s+(?P<number>[^\s,(]+(?:\s+[A-Z](?=\s|$))?)")
#: The first article number in a link's words: "L. 5312-1", "R.* 213-3", "article L. 114-1 du…".
_WORDS_NUMBER = re.compile(
    r"(?<![\w.])(?P<number>[LRD]\.?\s*\*?\s*\d+(?:-\d+)*(?:\s+(?:bis|ter|quater)\b)?)"
)


class LegiReader:
    """Reads a folder of LEGI code files (see the module's docstring)."""

    name = "legi"

    def detect(self, root: Path) -> bool:
        """Whether ``root`` is a folder holding ``LEGITEXT….json`` files that start a JSON tree."""
        if not root.is_dir():
            return False
        for path in sorted(root.glob(_PATTERN)):
            with path.open("rb") as handle:
                return handle.read(_SNIFF_BYTES).lstrip().startswith(b"{")
        return False

    def read(self, root: Path) -> Iterator[Record]:
        """Every level and article of every code file under ``root``, file by file.

        A file that is not a LEGI code tree, or the tree of a code cph-kg does not know, is one
        Problem; an article without a number is one Problem, and the rest of its code is read.
        """
        for path in sorted(root.glob(_PATTERN)):
            yield from read_code(path)


def read_code(path: Path) -> Iterator[Record]:
    """The records of one code file; its tree is dropped when the walk ends."""
    try:
        tree = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as error:
        yield Problem(path, f"not JSON: {error}")
        return
    except OSError as error:
        yield Problem(path, f"cannot be read: {error.strerror or error}")
        return
    if not isinstance(tree, dict) or tree.get("type") != "code":
        yield Problem(path, 'not a LEGI code tree: no {"type": "code"} at the top')
        return
    data = tree.get("data") or {}
    legitext = str(data.get("id") or "")
    code = code_for_legitext(legitext)
    if code is None:
        title = data.get("title") or legitext_titles().get(legitext, "?")
        known = ", ".join(CODES)
        yield Problem(path, f"{legitext} ({title}) is not a code cph-kg knows ({known}): skipped")
        return
    try:
        shared = _shared_numbers(tree.get("children") or [])
        yield from _walk(tree.get("children") or [], code.short, (), path, shared)
    except (AttributeError, TypeError, ValueError, KeyError) as error:
        # a tree whose nodes are not the objects LEGI writes ("children": 3, "data": [])
        yield Problem(path, f"not a LEGI code tree: {type(error).__name__}: {error}"[:200])


def _shared_numbers(children: list[dict[str, Any]]) -> frozenset[str]:
    """The article numbers the code gives more than one article ("Annexe I" in the C. trav.)."""
    seen: set[str] = set()
    shared: set[str] = set()
    stack = list(children)
    while stack:
        node = stack.pop()
        if node.get("type") == "article":
            raw = (node.get("data") or {}).get("num")
            if raw and str(raw).strip():
                number = article_number(str(raw))
                (shared if number in seen else seen).add(number)
        else:
            stack.extend(node.get("children") or [])
    return frozenset(shared)


def _walk(
    children: list[dict[str, Any]],
    code: str,
    path: tuple[str, ...],
    source: Path,
    shared: frozenset[str] = frozenset(),
) -> Iterator[Record]:
    """The records of one level's children, in LEGI's order, depth first.

    An article whose number is in ``shared`` is told apart by its stable id (its IRI's
    qualifier, :func:`cph_kg.codes.identifiers.article_iri`).
    """
    segments: set[str] = set()
    for child in children:
        kind = child.get("type")
        data = child.get("data") or {}
        if not isinstance(data, dict):
            raise TypeError(f"the data of a {kind} is not an object")
        if kind == "section":
            level = _level(data, code, path, source)
            if level.path[-1] in segments:  # two siblings with the same kind and number
                level = _with_segment(level, str(data.get("id")))
            segments.add(level.path[-1])
            yield level
            yield from _walk(child.get("children") or [], code, level.path, source, shared)
        elif kind == "article":
            yield _article(data, code, path, source, shared)


def _level(data: dict[str, Any], code: str, path: tuple[str, ...], source: Path) -> Level:
    """A level from its title: kind, number, the segment of its IRI and the title proper."""
    heading = " ".join(str(data.get("title") or "").split())
    legi_id = str(data.get("id") or "")
    kind, number, title = parse_level_title(heading)
    segment = slugify(f"{kind} {number}") if number else legi_id
    if not segment:
        raise ValueError(f"a section with neither a numbered title nor an id: {heading[:60]!r}")
    start = _day(data.get("dateDebut"))
    end = _day(data.get("dateFin"))
    return Level(
        code,
        (*path, segment),
        kind,
        number,
        title,
        source,
        legi_id=legi_id or None,
        start=start,
        end=_last_day(end),
    )


def _with_segment(level: Level, segment: str) -> Level:
    """The same level under another last segment (its LEGISCTA id)."""
    return Level(
        level.code,
        (*level.path[:-1], segment),
        level.kind,
        level.number,
        level.title,
        level.source,
        level.legi_id,
        level.start,
        level.end,
    )


def parse_level_title(heading: str) -> tuple[str, str, str | None]:
    """``(kind, number, title)`` of a LEGI level heading.

    "Chapitre II : Placement et accompagnement…" gives ``("chapitre", "II", "Placement…")``;
    "Partie législative" gives ``("partie", "législative", None)``; "Cinquième partie :
    L'emploi" gives ``("partie", "Cinquième", "L'emploi")``. A heading that names no kind, or
    no number cph-kg can read, gives kind ``division`` and no number (its IRI segment is then
    its LEGISCTA id) and the whole heading as title.
    """
    part = _ORDINAL_PART.fullmatch(heading) or _PART.fullmatch(heading)
    if part:
        return "partie", part["number"], (part["title"] or None)
    level = _LEVEL.fullmatch(heading)
    if level:
        kind = level["kind"].lower()
        kind = "annexe" if kind == "annexes" else kind
        if kind == "sous-sous-paragraphe":
            kind = "sous-paragraphe"
        numbered = _NUMBERED.fullmatch(level["rest"])
        if numbered and numbered["number"]:
            number = " ".join(numbered["number"].split())
            number = "Ier" if number.lower() == "1er" and kind != "paragraphe" else number
            return kind, number, numbered["title"].strip() or None
        if kind == "annexe":
            return kind, "", level["rest"].lstrip(" :-").strip() or None
    return "division", "", heading or None


def _article(
    data: dict[str, Any],
    code: str,
    parent: tuple[str, ...],
    source: Path,
    shared: frozenset[str] = frozenset(),
) -> Record:
    """An article with every version, its current text, links, amendments and citations."""
    raw_number = data.get("num")
    legi_id = str(data.get("id") or "")
    if not raw_number or not str(raw_number).strip():
        return Problem(source, f"article {legi_id or '(no id)'} has no number: skipped")
    number = article_number(str(raw_number))
    body = read_html(str(data.get("texteHtml") or ""))
    text = body.text()
    links = [c for c in (link_citation(*link) for link in body.links) if c is not None]
    linked = {(c.number, c.code) for c in links}
    in_text = [c for c in extract(text, code) if (c.number, c.code) not in linked]
    versions = tuple(
        Version(
            str(v.get("id")),
            str(v.get("etat") or ""),
            _instant(v.get("dateDebut")),
            _instant(v.get("dateFin")),
            str(v.get("version") or ""),
        )
        for v in data.get("articleVersions") or []
        if v.get("id")
    )
    amendments = tuple(
        _amendment(link) for link in data.get("lienModifications") or [] if link.get("linkType")
    )
    return Article(
        code,
        number,
        parent,
        text,
        (*links, *in_text),
        source,
        legi_cid=str(data.get("cid") or "") or None,
        versions=versions,
        current=legi_id or None,
        amendments=amendments,
        nota=nota_text(data.get("nota")),
        qualifier=(str(data.get("cid") or legi_id) or None) if number in shared else None,
    )


def read_html(html: str) -> Body:
    """LEGI's ``texteHtml`` read: its text in paragraphs (``.text()``) and its links.

    The one reading of a version's text: the LEGI reader and the reference data
    (:mod:`cph_kg.reference.legi`) both state ``cph:text`` with it, so the two graphs give the
    same version one text, not two wordings of it. libxml2 (lxml) parses the HTML and
    :class:`cph_kg.codes.linked.Body` is given the tree's events, the ones Python's
    ``html.parser`` gives it: the same text and links (every article of the four LEGI codes and
    the sample, ``tests/test_codes_legi.py``) in 60 % of the time, the largest part of reading a
    code (``benchmarks/README.md``, "LEGI codes"). A text libxml2 refuses (a control character
    XML forbids, a NUL) is read by ``html.parser``.
    """
    # each <br/> of LEGI's HTML ends an alinéa: a paragraph of the text
    marked = "<div>" + _BR.sub("<br/><br/>", html) + "</div>"
    # libxml2 reads a NUL as U+FFFD (html.parser keeps it) and refuses some control characters
    root = None if "\x00" in marked else _parse_html(marked)
    if root is None:
        return read_html_slowly(html)
    body = Body()
    for event, element in etree.iterwalk(root, events=("start", "end", "comment", "pi")):
        tag = element.tag
        if not isinstance(tag, str):  # a comment or processing instruction: its tail only
            if element.tail:
                body.handle_data(element.tail)
            continue
        if tag in ("html", "body"):  # libxml2's frame around the fragment
            continue
        if event == "start":
            body.handle_starttag(tag, list(element.attrib.items()))
            if element.text:
                body.handle_data(element.text)
        else:
            body.handle_endtag(tag)
            if element.tail:
                body.handle_data(element.tail)
    body.end_line(paragraph=True)
    return body


def _parse_html(html: str) -> etree._Element | None:
    """The tree libxml2 reads from ``html``, or None if it refuses it."""
    try:
        return etree.HTML(html)
    except ValueError:
        return None


def read_html_slowly(html: str) -> Body:
    """:func:`read_html` with Python's ``html.parser``, which reads any string."""
    body = Body()
    body.feed("<div>" + _BR.sub("<br/><br/>", html) + "</div>")
    body.close()
    return body


#: A line break, however LEGI writes it.
_BR = re.compile(r"(?i)<br\s*/?>")


def nota_text(nota: object) -> str | None:
    """LEGI's ``nota`` on one line (its HTML line breaks are not paragraphs); None if empty."""
    return " ".join(str(nota or "").split()) or None


def link_citation(href: str, words: str, title: str | None) -> Citation | None:
    """The citation a link of ``texteHtml`` makes, or None for a link to a web site.

    Links to an article of a code (``affichCodeArticle.do``) or of a JORF text
    (``affichTexteArticle.do``) carry its id (``idArticle``) and its text's (``cidTexte``);
    links to a code or a text as a whole (``affichCode.do``, ``affichTexte.do``) carry the
    text's id, and a level's (``idSectionTA``) when they name one. The number is read from the
    link's title ("Code du travail - art. L1 (V)") or, failing that, from its words ("L. 1"); the
    importer prefers the id when the article is imported.
    """
    parts = urlsplit(href.strip())
    page = parts.path.rsplit("/", 1)[-1]
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    text_id = query.get("cidTexte")
    if page not in _PAGES or not text_id:
        return None
    target = query.get("idArticle") or query.get("idSectionTA") or text_id
    number = None
    if page.endswith("Article.do"):
        named = _TITLE_ARTICLE.search(title or "")
        if named:
            number = named["number"]
        elif (first := _WORDS_NUMBER.search(words)) is not None:
            number = first["number"]
    code = code_for_legitext(text_id)
    if number is not None and page == "affichCodeArticle.do":
        number = article_number(number)
    return Citation(
        number=number,
        code=code.short if code else None,
        method="link",
        text=words,
        code_name=None if code else legitext_titles().get(text_id),
        legi_id=target,
        legi_text=text_id,
        legi_title=title,
    )


def _amendment(link: dict[str, Any]) -> Amendment:
    """One ``lienModifications`` entry."""
    title = " ".join(str(link.get("textTitle") or "").split())
    nature = str(link.get("natureText") or "") or None
    head = _TEXT_TITLE_END.sub("", title)
    head = _TEXT_TITLE_END.sub("", head)  # "… - art. 6 (V) JORF 3 août 2005" and "(V)" both
    number, nature = text_number(head, nature)
    link_type = str(link.get("linkType") or "")
    return Amendment(
        text=AmendingText(
            jorf_id=str(link.get("textCid") or "") or None,
            title=head or title,
            nature=nature,
            number=number,
            signed=_day(link.get("dateSignaTexte")),
            published=_day(link.get("datePubliTexte")),
        ),
        article=str(link.get("articleNum") or "").strip() or None,
        article_id=str(link.get("articleId") or "") or None,
        kind=CHANGE_KINDS.get(link_type, link_type.lower()),
        link_type=link_type,
        orientation=str(link.get("linkOrientation") or ""),
        date=_day(link.get("dateDebutCible")),
    )


def text_number(title: str, nature: str | None) -> tuple[str | None, str | None]:
    """The number of a text from its title, and its nature (LEGI's, or read from the title).

    The number is kept only when the title starts with the word of the text's nature ("Décret
    n° 2016-253…" for a DECRET): "Rapport relatif à l'ordonnance n° 2000-550" is a report,
    not the ordinance, and has no number of its own. An arrêté's number needs its "n°" (an
    arrêté is usually known by its date alone).
    """
    match = _TEXT_NUMBER.match(title)
    if match is None:
        return None, nature
    head = " ".join(match["head"].lower().split())
    if nature is None:
        nature = next((n for n, heads in _HEADS.items() if head in heads), None)
    if nature not in _HEADS or head not in _HEADS[nature]:
        return None, nature
    if nature == "ARRETE" and not match["mark"]:
        return None, nature
    return " ".join(match["number"].split()), nature


def _instant(value: object) -> date | None:
    """A LEGI instant (milliseconds since 1970, UTC) as a day; None for "no end" or nothing."""
    if not isinstance(value, int):
        return None
    try:
        day = datetime.fromtimestamp(value / 1000, UTC).date()
    except (OverflowError, OSError, ValueError):
        return None
    return None if day >= NO_END else day


def _day(value: object) -> date | None:
    """A LEGI day ("2016-01-01"); None for "no end", nothing or a malformed value."""
    if not isinstance(value, str):
        return None
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return None
    return None if day >= NO_END else day


def _last_day(end: date | None) -> date | None:
    """The last day in force from the first day no longer in force."""
    return None if end is None else end - timedelta(days=1)
