"""Two ways of loading a code import into Oxigraph, timed side by side (issue 16).

*chunked* is the import as cph-kg runs it (``KnowledgeGraph.import_codes``: pyoxigraph's
``Store.bulk_load`` on each chunk of 250,000 statements, on threads beside the reading). Each
chunk's sorted files enter RocksDB at level 0 and overlap everything stored, so RocksDB merges
them again and again (``benchmarks/README.md``, "LEGI codes"). *pipe* hands the same N-Quads, as
the importer makes them, to the ``oxigraph load`` command on its standard input: one bulk load,
atomic (its files enter RocksDB once, at the end), in a process of its own. ``--preload LIB``
runs that process with another allocator (``LD_PRELOAD``, e.g. Debian's
``/usr/lib/x86_64-linux-gnu/libmimalloc.so.2``): a third of the loader's time went to glibc's
``malloc`` and ``free`` under ``perf``.

Each path runs in a fresh process into a fresh store; a row gives the seconds until the store is
written and closed, the CPU seconds of the Python process and of the ``oxigraph`` process, and
the statements the code graphs hold afterwards (the same on every path)::

    python -m benchmarks.loader_paths DIR [--paths chunked,pipe,pipe-preload] [--preload LIB]
        [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.measure import machine

PATHS = ("chunked", "pipe", "pipe-preload")


def code_statements(store: Path) -> int:
    """The statements of the code graphs of the store at ``store`` (opened read-only)."""
    import pyoxigraph as ox

    from cph_kg.codes.importer import codes_graph

    prefix = codes_graph("").value
    query = (
        "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?g), "{prefix}")) }}'
    )
    (row,) = ox.Store.read_only(str(store)).query(query)
    return int(row[0].value)


def oxigraph_command() -> str:
    """The ``oxigraph`` command installed beside this Python (the ``oxigraph`` package)."""
    return str(Path(sys.executable).parent / "oxigraph")


def child(path: str, corpus: Path, store: Path, preload: str | None) -> dict[str, float | int]:
    """In this process: import ``corpus`` into a fresh ``store`` along ``path``."""
    started = time.perf_counter()
    if path == "chunked":
        from cph_kg.knowledge_graph import KnowledgeGraph

        with KnowledgeGraph.open(store) as kg:
            triples = kg.import_codes([corpus]).triples
    else:
        from cph_kg.codes.importer import Builder, Stated, stream
        from cph_kg.rdf import bundled

        builder = Builder(Stated.of(bundled.graphs().values()))
        env = dict(os.environ)
        if path == "pipe-preload" and preload:
            env["LD_PRELOAD"] = preload
        command = [oxigraph_command(), "load", "--location", str(store)]
        loader = subprocess.Popen(
            [*command, "--format", "nq", "--lenient"],
            stdin=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        assert loader.stdin is not None
        with loader.stdin:
            for part in builder.parts(stream([corpus])):
                if isinstance(part, bytes):
                    loader.stdin.write(part)
        if loader.wait() != 0:
            raise SystemExit(f"oxigraph load failed (exit code {loader.returncode})")
        triples = builder.summary.triples
    seconds = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF)
    loader_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "seconds": seconds,
        "python_cpu": own.ru_utime + own.ru_stime,
        "loader_cpu": loader_usage.ru_utime + loader_usage.ru_stime,
        "triples": triples,
        "stored": code_statements(store),
    }


def measure(path: str, corpus: Path, store: Path, preload: str | None) -> dict[str, float | int]:
    """One path, in a fresh process."""
    arguments = [sys.executable, "-m", "benchmarks.loader_paths", "--child", path]
    arguments += [str(corpus), str(store), preload or ""]
    out = subprocess.run(arguments, check=True, capture_output=True, text=True).stdout
    result: dict[str, float | int] = json.loads(out.splitlines()[-1])
    return result


def main() -> None:
    """Each path asked for, ``--rounds`` times in turn, one row each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, nargs="?", help="a corpus folder (LEGI, linked…)")
    parser.add_argument("--paths", default="chunked,pipe", help=f"of {', '.join(PATHS)}")
    parser.add_argument("--preload", help="a shared library for the oxigraph process")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        path, corpus, store, preload = args.child
        print(json.dumps(child(path, Path(corpus), Path(store), preload or None)))
        return
    if args.corpus is None:
        parser.error("a corpus folder is needed")
    paths = [p for p in args.paths.split(",") if p]
    unknown = sorted(set(paths) - set(PATHS))
    if unknown:
        parser.error(f"unknown path(s) {', '.join(unknown)}; known: {', '.join(PATHS)}")
    print(f"Measured on {machine()}.\n")
    print("| round | path | statements | stored | seconds | Python CPU (s) | loader CPU (s) |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(1, args.rounds + 1):
            for path in paths:
                store = Path(tmp) / f"{path}-{round_}"
                r = measure(path, args.corpus, store, args.preload)
                print(
                    f"| {round_} | {path} | {r['triples']:,} | {r['stored']:,} "
                    f"| {r['seconds']:.2f} | {r['python_cpu']:.1f} | {r['loader_cpu']:.1f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
