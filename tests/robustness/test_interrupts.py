"""Ctrl-C leaves the store and the output files as they were before, or whole after.

A Ctrl-C in a load's first seconds used to land in a weak-reference callback, where Python
prints "Exception ignored … KeyboardInterrupt" with a traceback and goes on: the load then
committed and exited 0. :mod:`cph_kg.interrupts` remembers the interrupt and a write stops at
its commit point.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import URIRef

from cph_kg import interrupts
from cph_kg.knowledge_graph import KnowledgeGraph
from tests.helpers import CONFORMING, ROOT
from tests.robustness.stores import before_a_large_load


class _SwallowsCtrlC:
    """An object whose finaliser meets Ctrl-C: Python reports it as unraisable and goes on."""

    def __del__(self) -> None:
        signal.raise_signal(signal.SIGINT)


@pytest.fixture
def cli_interrupts():
    """The command line's SIGINT handling, in this process, undone afterwards.

    Run under ``nohup`` or as a shell's background job, the test process inherits SIGINT
    ignored, and :func:`interrupts.handled` rightly leaves it so; the tests stand for a command
    typed in a terminal, so SIGINT gets Python's default handler first, and it is put back after.
    """
    inherited = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with interrupts.handled():
            yield
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        assert not interrupts.pending()  # a write after the command is not stopped
    finally:
        signal.signal(signal.SIGINT, inherited)


def test_a_swallowed_ctrl_c_stops_the_load_before_its_commit(cli_interrupts, tmp_path) -> None:
    with KnowledgeGraph.open(tmp_path / "store") as kg:
        kg.load([CONFORMING])
        before = kg.info()
        _SwallowsCtrlC()  # finalised at once: the KeyboardInterrupt is swallowed there
        assert interrupts.pending()
        with pytest.raises(KeyboardInterrupt):
            kg.load([CONFORMING], graph=URIRef("https://example.org/graph/second"))
        assert kg.info() == before


def _run(command: list[str], store: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "cph_kg", *command],
        cwd=ROOT,
        env={**os.environ, "CPH_KG_STORE": str(store), "CPH_KG_ENDPOINT": ""},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture(scope="module")
def load_states(tmp_path_factory: pytest.TempPathFactory):
    """A store, a file to load into it, the sizes before and after, and the load's duration."""
    work = tmp_path_factory.mktemp("interrupts")
    before, after, data, sizes_before = before_a_large_load(work, seed=5)
    started = time.monotonic()
    done = _run(["load", str(data)], after)
    _, stderr = done.communicate(timeout=300)
    assert done.returncode == 0, stderr
    duration = time.monotonic() - started
    with KnowledgeGraph.open(after, create=False) as kg:
        sizes_after = kg.info()
    return before, after, data, sizes_before, sizes_after, duration


@pytest.mark.long  # Ctrl-C rounds during a load of 6,000 conventions
@pytest.mark.slow
def test_ctrl_c_during_a_load_leaves_before_or_after(load_states, tmp_path: Path) -> None:
    """SIGINT at moments spread over a real ``cph-kg load`` (its first seconds included).

    Exit 130 and the store before, or exit 0 and after; never a traceback.
    """
    before, _, data, sizes_before, sizes_after, duration = load_states
    outcomes = set()
    for share in (0.15, 0.5):
        store = tmp_path / f"store-{share}"
        shutil.copytree(before, store)
        process = _run(["load", str(data)], store)
        time.sleep(duration * share)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=120)
        assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
        with KnowledgeGraph.open(store, create=False) as kg:
            sizes = kg.info()
        if process.returncode == 130:
            assert stderr.strip().splitlines()[-1] == "cph-kg: interrupted", stderr
            assert sizes == sizes_before, share
        else:
            assert process.returncode == 0, stderr
            assert sizes == sizes_after, share
        outcomes.add(process.returncode)
    assert 130 in outcomes, outcomes


def _wait_for_the_partial_file(output: Path, process: subprocess.Popen[str]) -> None:
    """Return once the export writes its partial file beside ``output``, or has ended.

    A fixed delay sent the signal before the interpreter had started cph-kg on a loaded
    machine, so the test measured Python's start-up rather than an export.
    """
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if any(path.name.endswith(".partial") for path in output.parent.iterdir()):
            return
        time.sleep(0.01)


# A long run: a Ctrl-C round on the export of the store of 6,000 conventions the load rounds
# above make (generating and loading them: 9 to 18 s on two busy cores), which only long runs
# need otherwise.
@pytest.mark.long
@pytest.mark.slow
def test_ctrl_c_during_an_export_leaves_the_old_file(load_states, tmp_path: Path) -> None:
    _, after, _, _, _, _ = load_states
    output = tmp_path / "out" / "store.nq"
    output.parent.mkdir()
    output.write_text("the old export\n", encoding="utf-8")
    process = _run(["store", "export", "--format", "nquads", "--out", str(output)], after)
    _wait_for_the_partial_file(output, process)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert "Traceback" not in stderr, stderr
    if process.returncode == 130:
        assert output.read_text(encoding="utf-8") == "the old export\n"
    else:
        assert process.returncode == 0 and output.stat().st_size > 1_000_000
    assert [path.name for path in output.parent.iterdir()] == ["store.nq"]  # no partial left
