"""What a corpus reader yields: levels of a code, articles with their citations, and problems.

Readers stream these records, one file at a time, so a whole code never has to sit in memory;
a malformed file becomes a :class:`Problem` and the import goes on.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

#: How a citation was found: from a hyperlink of the corpus, or in the plain text.
Method = Literal["link", "text"]

#: The kinds of level of a French code's hierarchy, from the top.
LEVEL_KINDS = (
    "partie",
    "livre",
    "titre",
    "chapitre",
    "section",
    "sous-section",
    "paragraphe",
    "sous-paragraphe",
    "annexe",
)


@dataclass(frozen=True)
class Level:
    """One level of a code's hierarchy (partie, livre, titre, chapitre, section…).

    ``path`` is the list of normalised segments from the code's root, e.g.
    ``("partie-reglementaire", "livre-iii", "titre-ier", "chapitre-ier", "section-2")``;
    the IRI is made from it (see :mod:`cph_kg.codes.identifiers`).
    """

    code: str  # short name: "casf", "ceseda"
    path: tuple[str, ...]
    kind: str  # one of LEVEL_KINDS
    number: str  # "III", "Ier", "IX", "2", "réglementaire"
    title: str | None  # "Action sociale et médico-sociale mise en oeuvre par des établissements…"
    source: Path


@dataclass(frozen=True)
class Citation:
    """One reference from an article to another article (possibly of another code).

    ``code`` is the cited code's short name, or ``None`` when the text names a code cph-kg
    does not know (then ``code_name`` holds the words, e.g. "code de l'éducation").
    ``provision`` is the cited subdivision when the text gives one ("I", "II, 2°").
    """

    number: str | None  # normalised article number "L349-2"; None for "au I" (same article)
    code: str | None
    method: Method
    text: str  # the words that make the citation, as found
    provision: str | None = None
    code_name: str | None = None


@dataclass(frozen=True)
class Article:
    """An article: its number, its place in the hierarchy, its clean text and citations."""

    code: str
    number: str  # normalised: "R349-2", "L349-2", "D338-23", "Annexe-1-1"
    parent: tuple[str, ...]  # path of the level that holds it
    text: str  # paragraphs separated by a blank line, no markup
    citations: tuple[Citation, ...] = field(default=())
    source: Path | None = None


@dataclass(frozen=True)
class Problem:
    """A file that could not be read as it should, and why (one line)."""

    source: Path
    reason: str


Record = Level | Article | Problem


class CorpusReader(Protocol):
    """A corpus format: recognises its folders and streams their records."""

    name: str

    def detect(self, root: Path) -> bool:
        """Whether ``root`` (a code's folder, or a folder of codes) is in this format."""
        ...

    def read(self, root: Path) -> Iterator[Record]:
        """Every level and article under ``root``, file by file, and a Problem per bad file."""
        ...
