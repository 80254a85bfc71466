"""Rebuild the sample corpora of ``data/samples/`` from the whole codes of ``../shared/corpora``.

The samples let the README's code-graph walk-through and the tests run in a plain clone:

- ``data/samples/legi/``: the four LEGI codes pruned to the titres (the level above the chapter)
  of the articles that found
  the bodies R349-2 names (C. trav. L. 5312-1, C. séc. soc. L. 211-1, L. 212-1, L. 752-4), of
  CRPA L. 221-2, and the articles of the four codes those titres' links cite; every kept
  section and article is LEGI's own JSON, unchanged, in the levels that lead to it;
- ``data/samples/etalab/``: the CESEDA's regulatory livre III titre Ier (R. 311-24 and its
  neighbours, which R349-2 cited until 2021) and the CASF's regulatory livre III titre IV (the
  titre of R349-2's chapter, which the 2015 snapshot predates), with the ``README.md`` of every
  level above them.

The linked format's sample is ``tests/fixtures/corpus-linked`` (R349-2's chapter and the CESEDA
articles it cites, from the project's sources). Run from the repository::

    python scripts/build_samples.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import tarfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CPH_KG_SHARED") or ROOT.parent / "shared")
TARBALL = Path("corpora/legi-2026/socialgouv-legi-data-2.513.0.tgz")
ETALAB = Path("corpora/etalab-2015")
OUTPUT = ROOT / "data" / "samples"

#: The articles whose whole titre (the level above their chapter or section) is kept.
CHAPTERS_OF = {
    "LEGITEXT000006072050": ("L5312-1",),  # Code du travail: France Travail
    "LEGITEXT000006073189": ("L211-1", "L212-1", "L752-4"),  # CSS: CPAM, CAF, CGSS
    "LEGITEXT000031366350": ("L221-2",),  # CRPA
    "LEGITEXT000022197698": (),  # CRPM: only the articles the others cite
}
#: The etalab levels kept whole, with the README of every level above them.
ETALAB_LEVELS = (
    "code-de-l-entree-et-du-sejour-des-etrangers-et-du-droit-d-asile/partie-reglementaire/"
    "livre-iii/titre-ier",
    "code-de-l-action-sociale-et-des-familles/partie-reglementaire/livre-iii/titre-iv",
)
_LINKED_ID = re.compile(r"idArticle=(LEGIARTI\d+)")


def main() -> None:
    """Write both samples, replacing what was there."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    args = parser.parse_args()
    legi(args.shared / TARBALL, OUTPUT / "legi")
    etalab(args.shared / ETALAB, OUTPUT / "etalab")


def legi(tarball: Path, output: Path) -> None:
    """The pruned LEGI trees: named chapters, then the articles their links cite."""
    with tarfile.open(tarball) as archive:
        trees = {
            code: json.load(_member(archive, f"package/data/{code}.json")) for code in CHAPTERS_OF
        }
    kept: set[str] = set()  # article ids (id or any version id)
    for code, numbers in CHAPTERS_OF.items():
        for section in _sections_holding(trees[code], set(numbers), ()):
            kept.update(_ids(a) for a in _articles(section))
    cited = {
        match
        for tree in trees.values()
        for article in _articles(tree)
        if _ids(article) in kept
        for match in _LINKED_ID.findall(article["data"].get("texteHtml") or "")
    }
    for tree in trees.values():
        for article in _articles(tree):
            if cited & set(_all_ids(article)):
                kept.add(_ids(article))
    if output.exists():
        shutil.rmtree(output)
    output.mkdir(parents=True)
    total = 0
    for code, tree in trees.items():
        pruned = _prune(tree, kept)
        count = sum(1 for _ in _articles(pruned))
        total += count
        path = output / f"{code}.json"
        path.write_text(json.dumps(pruned, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{path.relative_to(ROOT)}: {count} articles")
    print(f"LEGI sample: {total} articles")


def etalab(corpus: Path, output: Path) -> None:
    """The etalab levels, whole, with the READMEs above them."""
    if output.exists():
        shutil.rmtree(output)
    total = 0
    for level in ETALAB_LEVELS:
        parts = Path(level).parts
        for depth in range(1, len(parts)):
            above = Path(*parts[:depth])
            (output / above).mkdir(parents=True, exist_ok=True)
            shutil.copy2(corpus / above / "README.md", output / above / "README.md")
        shutil.copytree(corpus / level, output / level)
        total += sum(1 for _ in (output / level).rglob("article-*.md"))
    print(f"etalab sample: {total} articles")


def _member(archive: tarfile.TarFile, name: str) -> Any:
    """A file of the tarball."""
    member = archive.extractfile(name)
    if member is None:
        raise SystemExit(f"{name}: not in the tarball")
    return member


def _articles(node: dict[str, Any]) -> Any:
    """Every article under ``node``, depth first."""
    for child in node.get("children") or []:
        if child.get("type") == "article":
            yield child
        else:
            yield from _articles(child)


def _sections_holding(node: dict[str, Any], numbers: set[str], above: tuple[Any, ...]) -> Any:
    """The titre above each article of ``numbers`` (the section itself if it is one)."""
    for child in node.get("children") or []:
        if child.get("type") == "section":
            path = (*above, child)
            if any(
                c.get("type") == "article" and c["data"].get("num") in numbers
                for c in child.get("children") or []
            ):
                titres = [s for s in path if str(s["data"].get("title", "")).startswith("Titre")]
                yield titres[-1] if titres else child
            yield from _sections_holding(child, numbers, path)


def _ids(article: dict[str, Any]) -> str:
    """An article's key: its id."""
    return str(article["data"]["id"])


def _all_ids(article: dict[str, Any]) -> list[str]:
    """Every id a link may give an article: its id, stable id and version ids."""
    data = article["data"]
    return [data["id"], data.get("cid"), *(v["id"] for v in data.get("articleVersions") or [])]


def _prune(node: dict[str, Any], kept: set[str]) -> dict[str, Any]:
    """``node`` with only the kept articles and the sections that lead to them."""
    children = []
    for child in node.get("children") or []:
        if child.get("type") == "article":
            if _ids(child) in kept:
                children.append(child)
        else:
            pruned = _prune(child, kept)
            if pruned["children"]:
                children.append(pruned)
    return {**node, "children": children}


if __name__ == "__main__":
    main()
