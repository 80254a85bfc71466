"""On which day a convention is judged, and which version of R349-2 applied that day.

A convention is judged against the law in force on the day it was concluded (its
``cph:dateOfConclusion``), or on a day the user names (``--as-of``). A convention without a
valid date is judged against the version in force today, and the report says so. Before R349-2
existed (décret n° 2016-253, JO 4 March 2016) there is nothing to judge it against: it is
reported as such, not validated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import cast

from rdflib import Graph, Literal, URIRef

from cph_kg.namespaces import ELI, R349_2


class DayBasis(Enum):
    """Why a convention is judged on the day it is."""

    AS_OF = "as-of"  # the user named the day
    SIGNATURE = "signature"  # the convention's date of conclusion
    TODAY = "today"  # the convention has no valid date of conclusion


@dataclass(frozen=True)
class Version:
    """A dated version of an article: its IRI, first day in force and last day (None: open)."""

    iri: URIRef
    start: date
    end: date | None

    def in_force_on(self, day: date) -> bool:
        """Whether ``day`` falls within the version's days in force (both ends included)."""
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Assessment:
    """The day a convention is judged on, why, and the version of R349-2 in force that day."""

    day: date
    basis: DayBasis
    version: Version | None  # None: R349-2 was not in force on that day


def versions(legal: Graph, article: URIRef = R349_2) -> list[Version]:
    """The dated versions of ``article``, oldest first (ELI: members of the stable article)."""
    found = []
    for member in legal.objects(article, ELI.has_member):
        start = legal.value(member, ELI.first_date_entry_in_force)
        if start is None:
            continue
        end = legal.value(member, ELI.date_no_longer_in_force)
        found.append(
            Version(
                cast(URIRef, member),
                cast(Literal, start).toPython(),
                cast(Literal, end).toPython() if end else None,
            )
        )
    return sorted(found, key=lambda version: version.start)


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


def assess(
    signed: date | None,
    law: list[Version],
    as_of: date | None = None,
    today: date | None = None,
) -> Assessment:
    """The day a convention signed on ``signed`` is judged on, and the version in force then.

    ``signed`` is the day of the convention's ``cph:dateOfConclusion`` when it is a valid
    ``xsd:date`` (see :func:`xsd_date`), else None: the convention is then judged today.
    """
    if as_of is not None:
        day, basis = as_of, DayBasis.AS_OF
    elif signed is not None:
        day, basis = signed, DayBasis.SIGNATURE
    else:
        day, basis = today or date.today(), DayBasis.TODAY
    in_force = next((version for version in law if version.in_force_on(day)), None)
    return Assessment(day, basis, in_force)
