"""On which day a convention is judged, and which text governed it that day.

A convention is judged against the law in force on the day it was concluded (its
``cph:dateOfConclusion``), or on a day the user names (``--as-of``). A convention without a
valid date is judged against the law in force today, and the report says so. The text that
governs it is R349-2 when a version of R349-2 is in force that day; before R349-2 (décret
n° 2016-253), L. 349-2, III, on which R349-2 is based (``eli:based_on``), already obliged the
centres to conclude agreements with the integration actors; before L. 349-2 there is nothing to
judge it against, and it is reported as "not judged".

The shapes reach the same answer from the same data (the versions' periods of force and
``eli:based_on`` in the law graph, the day added to the validated graph): this module only says
it in the report, and ``tests/test_point_in_time.py`` checks that both agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum

import pyoxigraph as ox
from rdflib import URIRef

from cph_kg import vocab
from cph_kg.namespaces import L349_2, R349_2
from cph_kg.rdf.terms import Term, objects, subjects, value


class DayBasis(Enum):
    """Why a convention (or a centre) is judged on the day it is."""

    AS_OF = "as-of"  # the user named the day
    SIGNATURE = "signature"  # the convention's date of conclusion
    TODAY = "today"  # no day named, and no valid date of conclusion (or a centre)


@dataclass(frozen=True)
class Version:
    """A dated version of an article: its IRI, the article, first and last day (None: open)."""

    iri: URIRef
    start: date
    end: date | None
    article: URIRef = R349_2
    reference: str = "R. 349-2"

    def in_force_on(self, day: date) -> bool:
        """Whether ``day`` falls within the version's days in force (both ends included)."""
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Assessment:
    """The day a convention is judged on, why, and the version of the text that governed it."""

    day: date
    basis: DayBasis
    version: Version | None  # None: no text applied on that day


def versions(legal: ox.Store, article: URIRef = R349_2) -> list[Version]:
    """The dated versions of ``article``, oldest first (ELI: members of the stable article).

    ``legal`` is the legal data in an Oxigraph store (``Validator.legal_store``).
    """
    node = ox.NamedNode(article)
    label = value(legal, node, vocab.CPH.provisionLabel)
    reference = label.value if label is not None else article.rsplit("/", 1)[-1]
    found = []
    for member in objects(legal, node, vocab.ELI.has_member):
        if not isinstance(member, ox.NamedNode):
            continue
        start = value(legal, member, vocab.ELI.first_date_entry_in_force)
        if start is None:
            continue
        end = value(legal, member, vocab.ELI.date_no_longer_in_force)
        found.append(
            Version(
                URIRef(member.value),
                law_day(start),
                law_day(end) if end is not None else None,
                article,
                reference,
            )
        )
    return sorted(found, key=lambda version: version.start)


def governing_texts(legal: ox.Store, base: URIRef = L349_2) -> list[list[Version]]:
    """The versions of each text that can govern a convention, the most specific first.

    The texts based on ``base`` (``eli:based_on``: R349-2) apply where they are in force; the
    base applies alone where none of them is.
    """
    implementing = sorted(
        URIRef(s.value)
        for s in subjects(legal, vocab.ELI.based_on, ox.NamedNode(base))
        if isinstance(s, ox.NamedNode)
    )
    texts = [versions(legal, article) for article in implementing]
    return [*texts, versions(legal, base)]


def law_day(term: Term) -> date:
    """The day an ``xsd:date`` of the law states (the law's dates are cph-kg's own: valid)."""
    day = xsd_date(term.value)
    if day is None:
        raise ValueError(f"not an xsd:date in the legal data: {term}")
    return day


def xsd_date(lexical: str) -> date | None:
    """The day an ``xsd:date`` lexical form names (a time zone is allowed), or None if invalid."""
    match = _XSD_DATE.fullmatch(lexical)
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:  # 30 February, year 0
        return None


_XSD_DATE = re.compile(r"(\d{4})-(\d\d)-(\d\d)(?:Z|[+-]\d\d:\d\d)?")


def in_force_on(day: date, texts: list[list[Version]]) -> Version | None:
    """The version of the first text in force on ``day`` (see :func:`governing_texts`)."""
    for text in texts:
        version = next((v for v in text if v.in_force_on(day)), None)
        if version is not None:
            return version
    return None


def assess(
    signed: date | None,
    texts: list[list[Version]],
    as_of: date | None = None,
    today: date | None = None,
) -> Assessment:
    """The day a convention signed on ``signed`` is judged on, and the version governing it then.

    ``signed`` is the day of the convention's ``cph:dateOfConclusion`` when it is a valid
    ``xsd:date`` (see :func:`xsd_date`), else None: the convention is then judged today.
    ``texts`` are the governing texts, most specific first (:func:`governing_texts`).
    """
    if as_of is not None:
        day, basis = as_of, DayBasis.AS_OF
    elif signed is not None:
        day, basis = signed, DayBasis.SIGNATURE
    else:
        day, basis = today or date.today(), DayBasis.TODAY
    return Assessment(day, basis, in_force_on(day, texts))
