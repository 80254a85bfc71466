"""Code-corpus import speed: the whole etalab-2015 codes and generated linked corpora.

For each corpus, in the same run: reading alone (records streamed, no RDF: the baseline), and
the full import into a fresh embedded store (records, triples, one atomic write). Prints a
Markdown table with articles, triples, seconds, articles/s, triples/s and import/read ratio.

    python -m benchmarks.import_codes [--sizes 5000,20000] [--etalab ../shared/corpora/etalab-2015]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from cph_kg.codes.importer import stream
from cph_kg.knowledge_graph import KnowledgeGraph
from tests.generate_corpus import generate

ETALAB = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "etalab-2015"


def measure(name: str, folder: Path, workdir: Path) -> str:
    """One table row: read-only time, then full import time, for ``folder``."""
    started = time.perf_counter()
    records = sum(1 for _ in stream([folder]))
    read = time.perf_counter() - started
    started = time.perf_counter()
    with KnowledgeGraph.open(workdir / f"store-{name}") as kg:
        summary = kg.import_codes([folder])
    total = time.perf_counter() - started
    articles = sum(summary.articles.values())
    return (
        f"| {name} | {articles:,} | {records:,} | {summary.triples:,} | {read:.2f} | {total:.2f} "
        f"| {articles / total:,.0f} | {summary.triples / total:,.0f} | {total / read:.1f}× |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,20000", help="generated corpus sizes (articles)")
    parser.add_argument("--etalab", type=Path, default=ETALAB, help="the etalab-2015 folder")
    args = parser.parse_args()
    print(
        "| corpus | articles | records | triples | read (s) | import (s) | articles/s "
        "| triples/s | import / read |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        if args.etalab.is_dir():
            print(measure("etalab-2015 (CASF + CESEDA)", args.etalab, workdir), flush=True)
        for size in (int(s) for s in args.sizes.split(",")):
            corpus = workdir / f"generated-{size}"
            generate(corpus, articles=size, seed=1)
            print(measure(f"generated linked, {size:,}", corpus, workdir), flush=True)


if __name__ == "__main__":
    main()
