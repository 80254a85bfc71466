"""DILA's service points grouped into the bodies they belong to.

DILA's *Base de données locales* lists service points, not legal persons: "Caisse
d'allocations familiales (Caf) de Gironde - accueil d'Arcachon" is one office of the Gironde's
CAF. The rules, in the order they apply (README, "Reference data"):

1. **Name.** A name is the body's part, then " - " (or an en dash) and the service point's part
   ("siège de Pau", "accueil de Nay"). The body's part opens with a kind's prefix ("Caisse
   primaire d'assurance maladie (CPAM)") followed by its territory ("de Gironde").
2. **Territory.** Two territories are the same when their :func:`~cph_kg.reference.names.key`
   is equal, after the spelling variants of the rules ("Seint-Maritime"). A territory that is a
   département's name makes the record a service point of *that département's* body of the kind;
   any other territory names a body of its own ("de l'Artois"), wherever its records are filed.
3. **Hand-placed records** (``[[assign]]``) go where the rules say, with their evidence.
4. **Places that are not bodies.** A territory of its own that no record names a head office
   ("siège") of is a place — a commune, a quarter — when the records' mailing addresses name an
   existing body of the kind: they join it. Otherwise it stands as a body whose head office DILA
   does not list (Rouen-Elbeuf-Dieppe).
5. **Splits.** Where DILA gives several bodies one name (the Nord's CPAMs), the records are
   split by their mailing destination, each destination one body (``[[split]]``).
6. **Presence.** A body is present in the département of each of its service points' communes;
   a mailing address is never a presence (the Eure-et-Loir's CAF has its mail sent to Bourges).
   Records whose commune lies in none of the 101 départements (Saint-Martin) are left out.
7. **Check.** The départements with several bodies of a kind must be those the rules expect.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from cph_kg.errors import CphKgError
from cph_kg.reference.names import key, mailing_destination, slug, without_preposition
from cph_kg.reference.rows import csv_rows
from cph_kg.reference.rules import Kind, Note, Rules
from cph_kg.reference.territory import Departement, departement_of_commune

COLUMNS = (
    "dila_departement_folder",
    "dila_pivot_type",
    "dila_id",
    "dila_name",
    "code_insee",
    "dila_date_mise_a_jour",
    "mailing_address",
)
_SEPARATOR = re.compile(r"\s+[-–]\s+")


@dataclass(frozen=True)
class Record:
    """One DILA record: a service point or head office of a body."""

    id: str
    pivot: str
    folder: str
    name: str
    commune: str
    updated: date
    mailing: str

    @property
    def departement(self) -> str:
        """The INSEE code of the département of the record's commune."""
        return departement_of_commune(self.commune)

    @property
    def head(self) -> str:
        """The body's part of the name (before the service point's)."""
        return _SEPARATOR.split(self.name, maxsplit=1)[0].strip()

    @property
    def site(self) -> str:
        """The service point's part of the name, "" when there is none."""
        parts = _SEPARATOR.split(self.name, maxsplit=1)
        return parts[1].strip() if len(parts) > 1 else ""

    @property
    def is_seat(self) -> bool:
        """Whether DILA names the record a head office ("siège de …")."""
        return self.site.casefold().startswith("siège")


def read_records(path: Path) -> list[Record]:
    """The records of DILA's CSV extract; a malformed row is an error naming its line."""
    records = []
    for line, row in csv_rows(path, COLUMNS):
        try:
            updated = date.fromisoformat(row["dila_date_mise_a_jour"])
        except (TypeError, ValueError) as error:
            raise CphKgError(
                f"{path}:{line}: update date {row['dila_date_mise_a_jour']!r} is not YYYY-MM-DD"
            ) from error
        records.append(
            Record(
                id=row["dila_id"],
                pivot=row["dila_pivot_type"],
                folder=row["dila_departement_folder"],
                name=row["dila_name"],
                commune=row["code_insee"],
                updated=updated,
                mailing=row["mailing_address"] or "",
            )
        )
    return records


@dataclass(frozen=True, order=True)
class BodyKey:
    """What identifies a body while grouping: a département's body of a kind, or a name."""

    kind: str
    departement: str = ""  # the département whose body it is (generic), or ""
    name: str = ""  # the comparable name of a body of its own, or ""
    split: str = ""  # the slug of one of the bodies a split makes


@dataclass
class Body:
    """A body grouped from DILA's records, with the decisions that grouped it."""

    kind: Kind
    key: BodyKey
    records: list[Record]
    home: str = ""
    slug: str = ""
    label_fr: str = ""
    label_en: str = ""
    certainty: str = "Attested"
    notes: list[Note] = field(default_factory=list)

    @property
    def seats(self) -> list[Record]:
        """The records DILA names a head office."""
        return [r for r in self.records if r.is_seat]

    @property
    def presence(self) -> list[str]:
        """The départements of its service points' communes, sorted."""
        return sorted({r.departement for r in self.records})

    @property
    def dila_names(self) -> list[str]:
        """The body's part of its records' names, each spelling once."""
        return sorted({r.head for r in self.records})


@dataclass
class Grouping:
    """The bodies, and the records the grouping leaves out (outside the 101 départements)."""

    bodies: list[Body]
    left_out: list[Record]


class _Grouper:
    def __init__(self, rules: Rules, departements: dict[str, Departement]) -> None:
        self.rules = rules
        self.departements = departements
        self.by_key = {d.key: d for d in departements.values()}
        self.spellings = {key(v): key(r) for v, r in rules.spellings.items()}
        self.kinds = [k for k in rules.kinds if k.prefix]

    def parse(self, record: Record) -> tuple[Kind, str]:
        """The record's kind and territory (rule 1)."""
        for kind in self.kinds:
            if record.head.startswith(kind.prefix) and kind.pivot == record.pivot:
                return kind, record.head[len(kind.prefix) :].strip()
        raise CphKgError(f"DILA record {record.id}: {record.name!r} opens with no known kind")

    def territory_key(self, kind: Kind, territory: str) -> BodyKey:
        """The body a territory names (rule 2)."""
        folded = key(territory)
        folded = self.spellings.get(folded, folded)
        departement = self.by_key.get(folded)
        if departement is not None:
            return BodyKey(kind.key, departement=departement.code)
        return BodyKey(kind.key, name=folded)

    def mailed_body(self, kind: Kind, record: Record) -> BodyKey | None:
        """The body of ``kind`` the record's mailing address names, if it names one."""
        for part in record.mailing.split(","):
            part = part.strip()
            for name in kind.mail:
                if part.startswith(name + " "):
                    return self.territory_key(kind, part[len(name) :])
        return None

    def group(self, records: list[Record]) -> Grouping:
        inside = [r for r in records if r.departement in self.departements]
        left_out = [r for r in records if r.departement not in self.departements]
        assigned = {a.record: a for a in self.rules.assignments}
        unknown = set(assigned) - {r.id for r in records}
        if unknown:
            raise CphKgError(f"rules place record(s) DILA does not have: {sorted(unknown)}")

        keys: dict[str, BodyKey] = {}
        kinds: dict[BodyKey, Kind] = {}
        notes: dict[BodyKey, list[Note]] = defaultdict(list)
        certainty: dict[BodyKey, str] = {}
        for record in inside:
            if record.id in assigned:
                rule = assigned[record.id]
                body = BodyKey(rule.kind, departement=rule.departement)
                notes[body].append(rule.note)
                if rule.certainty == "Inferred":
                    certainty[body] = "Inferred"
                kinds[body] = self.rules.kind(rule.kind)
            else:
                kind, territory = self.parse(record)
                body = self.territory_key(kind, territory)
                kinds[body] = kind
            keys[record.id] = body

        # Rule 4: names of their own without a head office are places when mail names a body.
        seated = {keys[r.id] for r in inside if r.is_seat}
        existing = {k for k in keys.values() if k.departement} | seated
        for record in inside:
            body = keys[record.id]
            if body.name and body not in seated:
                mailed = self.mailed_body(kinds[body], record)
                if mailed is not None and mailed in existing:
                    keys[record.id] = mailed
                    notes[mailed].append(
                        self.rules.notes["joined_by_mail"].format(
                            record=record.id, name=record.name, mailing=record.mailing
                        )
                    )

        # Rule 5: splits by mailing destination.
        for split in self.rules.splits:
            generic = BodyKey(split.kind, departement=split.departement)
            destinations = {b.destination: b for b in split.bodies}
            for record in inside:
                if keys[record.id] != generic:
                    continue
                found = mailing_destination(record.mailing)
                if found not in destinations:
                    raise CphKgError(
                        f"DILA record {record.id}: its mailing destination {found} is none of "
                        f"the split of the {split.kind} of {split.departement} in the rules"
                    )
                part = BodyKey(split.kind, departement=split.departement, split=found[1])
                keys[record.id] = part
                kinds[part] = kinds[generic]
                notes[part] = [*notes.get(generic, []), split.note]
                certainty[part] = split.certainty

        members: dict[BodyKey, list[Record]] = defaultdict(list)
        for record in inside:
            members[keys[record.id]].append(record)
        bodies = [
            Body(
                kind=kinds[k],
                key=k,
                records=sorted(rs, key=lambda r: r.id),
                notes=_unique(notes.get(k, [])),
                certainty=certainty.get(k, "Attested"),
            )
            for k, rs in sorted(members.items())
        ]
        for grouped in bodies:
            self.place(grouped)
        self.check(bodies)
        return Grouping(sorted(bodies, key=lambda b: (b.kind.key, b.home, b.slug)), left_out)

    def place(self, body: Body) -> None:
        """The body's home département, slug and labels."""
        homes = {r.departement for r in (body.seats or body.records)}
        if body.key.departement:
            homes = {body.key.departement}
        if len(homes) != 1:
            raise CphKgError(
                f"the {body.kind.key} {body.dila_names[0]!r} has head offices in several "
                f"départements ({', '.join(sorted(homes))}): say where it belongs in the rules"
            )
        body.home = homes.pop()
        departement = self.departements[body.home]
        split = next(
            (
                b
                for s in self.rules.splits
                for b in s.bodies
                if body.key.split and s.kind == body.kind.key and b.destination[1] == body.key.split
            ),
            None,
        )
        if split is not None:
            body.slug, body.label_fr, body.label_en = split.slug, split.label_fr, split.label_en
        elif body.key.departement:
            body.label_fr = f"{body.kind.label_fr} {departement.with_preposition}"
            body.label_en = f"{body.kind.label_en} of {departement.name}"
        else:
            territory = self.parse(body.records[0])[1] if body.records else ""
            spelled = next((self.parse(r)[1] for r in body.records if r.is_seat), territory)
            body.slug = slug(spelled)
            label = self.rules.labels.get((body.kind.key, spelled))
            if label is not None:
                body.label_fr, body.label_en = label.fr, label.en
            elif spelled[:1].isupper():
                raise CphKgError(
                    f"the {body.kind.key} {spelled!r} needs a label rule: its DILA name has no "
                    "preposition before the place"
                )
            else:
                body.label_fr = f"{body.kind.label_fr} {spelled}"
                body.label_en = f"{body.kind.label_en} of {without_preposition(spelled)}"
        if not body.seats:
            body.notes.append(self.rules.notes["no_seat"])

    def check(self, bodies: list[Body]) -> None:
        """Rule 7: the départements with several bodies of a kind are those expected."""
        count: dict[tuple[str, str], int] = defaultdict(int)
        for body in bodies:
            count[body.kind.key, body.home] += 1
        for kind in {b.kind.key for b in bodies} | set(self.rules.several):
            found = sorted(d for (k, d), n in count.items() if k == kind and n > 1)
            expected = sorted(self.rules.several.get(kind, ()))
            if found != expected:
                raise CphKgError(
                    f"the grouping finds several {kind} bodies in départements {found}, "
                    f"the rules expect {expected}: check the records or the rules"
                )


def _unique(notes: list[Note]) -> list[Note]:
    return list(dict.fromkeys(notes))


def group(records: list[Record], rules: Rules, departements: dict[str, Departement]) -> Grouping:
    """DILA's CAF and CPAM records grouped into bodies by the rules (module docstring)."""
    pivots = {k.pivot for k in rules.kinds}
    return _Grouper(rules, departements).group([r for r in records if r.pivot in pivots])
