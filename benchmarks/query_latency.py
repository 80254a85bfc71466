"""Latency of every named query on the full graph, in the embedded store.

Builds the full graph in a temporary embedded store, the way a cph-kg user would:

1. the bundled law (``KnowledgeGraph.refresh_law``);
2. both codes of the etalab-2015 corpus (CASF and CESEDA) and, with ``--legi``, the LEGI codes
   (``package/data`` of the legi-2026 tarball, extracted) through
   ``KnowledgeGraph.import_codes``, timed: the code-corpus import time;
3. ``--conventions`` generated conventions (``generate.generate(N, seed)``) through
   ``KnowledgeGraph.load``;
4. one ``kg.validate()``, so the validation report graph is filled;

then runs every named query of ``queries/`` (``cph_kg.sparql.catalog.named_queries()``, required
parameters bound as ``store_comparison.py`` binds them) once to warm up and ``--repeat`` times,
each run timed around ``kg.query(name, **params)``: what a cph-kg user waits for, conversion of
the answer to rdflib terms included. The warm-up run is stopped at ``--budget`` seconds (a query
in a process of its own, ``kg.query(..., timeout=budget)``); a query it stops is reported over
budget and not timed, so one slow query cannot hold up the others. Prints a Markdown table
(rows, p50, p95 by nearest rank, max, whether p50 is under the 50 ms target) on standard output,
progress on standard error::

    python -m benchmarks.query_latency [--conventions 10000] [--repeat 20] [--seed 1]
        [--legi DIR] [--set article=https://w3id.org/cph-kg/law/css/L211-1]

``--set NAME=VALUE`` gives a required parameter its value (``article`` for the point-in-time and
citation queries), instead of the example of the query's description.

``--store DIR`` keeps the store in ``DIR`` instead of a temporary folder, and a later run with
the same corpora, conventions and seed reuses it without building it again (about 100 s saved
for the four LEGI codes, etalab and 10,000 conventions). So a change to a query or to the
conversion of answers is timed before and after on the very same store, in one hold of the CPU
lock, without the build in it (a change to the importer or to the data needs a new build:
name another folder). The build is recorded in ``DIR/build.json`` once it is complete:
a folder without it (a build that was stopped) or built with other options is refused.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import math
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from benchmarks.measure import machine, peak_rss_kib
from benchmarks.query_parameters import required_values
from cph_kg.errors import QueryTimedOut
from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.sparql.catalog import named_queries
from cph_kg.sparql.results import Boolean, QueryResult, Solutions
from tests.generate import centre_iri, convention_iri, generate

SHARED = Path(os.environ.get("CPH_KG_SHARED") or Path(__file__).resolve().parents[2] / "shared")
ETALAB = SHARED / "corpora" / "etalab-2015"
#: The target of issue 7: a named query answers in under this many seconds (p50).
TARGET_SECONDS = 0.050
#: The import target of issue 7, for both codes of etalab-2015.
IMPORT_TARGET_SECONDS = 15.0


def progress(message: str) -> None:
    """One line of progress on standard error, so standard output stays the table."""
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def count(result: QueryResult) -> int:
    """Rows of a SELECT, triples of a CONSTRUCT, 1 for an ASK."""
    if isinstance(result, Solutions):
        return len(result.rows)
    if isinstance(result, Boolean):
        return 1
    return len(result.graph)


@dataclass
class Latency:
    """The timed runs of one query (the warm-up run is not among them)."""

    seconds: list[float] = field(default_factory=list)
    rows: int = 0
    error: str | None = None
    over_budget: float | None = None  # the budget the warm-up run passed, if it did

    def p50(self) -> float:
        """The median run."""
        return statistics.median(self.seconds)

    def p95(self) -> float:
        """The 95th percentile by nearest rank: the ⌈0.95·n⌉-th fastest run."""
        ordered = sorted(self.seconds)
        return ordered[math.ceil(0.95 * len(ordered)) - 1]


def time_query(
    kg: KnowledgeGraph, name: str, params: dict[str, str], repeat: int, budget: float
) -> Latency:
    """One warm-up run, then up to ``repeat`` timed runs of ``kg.query(name, **params)``.

    The warm-up run is stopped after ``budget`` seconds: a query that takes longer is marked
    over budget and not timed (unbounded, one query once ran for over 11 minutes). Timed runs
    stop early once they have taken ``budget`` seconds together (at least one is timed), so a
    slow query costs about ``budget`` seconds, not ``repeat`` times its latency.
    """
    latency = Latency()
    try:
        try:
            latency.rows = count(kg.query(name, timeout=budget, **params))
        except QueryTimedOut:
            latency.over_budget = budget
            return latency
        for _ in range(repeat):
            start = time.perf_counter()
            result = kg.query(name, **params)
            latency.seconds.append(time.perf_counter() - start)
            latency.rows = count(result)
            if sum(latency.seconds) > budget:
                break
    except Exception as error:  # reported in the table; the benchmark goes on
        latency.error = f"{type(error).__name__}: {error}".splitlines()[0][:120]
    return latency


def format_seconds(seconds: float) -> str:
    """Milliseconds below one second, seconds above, three significant digits."""
    return f"{seconds * 1000:.3g} ms" if seconds < 1 else f"{seconds:.3g} s"


def code_folders(corpus: Path) -> list[Path]:
    """The code folders of an etalab corpus (one per code), sorted."""
    return sorted(child for child in corpus.iterdir() if (child / "README.md").is_file())


def build(
    kg: KnowledgeGraph,
    corpus: Path,
    conventions: int,
    seed: int,
    folder: Path,
    legi: Path | None = None,
) -> list[str]:
    """Fill the store with the full graph; returns the report's lines about the build."""
    lines = []
    start = time.perf_counter()
    kg.refresh_law()
    progress(f"bundled law written in {time.perf_counter() - start:.1f} s")

    folders = code_folders(corpus) + ([legi] if legi else [])
    start = time.perf_counter()
    summary = kg.import_codes(folders)
    seconds = time.perf_counter() - start
    articles = sum(summary.articles.values())
    verdict = "under" if seconds < IMPORT_TARGET_SECONDS else "over"
    lines.append(
        f"Code-corpus import (`kg.import_codes` of {', '.join(f.name for f in folders)}): "
        f"**{seconds:.1f} s** for {articles:,} articles, {sum(summary.levels.values()):,} levels "
        f"and {summary.triples:,} triples ({verdict} the {IMPORT_TARGET_SECONDS:g} s target)."
    )
    progress(lines[-1])

    path = folder / "conventions.nt"
    start = time.perf_counter()
    path.write_text(generate(conventions, seed), encoding="utf-8")
    generated = time.perf_counter() - start
    start = time.perf_counter()
    loaded = kg.load([path])
    lines.append(
        f"Conventions: {conventions:,} generated (seed {seed}) in {generated:.1f} s, "
        f"`kg.load` of {sum(loaded.written.values()):,} triples in "
        f"{time.perf_counter() - start:.1f} s."
    )
    progress(lines[-1])

    start = time.perf_counter()
    outcome = kg.validate()
    conforming = sum(verdict.conforms for verdict in outcome.conventions)
    lines.append(
        f"Validation (`kg.validate()`, report stored): {time.perf_counter() - start:.1f} s, "
        f"{conforming:,} of {len(outcome.conventions):,} conventions conform."
    )
    progress(lines[-1])

    sizes = kg.info()
    lines.append(f"Store: {sum(sizes.values()):,} quads in {len(sizes)} named graphs.")
    return lines


#: What ``--store`` records of a complete build, beside the store: its options and report lines.
BUILD_RECORD = "build.json"


def build_options(arguments: argparse.Namespace) -> dict[str, object]:
    """The options a stored build depends on: a store is reused only for the same ones."""
    return {
        "corpus": str(arguments.corpus.resolve()),
        "legi": str(arguments.legi.resolve()) if arguments.legi else None,
        "conventions": arguments.conventions,
        "seed": arguments.seed,
    }


def stored_build(folder: Path, options: dict[str, object]) -> list[str] | None:
    """The report lines of the build kept in ``folder`` for ``options``; None if it holds none.

    A folder with a store but no record of a complete build, or with the record of a build
    made with other options, is refused (``ValueError``, one line): it is never reused or
    overwritten.
    """
    record = folder / BUILD_RECORD
    if not record.is_file():
        if (folder / "store").exists():
            raise ValueError(
                f"{folder} holds a store but no {BUILD_RECORD}: its build did not complete; "
                "remove the folder or name another"
            )
        return None
    try:
        kept = json.loads(record.read_text(encoding="utf-8"))
        built, lines = kept["built"], kept["lines"]
    except (ValueError, KeyError, TypeError):
        raise ValueError(
            f"{record} is not a build record; remove the folder or name another"
        ) from None
    if kept.get("options") != options:
        raise ValueError(
            f"{folder} holds a store built with {kept.get('options')}, not {options}; "
            "remove the folder or name another"
        )
    return [f"Store reused from {folder} (built {built}):", *lines]


def record_build(folder: Path, options: dict[str, object], lines: list[str]) -> None:
    """Record a complete build beside its store, written last so that a stopped one has none."""
    record = {"options": options, "built": f"{datetime.now():%Y-%m-%d %H:%M}", "lines": lines}
    (folder / BUILD_RECORD).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")


def table(latencies: dict[str, Latency], repeat: int) -> list[str]:
    """The Markdown table, one row per query, and a line counting the queries on target."""
    lines = [
        f"| query | rows | runs | p50 | p95 | max | p50 < {TARGET_SECONDS * 1000:g} ms |",
        "|---|---:|---:|---:|---:|---:|:---:|",
    ]
    for name, latency in latencies.items():
        if latency.over_budget is not None:
            over = f"> {format_seconds(latency.over_budget)}"
            lines.append(f"| `{name}` | over budget | 0 | {over} | {over} | {over} | **no** |")
            continue
        if latency.error or not latency.seconds:
            lines.append(f"| `{name}` | error: {latency.error} | | | | | |")
            continue
        runs = str(len(latency.seconds)) + (" ‡" if len(latency.seconds) < repeat else "")
        lines.append(
            f"| `{name}` | {latency.rows:,} | {runs} | {format_seconds(latency.p50())} "
            f"| {format_seconds(latency.p95())} | {format_seconds(max(latency.seconds))} "
            f"| {'yes' if latency.p50() < TARGET_SECONDS else '**no**'} |"
        )
    timed = [latency for latency in latencies.values() if latency.seconds]
    fast = sum(latency.p50() < TARGET_SECONDS for latency in timed)
    lines += [
        "",
        f"{fast} of {len(latencies)} queries have a p50 under {TARGET_SECONDS * 1000:g} ms.",
    ]
    if any(len(latency.seconds) < repeat for latency in timed):
        lines.append("‡ fewer runs: the runs of a query stop once they have taken the budget.")
    if any(latency.over_budget is not None for latency in latencies.values()):
        lines.append("over budget: the warm-up run was stopped at the budget; no run was timed.")
    return lines


def main(argv: list[str] | None = None) -> None:
    """Parse the options, build the full graph, time every named query, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conventions", type=int, default=10_000, help="generated conventions")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per query")
    parser.add_argument("--seed", type=int, default=1, help="seed of the convention generator")
    parser.add_argument(
        "--corpus", type=Path, default=ETALAB, help="the etalab-2015 folder (both codes)"
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=60.0,
        help="seconds the warm-up run of one query may take, and its timed runs together "
        "(default 60)",
    )
    parser.add_argument(
        "--queries", default="", help="only these named queries, comma-separated (default all)"
    )
    parser.add_argument("--legi", type=Path, help="a folder of LEGI code files, imported too")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="a parameter's value"
    )
    parser.add_argument(
        "--store",
        type=Path,
        help="keep the store in this folder, and reuse the one a run with the same options "
        "left there (default: a temporary folder, removed)",
    )
    parser.add_argument(
        "--articles",
        default="",
        help="comma-separated article IRIs: each query with an article parameter is timed on each",
    )
    arguments = parser.parse_args(argv)
    # Some generated conventions carry an impossible date on purpose (a fault to report); rdflib
    # logs a traceback each time it reads one, which would drown the progress lines.
    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
    started = time.perf_counter()
    catalog = named_queries()
    if arguments.queries:
        catalog = {name: catalog[name] for name in arguments.queries.split(",")}
    options = build_options(arguments)
    build_lines = None
    if arguments.store:
        try:
            build_lines = stored_build(arguments.store, options)
        except ValueError as error:
            parser.error(str(error))
    with contextlib.ExitStack() as stack:
        folder = arguments.store or Path(
            stack.enter_context(tempfile.TemporaryDirectory(prefix="cph-kg-latency-"))
        )
        kg = stack.enter_context(KnowledgeGraph.open(folder / "store"))
        if build_lines is None:
            build_lines = build(
                kg, arguments.corpus, arguments.conventions, arguments.seed, folder, arguments.legi
            )
            if arguments.store:
                record_build(folder, options, build_lines)
        else:
            progress(build_lines[0])
        chosen = dict(item.split("=", 1) for item in arguments.set)
        latencies = {}
        articles = [a for a in arguments.articles.split(",") if a]
        for name, named in catalog.items():
            params = required_values(named, convention_iri(0), centre_iri(0))
            params.update({key: value for key, value in chosen.items() if key in params})
            runs = {name: params}
            if articles and "article" in {p.name for p in named.parameters}:
                short = {a: a.rsplit("/law/", 1)[-1] for a in articles}
                runs = {f"{name} ({short[a]})": {**params, "article": a} for a in articles}
            for label, values in runs.items():
                latency = time_query(kg, name, values, arguments.repeat, arguments.budget)
                latencies[label] = latency
                if latency.over_budget is not None:
                    progress(f"{label}: over budget (warm-up stopped at {arguments.budget:g} s)")
                elif latency.error:
                    progress(f"{label}: {latency.error}")
                else:
                    progress(f"{label}: {latency.rows} rows, p50 {format_seconds(latency.p50())}")
    lines = [
        f"Measured {datetime.now():%Y-%m-%d %H:%M} on {machine()}.",
        f"Each query: one warm-up run, then up to {arguments.repeat} timed runs of "
        f"`kg.query(name, **params)` (budget {arguments.budget:g} s per query).",
        "",
        *build_lines,
        "",
        *table(latencies, arguments.repeat),
        "",
        f"Peak RSS of the benchmark process: {peak_rss_kib() / 1024:,.0f} MiB.",
    ]
    print("\n".join(lines))
    progress(f"done in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
