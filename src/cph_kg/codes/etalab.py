"""Reader for the etalab/codes-juridiques-francais Markdown format (the 2015 snapshot).

A code is a folder (``code-de-l-action-sociale-et-des-familles/``) whose ``README.md`` starts
"# Code …"; every level below is a folder with a ``README.md`` headed "# Section 2 : Title";
every article is an ``article-*.md`` file headed "# Article R311-24" and followed by plain
paragraphs (a few, mostly annexes, hold HTML tables and ``<br/>``: the markup is dropped so the
text stays plain). Citations are plain text only, found by :mod:`cph_kg.codes.citations`.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from . import citations
from .identifiers import article_number, code_for_slug, level_segment
from .model import Article, Level, Problem, Record

_README = "README.md"

#: "# Section 2 : Title", "# Sous-Section 4 bis : Title", "# Chapitre unique.",
#: "# Partie réglementaire", "# Annexe 6-8 mentionnée à l'article R. 611-36", "# Annexes".
_LEVEL_HEADING = re.compile(
    r"""\#\s+(?P<kind>partie|livre|titre|chapitre|sous-section|section|sous-paragraphe|paragraphe
        |annexes?)(?:\s+(?P<number>\S+(?:\s+(?:bis|ter|quater|quinquies|sexies|septies|octies
        |nonies|decies|[A-Z])\b)*))?
        (?:\s*:\s*|\s+)?(?P<title>.*)$""",
    re.IGNORECASE | re.VERBOSE,
)
#: A level the code leaves unnamed: "# 1  Structure tarifaire des établissements."
_UNNAMED_HEADING = re.compile(r"#\s+(?P<number>\d+)\s+(?P<title>.+)$")
#: Kind given to the levels a code numbers without naming their kind.
_UNNAMED_KIND = "division"

_ARTICLE_HEADING = re.compile(r"#\s+Article\s+(?P<number>\S.*?)\s*$")
#: Block markup ends a paragraph; any other tag is dropped.
_BLOCK_TAG = re.compile(r"<\s*(?:br|/?p|/?div|/?tr|/?table|/?thead|/?tbody)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]+>")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


class EtalabReader:
    """Streams the levels and articles of etalab code folders, one file at a time."""

    name = "etalab"

    def detect(self, root: Path) -> bool:
        """A code folder, or a folder holding at least one code folder."""
        return _is_code(root) or (
            root.is_dir() and any(_is_code(child) for child in _subfolders(root))
        )

    def read(self, root: Path) -> Iterator[Record]:
        """Every level and article of the code(s) under ``root``, in sorted folder order."""
        for folder in [root] if _is_code(root) else _subfolders(root):
            if not _is_code(folder):
                continue
            code = code_for_slug(folder.name)
            if code is None:
                yield Problem(folder, f"unknown code {folder.name!r}")
                continue
            yield from _read_folder(folder, code.short, ())


def _read_folder(folder: Path, code: str, path: tuple[str, ...]) -> Iterator[Record]:
    """The articles of ``folder``, then each sub-folder's level and, recursively, its content.

    A level's IRI segment is ``{kind}-{number}`` from its README heading (the folder's own name
    sometimes carries words of the title: ``chapitre-ier-cas``); two sibling levels that would
    share one keep their folder names instead.
    """
    entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    for entry in entries:
        if entry.is_file() and entry.name.startswith("article-") and entry.name.endswith(".md"):
            yield read_article(Path(entry.path), code, path)
    taken: set[str] = set()
    for entry in entries:
        if not entry.is_dir():
            continue
        level = _level(Path(entry.path), code, path)
        inner = (*path, entry.name)
        if isinstance(level, Level):
            if level.path[-1] in taken:
                level = replace(level, path=inner)
            taken.add(level.path[-1])
            inner = level.path
        yield level
        yield from _read_folder(Path(entry.path), code, inner)


def _level(folder: Path, code: str, parent: tuple[str, ...]) -> Level | Problem:
    """The level a folder's README heading describes, in the level ``parent``."""
    readme = folder / _README
    try:
        heading = _first_line(readme)
    except (OSError, UnicodeDecodeError) as error:
        return Problem(readme, f"unreadable level README: {_reason(error)}")
    named = _LEVEL_HEADING.fullmatch(heading)
    if named:
        kind = "annexe" if named["kind"].lower() == "annexes" else named["kind"].lower()
        number = " ".join((named["number"] or "").rstrip(".").split())
        title = _clean(named["title"]) or None
        path = (*parent, level_segment(kind, number))
        return Level(code, path, kind, number, title, readme)
    unnamed = _UNNAMED_HEADING.fullmatch(heading)
    if unnamed:
        number = unnamed["number"]
        path = (*parent, level_segment(_UNNAMED_KIND, number))
        return Level(code, path, _UNNAMED_KIND, number, _clean(unnamed["title"]), readme)
    return Problem(readme, f"level heading not understood: {heading[:80]!r}")


def read_article(source: Path, code: str, parent: tuple[str, ...]) -> Article | Problem:
    """One article file of ``code``, held by the level ``parent``, with its citations.

    Public so that a single file can be re-read (the citation sample does); a file that is not
    an article becomes a Problem.
    """
    try:
        content = source.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        return Problem(source, f"not UTF-8: {_reason(error)}")
    except OSError as error:
        return Problem(source, f"unreadable: {_reason(error)}")
    if not content.strip():
        return Problem(source, "empty file")
    heading, _, body = content.lstrip("\ufeff").partition("\n")
    match = _ARTICLE_HEADING.fullmatch(heading.strip())
    if match is None:
        return Problem(source, f"no '# Article' heading: first line is {heading[:60]!r}")
    text = _paragraphs(body)
    number = article_number(match["number"].replace("Annexe ", "Annexe-"))
    return Article(code, number, parent, text, tuple(citations.extract(text, code)), source)


def _paragraphs(body: str) -> str:
    """Plain paragraphs joined by a blank line: markup dropped, spaces collapsed in each."""
    body = _BLOCK_TAG.sub("\n\n", body)
    body = _BOLD.sub(r"\1", _TAG.sub(" ", body))
    paragraphs = (_clean(html.unescape(p)) for p in re.split(r"\n\s*\n", body))
    return "\n\n".join(p for p in paragraphs if p)


def _clean(words: str) -> str:
    """Every run of whitespace one space, none at the ends."""
    return " ".join(words.split())


def _first_line(path: Path) -> str:
    """The first line of a UTF-8 file, stripped."""
    with path.open(encoding="utf-8") as stream:
        return stream.readline().strip()


def _is_code(folder: Path) -> bool:
    """A code's folder: its README starts "# Code" and it has parts."""
    try:
        heading = _first_line(folder / _README)
    except (OSError, UnicodeDecodeError):
        return False
    return heading.startswith("# Code ") and any(
        child.name.startswith("partie-") for child in _subfolders(folder)
    )


def _subfolders(folder: Path) -> list[Path]:
    """The folders directly in ``folder``, sorted by name."""
    return sorted(child for child in folder.iterdir() if child.is_dir())


def _reason(error: Exception) -> str:
    """An exception as one short line."""
    return " ".join(str(error).split())[:120]
