"""What a corpus reader yields: levels of a code, articles with their citations, and problems.

Readers stream these records, one file at a time, so a whole code never has to sit in memory;
a malformed file becomes a :class:`Problem` and the import goes on.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
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
    # a level the code numbers without naming its kind ("1 Structure tarifaire…")
    "division",
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
    legi_id: str | None = None  # LEGISCTA…, where the corpus gives it
    start: date | None = None  # first day in force of this title of the level (LEGI)
    end: date | None = None  # last day in force; None: no end known


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
    #: The Légifrance ids a link carries: the cited article (LEGIARTI…, any of its versions) or
    #: text (JORFTEXT…, LEGITEXT…), and the text it belongs to (``cidTexte``). The importer
    #: resolves them once every article of the import is known.
    legi_id: str | None = None
    legi_text: str | None = None
    #: What the link says it cites: "L. 5312-1", "LOI n° 2016-1691 du 9 décembre 2016 - art. 6".
    legi_title: str | None = None


@dataclass(frozen=True)
class Version:
    """One version of an article as LEGI lists it: its id, state and period.

    ``start`` is the first day in force and ``end`` the first day no longer in force (LEGI's
    ``dateFin``; ``None`` for its "2999-01-01", no end). A version whose ``end`` is not after
    its ``start`` was never in force (a *mort-né* version, or one moved on the day it began).
    """

    legi_id: str  # LEGIARTI…
    state: str  # VIGUEUR, MODIFIE, ABROGE, MODIFIE_MORT_NE, TRANSFERE… ("" when LEGI gives none)
    start: date | None
    end: date | None
    label: str = ""  # LEGI's version number, "13.0"

    @property
    def in_force(self) -> bool:
        """Whether the version was ever in force: it has a start, and its end is after it."""
        return self.start is not None and (self.end is None or self.end > self.start)


@dataclass(frozen=True)
class AmendingText:
    """A text published in the Journal officiel that changed an article (LEGI's ``textCid``)."""

    jorf_id: str | None  # JORFTEXT…; None when LEGI gives none
    title: str  # as LEGI writes it, without the article: "LOI n°2023-1196 du 18 décembre 2023"
    nature: str | None  # LOI, DECRET, ORDONNANCE, LOI_ORGANIQUE, ARRETE, DECISION, RAPPORT…
    number: str | None  # "2023-1196", read from the title when it names the nature
    signed: date | None
    published: date | None


@dataclass(frozen=True)
class Amendment:
    """One entry of LEGI's ``lienModifications``: a text, and its article, that changed a version.

    ``kind`` is the change, one word whichever way LEGI wrote the link (``creation``,
    ``modification``, ``codification``, ``abrogation``, ``move``, ``transfer``,
    ``rectification``, ``annulment``); ``link_type`` and ``orientation`` are LEGI's own words
    (``MODIFIE``/``cible``, ``MODIFICATION``/``source``…), kept as they are.
    """

    text: AmendingText
    article: str | None  # the amending text's article number, "6"; None when LEGI gives none
    article_id: str | None  # its id (LEGIARTI…, JORFARTI…)
    kind: str
    link_type: str
    orientation: str
    date: date | None  # when the change takes effect on the article (``dateDebutCible``)


@dataclass(frozen=True)
class Article:
    """An article: its number, its place in the hierarchy, its clean text and citations."""

    code: str
    number: str  # normalised: "R349-2", "L349-2", "D338-23", "Annexe-1-1"
    parent: tuple[str, ...]  # path of the level that holds it
    text: str  # paragraphs separated by a blank line, no markup
    citations: tuple[Citation, ...] = field(default=())
    source: Path | None = None
    #: LEGI: the article's stable id (``cid``), every version, the id of the version the text
    #: and ``amendments`` belong to (the one in force, or the last), and the note (``nota``).
    legi_cid: str | None = None
    versions: tuple[Version, ...] = field(default=())
    current: str | None = None
    amendments: tuple[Amendment, ...] = field(default=())
    nota: str | None = None
    #: Set when the code gives another article the same number (LEGI's Code du travail has two
    #: "Annexe I", two "Annexe II", two "Annexe"): the article's stable id (``cid``), which
    #: makes its IRI ``law/{code}/{number}_{cid}``, the same whatever order they are read in.
    qualifier: str | None = None


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
