"""Codes cph-kg knows, how their names are written, and the IRI of every code, level and article.

IRI patterns (all under ``https://w3id.org/cph-kg/law/``):

- code: ``{code}`` — ``law/casf``
- level: ``{code}/{segment}/{segment}…`` — ``law/casf/partie-reglementaire/livre-iii/titre-iv``
- article: ``{code}/{number}`` — ``law/casf/R349-2`` (the IRI the R349-2 graph already uses)
- a code cph-kg does not know: ``other/{slug}`` — ``law/other/code-de-l-education``
- an article version: ``{code}/{number}/version/{YYYY-MM-DD}`` (its first day in force)

and, for the texts published in the Journal officiel that amend codes (under
``https://w3id.org/cph-kg/text/``): ``{nature}/{number}`` when the text has a number
(``text/decret/2016-253``, ``text/loi/2023-1196``), else ``jorf/{JORFTEXT id}``; an article of
such a text ``…/article/{number}``.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache

from rdflib import URIRef

from cph_kg import namespaces, resources
from cph_kg.namespaces import slugify

# The bases as plain strings: formatted into every IRI of a whole code, where a Namespace
# (a str subclass) formats three times slower.
_LAW = str(namespaces.LAW)
_TEXT = str(namespaces.TEXT)


@dataclass(frozen=True)
class Code:
    """A code: short name, Légifrance identifier, official title, and how texts name it."""

    short: str
    legitext: str
    title: str
    #: Folder slugs used by corpora (etalab keeps the apostrophe as a hyphen, the linked
    #: format drops it).
    slugs: tuple[str, ...]
    #: Other LEGITEXT ids Légifrance's links give the same code (an id it had before).
    former_ids: tuple[str, ...] = ()


CODES = {
    "casf": Code(
        "casf",
        "LEGITEXT000006074069",
        "Code de l'action sociale et des familles",
        ("code-de-l-action-sociale-et-des-familles", "code-de-laction-sociale-et-des-familles"),
    ),
    "ceseda": Code(
        "ceseda",
        "LEGITEXT000006070158",
        "Code de l'entrée et du séjour des étrangers et du droit d'asile",
        (
            "code-de-l-entree-et-du-sejour-des-etrangers-et-du-droit-d-asile",
            "code-de-lentree-et-du-sejour-des-etrangers-et-du-droit-dasile",
        ),
    ),
    "css": Code(
        "css",
        "LEGITEXT000006073189",
        "Code de la sécurité sociale",
        ("code-de-la-securite-sociale",),
    ),
    "ctrav": Code("ctrav", "LEGITEXT000006072050", "Code du travail", ("code-du-travail",)),
    "crpm": Code(
        "crpm",
        "LEGITEXT000022197698",
        "Code rural et de la pêche maritime",
        ("code-rural-et-de-la-peche-maritime",),
        # Légifrance's "Code rural" id, whose stable id (cid) the current code keeps.
        former_ids=("LEGITEXT000006071367",),
    ),
    "crpa": Code(
        "crpa",
        "LEGITEXT000031366350",
        "Code des relations entre le public et l'administration",
        (
            "code-des-relations-entre-le-public-et-l-administration",
            "code-des-relations-entre-le-public-et-ladministration",
        ),
    ),
}

#: Each known code's short name as the prefix of its articles' IRIs (``casf:R349-2``), as the
#: project's files declare it: the codes' part of the one prefix map
#: (:data:`cph_kg.namespaces.PREFIXES`).
CODE_PREFIXES = {short: f"{_LAW}{short}/" for short in CODES}

#: A date that means "no end" in LEGI (``2999-01-01``): no date at all.
NO_END = date(2999, 1, 1)


def code_for_legitext(legitext: str) -> Code | None:
    """The known code a LEGITEXT id (current or former) names, if any."""
    return _by_legitext().get(legitext)


@cache
def _by_legitext() -> dict[str, Code]:
    """The known codes by each LEGITEXT id, current or former (asked for every link)."""
    return {legitext: c for c in CODES.values() for legitext in (c.legitext, *c.former_ids)}


@cache
def legitext_titles() -> dict[str, str]:
    """Every code of Légifrance, LEGITEXT id to title (``data/codes/legitext.tsv``).

    Rebuilt from the LEGI index by ``scripts/build_legi_codes.py``; it names the code of a link
    whose article is not imported.
    """
    path = resources.root() / "data" / "codes" / "legitext.tsv"
    with path.open(encoding="utf-8", newline="") as table:
        return {row["id"]: row["title"] for row in csv.DictReader(table, delimiter="\t")}


def code_for_slug(slug: str) -> Code | None:
    """The known code a corpus folder slug names, if any."""
    return next((code for code in CODES.values() if slug in code.slugs), None)


def code_for_name(name: str) -> Code | None:
    """The known code a phrase names ("code de l'entrée et du séjour…"), if any."""
    return _by_name().get(slugify(name).replace("-", ""))


@cache
def _by_name() -> dict[str, Code]:
    """The known codes by their title's slug without hyphens (asked for every code named)."""
    return {slugify(c.title).replace("-", ""): c for c in CODES.values()}


@lru_cache(maxsize=1 << 16)
def article_number(raw: str) -> str:
    """Normalise an article number: "L. 349-2" and "l349-2" give "L349-2".

    An annex keeps a hyphen after its word, whichever way it was written: "Annexe 1-1",
    "annexe-1-1" and "Annexe-1-1" all give "Annexe-1-1". The star of articles adopted by
    decree in the Conseil des ministres ("R*213-3") is dropped: texts cite them "R. 213-3".
    Cached: a whole code asks for the same numbers again and again (each article's IRI, every
    citation of it), about ten times per article.
    """
    annex = re.match(r"(?i)^annexe[\s.-]*(.+)$", raw.strip())
    if annex:
        # LEGI writes some annexes' numbers in words ("Annexe I à l'article R4312-1"): accents
        # folded and every other run of characters one hyphen, so the IRI stays plain ASCII
        rest = unicodedata.normalize("NFKD", annex.group(1)).encode("ascii", "ignore").decode()
        words = re.sub(r"[^A-Za-z0-9-]+", "-", re.sub(r"(?<=\w)\.(?=\w)", "", rest))
        return "Annexe-" + words.strip("-")
    compact = re.sub(r"[\s.*]", "", raw)
    return compact[:1].upper() + compact[1:] if compact[:1].isalpha() else compact


def level_segment(kind: str, number: str) -> str:
    """A level's IRI segment, the same in every format: "Section 1 bis" gives ``section-1-bis``."""
    return slugify(f"{kind} {number}")


def code_iri(code: str) -> URIRef:
    """``law/{code}``."""
    return URIRef(f"{_LAW}{code}")


def level_iri(code: str, path: tuple[str, ...]) -> URIRef:
    """``law/{code}/{segment}/…``: segments are the normalised folder names of the corpus."""
    return URIRef(f"{_LAW}{code}/" + "/".join(path))


def article_iri(code: str, number: str, qualifier: str | None = None) -> URIRef:
    """``law/{code}/{number}``, or ``law/{code}/{number}_{qualifier}`` for one of several.

    The qualifier tells apart articles a code numbers alike: the article's LEGI ``cid``, stable;
    "_" is in no normalised number, so no other article can be given that IRI.
    """
    suffix = f"_{qualifier}" if qualifier else ""
    return URIRef(f"{_LAW}{code}/{article_number(number)}{suffix}")


def other_code_iri(name: str) -> URIRef:
    """A code cph-kg does not know, named by the slug of its name."""
    return URIRef(f"{_LAW}other/{slugify(name)}")


def text_iri(nature: str | None, number: str | None, jorf_id: str | None) -> URIRef | None:
    """``text/{nature}/{number}``, else ``text/jorf/{JORFTEXT id}``; None when neither is known.

    ``nature`` is LEGI's (``DECRET``, ``LOI``, ``LOI_ORGANIQUE``…), written in lower case with
    hyphens (``decret``, ``loi-organique``).
    """
    if nature and number:
        return URIRef(f"{_TEXT}{slugify(nature)}/{slugify(number)}")
    if jorf_id:
        return URIRef(f"{_TEXT}jorf/{jorf_id}")
    return None
