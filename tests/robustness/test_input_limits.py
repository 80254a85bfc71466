"""The size limit on one literal or IRI, both sides of it, and what a 50 MB literal costs.

``MAX_TERM_BYTES`` (8 MiB) holds for every RDF syntax and both commands: a term just under it is
read, validated and loaded; a term of that size or a 50 MB literal is one line of error, fast,
and the store is left as it was. Oxigraph's own parsers stop at 16 MiB with a MemoryError and
rdflib's N-Triples parser took minutes over one 50 MB line, so the limit is what makes a huge
literal an answer rather than a traceback or a wait.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import BNode, Graph

from cph_kg.rdf.documents import MAX_TERM_BYTES
from tests.helpers import CONFORMING, ROOT
from tests.robustness.hostile import (
    ENV,
    Loaded,
    assert_one_line_error,
    command,
    run,
    snapshot,
)

FIFTY_MB = 50 * 1000 * 1000
TOO_LONG = f"holds a literal or IRI of {MAX_TERM_BYTES // 2**20} MiB or more"
#: What the 50 MB literal may cost a load, as measured in a process of its own (README).
BUDGET_SECONDS, BUDGET_MIB = 30, 512


def with_literal(path: Path, size: int) -> Path:
    """The conforming convention and, in the same file, one literal of ``size`` bytes."""
    suffix = path.suffix
    literal = "x" * size
    if suffix == ".ttl":
        text = (
            CONFORMING.read_text("utf-8")
            + f'\n<http://example.org/a> <http://example.org/note> "{literal}" .\n'
        )
    elif suffix == ".nt":
        text = f'<http://example.org/a> <http://example.org/note> "{literal}" .\n'
    elif suffix == ".jsonld":
        text = json.dumps({"@id": "http://example.org/a", "http://example.org/note": literal})
    else:
        text = (
            '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
            ' xmlns:p="http://example.org/">\n<rdf:Description rdf:about="http://example.org/a">'
            f"<p:note>{literal}</p:note></rdf:Description>\n</rdf:RDF>\n"
        )
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.long  # a 50 MB literal
@pytest.mark.slow
@pytest.mark.parametrize("name", ["validate", "load"])
@pytest.mark.parametrize("suffix", [".ttl", ".nt", ".jsonld", ".rdf"])
def test_a_50_mb_literal_is_one_line_and_leaves_the_store(
    suffix: str, name: str, loaded_store: Loaded, tmp_path: Path
) -> None:
    path = with_literal(tmp_path / f"fifty-mb{suffix}", FIFTY_MB)
    store = loaded_store.copy(tmp_path) if name == "load" else tmp_path / "no-store"
    started = time.monotonic()
    result = run(*command(name, path, store))
    assert time.monotonic() - started < BUDGET_SECONDS
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, path, None, TOO_LONG)
    if name == "load":
        assert snapshot(store) == loaded_store.snapshot


def test_the_limit_itself_is_refused(loaded_store: Loaded, tmp_path: Path) -> None:
    path = with_literal(tmp_path / "at-the-limit.ttl", MAX_TERM_BYTES)
    store = loaded_store.copy(tmp_path)
    for name in ("validate", "load"):
        result = run(*command(name, path, store))
        assert_one_line_error(result.exit_code, result.stdout, result.stderr, path, None, TOO_LONG)
    assert snapshot(store) == loaded_store.snapshot


@pytest.mark.slow
def test_just_under_the_limit_is_validated_and_loaded(loaded_store: Loaded, tmp_path: Path) -> None:
    path = with_literal(tmp_path / "under-the-limit.ttl", MAX_TERM_BYTES - 1)
    validated = run("validate", path)
    assert validated.exit_code == 0, validated.stderr
    store = loaded_store.copy(tmp_path)
    loaded = run("load", "--location", store, path)
    assert loaded.exit_code == 0, loaded.stderr
    sizes, _ = snapshot(store)
    conventions = "https://w3id.org/cph-kg/graph/conventions"
    # the store already holds the convention: the literal is new, and so is every triple of a
    # blank node (the name a convention uses for a party), since each load makes fresh ones
    fresh = sum(1 for t in Graph().parse(CONFORMING) if any(isinstance(n, BNode) for n in t))
    assert sizes[conventions] == loaded_store.snapshot[0][conventions] + 1 + fresh


#: Runs cph-kg and writes the process's peak resident memory (VmHWM, in kB) to the file named by
#: the first argument. VmHWM belongs to the process's own memory map: unlike ``ru_maxrss`` it
#: does not count the test process a child is forked from.
PEAK = """
import atexit, runpy, sys
out = sys.argv.pop(1)
def peak():
    status = open("/proc/self/status").read()
    open(out, "w").write(status.split("VmHWM:")[1].split()[0])
atexit.register(peak)
sys.argv[0] = "cph-kg"
runpy.run_module("cph_kg", run_name="__main__")
"""


@pytest.mark.long  # a 50 MB literal
@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux's /proc")
def test_a_50_mb_literal_costs_little_time_and_memory(loaded_store: Loaded, tmp_path: Path) -> None:
    """``cph-kg load`` in a process of its own: its peak memory and time, within the budget."""
    path = with_literal(tmp_path / "fifty-mb.nt", FIFTY_MB)
    store = loaded_store.copy(tmp_path)
    peak = tmp_path / "peak"
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", PEAK, peak, "load", "--location", store, path],
        cwd=ROOT,
        env={**os.environ, **ENV},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    seconds, peak_mib = time.monotonic() - started, int(peak.read_text()) / 1024
    print(f"50 MB literal: load refused in {seconds:.1f} s, peak {peak_mib:.0f} MiB")
    assert_one_line_error(done.returncode, done.stdout, done.stderr, path, None, TOO_LONG)
    assert seconds < BUDGET_SECONDS
    assert peak_mib < BUDGET_MIB
    assert snapshot(store) == loaded_store.snapshot
