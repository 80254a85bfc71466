"""The linked corpus format: one Markdown file per article, HTML body, links by slugged path.

A corpus in this format is a folder of codes; each code is a folder named by its slug
(``code-de-laction-sociale-et-des-familles``) holding one folder per level of its hierarchy and,
in the level that holds it, one file per article::

    code-de-laction-sociale-et-des-familles/partie-reglementaire/
        livre-iii-action-sociale-et-medico-sociale-mise-en-oeuvre-par-des-etablissements-…/
        titre-iv-dispositions-specifiques-a-certaines-categories-detablissements/
        chapitre-ix-centres-provisoires-dhebergement/r349-2.md

An article file is a ``# Article R349-2`` heading, then the text inside
``<div align='left'>…</div>``, lines broken by ``<br/>`` (two of them end a paragraph) and the
cited articles linked by their absolute slugged path
(``<a href='/code-…/…/l349-2.md'>L. 349-2</a>``).

There is no file per level: a level's kind, number and title are read back from its folder's
slug, ``{kind}-{number}-{title}``. Slugs keep neither accents, apostrophes nor capitals, so the
titles read here are only the words of the slug ("Centres provisoires dhebergement"); a source
that gives the real titles should be preferred for them when one exists.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

from cph_kg.codes.citations import extract
from cph_kg.codes.identifiers import article_number, code_for_slug, level_segment
from cph_kg.codes.model import LEVEL_KINDS, Article, Citation, Level, Problem, Record
from cph_kg.namespaces import slugify

#: A function that finds the citations written in plain text: ``extract(text, code)``.
Extractor = Callable[[str, str], list[Citation]]

#: How many bytes of an article file :meth:`LinkedReader.detect` looks at.
_SNIFF_BYTES = 4096
_DIV = re.compile(r"<div\s+align\s*=\s*['\"]left['\"]", re.IGNORECASE)
_HEADING = re.compile(r"^#[ \t]+Article[ \t]+(\S[^\n]*?)[ \t]*$", re.MULTILINE)
#: An href the reader can resolve: an absolute path whose first segment is a code's folder.
_HREF = re.compile(r"^/(code-[^/]+)/(?:[^/]+/)*([^/]+)\.md$")

#: Longest first, so that "sous-section-1" is not read as a "sous" kind.
_KINDS = tuple(sorted(LEVEL_KINDS, key=len, reverse=True))
_ROMAN = re.compile(r"^(?:[ivxlcdm]+|ier)$")
_FIRST = re.compile(r"^\d+er$")  # "1er"
#: Letters a level number can end with ("chapitre Ier A"), and the French words after "à".
_LETTERS = frozenset("abcdefgh")
_FRENCH_ARTICLES = frozenset(("la", "le", "les", "l", "un", "une", "des", "du", "d", "leur", "ce"))
#: Words a level number can carry after its numeral ("titre II bis", "section 1 ter").
_LATIN = frozenset(
    ("bis", "ter", "quater", "quinquies", "sexies", "septies", "octies", "nonies", "decies")
)
#: Numbers that are words: the slug lost their accents, which are known here.
_WORD_NUMBERS = {"preliminaire": "préliminaire", "unique": "unique"}
#: The parts of a code: "partie-legislative" has no title, its number is the qualifier.
_PARTS = {"legislative": "législative", "reglementaire": "réglementaire", "arretes": "arrêtés"}


class LinkedReader:
    """Reads a corpus in the linked format (see the module's docstring)."""

    name = "linked"

    def detect(self, root: Path) -> bool:
        """Whether ``root`` is a code folder, or holds code folders, whose articles are HTML.

        The first article file found decides, so detection stays cheap on a whole corpus;
        the etalab format uses the same folder names but plain Markdown bodies.
        """
        for code_dir in _code_dirs(root):
            article = next(code_dir.rglob("*.md"), None)
            if article is not None:
                with article.open("rb") as handle:
                    head = handle.read(_SNIFF_BYTES).decode("utf-8", errors="replace")
                if _DIV.search(head):
                    return True
        return False

    def read(self, root: Path) -> Iterator[Record]:
        """Every level and article under ``root``, in sorted order, and a Problem per bad file.

        Folders and files are walked depth first, each folder's entries sorted by name with
        numbers compared as numbers (``l349-2`` before ``l349-10``); a level comes before
        what it holds. A code folder cph-kg does not know is reported once and skipped, since
        its levels and articles would have no code to belong to.
        """
        for code_dir in _code_dirs(root):
            code = code_for_slug(code_dir.name)
            if code is None:
                yield Problem(code_dir, f"unknown code folder {code_dir.name!r}: skipped")
                continue
            yield from self._read_level(code.short, code_dir, (), extract)

    def _read_level(
        self, code: str, folder: Path, path: tuple[str, ...], extract: Extractor | None
    ) -> Iterator[Record]:
        """The records of one folder: its articles and, recursively, its sub-levels."""
        for entry in sorted(folder.iterdir(), key=_natural_key):
            if entry.is_dir():
                level = parse_level_slug(entry.name)
                if level is None:
                    held = sum(1 for _ in entry.rglob("*.md"))
                    yield Problem(
                        entry,
                        f"level folder {entry.name!r} is not {{kind}}-{{number}}-…: skipped "
                        f"with the {held} article file(s) in it",
                    )
                    continue
                kind, number, segment, title = level
                sub_path = (*path, segment)
                yield Level(code, sub_path, kind, number, title, entry)
                yield from self._read_level(code, entry, sub_path, extract)
            elif entry.suffix == ".md":
                yield from read_article(entry, code, path, extract)


def read_article(
    source: Path, code: str, parent: tuple[str, ...], extract: Extractor | None = None
) -> Iterator[Record]:
    """The article of one file, then a Problem per broken link; or one Problem alone.

    ``extract`` finds the citations of the plain text; one that names the same article (number
    and code) as a link is dropped, the link being the better evidence of the two. Links are
    resolved from their path alone: whether the cited file exists is for the importer to say.
    """
    try:
        content = source.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        bad = error.object[error.start]
        yield Problem(source, f"not UTF-8: byte 0x{bad:02x} at offset {error.start}")
        return
    except OSError as error:
        yield Problem(source, f"cannot be read: {error.strerror or error}")
        return
    heading = _HEADING.search(content)
    if heading is None:
        yield Problem(source, "no '# Article' heading")
        return
    body = Body()
    try:
        body.feed(content[heading.end() :])
        body.close()
    except AssertionError as error:  # html.parser's way of refusing some malformed markup
        yield Problem(source, f"HTML cannot be reduced to text: {error}")
        return
    if body.error is not None:
        yield Problem(source, f"HTML cannot be reduced to text: {body.error}")
        return
    number = article_number(heading.group(1))
    text = body.text()
    links: list[Citation] = []
    broken: list[Problem] = []
    for href, words, _title in body.links:
        citation = link_citation(href, words)
        if citation is None:
            broken.append(Problem(source, f"broken link {href!r} ({words!r}): not /code-…/….md"))
        else:
            links.append(citation)
    linked = {_cited(c) for c in links}
    found = extract(text, code) if extract is not None else []
    in_text = [c for c in found if _cited(c) not in linked]
    yield Article(code, number, parent, text, (*links, *in_text), source)
    yield from broken


def _cited(citation: Citation) -> tuple[str | None, str]:
    """What a citation points at: its number and code, an unknown code by its compacted name.

    A link names an unknown code by its folder slug ("code-de-leducation"), the text by its
    words ("code de l'éducation"); both compact to "codedeleducation".
    """
    code = citation.code or slugify(citation.code_name or "").replace("-", "")
    return citation.number, code


def link_citation(href: str, words: str) -> Citation | None:
    """The citation an href makes, or None when it is not a ``/code-…/….md`` path.

    The code comes from the first segment, the article from the file name: the folders in
    between are the cited article's levels, which the citation does not need.
    """
    match = _HREF.match(href.strip())
    if match is None:
        return None
    slug, stem = match.groups()
    code = code_for_slug(slug)
    return Citation(
        number=article_number(stem),
        code=code.short if code else None,
        method="link",
        text=words,
        code_name=None if code else slug,
    )


def parse_level_slug(slug: str) -> tuple[str, str, str, str | None] | None:
    """``(kind, number, segment, title)`` from a level folder's slug, or None if it is none.

    ``titre-ii-bis-dispositions-diverses`` gives ``("titre", "II bis", "titre-ii-bis",
    "Dispositions diverses")``; the parts of a code have no title
    (``partie-reglementaire`` gives ``("partie", "réglementaire", "partie-reglementaire",
    None)``). The title is only the slug's words: accents and apostrophes are not recoverable.

    Numbers keep what follows their numeral: digits joined by a hyphen (``section-v-1-…``:
    "V-1"), Latin ordinals ("bis", "quinquies") and a capital letter (``chapitre-ier-a-…``:
    "Ier A", unless the letter is the French "à" before an article, as in ``…-1-a-la-charge``);
    "1er" stays "1er". An annex folder needs no number (``annexes``), and a level the code
    numbers without a kind (``1-structure-tarifaire-…``) is a ``division``.
    """
    words = slug.split("-")
    kind = next((k for k in _KINDS if slug == k or slug.startswith(k + "-")), None)
    if kind is None and (slug == "annexes" or slug.startswith("annexes-")):
        kind = "annexe"
        words = words[1:]
    elif kind is None and words[0].isdigit():
        kind = "division"
    elif kind is None:
        return None
    else:
        words = slug[len(kind) + 1 :].split("-") if slug != kind else []
    if kind == "partie":
        qualifier = "-".join(words)
        return kind, _PARTS.get(qualifier, " ".join(words)), slug, None
    if not words or not _is_numeral(words[0]):
        if kind != "annexe":
            return None
        rest = " ".join(words)
        return kind, "", level_segment(kind, ""), (rest[:1].upper() + rest[1:]) or None
    number = _numeral(words[0])
    taken = 1
    while taken < len(words) and words[taken].isdigit():
        number += "-" + words[taken]
        taken += 1
    while taken < len(words) and words[taken] in _LATIN:
        number += " " + words[taken]
        taken += 1
    if (
        taken < len(words)
        and len(words[taken]) == 1
        and words[taken] in _LETTERS
        and (taken + 1 == len(words) or words[taken + 1] not in _FRENCH_ARTICLES)
    ):
        number += " " + words[taken].upper()
        taken += 1
    rest = " ".join(words[taken:])
    return kind, number, level_segment(kind, number), (rest[:1].upper() + rest[1:]) or None


def _is_numeral(word: str) -> bool:
    """Whether a slug word is a level's numeral: digits, "1er", roman, or a number word."""
    return word.isdigit() or bool(_FIRST.match(word) or _ROMAN.match(word)) or word in _WORD_NUMBERS


def _numeral(word: str) -> str:
    """A numeral as the code writes it: "ier" is "Ier", roman in capitals, words accented."""
    if word.isdigit() or _FIRST.match(word):
        return word
    if _ROMAN.match(word):
        return "Ier" if word == "ier" else word.upper()
    return _WORD_NUMBERS[word]


class Body(HTMLParser):
    """Reduces an article's HTML body to paragraphs of clean text and collects its links.

    Only what is inside the first ``<div>`` counts. Runs of ``<br>`` decide the structure: one
    breaks a line, two or more end a paragraph (so the trailing ``<br/>`` of the corpus add
    nothing); ``<p>`` and nested ``<div>`` end a paragraph too. Within a line every run of
    whitespace, non-breaking spaces included, becomes one space. Entities are unescaped by
    the parser (``convert_charrefs``).
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[list[str]] = []  # paragraph -> lines
        self.words: list[str] = []  # the pieces of the line being read
        self.breaks = 0  # <br> seen since the last words
        self.depth = 0  # how deep inside the body's <div>
        self.seen_div = False
        self.closed = False
        self.links: list[tuple[str, str, str | None]] = []  # href, words, title
        #: href, title and words of the open <a href>
        self.anchor: tuple[str, str | None, list[str]] | None = None
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Opens the body, a paragraph, a line break or a link."""
        if tag == "div":
            if self.closed:
                self.error = self.error or "more than one <div>"
                return
            if self.depth:
                self.breaks = max(self.breaks, 2)
            self.seen_div = True
            self.depth += 1
        elif not self.depth:
            return
        elif tag == "br":
            self.breaks += 1
        elif tag == "p":
            self.breaks = max(self.breaks, 2)
        elif tag == "a":
            named = dict(attrs)
            href = named.get("href")
            if href is not None:
                self.anchor = (href, named.get("title"), [])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """``<br/>``: a self-closing tag is an opening one without content."""
        if tag != "div":
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        """Closes the body, a paragraph or a link."""
        if not self.depth:
            return
        if tag == "div":
            self.depth -= 1
            self.breaks = max(self.breaks, 2)
            self.closed = not self.depth
        elif tag == "p":
            self.breaks = max(self.breaks, 2)
        elif tag == "a" and self.anchor is not None:
            href, title, words = self.anchor
            self.links.append((href, " ".join("".join(words).split()), title))
            self.anchor = None

    def handle_data(self, data: str) -> None:
        """Text of the body; whitespace alone between breaks does not end a run of them."""
        if not self.depth:
            if data.strip():
                self.error = self.error or "text outside the <div>"
            return
        if self.anchor is not None:
            self.anchor[2].append(data)
        if not data.strip():
            if not self.breaks:
                self.words.append(data)
            return
        if self.breaks:
            self.end_line(paragraph=self.breaks >= 2)
        self.words.append(data)

    def close(self) -> None:
        """Ends the last line, and says what kept the body from being read, if anything."""
        super().close()
        self.end_line(paragraph=True)
        if not self.seen_div:
            self.error = "no <div> body"
        elif self.depth:
            self.error = self.error or "<div> not closed"

    def end_line(self, paragraph: bool) -> None:
        """Moves the words read to a line of the current paragraph, or to a new paragraph."""
        line = " ".join("".join(self.words).split())
        self.words = []
        self.breaks = 0
        if line:
            if not self.paragraphs:
                self.paragraphs.append([])
            self.paragraphs[-1].append(line)
        if paragraph and self.paragraphs and self.paragraphs[-1]:
            self.paragraphs.append([])

    def text(self) -> str:
        """The paragraphs, a blank line between them; empty ones (trailing breaks) dropped."""
        return "\n\n".join("\n".join(lines) for lines in self.paragraphs if lines)


def _code_dirs(root: Path) -> list[Path]:
    """The code folders of ``root``: itself if it is one, else its ``code-…`` sub-folders."""
    if not root.is_dir():
        return []
    if root.name.startswith("code-"):
        return [root]
    return sorted(
        (p for p in root.iterdir() if p.is_dir() and p.name.startswith("code-")),
        key=_natural_key,
    )


def _natural_key(path: Path) -> tuple[tuple[int, int | str], ...]:
    """Sort key: the name split into text and numbers, numbers compared as numbers."""
    return tuple(
        (1, int(part)) if part.isdigit() else (0, part)
        for part in re.split(r"(\d+)", path.name)
        if part
    )
