"""Code-corpus import speed and memory: LEGI, etalab-2015 and generated corpora.

For each corpus, in one fresh process and in this order: the baseline (for LEGI, parsing the
JSON files alone with orjson; for the Markdown formats, reading every file's bytes), reading
alone (the reader's records streamed, no RDF), then the full import into a fresh embedded store
(``KnowledgeGraph.import_codes``: records, statements, the bulk load). Prints a Markdown table
with articles, versions, statements, seconds of each step, the import's ratio to the baseline,
and the process's peak memory::

    python -m benchmarks.import_codes [--legi DIR] [--etalab DIR] [--legi-sizes 100000,300000]
        [--linked-sizes 5000]

``--legi`` is a folder of LEGI code files (``package/data`` of the legi-2026 tarball,
extracted); ``--legi-sizes`` generates LEGI corpora of that many article versions
(``benchmarks/generate_legi.py``); ``--linked-sizes`` generated linked corpora of that many
articles (``tests/generate_corpus.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.measure import machine, peak_rss_kib

SHARED = Path(os.environ.get("CPH_KG_SHARED") or Path(__file__).resolve().parents[2] / "shared")
ETALAB = SHARED / "corpora" / "etalab-2015"


def baseline(folder: Path) -> float:
    """Seconds to read the corpus alone: LEGI JSON parsed by orjson, else every file's bytes."""
    import orjson

    started = time.perf_counter()
    legi = sorted(folder.glob("LEGITEXT*.json"))
    if legi:
        for path in legi:
            orjson.loads(path.read_bytes())
    else:
        for path in folder.rglob("*.md"):
            path.read_bytes()
    return time.perf_counter() - started


def child(folder: Path, store: Path) -> dict[str, float | int]:
    """In this process: baseline, reading alone, then the full import."""
    from cph_kg.codes.importer import stream
    from cph_kg.knowledge_graph import KnowledgeGraph

    json_seconds = baseline(folder)
    started = time.perf_counter()
    records = sum(1 for _ in stream([folder]))
    read = time.perf_counter() - started
    started = time.perf_counter()
    with KnowledgeGraph.open(store) as kg:
        summary = kg.import_codes([folder])
    total = time.perf_counter() - started
    return {
        "baseline": json_seconds,
        "read": read,
        "import": total,
        "records": records,
        "articles": sum(summary.articles.values()),
        "versions": sum(summary.versions.values()),
        "triples": summary.triples,
        "problems": len(summary.problems),
        "peak_kib": peak_rss_kib(),
    }


def measure(name: str, folder: Path, workdir: Path) -> str:
    """One table row, measured in a fresh process."""
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.import_codes",
            "--child",
            str(folder),
            str(workdir / f"store-{len(list(workdir.iterdir()))}"),
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    r = json.loads(out.splitlines()[-1])
    return (
        f"| {name} | {r['articles']:,} | {r['versions']:,} | {r['triples']:,} "
        f"| {r['baseline']:.2f} | {r['read']:.2f} | {r['import']:.2f} "
        f"| {r['import'] / r['baseline']:.1f}× | {r['peak_kib'] / 2**20:.2f} | {r['problems']} |"
    )


def main() -> None:
    """Measure each corpus asked for, one row each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--legi", type=Path, help="a folder of LEGI code files")
    parser.add_argument("--etalab", type=Path, default=ETALAB, help="the etalab-2015 folder")
    parser.add_argument("--legi-sizes", default="", help="generated LEGI corpora (versions)")
    parser.add_argument("--linked-sizes", default="", help="generated linked corpora (articles)")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    print(f"Measured on {machine()}.\n")
    print(
        "| corpus | articles | versions | statements | baseline (s) | read (s) | import (s) "
        "| import / baseline | peak (GiB) | problems |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp) / "stores"
        workdir.mkdir()
        if args.legi:
            print(measure("LEGI, four codes (legi-2026)", args.legi, workdir), flush=True)
        if args.etalab and args.etalab.is_dir():
            print(measure("etalab-2015 (CASF + CESEDA)", args.etalab, workdir), flush=True)
        for size in (int(s) for s in args.legi_sizes.split(",") if s):
            from benchmarks.generate_legi import generate

            corpus = Path(tmp) / f"legi-{size}"
            generate(corpus, size, seed=1)
            print(measure(f"generated LEGI, {size:,} versions", corpus, workdir), flush=True)
        for size in (int(s) for s in args.linked_sizes.split(",") if s):
            from tests.generate_corpus import generate as generate_linked

            corpus = Path(tmp) / f"linked-{size}"
            generate_linked(corpus, articles=size, seed=1)
            print(measure(f"generated linked, {size:,}", corpus, workdir), flush=True)


if __name__ == "__main__":
    main()
