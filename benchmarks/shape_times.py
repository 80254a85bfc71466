"""pySHACL shape by shape: each top-level node shape of ``shapes/`` run alone on generated data.

The data is what ``cph-kg validate --engine pyshacl`` hands pySHACL: the generated conventions
(``tests/generate.py``), the ontology, the law and the run data (each convention's day and
reading, each centre's day), built by :class:`~cph_kg.validation.validator.Validator` itself.
Each node shape that is not a property or a member of another shape is then validated alone
(``pyshacl.validate(..., use_shapes=[shape])``), twice:

- **plain**: pySHACL as a user runs it, rdflib parsing a SPARQL constraint's text again for
  every focus node;
- **parsed once**: as cph-kg's pySHACL engine runs it (``engines._ParsingOnceProcessor``), which
  leaves only the evaluation.

``--against REV`` measures the shapes of another commit the same way, in the same run, on the
same data, and the table gives the ratio. Run from the repository root::

    python -m benchmarks.shape_times --size 60 --seed 5 --against HEAD~1

The Markdown report goes to standard output, progress to standard error.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, SH, Graph, plugin
from rdflib.query import Processor

from benchmarks.measure import machine
from cph_kg import resources
from cph_kg.validation import engines
from cph_kg.validation.validator import Validator
from tests.generate import generate

ROOT = Path(__file__).resolve().parents[1]


class _Capture:
    """An engine that keeps the store it is handed, ready for validation, and finds nothing."""

    name = "capture"
    store: ox.Store

    def results(self, store: ox.Store, progress: object = None) -> list:
        self.store = store
        return []


def data_graph(size: int, seed: int) -> Graph:
    """The graph ``cph-kg validate --engine pyshacl`` validates, for ``size`` conventions."""
    with tempfile.TemporaryDirectory(prefix="cph-kg-shape-times-") as folder:
        path = Path(folder) / "conventions.nt"
        path.write_text(generate(size, seed=seed), encoding="utf-8")
        validator, capture = Validator("pyshacl"), _Capture()
        validator.__dict__["engine"] = capture  # the cached property, replaced
        validator.validate_files([path])
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in capture.store)
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    return Graph().parse(data=text, format="nt")


def shapes_graph(revision: str | None) -> Graph:
    """The shapes of the work tree, or of ``revision`` (read with ``git show``)."""
    graph = Graph()
    for path in resources.shapes_files():
        if revision is None:
            graph.parse(path, format="turtle")
        else:
            relative = path.resolve().relative_to(ROOT).as_posix()
            text = subprocess.run(
                ["git", "show", f"{revision}:{relative}"],
                cwd=ROOT,
                capture_output=True,
                check=True,
                text=True,
            ).stdout
            graph.parse(data=text, format="turtle")
    return graph


def top_shapes(shapes: Graph) -> list:
    """The node shapes no other shape holds (as ``sh:property`` or ``sh:node``), sorted."""
    return sorted(
        shape
        for shape in shapes.subjects(RDF.type, SH.NodeShape)
        if (None, SH.property, shape) not in shapes and (None, SH.node, shape) not in shapes
    )


def parse_once(enabled: bool) -> None:
    """The SPARQL processor rdflib uses: cph-kg's, parsing each text once, or rdflib's own."""
    if enabled:
        plugin.register("sparql", Processor, engines.__name__, "_ParsingOnceProcessor")
        engines.translated_query.cache_clear()
    else:
        plugin.register("sparql", Processor, "rdflib.plugins.sparql.processor", "SPARQLProcessor")


def time_shapes(
    data: Graph, runs: dict[str, Graph], modes: tuple[bool, ...]
) -> dict[tuple[str, bool], dict]:
    """Seconds and number of results of each top-level shape validated alone, per run and mode.

    Shape by shape, every run and mode in turn, so that a change in the machine's load falls on
    all columns of a row alike.
    """
    from pyshacl import validate

    found: dict[tuple[str, bool], dict[str, tuple[float, int]]] = {}
    names = {str(s).rsplit("#", 1)[-1]: s for shapes in runs.values() for s in top_shapes(shapes)}
    for name in sorted(names):
        for label, shapes in runs.items():
            if (names[name], RDF.type, SH.NodeShape) not in shapes:
                continue
            for once in modes:
                parse_once(once)
                started = time.perf_counter()
                _, report, _ = validate(
                    data,
                    shacl_graph=shapes,
                    inference="none",
                    advanced=True,
                    allow_warnings=True,
                    use_shapes=[names[name]],
                )
                seconds = time.perf_counter() - started
                results = len(set(report.objects(None, SH.result)))
                found.setdefault((label, once), {})[name] = (seconds, results)
                mode = "parsed once" if once else "plain"
                print(f"{label} {mode} {name}: {seconds:.2f} s", file=sys.stderr, flush=True)
    return found


def main(argv: list[str] | None = None) -> None:
    """Measure, then print the Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=60)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--against", metavar="REV", help="also measure the shapes of REV")
    parser.add_argument(
        "--parsed-once-only", action="store_true", help="skip the plain runs (large sizes)"
    )
    arguments = parser.parse_args(argv)
    data = data_graph(arguments.size, arguments.seed)
    runs = {"now": shapes_graph(None)}
    if arguments.against:
        runs[arguments.against] = shapes_graph(arguments.against)
    modes = (True,) if arguments.parsed_once_only else (False, True)
    times = time_shapes(data, runs, modes)
    print(f"# pySHACL shape by shape, {arguments.size} conventions (seed {arguments.seed})\n")
    print(machine() + "\n")
    print(table(times, list(runs), modes))


def table(
    times: dict[tuple[str, bool], dict[str, tuple[float, int]]],
    labels: list[str],
    modes: tuple[bool, ...],
) -> str:
    """The Markdown table: seconds per run and mode, then each earlier run's ratio to now."""
    mode_names = {False: "plain", True: "parsed once"}
    columns = [(label, once) for label in labels for once in modes]
    header = ["shape", "results"] + [
        mode_names[once] + ("" if label == "now" else f" at {label}") + " (s)"
        for label, once in columns
    ]
    header += [f"{mode_names[once]}: {label} / now" for label in labels[1:] for once in modes]
    lines = ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
    now = times[("now", modes[0])]
    totals = dict.fromkeys(columns, 0.0)
    for name in sorted(now):
        results = now[name][1]
        cells = [name, str(results)]
        for column in columns:
            seconds, found = times[column].get(name, (float("nan"), results))
            if found != results:
                raise SystemExit(f"{name}: {found} results at {column[0]}, {results} now")
            totals[column] += seconds
            cells.append(f"{seconds:.2f}")
        for label in labels[1:]:
            for once in modes:
                ratio = times[(label, once)].get(name, (float("nan"), 0))[0]
                cells.append(f"{ratio / times[('now', once)][name][0]:.1f}×")
        lines.append("| " + " | ".join(cells) + " |")
    cells = ["**all**", ""] + [f"{totals[column]:.1f}" for column in columns]
    cells += [
        f"{totals[(label, once)] / totals[('now', once)]:.1f}×"
        for label in labels[1:]
        for once in modes
    ]
    lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
