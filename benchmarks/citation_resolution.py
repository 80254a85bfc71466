"""Precision and recall of citation resolution on LEGI codes, measured against the links' ids.

The truth is read straight from the JSON, independently of cph-kg's reader: every
``<a href="/affichCodeArticle.do?…idArticle=LEGIARTI…">`` of every article's ``texteHtml``
(found by a regular expression on the raw HTML) whose id is the id, stable id (``cid``) or a
version id of an article of the corpus gives one expected citation, from the citing article to
that article. cph-kg's import (``build(stream(…))``, the statements it would load) is then
read back: every ``cph:Citation`` found by hyperlink with its ``cph:linkTarget`` id. Precision
is the share of cph-kg's link citations with a known id whose target is the expected article;
recall the share of expected citations cph-kg makes. Both count citations as a multiset
(citing article, id, target): a link repeated in one article counts each time::

    python -m benchmarks.citation_resolution FOLDER

FOLDER holds the LEGI code files (``package/data`` of the legi-2026 tarball, extracted).
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

from cph_kg.codes.identifiers import article_iri, article_number, code_for_legitext
from cph_kg.codes.importer import CodeGraphs, build, stream

_LINK = re.compile(r'href="/affichCodeArticle\.do\?[^"]*?idArticle=(LEGIARTI\d+)')
_CPH = "https://w3id.org/cph-kg/ontology#"


def _iri(code: str, data: dict, repeated: set[str]) -> str:
    """The documented article IRI: by number, and by ``cid`` too where the code repeats it."""
    number = article_number(data["num"])
    return str(article_iri(code, number, data["cid"] if number in repeated else None))


def _repeated(tree: dict) -> set[str]:
    """The (normalised) numbers a code tree gives more than one article."""
    counts = Counter(
        article_number(a["data"]["num"]) for a in _articles(tree) if a["data"].get("num")
    )
    return {number for number, count in counts.items() if count > 1}


def truth(folder: Path) -> tuple[Counter[tuple[str, str, str]], int]:
    """Expected (citing, id, target) link citations, and the links whose id is not in the corpus."""
    ids: dict[str, str] = {}
    trees = []
    for path in sorted(folder.glob("LEGITEXT*.json")):
        tree = json.loads(path.read_bytes())
        code = code_for_legitext(tree["data"]["id"])
        if code is None:
            continue
        repeated = _repeated(tree)
        trees.append((code.short, tree, repeated))
        for article in _articles(tree):
            data = article["data"]
            iri = _iri(code.short, data, repeated)
            for legi_id in (data["id"], data["cid"], *(v["id"] for v in data["articleVersions"])):
                ids[legi_id] = iri
    expected: Counter[tuple[str, str, str]] = Counter()
    outside = 0
    for short, tree, repeated in trees:
        for article in _articles(tree):
            data = article["data"]
            if not data.get("num"):
                continue
            citing = _iri(short, data, repeated)
            for legi_id in _LINK.findall(data.get("texteHtml") or ""):
                if legi_id in ids:
                    expected[citing, legi_id, ids[legi_id]] += 1
                else:
                    outside += 1
    return expected, outside


def found(built: CodeGraphs, known: set[str]) -> tuple[Counter[tuple[str, str, str]], int]:
    """cph-kg's link citations (citing, id, target) whose id is known, and how many others."""
    nodes: dict[str, dict[str, str]] = {}
    wanted = {f"{_CPH}citingArticle", f"{_CPH}citedResource", f"{_CPH}linkTarget"}
    for graph in built.graphs:
        text = "".join(line for line in built.lines(graph) if "/citation/" in line.split(" ", 1)[0])
        for triple in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES):
            if triple.predicate.value in wanted:
                node = nodes.setdefault(triple.subject.value, {})
                node[triple.predicate.value.rsplit("#", 1)[1]] = triple.object.value
    made: Counter[tuple[str, str, str]] = Counter()
    others = 0
    for node in nodes.values():
        legi_id = node.get("linkTarget", "")
        if not legi_id.startswith("LEGIARTI"):
            continue
        if legi_id in known:
            made[node["citingArticle"], legi_id, node["citedResource"]] += 1
        else:
            others += 1
    return made, others


def _articles(node: dict) -> list[dict]:
    """Every article of a tree."""
    out = []
    stack = [node]
    while stack:
        current = stack.pop()
        for child in current.get("children") or []:
            (out.append if child.get("type") == "article" else stack.append)(child)
    return out


def main() -> None:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    expected, outside = truth(args.folder)
    with build(stream([args.folder])) as built:
        made, others = found(built, {legi_id for _, legi_id, _ in expected})
    right = sum((expected & made).values())
    print(f"links to an article of the corpus, by id: {sum(expected.values()):,}")
    print(f"links whose id is no article of the corpus: {outside:,}")
    print(f"cph-kg's link citations with a LEGIARTI id of no article of the corpus: {others:,}")
    print(f"cph-kg's link citations with such an id: {sum(made.values()):,}; right: {right:,}")
    print(f"precision: {right / max(1, sum(made.values())):.4%}")
    print(f"recall: {right / max(1, sum(expected.values())):.4%}")


if __name__ == "__main__":
    main()
