"""CSV input against Turtle input, the same conventions in the same run.

The bulk format (one convention per CSV row) was ten times slower to read than the same
conventions in Turtle (10,000 rows: 26 s). This benchmark writes N generated rows
(:func:`tests.generate.generate_csv`), converts them once to Turtle through cph-kg (so both
files hold the same triples), then times, each in a fresh process, ``cph-kg validate FILE
--output json`` on each file, and reports the ratio CSV ÷ Turtle (the target is at most 2)::

    python -m benchmarks.csv_input 1000 10000
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cph_kg.rdfio import parse_file
from tests.generate import generate_csv


def _seconds(path: Path, runs: int) -> float:
    """The median wall time of ``cph-kg validate PATH --output json`` in a fresh process."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "cph_kg", "validate", str(path), "--output", "json"],
            capture_output=True,
            check=False,
        )
        times.append(time.perf_counter() - started)
        if done.returncode not in (0, 1, 2):
            raise SystemExit(done.stderr.decode()[-500:])
    return statistics.median(times)


def measure(sizes: list[int], runs: int = 3) -> list[tuple[int, float, float]]:
    """(rows, CSV seconds, Turtle seconds) for each size."""
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            csv_path = Path(folder) / f"conventions-{size}.csv"
            csv_path.write_text(generate_csv(size, seed=1), encoding="utf-8")
            turtle_path = csv_path.with_suffix(".ttl")
            turtle_path.write_text(parse_file(csv_path).serialize(format="turtle"), "utf-8")
            results.append((size, _seconds(csv_path, runs), _seconds(turtle_path, runs)))
    return results


def main(argv: list[str] | None = None) -> None:
    """Print a Markdown table: rows, CSV, Turtle, ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args(argv)
    print("| rows | CSV (s) | Turtle (s) | CSV ÷ Turtle |")
    print("|---:|---:|---:|---:|")
    for size, csv_seconds, turtle_seconds in measure(arguments.sizes, arguments.runs):
        ratio = csv_seconds / turtle_seconds
        print(f"| {size:,} | {csv_seconds:.2f} | {turtle_seconds:.2f} | {ratio:.1f}× |")


if __name__ == "__main__":
    main()
