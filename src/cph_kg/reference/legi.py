"""The articles the reference data cites, from the LEGI codes of the legi-2026 corpus.

The corpus is the npm tarball of ``@socialgouv/legi-data`` (four whole codes, 150 MB unpacked),
too large to ship; :func:`extract` keeps the few articles the rules name — their text in force,
note, dated versions and amending texts, as Légifrance gives them — in a small JSON excerpt
that ships in ``data/reference/sources/`` and from which the build reads (:func:`read_excerpt`).
A test re-extracts it from the corpus when the corpus is at hand.
"""

from __future__ import annotations

import json
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from cph_kg.codes.legi import nota_text, read_html
from cph_kg.errors import CphKgError

#: Légifrance's "no end" (2999-01-01).
NO_END = date(2999, 1, 1)
#: ``texteHtml`` is what the version's text is read from (as the LEGI reader reads it: one text
#: for the version in both graphs); ``texte``, LEGI's plain text, is kept for a reader's eye.
_KEPT = ("id", "cid", "num", "etat", "dateDebut", "dateFin", "texte", "texteHtml", "nota")
_VERSION_KEPT = ("id", "etat", "dateDebut", "dateFin")
_LINK_KEPT = (
    "textCid",
    "textTitle",
    "linkType",
    "linkOrientation",
    "articleNum",
    "natureText",
    "datePubliTexte",
    "dateSignaTexte",
    "dateDebutCible",
)


def _articles(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if node.get("type") == "article":
        yield node["data"]
        return
    for child in node.get("children", ()):
        yield from _articles(child)


def extract(tarball: Path, codes: dict[str, str], wanted: tuple[str, ...]) -> dict[str, Any]:
    """The excerpt of ``wanted`` articles ("css/L211-1") from the legi-data tarball."""
    by_code: dict[str, set[str]] = {}
    for article in wanted:
        code, _, number = article.partition("/")
        by_code.setdefault(code, set()).add(number)
    found: list[dict[str, Any]] = []
    try:
        with tarfile.open(tarball, "r:gz") as archive:
            package = json.load(_member(archive, "package/package.json"))
            for code in sorted(by_code):
                tree = json.load(_member(archive, f"package/data/{codes[code]}.json"))
                for data in _articles(tree):
                    if data.get("num") in by_code[code]:
                        found.append(_kept(code, codes[code], data))
    except (OSError, tarfile.TarError, json.JSONDecodeError, KeyError) as error:
        raise CphKgError(f"{tarball}: {error}") from error
    missing = set(wanted) - {f"{a['code']}/{a['num']}" for a in found}
    if missing:
        raise CphKgError(f"{tarball}: no article {', '.join(sorted(missing))} in the corpus")
    return {
        "source": f"{package['name']} {package['version']}",
        "articles": sorted(found, key=lambda a: (a["code"], a["num"])),
    }


def _member(archive: tarfile.TarFile, name: str) -> Any:
    handle = archive.extractfile(name)
    if handle is None:
        raise KeyError(name)
    return handle


def _kept(code: str, legitext: str, data: dict[str, Any]) -> dict[str, Any]:
    kept = {"code": code, "legitext": legitext, **{k: data.get(k) for k in _KEPT}}
    kept["versions"] = [{k: v.get(k) for k in _VERSION_KEPT} for v in data["articleVersions"]]
    kept["modifications"] = sorted(
        ({k: m.get(k) for k in _LINK_KEPT} for m in data.get("lienModifications") or ()),
        key=lambda m: json.dumps(m, sort_keys=True, ensure_ascii=False),
    )
    return kept


def write_excerpt(excerpt: dict[str, Any], path: Path) -> None:
    """The excerpt as stable JSON (sorted keys, one space indent, UTF-8)."""
    text = json.dumps(excerpt, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    path.write_text(text, encoding="utf-8")


@dataclass(frozen=True)
class Version:
    """A dated version of an article: the LEGIARTI that identifies it, its dates."""

    id: str
    start: date
    end: date | None


@dataclass(frozen=True)
class Article:
    """An article of a code as the excerpt gives it."""

    code: str
    legitext: str
    number: str
    text: str
    note: str
    in_force: str  # the LEGIARTI of the version whose text this is
    versions: tuple[Version, ...]
    modifications: tuple[dict[str, str], ...]

    @property
    def path(self) -> str:
        """Its IRI path: ``law/css/L211-1``."""
        return f"law/{self.code}/{self.number}"


def _day(milliseconds: int) -> date:
    return datetime.fromtimestamp(milliseconds / 1000, tz=UTC).date()


def versions_in_force(raw: list[dict[str, Any]]) -> tuple[Version, ...]:
    """The versions that were ever in force: stillborn ones (no duration) are left out."""
    kept = []
    for version in raw:
        start, end = _day(version["dateDebut"]), _day(version["dateFin"])
        if version["etat"] == "MODIFIE_MORT_NE" or end <= start:
            continue
        kept.append(Version(version["id"], start, None if end >= NO_END else end))
    return tuple(sorted(kept, key=lambda v: v.start))


def read_excerpt(path: Path) -> tuple[str, dict[str, Article]]:
    """The corpus's name and the excerpt's articles by path (``law/css/L211-1``)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        articles = {}
        for raw in data["articles"]:
            article = Article(
                code=raw["code"],
                legitext=raw["legitext"],
                number=raw["num"],
                text=read_html(raw["texteHtml"] or "").text(),
                note=nota_text(raw["nota"]) or "",
                in_force=raw["id"],
                versions=versions_in_force(raw["versions"]),
                modifications=tuple(raw["modifications"]),
            )
            articles[article.path] = article
        return data["source"], articles
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as error:
        raise CphKgError(f"{path}: not a LEGI excerpt ({error})") from error
