"""Validation at scale: cph-kg's compiled engine against pySHACL and Jena, in the same run.

For each size N the generator (``tests/generate.py``, 30 % faulty conventions, a fault on every
clause) writes N conventions to an N-Triples file; then, each in a fresh process so that peak
memory is its own:

- **cph-kg**: the file parsed into Oxigraph with the law (``Collection.from_files``), the
  compiled shapes run (``Validator.validate_collection``), the report rendered as JSON
  (``render.as_json``, what ``cph-kg validate --output json`` prints);
- **pySHACL** (the baseline): the same file and the same law parsed by rdflib, each convention's
  ``cph:evaluatedOn`` day added (the point-in-time shapes need it; computed as cph-kg does), then
  ``pyshacl.validate`` on the whole graph without inference, and its report serialised as
  Turtle. It runs at every size up to ``--baseline-up-to`` (10,000), however long it takes;
  above, only when the rate measured at the previous size predicts less than five minutes, and
  the table says when it was skipped.

- **Jena** (Apache Jena 4.5's SHACL, Debian's ``libapache-jena-java``): the same shapes file,
  and one N-Triples file holding the same conventions, the law and each convention's day (Jena
  takes one data file; writing it is not timed), then ``shacl validate`` as a user runs it, its
  Java virtual machine's start included; peak memory is the Java process's. Skipped, with the
  reason, where Java or the jars are missing. A run longer than ``--jena-budget`` seconds (540 by
  default, so that one size fits in a ten-minute hold of a shared machine) is stopped and
  reported as a lower bound ("> 540 s"), its ratio too; ``--jena-budget 0`` leaves Jena out.

Every engine prints its results as (focus, shape, severity, value) tuples; the benchmark checks
they are the same multiset ("identical" columns). Separately it times the whole command a user
runs (``cph-kg validate FILE --output json``, interpreter start included), one convention
validated by a warm validator, and ``cph-kg --help``. The ratio against Jena compares whole
commands: that one, and Jena's ``shacl validate``.

``--against REV`` also runs the cph-kg of another commit (its files taken with ``git archive``,
its package put first on the path) on the same files, right after this checkout's, in a row of
its own that says whether its results are the same: a before/after in one run.

Run from the repository root::

    python -m benchmarks.validation                       # N = 100, 1,000, 10,000, 50,000
    python -m benchmarks.validation --sizes 100,1000 --seed 2
    python -m benchmarks.validation --sizes 50000 --jena-budget 0 --against 45cd0c8

The Markdown report goes to standard output, progress to standard error.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import datetime
from pathlib import Path

from benchmarks.measure import machine, peak_rss_kib
from cph_kg import java
from tests.generate import generate

ROOT = Path(__file__).resolve().parents[1]
CONFORMING = ROOT / "data" / "conventions" / "conforming" / "gironde-2019.ttl"
#: The baseline is skipped at a size when it would take longer than this.
BASELINE_BUDGET = 300.0
#: A child process that takes longer than this is stopped.
CHILD_TIMEOUT = 3600.0
#: Jena's command is stopped after this many seconds, and reported as a lower bound.
JENA_BUDGET = 540.0


# --- the two engines, each run in a child process -----------------------------------------


def run_cph_kg(path: Path) -> dict:
    """cph-kg's own path: parse into Oxigraph, compiled shapes, JSON report."""
    started = time.perf_counter()
    from cph_kg.validation import render
    from cph_kg.validation.collection import Collection
    from cph_kg.validation.validator import Validator

    validator = Validator()
    validator.engine  # noqa: B018 - the shapes are compiled once per validator, timed here
    validator.law_quads  # noqa: B018
    ready = time.perf_counter()
    collection = Collection.from_files([path])
    parsed = time.perf_counter()
    outcome = validator.validate_collection(collection)
    validated = time.perf_counter()
    report = render.as_json(outcome, "fr")
    reported = time.perf_counter()
    return {
        "setup": ready - started,
        "parse": parsed - ready,
        "validate": validated - parsed,
        "report": reported - validated,
        "report_bytes": len(report),
        "conventions": len(outcome.conventions),
        "results": _keys((f.focus, f.shape, f.severity.value, f.value) for f in outcome.results),
    }


def run_pyshacl(path: Path) -> dict:
    """The baseline: pySHACL on the whole graph, no inference."""
    started = time.perf_counter()
    import pyoxigraph as ox
    from pyshacl import validate
    from rdflib import RDF, SH, XSD, Graph, Literal

    from cph_kg import resources
    from cph_kg.namespaces import CPH
    from cph_kg.validation.point_in_time import assess, governing_texts, xsd_date
    from cph_kg.validation.readings import reading

    shapes, ontology, law = Graph(), Graph(), Graph()
    for graph, files in (
        (shapes, resources.shapes_files()),
        (ontology, resources.ontology_files()),
        (law, resources.legal_data_files()),
    ):
        for file in files:
            graph.parse(file, format="turtle")
    ready = time.perf_counter()
    data = Graph()
    data.parse(path, format="nt")
    # the ontology beside the data, as Jena gets it, not as ont_graph: pySHACL deep-clones each
    # owl:NamedIndividual of an ont_graph ten levels down without memory (30 s, whatever the size)
    data += law
    data += ontology
    # the run data cph-kg adds: each convention's day and the reading, each centre's day
    # the point-in-time rules and the readings read the law from an Oxigraph store, as cph-kg does
    legal = ox.Store()
    for file in resources.legal_data_files():
        legal.load(path=file, format=ox.RdfFormat.TURTLE)
    texts, applied = governing_texts(legal), reading(legal).iri
    for convention in list(data.subjects(RDF.type, CPH.ConventionDeCooperation)):
        signed = data.value(convention, CPH.dateOfConclusion)
        valid = isinstance(signed, Literal) and signed.datatype == XSD.date
        day = assess(xsd_date(str(signed)) if valid else None, texts).day
        data.add((convention, CPH.evaluatedOn, Literal(day)))
        data.add((convention, CPH.readingApplied, applied))
    today = Literal(assess(None, texts).day)
    for centre in list(data.subjects(RDF.type, CPH.CentreProvisoireHebergement)):
        data.add((centre, CPH.evaluatedOn, today))
    parsed = time.perf_counter()
    _, report, _ = validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    validated = time.perf_counter()
    text = report.serialize(format="turtle")
    reported = time.perf_counter()
    results = [
        (
            report.value(r, SH.focusNode),
            report.value(r, SH.sourceShape),
            report.value(r, SH.resultSeverity),
            report.value(r, SH.value),
        )
        for r in report.objects(None, SH.result)
    ]
    return {
        "setup": ready - started,
        "parse": parsed - ready,
        "validate": validated - parsed,
        "report": reported - validated,
        "report_bytes": len(text),
        "conventions": len(set(data.subjects(RDF.type, CPH.ConventionDeCooperation))),
        "results": _keys(results),
    }


def jena_data(path: Path, target: Path) -> None:
    """One N-Triples file for Jena: the conventions, the ontology and law, and the run data.

    Parsed by Oxigraph (rdflib would take longer than Jena's whole run); the run data (each
    convention's day and the reading applied, each centre's day) is added by the SPARQL update
    the README gives other engines, ``tools/sparql/evaluated-on.ru``.
    """
    import pyoxigraph as ox

    from cph_kg import resources

    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    for law in [*resources.ontology_files(), *resources.legal_data_files()]:
        store.load(path=str(law), format=ox.RdfFormat.TURTLE)
    store.update((ROOT / "tools" / "sparql" / "evaluated-on.ru").read_text(encoding="utf-8"))
    ox.serialize(
        (ox.Triple(q.subject, q.predicate, q.object) for q in store),
        output=str(target),
        format=ox.RdfFormat.N_TRIPLES,
    )


def run_jena(path: Path, budget: float = JENA_BUDGET) -> dict:
    """Jena's ``shacl validate`` on the shapes file and one data file, timed as a command.

    Stopped after ``budget`` seconds: the figures then say ``stopped`` and the time is a lower
    bound.
    """
    from rdflib import SH, Graph

    from cph_kg import resources

    shapes = resources.shapes_files()
    assert len(shapes) == 1, "Jena reads one shapes file: merge them first"
    data = path.with_suffix(".jena.nt")
    jena_data(path, data)
    report_file = path.with_suffix(".jena-report.ttl")
    command = [java.java(), "-cp", java.jena_classpath(), "shacl.shacl", "validate"]
    command += ["--shapes", str(shapes[0]), "--data", str(data)]
    started = time.perf_counter()
    errors_file = path.with_suffix(".jena-errors.txt")
    stopped = False
    with report_file.open("wb") as out, errors_file.open("wb") as errors:
        process = subprocess.Popen(command, stdout=out, stderr=errors)
        peak = 0
        while process.poll() is None:
            peak = max(peak, _java_peak_kib(process.pid))
            if time.perf_counter() - started > budget:
                process.kill()
                stopped = True
            time.sleep(0.05)
    elapsed = time.perf_counter() - started
    if stopped:
        return {"total": budget, "peak_kib": peak, "results": None, "stopped": True}
    if process.returncode != 0:
        raise RuntimeError(errors_file.read_text(errors="replace")[-2000:])
    report = Graph().parse(report_file, format="turtle")
    fields = (SH.focusNode, SH.sourceShape, SH.resultSeverity, SH.value)
    results = [tuple(report.value(r, p) for p in fields) for r in report.objects(None, SH.result)]
    return {"total": elapsed, "peak_kib": peak, "results": _keys(results)}


def _java_peak_kib(pid: int) -> int:
    """The high-water mark of a running process's resident memory (0 once it has gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    peaks = [line for line in status.splitlines() if line.startswith("VmHWM:")]
    return int(peaks[0].split()[1]) if peaks else 0


def jena_missing() -> str | None:
    """Why Jena cannot run here, or None."""
    try:
        java.java()
        java.jena_classpath()
    except java.JavaUnavailable as missing:
        return str(missing)
    return None


def _keys(results) -> list[str]:
    return sorted(" ".join(str(term) for term in result) for result in results)


def child(engine: str, path: Path, jena_budget: float = JENA_BUDGET) -> None:
    """Run one engine on one file and print its figures as JSON (the parent reads them)."""
    if engine == "jena":
        figures = run_jena(path, jena_budget)
    else:
        figures = {"cph-kg": run_cph_kg, "pyshacl": run_pyshacl}[engine](path)
    figures.setdefault("peak_kib", peak_rss_kib())
    print(json.dumps(figures))


def measure(
    engine: str,
    path: Path,
    timeout: float = CHILD_TIMEOUT,
    jena_budget: float = JENA_BUDGET,
    root: Path = ROOT,
) -> dict | None:
    """An engine's figures on ``path``, from a fresh process; None when it overran.

    ``root`` is the tree whose code runs: this checkout, or another commit's (``--against``).
    """
    environment = None
    if root != ROOT:  # its own package and benchmark, before the installed ones
        environment = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "src"), str(root)])}
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.validation",
                "--child",
                engine,
                str(path),
                "--jena-budget",
                str(jena_budget),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
            cwd=root,
            env=environment,
        )
    except subprocess.TimeoutExpired:
        return None
    return json.loads(done.stdout.splitlines()[-1])


def commit_tree(revision: str, target: Path) -> Path:
    """The files of ``revision`` (``git archive``) in ``target``, to run its cph-kg."""
    archive = subprocess.run(
        ["git", "archive", revision], cwd=ROOT, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


# --- what a user waits for ------------------------------------------------------------------


def command_seconds(arguments: list[str], repeat: int = 1) -> float:
    """Median wall time of a ``cph-kg`` command, interpreter start included."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "cph_kg", *arguments],
            capture_output=True,
            check=False,
            cwd=ROOT,
        )
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def single_convention_ms(repeat: int = 30) -> tuple[float, float]:
    """p50 and p95 (nearest rank) of validating one convention with a warm validator."""
    from cph_kg.validation.validator import Validator

    validator = Validator()
    validator.validate_files([CONFORMING])  # warm: law parsed, shapes compiled
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        validator.validate_files([CONFORMING])
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)]


# --- the report -----------------------------------------------------------------------------


def row(n: int, engine: str, figures: dict | None, note: str = "") -> str:
    """One line of the table."""
    if figures is None:
        return f"| {n:,} | {engine} | — | — | — | — | — | {note} |"
    if figures.get("stopped"):  # a command stopped at its budget: a lower bound
        return (
            f"| {n:,} | {engine} | — | — | — | **> {figures['total']:.0f}** "
            f"| > {figures['peak_kib'] / 1024:,.0f} | < {n / figures['total']:,.0f} "
            f"| stopped after {figures['total']:.0f} s |"
        )
    if "total" in figures:  # a whole command: no phases
        return (
            f"| {n:,} | {engine} | — | — | — | **{figures['total']:.2f}** "
            f"| {figures['peak_kib'] / 1024:,.0f} | {n / figures['total']:,.0f} |"
        )
    total = figures["parse"] + figures["validate"] + figures["report"]
    return (
        f"| {n:,} | {engine} | {figures['parse']:.2f} | {figures['validate']:.2f} "
        f"| {figures['report']:.2f} | **{total:.2f}** | {figures['peak_kib'] / 1024:,.0f} "
        f"| {n / total:,.0f} |"
    )


def main(argv: list[str] | None = None) -> None:
    """Measure every size, then print the Markdown report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000,50000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--baseline-up-to",
        type=int,
        default=10_000,
        help="run pySHACL at every size up to this one (default 10000)",
    )
    parser.add_argument(
        "--jena-budget",
        type=float,
        default=JENA_BUDGET,
        help="stop Jena after this many seconds and report a lower bound; 0 leaves Jena out",
    )
    parser.add_argument(
        "--against",
        metavar="REV",
        help="also run the cph-kg of commit REV on the same files, right after this one's",
    )
    parser.add_argument("--child", nargs=2, metavar=("ENGINE", "FILE"), help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.child:
        child(arguments.child[0], Path(arguments.child[1]), arguments.jena_budget)
        return
    sizes = [int(size) for size in arguments.sizes.split(",")]
    no_jena = "not asked (--jena-budget 0)" if arguments.jena_budget <= 0 else jena_missing()

    lines = [
        f"Measured {datetime.now():%Y-%m-%d %H:%M} on {machine()}.",
        "",
        "| N | engine | parse (s) | validate (s) | report (s) | total (s) | peak (MiB) "
        "| conventions/s |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    summary = []
    baseline_rate: float | None = None  # seconds per convention of pySHACL, once measured
    with tempfile.TemporaryDirectory() as work:
        other = None
        if arguments.against:
            other = commit_tree(arguments.against, Path(work) / "against")
        for n in sizes:
            path = Path(work) / f"conventions-{n}.nt"
            path.write_text(generate(n, arguments.seed), encoding="utf-8")
            print(f"N={n:,}: cph-kg…", file=sys.stderr)
            fast = measure("cph-kg", path)
            assert fast is not None
            if other is not None:
                print(f"N={n:,}: cph-kg at {arguments.against}…", file=sys.stderr)
                before = measure("cph-kg", path, root=other)
                assert before is not None
                same = "same results" if before["results"] == fast["results"] else "results DIFFER"
                lines.append(row(n, f"cph-kg at {arguments.against} ({same})", before))
            print(f"N={n:,}: cph-kg validate (command)…", file=sys.stderr)
            command = command_seconds(["validate", str(path), "--output", "json"])
            slow, note = None, ""
            if n > arguments.baseline_up_to and (
                baseline_rate is None or baseline_rate * n > BASELINE_BUDGET
            ):
                expected = f"{baseline_rate * n / 60:.0f} min expected" if baseline_rate else ""
                note = f"skipped ({expected or 'not asked'})"
            else:
                print(f"N={n:,}: pySHACL…", file=sys.stderr)
                slow = measure("pyshacl", path)
                if slow is None:
                    note = f"stopped after {CHILD_TIMEOUT:.0f} s"
                else:
                    baseline_rate = (slow["parse"] + slow["validate"] + slow["report"]) / n
            jena = None
            if no_jena is None:
                print(f"N={n:,}: Jena…", file=sys.stderr)
                jena = measure("jena", path, jena_budget=arguments.jena_budget)
            lines.append(row(n, "cph-kg", fast))
            lines.append(row(n, "pySHACL", slow, note))
            lines.append(row(n, "Jena (command)", jena, f"not run: {no_jena}" if no_jena else ""))
            fast_total = fast["parse"] + fast["validate"] + fast["report"]
            same = "—" if slow is None else ("yes" if slow["results"] == fast["results"] else "NO")
            ratio = (
                "—"
                if slow is None
                else f"{(slow['parse'] + slow['validate'] + slow['report']) / fast_total:.0f}×"
            )
            jena_same = (
                "—"
                if jena is None or jena.get("stopped")
                else ("yes" if jena["results"] == fast["results"] else "NO")
            )
            jena_ratio = (
                "—"
                if jena is None
                else f"{'> ' if jena.get('stopped') else ''}{jena['total'] / command:.1f}×"
            )
            summary.append(
                f"| {n:,} | {len(fast['results']):,} | {same} | {jena_same} | {ratio} "
                f"| {jena_ratio} | {command:.2f} | {1000 * fast_total / n:.3f} |"
            )
    lines += [
        "",
        "| N | results | identical (pySHACL) | identical (Jena) | pySHACL ÷ cph-kg "
        "| Jena command ÷ `cph-kg validate` command | `cph-kg validate` command (s) "
        "| cph-kg ms per convention |",
        "|---:|---:|---|---|---:|---:|---:|---:|",
        *summary,
    ]
    p50, p95 = single_convention_ms()
    help_seconds = command_seconds(["--help"], repeat=5)
    lines += [
        "",
        f"One convention, warm validator: p50 {p50:.1f} ms, p95 {p95:.1f} ms. "
        f"`cph-kg --help`: {help_seconds:.2f} s (median of 5). Not in the table: each "
        f"process's setup (imports, reading the law and the shapes, compiling them), "
        f"{fast['setup']:.2f} s for cph-kg"
        + (f", {slow['setup']:.2f} s for pySHACL" if slow else "")
        + " at the last size; the command column includes it.",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
