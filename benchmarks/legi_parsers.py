"""Reading LEGI JSON: the standard library's json, orjson and ijson (C backend), side by side.

Each parser reads the four LEGI code files of ``../shared/corpora/legi-2026`` (extracted from
the tarball into a temporary folder first) in a fresh process, one whole file at a time for json
and orjson, as an event stream for ijson (``ijson.parse``: the cheapest thing ijson does, before
any Python object is built; building the articles from the events costs more on top). Prints a
Markdown table: seconds and peak memory of each process, and the ratio to the fastest::

    python -m benchmarks.legi_parsers [--tarball PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from benchmarks.measure import machine, peak_rss_kib

SHARED = Path(os.environ.get("CPH_KG_SHARED") or Path(__file__).resolve().parents[2] / "shared")
TARBALL = SHARED / "corpora" / "legi-2026" / "socialgouv-legi-data-2.513.0.tgz"
PARSERS = ("json", "orjson", "ijson")


def run(parser: str, folder: Path) -> tuple[float, int]:
    """In this process: parse every code file with ``parser``; seconds and peak RSS (KiB)."""
    files = sorted(folder.glob("LEGITEXT*.json"))
    started = time.perf_counter()
    for path in files:
        if parser == "json":
            with path.open("rb") as handle:
                json.load(handle)
        elif parser == "orjson":
            import orjson

            orjson.loads(path.read_bytes())
        else:
            import ijson  # optional: pip install -e '.[bench]'

            with path.open("rb") as handle:
                for _ in ijson.parse(handle):
                    pass
    return time.perf_counter() - started, peak_rss_kib()


def extract(tarball: Path, into: Path) -> Path:
    """The code files of the tarball, extracted into ``into``."""
    with tarfile.open(tarball) as archive:
        members = [m for m in archive.getmembers() if m.name.startswith("package/data/LEGITEXT")]
        archive.extractall(into, members=members, filter="data")
    return into / "package" / "data"


def main() -> None:
    """Extract, then time each parser in its own process."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", type=Path, default=TARBALL)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        seconds, peak = run(args.child[0], Path(args.child[1]))
        print(json.dumps({"seconds": seconds, "peak_kib": peak}))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = extract(args.tarball, Path(tmp))
        size = sum(p.stat().st_size for p in folder.glob("LEGITEXT*.json"))
        results = {}
        for name in PARSERS:
            out = subprocess.run(
                [sys.executable, "-m", "benchmarks.legi_parsers", "--child", name, str(folder)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            results[name] = json.loads(out)
    fastest = min(r["seconds"] for r in results.values())
    print(f"Four LEGI codes, {size / 2**20:.0f} MiB of JSON, on {machine()}.\n")
    print("| parser | how | seconds | peak RSS (MiB) | × fastest |")
    print("|---|---|---:|---:|---:|")
    how = {
        "json": "`json.load`, one code at a time",
        "orjson": "`orjson.loads`, one code at a time",
        "ijson": "`ijson.parse` events (yajl2_c), no objects built",
    }
    for name, result in results.items():
        print(
            f"| {name} | {how[name]} | {result['seconds']:.2f} | "
            f"{result['peak_kib'] / 1024:.0f} | {result['seconds'] / fastest:.1f} |"
        )


if __name__ == "__main__":
    main()
