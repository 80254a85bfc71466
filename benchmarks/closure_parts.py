"""Where ``citation-closure``'s time goes: the query built up part by part, on a kept store.

Runs the parts in ``benchmarks/citation-closure-parts/`` (the closure counted; each reached
article read back; with its number; the whole answer unsorted) and ``citation-closure`` itself,
round robin, on the store that ``python -m benchmarks.query_latency --store DIR`` kept (the
four LEGI codes, etalab and 10,000 conventions), each two ways: Oxigraph's answer read to
pyoxigraph terms, and converted to rdflib terms as ``kg.query`` returns it
(:func:`cph_kg.store.querying.run_query`, in the calling thread); with ``--named-graphs``, the
query itself a third way, its default graph named (the store's graphs but the conventions and
the validation report) rather than the union of all graphs cph-kg queries. The unsorted answer
is what the rows cost before any sort, whatever the sort keys. Prints a Markdown table of the
p50 of wall time and of the thread's CPU time (the machine is shared: CPU time is the steadier
figure)::

    python -m benchmarks.closure_parts DIR [--article IRI] [--rounds 20] [--only NAME]
        [--named-graphs]

``--only citation-closure`` runs the query alone, e.g. under ``perf record``. The store is
opened for reading only, so nothing else may be writing it.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from benchmarks.measure import machine
from cph_kg import vocab
from cph_kg.sparql.catalog import NamedQuery, load, named_queries
from cph_kg.store.querying import run_query

PARTS = Path(__file__).resolve().parent / "citation-closure-parts"
L211_1 = "https://w3id.org/cph-kg/law/css/L211-1"


def queries() -> dict[str, NamedQuery]:
    """The parts, in the order they build the query up, then the named query itself."""
    parts = {path.stem: load(path) for path in sorted(PARTS.glob("*.rq"))}
    return {**parts, "citation-closure": named_queries()["citation-closure"]}


def timed(run: Callable[[], object]) -> tuple[float, float, object]:
    """Wall and thread CPU seconds of ``run()``, and what it returned."""
    wall, cpu = time.perf_counter(), time.thread_time()
    answer = run()
    return time.perf_counter() - wall, time.thread_time() - cpu, answer


def main(argv: list[str] | None = None) -> None:
    """Time each part both ways, round robin, and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a folder kept by query_latency --store")
    parser.add_argument("--article", default=L211_1, help="the article to start from")
    parser.add_argument("--rounds", type=int, default=20, help="timed runs of each")
    parser.add_argument("--only", help="this part (or citation-closure) alone")
    parser.add_argument(
        "--named-graphs",
        action="store_true",
        help="also run citation-closure with its graphs named (about 6 times slower)",
    )
    arguments = parser.parse_args(argv)
    store = ox.Store.read_only(str(arguments.folder / "store"))
    chosen = {name: query for name, query in queries().items() if arguments.only in (None, name)}
    if not chosen:
        parser.error(f"--only {arguments.only}: no such part (they are: {', '.join(queries())})")
    texts = {name: query.bind({"article": arguments.article}) for name, query in chosen.items()}

    left_out = {vocab.CONVENTIONS_GRAPH, vocab.VALIDATION_GRAPH}
    named = [graph for graph in store.named_graphs() if graph not in left_out]

    def terms(text: str, **default: object) -> list[tuple[object, ...]]:
        answer = store.query(text, **(default or {"use_default_graph_as_union": True}))
        assert isinstance(answer, ox.QuerySolutions)
        return [tuple(solution) for solution in answer]

    ways: dict[str, Callable[[str], object]] = {
        "pyoxigraph terms": terms,
        "rdflib terms (kg.query)": lambda text: run_query(store, text),
        f"pyoxigraph terms, {len(named)} graphs named": lambda text: terms(
            text, default_graph=named
        ),
    }
    times: dict[tuple[str, str], list[tuple[float, float]]] = {}
    rows: dict[str, int] = {}
    for round_ in range(arguments.rounds + 1):  # the first round warms up, untimed
        for name, text in texts.items():
            for way, run in ways.items():
                if "named" in way and not (arguments.named_graphs and name == "citation-closure"):
                    continue
                wall, cpu, answer = timed(lambda run=run, text=text: run(text))
                if round_:
                    times.setdefault((name, way), []).append((wall, cpu))
                elif isinstance(answer, list):
                    rows[name] = len(answer)
    lines = [
        f"Measured on {machine()}, from <{arguments.article}>, {arguments.rounds} runs each.",
        "",
        "| part | rows | way | wall p50 | CPU p50 |",
        "|---|---:|---|---:|---:|",
    ]
    for (name, way), runs in times.items():
        wall = statistics.median(run[0] for run in runs)
        cpu = statistics.median(run[1] for run in runs)
        lines.append(
            f"| `{name}` | {rows[name]:,} | {way} | {wall * 1000:.1f} ms | {cpu * 1000:.1f} ms |"
        )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
