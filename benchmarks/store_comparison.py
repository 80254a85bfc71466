"""rdflib or pyoxigraph as cph-kg's embedded store: load time, memory and every named query.

cph-kg stores the law and the conventions in an embedded pyoxigraph store
(:class:`cph_kg.store.embedded.EmbeddedStore`). This benchmark is the evidence for that choice,
measured in one run on one machine: for each size it generates synthetic conventions
(``tests/generate.py``), loads them with cph-kg's bundled law graphs into an rdflib
``Dataset(default_union=True)`` and into ``KnowledgeGraph.open(tmpdir)``, and runs every named
query of ``queries/`` on both, ``--repeat`` times.

Why it is built the way it is:

- Each engine runs in a fresh process, so its peak RSS (``VmHWM``, which also counts
  Oxigraph's native memory, invisible to ``tracemalloc``) is its own.
- Each query runs in a child process that the parent kills when its runs together exceed
  ``--budget`` seconds: rdflib can take minutes on a query Oxigraph answers in milliseconds,
  and a thread cannot be stopped. rdflib's child is forked from the process holding the loaded
  Dataset (no reload); Oxigraph's child is spawned and opens the store on disk. Only the query
  call is timed, never the process start.
- Queries are discovered at run time (``cph_kg.sparql.catalog.named_queries()``), so a new ``.rq``
file
  is benchmarked without touching this script. Only required parameters are bound; optional ones
  stay unbound, so each query reads the whole store, the heavier case.

Run ``python -m benchmarks.store_comparison --help`` for the options; the Markdown report goes
to standard output, progress to standard error.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Dataset
from rdflib.query import Result

from benchmarks.measure import machine, peak_rss_kib, rss_kib
from benchmarks.query_parameters import bound_queries
from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.namespaces import CONVENTIONS_GRAPH, VALIDATION_GRAPH
from cph_kg.rdf.bundled import graphs as law_graphs
from cph_kg.rdf.rdflib_adapter import rdflib_graph, to_uriref
from cph_kg.sparql.catalog import named_queries
from cph_kg.sparql.results import Boolean, QueryResult, Solutions
from tests.generate import centre_iri, convention_iri, generate

#: How long a spawned child may take to start and open the store before its first run.
STARTUP_SECONDS = 120.0
#: Slack for the pipe between a child finishing a run and the parent hearing of it.
GRACE_SECONDS = 1.0
#: ``kg.validate()`` (pySHACL on rdflib) fills the report graph that two queries read; it is
#: worth waiting for up to this long, and skipped (queries then read an empty report) beyond.
VALIDATION_SECONDS = 60.0

# --- measuring -------------------------------------------------------------------------------


@dataclass
class Runs:
    """The timings of one query on one engine."""

    seconds: list[float] = field(default_factory=list)
    rows: int | None = None
    timed_out: bool = False
    error: str | None = None
    peak_rss_kib: int = 0

    def p50(self) -> float | None:
        """The median run, or None when no run finished."""
        return statistics.median(self.seconds) if self.seconds else None

    def p95(self) -> float | None:
        """The 95th percentile by nearest rank (with fewer than 20 runs, the slowest run)."""
        if not self.seconds:
            return None
        ordered = sorted(self.seconds)
        return ordered[math.ceil(0.95 * len(ordered)) - 1]


def run_repeatedly(
    execute: Callable[[], int], repeat: int, budget: float, pipe: Connection
) -> None:
    """Run ``execute`` up to ``repeat`` times in a child, sending each run's time and row count.

    Stops early when another run like the last one would overrun ``budget``, so a slow query
    costs at most one budget, not ``repeat`` of them.
    """
    spent = 0.0
    try:
        for _ in range(repeat):
            start = time.perf_counter()
            rows = execute()
            elapsed = time.perf_counter() - start
            pipe.send(("run", elapsed, rows))
            spent += elapsed
            if spent + elapsed > budget:
                break
    except Exception as error:  # reported in the table, the benchmark goes on
        pipe.send(("error", f"{type(error).__name__}: {error}".splitlines()[0][:120]))
    pipe.send(("done", peak_rss_kib()))


def collect(child: BaseProcess, pipe: Connection, budget: float) -> Runs:
    """Gather a child's runs; kill it when its runs together overrun ``budget`` seconds."""
    runs = Runs()
    wait = STARTUP_SECONDS
    try:
        while True:
            if not pipe.poll(wait):
                runs.timed_out = True
                break
            kind, *payload = pipe.recv()
            if kind == "run":
                runs.seconds.append(payload[0])
                runs.rows = payload[1]
            elif kind == "error":
                runs.error = payload[0]
            elif kind == "done":
                runs.peak_rss_kib = payload[0]
                break
            wait = budget - sum(runs.seconds) + GRACE_SECONDS  # after "ready" and each run
    except EOFError:
        runs.error = f"the query process ended with code {child.exitcode}"
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        pipe.close()
    return runs


def as_tuple(runs: Runs) -> tuple[Any, ...]:
    """Runs as plain data, to cross a pipe between differently named ``__main__`` modules."""
    return (runs.seconds, runs.rows, runs.timed_out, runs.error, runs.peak_rss_kib)


def count_rdflib(result: Result) -> int:
    """Rows of a SELECT, triples of a CONSTRUCT, 1 for an ASK: forces rdflib's lazy results."""
    if result.type == "ASK":
        return 1
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return len(result.graph)
    return len(list(result))


def count_cph_kg(result: QueryResult) -> int:
    """The same count for cph-kg's results (already materialised as rdflib terms)."""
    if isinstance(result, Solutions):
        return len(result.rows)
    if isinstance(result, Boolean):
        return 1
    return len(result.graph)


# --- the rdflib engine -------------------------------------------------------------------------

#: The loaded Dataset, inherited by each forked query child.
_DATASET: Dataset | None = None


def _rdflib_query(text: str, repeat: int, budget: float, pipe: Connection) -> None:
    assert _DATASET is not None
    dataset = _DATASET
    pipe.send(("ready",))
    run_repeatedly(lambda: count_rdflib(dataset.query(text)), repeat, budget, pipe)


def rdflib_session(
    conventions: Path,
    validation: Path | None,
    queries: dict[str, str],
    repeat: int,
    budget: float,
    pipe: Connection,
) -> None:
    """Load into an rdflib Dataset (timed), then run each query in a forked, killable child.

    The load does what ``KnowledgeGraph.load`` does with rdflib alone: parse the bundled law
    graphs, put each in its named graph, parse the conventions into theirs. The validation
    report, when there is one, is added afterwards, untimed, so both engines query the same data.
    """
    global _DATASET
    baseline = rss_kib()
    start = time.perf_counter()
    dataset = Dataset(default_union=True)
    for name, triples in law_graphs().items():
        target = dataset.graph(to_uriref(name))
        target += rdflib_graph(triples)
    dataset.graph(CONVENTIONS_GRAPH).parse(conventions, format="nt")
    pipe.send(("loaded", time.perf_counter() - start, baseline, peak_rss_kib()))
    if validation is not None:
        dataset.graph(VALIDATION_GRAPH).parse(validation, format="nt")
    _DATASET = dataset
    fork = multiprocessing.get_context("fork")
    for name, text in queries.items():
        receiver, sender = fork.Pipe(duplex=False)
        child = fork.Process(target=_rdflib_query, args=(text, repeat, budget, sender), daemon=True)
        child.start()
        sender.close()
        pipe.send(("query", name, as_tuple(collect(child, receiver, budget))))
    pipe.send(("end",))


# --- the pyoxigraph engine, through cph-kg -------------------------------------------------------


def cph_kg_load_session(conventions: Path, store: Path, pipe: Connection) -> None:
    """``KnowledgeGraph.open(store).load([conventions])``, timed: what ``cph-kg load`` does."""
    baseline = rss_kib()
    start = time.perf_counter()
    sizes = KnowledgeGraph.open(store).load([conventions])
    pipe.send(
        ("loaded", time.perf_counter() - start, baseline, peak_rss_kib(), sum(sizes.values()))
    )


def cph_kg_validate_session(store: Path, dump: Path, pipe: Connection) -> None:
    """``kg.validate()`` on the stored conventions, then the stored report dumped as N-Triples."""
    kg = KnowledgeGraph.open(store)
    start = time.perf_counter()
    outcome = kg.validate()
    elapsed = time.perf_counter() - start
    conforming = sum(verdict.conforms for verdict in outcome.conventions)
    report = kg.store.query(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{VALIDATION_GRAPH}> {{ ?s ?p ?o }} }}"
    )
    report.graph.serialize(dump, format="nt", encoding="utf-8")
    pipe.send(("validated", elapsed, conforming, len(outcome.conventions)))


def _cph_kg_query(store: Path, text: str, repeat: int, budget: float, pipe: Connection) -> None:
    engine = KnowledgeGraph.open(store).store  # closed when the process ends
    pipe.send(("ready",))
    run_repeatedly(lambda: count_cph_kg(engine.query(text)), repeat, budget, pipe)


def native_load_session(
    conventions: Path, bundled: dict[str, Path], store: Path, pipe: Connection
) -> None:
    """Oxigraph's own ``Store.bulk_load`` of the same quads: the engine without cph-kg's path."""
    baseline = rss_kib()
    start = time.perf_counter()
    native = ox.Store(str(store))
    for name, path in {**bundled, str(CONVENTIONS_GRAPH): conventions}.items():
        native.bulk_load(path=path, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(name))
    pipe.send(("loaded", time.perf_counter() - start, baseline, peak_rss_kib(), len(native)))


# --- orchestration -----------------------------------------------------------------------------


def spawn(target: Callable[..., None], *args: Any) -> tuple[BaseProcess, Connection]:
    """Start ``target(*args, pipe)`` in a fresh interpreter, so its memory is its own."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    # Not a daemon: the rdflib session forks a child per query, which daemons may not do.
    child = context.Process(target=target, args=(*args, sender))
    child.start()
    sender.close()
    return child, receiver


def finish(child: BaseProcess, pipe: Connection) -> None:
    """Wait for a session process and close its pipe."""
    child.join()
    pipe.close()


@dataclass
class Load:
    """One engine's load: seconds, quads loaded, RSS before and after."""

    seconds: float
    quads: int
    baseline_kib: int
    peak_kib: int


@dataclass
class SizeResult:
    """Everything measured at one size."""

    conventions: int
    triples: int
    loads: dict[str, Load]
    validation: str
    rdflib: dict[str, Runs]
    oxigraph: dict[str, Runs]
    unbound: dict[str, str]


def progress(message: str) -> None:
    """One line of progress on standard error, so standard output stays the report."""
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def measure(
    size: int,
    seed: int,
    queries: tuple[dict[str, str], dict[str, str]],
    repeat: int,
    budget: float,
    validate_up_to: int,
) -> SizeResult:
    """Generate ``size`` conventions, load them into both engines and run every named query."""
    texts, unbound = queries
    with tempfile.TemporaryDirectory(prefix="cph-kg-bench-") as tmp:
        folder = Path(tmp)
        conventions = folder / "conventions.nt"
        conventions.write_text(generate(size, seed), encoding="utf-8")  # not kept in memory
        triples = sum(1 for _ in conventions.open(encoding="utf-8"))
        bundled = {}
        for name, triples in law_graphs().items():
            bundled[name.value] = folder / f"bundled-{len(bundled)}.nt"
            ox.serialize(triples, output=bundled[name.value], format=ox.RdfFormat.N_TRIPLES)
        progress(f"{size} conventions, {triples} triples; {len(texts)} queries")

        loads: dict[str, Load] = {}
        child, pipe = spawn(cph_kg_load_session, conventions, folder / "store")
        _, seconds, baseline, peak, quads = pipe.recv()
        finish(child, pipe)
        loads["cph-kg KnowledgeGraph.load (pyoxigraph)"] = Load(seconds, quads, baseline, peak)
        progress(f"cph-kg load {seconds:.1f} s")

        dump: Path | None = folder / "validation.nt"
        if size > validate_up_to:
            validation = f"not run (over {validate_up_to:,} conventions; the report graph is empty)"
            dump = None
        else:
            child, pipe = spawn(cph_kg_validate_session, folder / "store", dump)
            if pipe.poll(VALIDATION_SECONDS):
                _, seconds, conforming, total = pipe.recv()
                validation = f"{seconds:.1f} s ({conforming:,} of {total:,} conventions conform)"
            else:
                child.kill()
                validation = f"skipped (over {VALIDATION_SECONDS:g} s; the report graph is empty)"
                dump = None
            finish(child, pipe)
        progress(f"validation: {validation}")

        oxigraph = {}
        for name, text in texts.items():
            child, pipe = spawn(_cph_kg_query, folder / "store", text, repeat, budget)
            oxigraph[name] = collect(child, pipe, budget)
            progress(f"pyoxigraph {name}: p50 {format_seconds(oxigraph[name].p50())}")

        rdflib: dict[str, Runs] = {}
        child, pipe = spawn(rdflib_session, conventions, dump, texts, repeat, budget)
        _, seconds, baseline, peak = pipe.recv()
        loads["rdflib Dataset (parse + add)"] = Load(seconds, 0, baseline, peak)
        progress(f"rdflib load {seconds:.1f} s")
        while (message := pipe.recv())[0] != "end":
            _, name, data = message
            rdflib[name] = Runs(*data)
            progress(f"rdflib {name}: p50 {format_seconds(rdflib[name].p50())}")
        finish(child, pipe)

        child, pipe = spawn(native_load_session, conventions, bundled, folder / "native")
        _, seconds, baseline, peak, quads = pipe.recv()
        finish(child, pipe)
        loads["pyoxigraph Store.bulk_load (engine alone)"] = Load(seconds, quads, baseline, peak)
        for load in loads.values():
            load.quads = load.quads or quads
        progress(f"pyoxigraph bulk_load {seconds:.1f} s")
    return SizeResult(size, triples, loads, validation, rdflib, oxigraph, unbound)


# --- reporting ---------------------------------------------------------------------------------


def format_seconds(seconds: float | None) -> str:
    """Milliseconds below one second, seconds above, three significant digits."""
    if seconds is None:
        return "—"
    if seconds < 1:
        return f"{seconds * 1000:.3g} ms"
    return f"{seconds:.3g} s"


def mib(kib: int) -> str:
    """KiB as whole MiB."""
    return f"{kib / 1024:,.0f} MiB"


def latency(runs: Runs, budget: float, value: float | None) -> str:
    """A percentile, or why there is none."""
    if runs.error:
        return "error"
    if runs.timed_out and not runs.seconds:
        return f"> {budget:g} s"
    return format_seconds(value) + (" †" if runs.timed_out else "")


def speedup(slow: Runs, fast: Runs, budget: float) -> tuple[float, bool] | None:
    """The rdflib median over the pyoxigraph one, and whether it is only a lower bound."""
    fast_p50 = fast.p50()
    if not fast_p50 or slow.error:
        return None
    if slow.timed_out and not slow.seconds:
        return budget / fast_p50, True
    slow_p50 = slow.p50()
    assert slow_p50 is not None
    return slow_p50 / fast_p50, False


def ratio(slow: Runs, fast: Runs, budget: float) -> str:
    """The speed-up as table text: ``> N×`` when rdflib ran out of time."""
    found = speedup(slow, fast, budget)
    if found is None:
        return "—"
    value, lower_bound = found
    text = f"{value:,.0f}×" if value >= 10 else f"{value:.1f}×"
    return f"> {text}" if lower_bound else text


def summary(result: SizeResult, budget: float) -> str:
    """One sentence per size: how often and by how much rdflib was slower, and where it differs."""
    found = [
        speedup(result.rdflib.get(name, Runs(error="not run")), fast, budget)
        for name, fast in result.oxigraph.items()
    ]
    values = [value for value, _ in filter(None, found)]
    if not values:
        return "No query ran on both engines."
    over = sum(lower for _, lower in filter(None, found))
    slower = sum(value > 1 for value in values)
    differing = sum(
        1
        for name, fast in result.oxigraph.items()
        if name in result.rdflib
        and result.rdflib[name].rows is not None
        and result.rdflib[name].rows != fast.rows
    )
    return (
        f"rdflib was slower on {slower} of {len(values)} queries; median rdflib / pyoxigraph "
        f"{statistics.median(values):,.0f}× (range {min(values):.1f}× to {max(values):,.0f}×, "
        f"with {over} over budget counted as taking exactly the budget); "
        f"{differing} queries gave a different number of rows."
    )


def report(results: list[SizeResult], repeat: int, budget: float, seed: int) -> str:
    """The Markdown report: machine, loads, then one query table per size."""
    lines = [
        f"Measured {datetime.now():%Y-%m-%d %H:%M} on {machine()}.",
        f"Seed {seed}; each query run up to {repeat} times within {budget:g} s per engine.",
        "",
        "### Load",
        "",
        "| conventions | triples (quads with the law) | engine | load | RSS before → peak |",
        "|---:|---:|---|---:|---:|",
    ]
    for result in results:
        for engine, load in result.loads.items():
            lines.append(
                f"| {result.conventions:,} | {result.triples:,} ({load.quads:,} quads) | {engine} "
                f"| {format_seconds(load.seconds)} "
                f"| {mib(load.baseline_kib)} → {mib(load.peak_kib)} |"
            )
    for result in results:
        lines += [
            "",
            f"### Queries, {result.conventions:,} conventions",
            "",
            f"Validation report (`kg.validate()`): {result.validation}.",
            "",
            "| query | rows (rdflib ≠ pyoxigraph) | rdflib p50 | rdflib p95 "
            "| pyoxigraph p50 | pyoxigraph p95 | rdflib / pyoxigraph (p50) |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name, fast in result.oxigraph.items():
            slow = result.rdflib.get(name, Runs(error="not run"))
            rows = str(fast.rows) if fast.rows is not None else "—"
            if slow.rows is not None and slow.rows != fast.rows:
                rows = f"{slow.rows} ≠ {rows}"
            lines.append(
                f"| `{name}` | {rows} "
                f"| {latency(slow, budget, slow.p50())} | {latency(slow, budget, slow.p95())} "
                f"| {latency(fast, budget, fast.p50())} | {latency(fast, budget, fast.p95())} "
                f"| {ratio(slow, fast, budget)} |"
            )
        for name, error in result.unbound.items():
            lines.append(f"| `{name}` | not run: {error} | | | | | |")
        errors = [
            f"{engine} `{name}`: {runs.error}"
            for engine, table in (("rdflib", result.rdflib), ("pyoxigraph", result.oxigraph))
            for name, runs in table.items()
            if runs.error
        ]
        peaks = [
            f"{engine} {mib(max((r.peak_rss_kib for r in table.values()), default=0))}"
            for engine, table in (("rdflib", result.rdflib), ("pyoxigraph", result.oxigraph))
        ]
        lines += [
            "",
            summary(result, budget),
            "",
            f"Peak RSS of a query process: {', '.join(peaks)}.",
        ]
        lines += [f"Error: {error}." for error in errors]
    lines += [
        "",
        f"† a later run overran the {budget:g} s budget and was stopped; "
        "the percentiles are over the runs that finished.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Parse the options, measure each size, print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="numbers of conventions")
    parser.add_argument("--repeat", type=int, default=5, help="runs per query and engine")
    parser.add_argument(
        "--budget",
        type=float,
        default=30.0,
        help="seconds a query may take on one engine, all runs together (default 30)",
    )
    parser.add_argument("--seed", type=int, default=1, help="generator seed")
    parser.add_argument(
        "--validate-up-to",
        type=int,
        default=1000,
        help="store a validation report (kg.validate()) only up to this many conventions",
    )
    arguments = parser.parse_args(argv)
    sizes = [int(size) for size in arguments.sizes.split(",")]
    started = time.perf_counter()
    # Read once, so every size runs the same queries even while someone edits queries/.
    queries = bound_queries(named_queries(), convention_iri(0), centre_iri(0))
    results = [
        measure(
            size,
            arguments.seed,
            queries,
            arguments.repeat,
            arguments.budget,
            arguments.validate_up_to,
        )
        for size in sizes
    ]
    print(report(results, arguments.repeat, arguments.budget, arguments.seed))
    progress(f"done in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
