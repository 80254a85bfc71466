"""France Travail's presence in each département: 2016 service points and 2024 directions.

One institution (C. trav. L. 5312-1), renamed from Pôle emploi to France Travail, is present in
every département. Its presence there is established by DILA's Pôle emploi service points of
2016 (by the département of their commune) and, where the 2024 referential has one, by the
territorial direction (DT) that covers the département. A DT covers the départements its name
names — by INSEE code ("DT 04-05") or by name, the longest name first ("LOIRE HAUTE-LOIRE" is the
Loire and the Haute-Loire, not the Loire twice) — among the départements of its regional
direction's (DR) région, or among all of them when its row gives no DR ("DR C FERRAND DT 63 03
15 PLAT"); in a région of one département (La Réunion, Guadeloupe…) every DT covers it. A DT
whose name names no département ("DT BERRY", seated in Bourges) covers none in the data: its
seat's département is not taken for its coverage, and the README says so.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from cph_kg.errors import CphKgError
from cph_kg.reference.dila import Record
from cph_kg.reference.names import fold, key
from cph_kg.reference.rows import csv_rows
from cph_kg.reference.territory import Departement

COLUMNS = ("type", "nom", "safir", "siret", "Code postal", "Libelle de la commune")
KINDS = ("DG", "DR", "DT")


@dataclass(frozen=True)
class Direction:
    """A row of the 2024 referential: the directorate general, a DR or a DT."""

    kind: str
    name: str
    safir: str
    siret: str
    address: str
    region: str
    line: int
    covers: tuple[str, ...] = ()

    @property
    def siren(self) -> str:
        """The SIREN of the legal person: the SIRET's first nine digits."""
        return self.siret[:9]


def read_directions(path: Path) -> list[Direction]:
    """The rows of the directions file; a malformed one is an error naming its line."""
    directions = []
    for line, row in csv_rows(path, COLUMNS):
        kind = row["type"]
        siret = row["siret"]
        if kind not in KINDS or not (siret.isdigit() and len(siret) == 14):
            raise CphKgError(
                f"{path}:{line}: expected a type among {KINDS} and a "
                f"14-digit SIRET, found {kind!r} and {siret!r}"
            )
        directions.append(
            Direction(
                kind=kind,
                name=row["nom"].strip(),
                safir=row["safir"],
                siret=siret,
                address=_address(row),
                region=(row.get("Libelle de la DR") or "").strip(),
                line=line,
            )
        )
    return directions


def _address(row: dict[str, str]) -> str:
    """The seat's address as the file writes it: street, postal code (5 digits) and commune."""
    street = (row.get("Libelle de l'adresse") or "").strip()
    postal = row["Code postal"].strip().zfill(5)
    town = row["Libelle de la commune"].strip()
    return ", ".join(part for part in (street, f"{postal} {town}") if part)


def with_coverage(
    directions: list[Direction], departements: dict[str, Departement], strip_words: tuple[str, ...]
) -> list[Direction]:
    """The directions, each DT with the départements it covers (module docstring)."""
    regions: dict[str, list[Departement]] = defaultdict(list)
    for departement in departements.values():
        regions[key(departement.region)].append(departement)
    covered = []
    for direction in directions:
        if direction.kind != "DT":
            covered.append(direction)
            continue
        region: list[Departement] | None
        if not direction.region:
            region = list(departements.values())
        else:
            region = regions.get(key(direction.region))
        if region is None:
            raise CphKgError(
                f"direction {direction.name!r} (line {direction.line}): its DR "
                f"{direction.region!r} is the name of no région"
            )
        found = _named(direction.name, region, strip_words)
        if not found and len(region) == 1:
            found = [region[0].code]
        covered.append(Direction(**{**direction.__dict__, "covers": tuple(sorted(set(found)))}))
    return covered


def _named(name: str, region: list[Departement], strip_words: tuple[str, ...]) -> list[str]:
    """The départements of ``region`` a direction's name names, longest names first."""
    stripped = {fold(w) for w in strip_words}
    words = [w for w in fold(name).split() if w not in stripped]
    names = sorted(((d.key.split(), d.code) for d in region), key=lambda item: -len(item[0]))
    codes = {d.code.lower(): d.code for d in region}
    found, position = [], 0
    while position < len(words):
        if words[position] in codes:
            found.append(codes[words[position]])
            position += 1
            continue
        match = next(
            (
                (tokens, code)
                for tokens, code in names
                if words[position : position + len(tokens)] == tokens
            ),
            None,
        )
        if match is None:
            position += 1
        else:
            found.append(match[1])
            position += len(match[0])
    return found


def service_points(
    records: list[Record], departements: dict[str, Departement]
) -> dict[str, list[Record]]:
    """DILA's Pôle emploi records by the département of their commune (the 101 only)."""
    found: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        if record.pivot == "pole_emploi" and record.departement in departements:
            found[record.departement].append(record)
    return {code: sorted(found[code], key=lambda r: r.id) for code in sorted(found)}
