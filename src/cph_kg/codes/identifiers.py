"""Codes cph-kg knows, how their names are written, and the IRI of every code, level and article.

IRI patterns (all under ``https://w3id.org/cph-kg/law/``):

- code: ``{code}`` — ``law/casf``
- level: ``{code}/{segment}/{segment}…`` — ``law/casf/partie-reglementaire/livre-iii/titre-iv``
- article: ``{code}/{number}`` — ``law/casf/R349-2`` (the IRI the R349-2 graph already uses)
- a code cph-kg does not know: ``other/{slug}`` — ``law/other/code-de-l-education``
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import URIRef

from cph_kg.namespaces import slugify

LAW = "https://w3id.org/cph-kg/law/"


@dataclass(frozen=True)
class Code:
    """A code: short name, Légifrance identifier, official title, and how texts name it."""

    short: str
    legitext: str
    title: str
    #: Folder slugs used by corpora (etalab keeps the apostrophe as a hyphen, the linked
    #: format drops it).
    slugs: tuple[str, ...]


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
}


def code_for_slug(slug: str) -> Code | None:
    """The known code a corpus folder slug names, if any."""
    return next((code for code in CODES.values() if slug in code.slugs), None)


def code_for_name(name: str) -> Code | None:
    """The known code a phrase names ("code de l'entrée et du séjour…"), if any."""
    wanted = slugify(name).replace("-", "")
    return next((c for c in CODES.values() if slugify(c.title).replace("-", "") == wanted), None)


def article_number(raw: str) -> str:
    """Normalise an article number: "L. 349-2" and "l349-2" give "L349-2".

    An annex keeps a hyphen after its word, whichever way it was written: "Annexe 1-1",
    "annexe-1-1" and "Annexe-1-1" all give "Annexe-1-1". The star of articles adopted by
    decree in the Conseil des ministres ("R*213-3") is dropped: texts cite them "R. 213-3".
    """
    annex = re.match(r"(?i)^annexe[\s.-]*(.+)$", raw.strip())
    if annex:
        return "Annexe-" + re.sub(r"[\s.]", "", annex.group(1))
    compact = re.sub(r"[\s.*]", "", raw)
    return compact[:1].upper() + compact[1:] if compact[:1].isalpha() else compact


def code_iri(code: str) -> URIRef:
    """``law/{code}``."""
    return URIRef(f"{LAW}{code}")


def level_iri(code: str, path: tuple[str, ...]) -> URIRef:
    """``law/{code}/{segment}/…``: segments are the normalised folder names of the corpus."""
    return URIRef(f"{LAW}{code}/" + "/".join(path))


def article_iri(code: str, number: str) -> URIRef:
    """``law/{code}/{number}``."""
    return URIRef(f"{LAW}{code}/{article_number(number)}")


def other_code_iri(name: str) -> URIRef:
    """A code cph-kg does not know, named by the slug of its name."""
    return URIRef(f"{LAW}other/{slugify(name)}")
