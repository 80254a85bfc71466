"""The build's rules (``data/reference/rules.toml``), read into typed records.

The rules are data: what the directories' names mean, which role each kind of body plays and
why, and the few grouping decisions no general rule can make, each with its evidence. A rule
file that lacks a field or names an unknown certainty is an error naming the file and the rule.
"""

from __future__ import annotations

import dataclasses
import tomllib
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from cph_kg.errors import CphKgError
from cph_kg.reference.names import fold

CERTAINTIES = ("Attested", "Inferred")

_R = TypeVar("_R")


@dataclass(frozen=True)
class Note:
    """A reasoning in French (the source language) and English."""

    fr: str
    en: str

    def format(self, **fields: str) -> Note:
        """The note with ``{field}`` placeholders filled in, in both languages."""
        return Note(self.fr.format(**fields), self.en.format(**fields))


@dataclass(frozen=True)
class Attribution:
    """Why bodies play a role of R. 349-2, I: basis, certainty, reasoning.

    One attribution is shared by all the bodies it explains (every CAF plays the CAF's role for
    the same reason), under ``reference/role-attribution/{id}``.
    """

    id: str
    role: str
    certainty: str
    legal_basis: tuple[str, ...]
    note: Note
    departements: tuple[str, ...] = ()


@dataclass(frozen=True)
class Kind:
    """A kind of body DILA lists, and the roles its bodies play."""

    key: str
    acronym: str
    pivot: str
    prefix: str
    mail: tuple[str, ...]
    cls: str
    label_fr: str
    label_en: str
    legal_basis: tuple[str, ...]
    attributions: tuple[Attribution, ...]

    def attributions_for(self, departement: str) -> tuple[Attribution, ...]:
        """The attributions for a body based in ``departement``: specific ones, else general."""
        specific = tuple(a for a in self.attributions if departement in a.departements)
        return specific or tuple(a for a in self.attributions if not a.departements)


@dataclass(frozen=True)
class SplitBody:
    """One body a split makes: the mailing destination that identifies it, its slug, labels."""

    destination: tuple[str, str]
    slug: str
    label_fr: str
    label_en: str


@dataclass(frozen=True)
class Split:
    """A département's generic body split into several by the mailing destinations."""

    kind: str
    departement: str
    certainty: str
    note: Note
    bodies: tuple[SplitBody, ...]


@dataclass(frozen=True)
class Assignment:
    """A record placed by hand in a département's body of a kind, with the evidence."""

    record: str
    kind: str
    departement: str
    certainty: str
    note: Note


@dataclass(frozen=True)
class ExtraBody:
    """A body no DILA record shows, established by the codes (the CSSM)."""

    iri: str
    kind: str
    departement: str
    cls: str
    label_fr: str
    label_en: str
    legal_basis: tuple[str, ...]
    sources: tuple[str, ...]
    note: Note
    attributions: tuple[Attribution, ...]


@dataclass(frozen=True)
class Unknown:
    """A role whose holder in a département the sources do not identify."""

    iri: str
    departement: str
    role: str
    legal_basis: tuple[str, ...]
    label_fr: str
    label_en: str
    note: Note


@dataclass(frozen=True)
class Text:
    """A text published in the Journal officiel that the data cites."""

    iri: str
    label_fr: str
    date_document: str
    source: str
    date_publication: str | None = None
    jorftext: str | None = None
    articles: tuple[str, ...] = ()


@dataclass(frozen=True)
class DatedName:
    """A name France Travail bore, with its bounds (either may be unknown)."""

    label: str
    certainty: str
    legal_basis: tuple[str, ...]
    note: Note
    start: str | None = None
    end: str | None = None


@dataclass(frozen=True)
class FranceTravail:
    """The public employment operator: its IRI, basis, names and notes."""

    iri: str
    legal_basis: tuple[str, ...]
    general_direction_safir: str
    note: Note
    role_certainty: str
    unit_role_note: Note
    names: tuple[DatedName, ...]
    strip_words: tuple[str, ...]


@dataclass(frozen=True)
class Dataset:
    """A dataset the reference data comes from: title, publisher, licence, provenance."""

    key: str
    iri: str
    title: Note
    publisher: str
    license: str
    source: str
    modified: str | None = None


@dataclass(frozen=True)
class Rules:
    """Everything ``rules.toml`` says."""

    sources: dict[str, str]
    datasets: dict[str, Dataset]
    legi_codes: dict[str, str]
    legi_titles: dict[str, str]
    legi_articles: tuple[str, ...]
    kinds: tuple[Kind, ...]
    spellings: dict[str, str]
    several: dict[str, tuple[str, ...]]
    splits: tuple[Split, ...]
    assignments: tuple[Assignment, ...]
    labels: dict[tuple[str, str], Note]
    bodies: tuple[ExtraBody, ...]
    unknowns: tuple[Unknown, ...]
    texts: tuple[Text, ...]
    france_travail: FranceTravail
    notes: dict[str, Note]

    def kind(self, key: str) -> Kind:
        """The kind named ``key``."""
        return next(k for k in self.kinds if k.key == key)


class _Reader:
    """Reads one table of the file, naming the file and the table in every error."""

    def __init__(self, path: Path, where: str, table: dict[str, Any]) -> None:
        self.path, self.where, self.table = path, where, table

    def get(self, name: str, default: Any = ...) -> Any:
        if name in self.table:
            return self.table[name]
        if default is ...:
            raise CphKgError(f"{self.path}: {self.where} has no {name!r}")
        return default

    def certainty(self, name: str = "certainty") -> str:
        value = self.get(name)
        if value not in CERTAINTIES:
            raise CphKgError(
                f"{self.path}: {self.where}: certainty {value!r} is not one of {CERTAINTIES}"
            )
        return str(value)

    def note(self, stem: str = "note") -> Note:
        return Note(self.get(f"{stem}_fr"), self.get(f"{stem}_en"))

    def sub(self, where: str, table: dict[str, Any]) -> _Reader:
        return _Reader(self.path, f"{self.where} {where}", table)


def _attributions(reader: _Reader) -> tuple[Attribution, ...]:
    return tuple(
        _record(Attribution, reader.sub(f"attribution {n + 1}", table))
        for n, table in enumerate(reader.get("attribution", []))
    )


def _record(record: type[_R], reader: _Reader, /, **given: Any) -> _R:
    """A ``record`` read from its table: each field from the key of its name, by its type.

    The dataclass is the rule's schema, so a field and its key cannot drift apart: a ``Note``
    is read from ``{name}_fr`` and ``{name}_en`` (``note_fr``/``note_en`` for ``note``), a
    ``…certainty`` is checked against CERTAINTIES, a tuple is read from a list, a field with a
    default may be left out; ``given`` holds what the table does not say as it is (nested
    tables, renamed keys).
    """
    hints = typing.get_type_hints(record)
    values: dict[str, Any] = {}
    for item in dataclasses.fields(record):  # type: ignore[arg-type]
        name = item.name
        if name in given:
            continue
        hint = hints[name]
        if hint is Note:
            values[name] = reader.note(name)
        elif name.endswith("certainty"):
            values[name] = reader.certainty(name)
        elif hint == tuple[Attribution, ...]:
            values[name] = _attributions(reader)
        else:
            default = item.default if item.default is not dataclasses.MISSING else ...
            value = reader.get(name, default)
            values[name] = tuple(value) if typing.get_origin(hint) is tuple else value
    return record(**values, **given)


def read_rules(path: Path) -> Rules:
    """The rules of ``path``; a missing or malformed rule is a :class:`CphKgError`."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise CphKgError(f"{path}: {error}") from error
    top = _Reader(path, "the file", data)

    def tables(name: str) -> list[_Reader]:
        return [top.sub(f"[[{name}]] {n + 1}", t) for n, t in enumerate(top.get(name, []))]

    splits = tuple(
        _record(
            Split,
            r,
            bodies=tuple(
                _record(SplitBody, b, destination=_destination(b.get("destination")))
                for b in (r.sub("body", t) for t in r.get("body"))
            ),
        )
        for r in tables("split")
    )
    legi = top.sub("[legi]", top.get("legi"))
    return Rules(
        sources=dict(top.get("sources")),
        datasets={r.get("key"): _record(Dataset, r) for r in tables("dataset")},
        legi_codes=dict(legi.get("codes")),
        legi_titles=dict(legi.get("titles")),
        legi_articles=tuple(legi.get("articles")),
        kinds=tuple(_record(Kind, r, cls=r.get("class")) for r in tables("kind")),
        spellings={r.get("variant"): r.get("reads") for r in tables("spelling")},
        several={kind: tuple(deps) for kind, deps in top.get("several", {}).items()},
        splits=splits,
        assignments=tuple(_record(Assignment, r) for r in tables("assign")),
        labels={(r.get("kind"), r.get("name")): r.note("label") for r in tables("label")},
        bodies=tuple(_record(ExtraBody, r, cls=r.get("class")) for r in tables("body")),
        unknowns=tuple(_record(Unknown, r) for r in tables("unknown")),
        texts=tuple(_record(Text, r) for r in tables("text")),
        france_travail=_france_travail(top.sub("[france_travail]", top.get("france_travail"))),
        notes=_notes(top.sub("[notes]", top.get("notes"))),
    )


def _notes(r: _Reader) -> dict[str, Note]:
    """The texts the build writes, by name, from their ``_fr`` and ``_en`` keys."""
    stems = sorted({name.rsplit("_", 1)[0] for name in r.table})
    return {stem: r.note(stem) for stem in stems}


def _destination(text: str) -> tuple[str, str]:
    code, _, town = text.partition(" ")
    return code, fold(town)


def _france_travail(r: _Reader) -> FranceTravail:
    names = tuple(
        _record(DatedName, n, start=n.get("from", None), end=n.get("until", None))
        for n in (r.sub(f"name {i + 1}", t) for i, t in enumerate(r.get("name")))
    )
    directions = r.sub("directions", r.get("directions"))
    return _record(FranceTravail, r, names=names, strip_words=tuple(directions.get("strip_words")))
