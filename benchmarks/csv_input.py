"""CSV input against Turtle input, the same conventions in the same run.

The bulk format (one convention per CSV row) was ten times slower to read than the same
conventions in Turtle (10,000 rows: 26 s). This benchmark writes N generated rows
(:func:`tests.generate.generate_csv`), converts them once to Turtle through cph-kg (so both
files hold the same triples), then times, each in a fresh process, CSV and Turtle runs
alternated, ``cph-kg validate FILE --output json`` and ``cph-kg load FILE`` into a new store
on each file, and reports the ratios CSV ÷ Turtle (the target is at most 2)::

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

from cph_kg.authoring.reading import parse_file
from tests.generate import generate_csv


def _seconds(path: Path, run: int, command: str) -> float:
    """The wall time of ``cph-kg validate PATH`` (or ``load`` into a new store), fresh process."""
    if command == "validate":
        arguments = ["validate", str(path), "--output", "json"]
    else:
        store = path.parent / f"store-{path.suffix[1:]}-{run}"
        arguments = ["load", "--location", str(store), str(path)]
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "cph_kg", *arguments],
        capture_output=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1, 2):
        raise SystemExit(done.stderr.decode()[-500:])
    return seconds


def _medians(csv_path: Path, turtle_path: Path, runs: int, command: str) -> tuple[float, float]:
    """Median seconds of CSV and of Turtle, their runs alternated.

    Alternating (CSV, Turtle, CSV, Turtle…) lets a change in the shared machine's load fall on
    both sides of the ratio instead of on whichever side happened to run then.
    """
    times: dict[Path, list[float]] = {csv_path: [], turtle_path: []}
    for run in range(runs):
        for path in (csv_path, turtle_path):
            times[path].append(_seconds(path, run, command))
    return statistics.median(times[csv_path]), statistics.median(times[turtle_path])


def measure(sizes: list[int], runs: int = 3) -> list[tuple[int, float, float, float, float]]:
    """(rows, CSV and Turtle seconds to validate, CSV and Turtle seconds to load) per size."""
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            csv_path = Path(folder) / f"conventions-{size}.csv"
            csv_path.write_text(generate_csv(size, seed=1), encoding="utf-8")
            turtle_path = csv_path.with_suffix(".ttl")
            turtle_path.write_text(parse_file(csv_path).serialize(format="turtle"), "utf-8")
            results.append(
                (
                    size,
                    *_medians(csv_path, turtle_path, runs, "validate"),
                    *_medians(csv_path, turtle_path, runs, "load"),
                )
            )
    return results


def main(argv: list[str] | None = None) -> None:
    """Print a Markdown table: rows, then CSV, Turtle and their ratio for validate and load."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args(argv)
    print(
        "| rows | validate CSV (s) | validate Turtle (s) | ratio "
        "| load CSV (s) | load Turtle (s) | ratio |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size, *seconds in measure(arguments.sizes, arguments.runs):
        validate_csv, validate_turtle, load_csv, load_turtle = seconds
        print(
            f"| {size:,} | {validate_csv:.2f} | {validate_turtle:.2f} "
            f"| {validate_csv / validate_turtle:.2f}× | {load_csv:.2f} | {load_turtle:.2f} "
            f"| {load_csv / load_turtle:.2f}× |"
        )


if __name__ == "__main__":
    main()
