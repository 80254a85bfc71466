"""Readers keep working while another process writes; two writers never both write.

Readers (``cph-kg query``, ``store info``, ``store export`` and ``KnowledgeGraph.open(path,
read_only=True)``) open the store read-only and take no lock; a writer takes the store's lock
for as long as it has the store open, and a second writer is told the store is busy. The tests
run ``cph-kg load`` as a real subprocess and watch the kernel's lock table (``/proc/locks``) to
know when it holds the store, so that "during the write" is observed, not assumed.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cph_kg.errors import CphKgError
from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.store.locking import LOCK_FILE
from tests.helpers import CONFORMING, CONVENTIONS, ROOT, free_port
from tests.robustness.stores import before_a_large_load

pytestmark = pytest.mark.slow  # loads of 6,000 conventions read and written beside each other

RHONE = CONVENTIONS / "conforming" / "rhone-2025.ttl"


def cph_kg(*args: object) -> list[str]:
    """The command line a user types, run with this Python."""
    return [sys.executable, "-m", "cph_kg", *(str(a) for a in args)]


def environment(store: Path) -> dict[str, str]:
    """The store through the environment, no endpoint."""
    return {**os.environ, "CPH_KG_STORE": str(store), "CPH_KG_ENDPOINT": ""}


def run(store: Path, *args: object) -> subprocess.CompletedProcess[str]:
    """Run ``cph-kg ARGS`` on ``store`` and wait for it."""
    return subprocess.run(
        cph_kg(*args),
        env=environment(store),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def start(store: Path, *args: object) -> subprocess.Popen[str]:
    """Start ``cph-kg ARGS`` on ``store`` in the background."""
    return subprocess.Popen(
        cph_kg(*args),
        env=environment(store),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def holds_lock(pid: int, store: Path) -> bool:
    """Whether process ``pid`` holds the store's writer lock now (read from ``/proc/locks``)."""
    lock = store / LOCK_FILE
    if not lock.exists():
        return False
    inode = lock.stat().st_ino
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        # "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF" (blocked waiters carry "->")
        if "->" in fields or len(fields) < 6 or fields[1] != "FLOCK":
            continue
        if fields[4] == str(pid) and fields[5].rsplit(":", 1)[-1] == str(inode):
            return True
    return False


def wait_for_lock(process: subprocess.Popen[str], store: Path) -> None:
    """Wait until ``process`` holds the store's lock (it is then writing)."""
    deadline = time.monotonic() + 60
    while not holds_lock(process.pid, store):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the writer never took the store's lock"
        time.sleep(0.01)


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict, dict]:
    """A store holding one convention, a large file to load, and the sizes before and after."""
    before, after, data, sizes_before = before_a_large_load(
        tmp_path_factory.mktemp("concurrency"), seed=7
    )
    assert run(after, "load", data).returncode == 0
    with KnowledgeGraph.open(after, read_only=True) as kg:
        sizes_after = kg.info()
    assert sizes_after != sizes_before
    return before, data, sizes_before, sizes_after


@pytest.mark.long  # beside a load of 6,000 conventions
def test_readers_see_before_or_after_while_a_load_writes(states, tmp_path: Path) -> None:
    """A CLI reader and an API reader loop while ``cph-kg load`` writes: all succeed."""
    before, data, sizes_before, sizes_after = states
    store = tmp_path / "store"
    shutil.copytree(before, store)
    query = ("query", "conventions-by-departement", "-o", "csv")
    info_before, query_before = run(store, "store", "info"), run(store, *query)
    assert info_before.returncode == 0 and query_before.returncode == 0

    cli_reads: list[tuple[bool, subprocess.CompletedProcess[str], ...]] = []
    api_reads: list[tuple[bool, dict[str, int]]] = []
    api_errors: list[str] = []
    writer = start(store, "load", data)
    wait_for_lock(writer, store)

    def cli_reader() -> None:
        while writer.poll() is None:
            during = holds_lock(writer.pid, store)
            cli_reads.append((during, run(store, "store", "info"), run(store, *query)))

    def api_reader() -> None:
        while writer.poll() is None:
            during = holds_lock(writer.pid, store)
            try:
                with KnowledgeGraph.open(store, read_only=True) as kg:
                    api_reads.append((during, kg.info()))
            except Exception as error:  # every failure is reported by the assertion below
                api_errors.append(repr(error))

    threads = [threading.Thread(target=cli_reader), threading.Thread(target=api_reader)]
    for thread in threads:
        thread.start()
    _, err = writer.communicate(timeout=300)
    for thread in threads:
        thread.join(timeout=300)
    assert writer.returncode == 0, err

    info_after, query_after = run(store, "store", "info"), run(store, *query)
    assert query_after.stdout != query_before.stdout
    assert api_errors == []
    for _, info, answer in cli_reads:
        assert info.returncode == 0 and answer.returncode == 0, (info.stderr, answer.stderr)
        assert info.stdout in (info_before.stdout, info_after.stdout)
        assert answer.stdout in (query_before.stdout, query_after.stdout)
    for _, sizes in api_reads:
        assert sizes in (sizes_before, sizes_after)
    # the reads did happen while the writer held the store, from both kinds of reader
    assert sum(during for during, *_ in cli_reads) >= 1, len(cli_reads)
    assert sum(during for during, _ in api_reads) >= 5, len(api_reads)
    print(f"reads during the load: {len(cli_reads)} CLI, {len(api_reads)} API")


@pytest.mark.long  # beside a load of 6,000 conventions
def test_a_second_writer_is_told_the_store_is_busy(states, tmp_path: Path) -> None:
    """While one load writes, another load and a clear exit 2 with one line; the store is intact."""
    before, data, _, sizes_after = states
    store = tmp_path / "store"
    shutil.copytree(before, store)
    writer = start(store, "load", data)
    wait_for_lock(writer, store)
    for args in (("load", RHONE), ("store", "clear", "--yes")):
        second = run(store, *args)
        assert second.returncode == 2, second
        assert second.stderr.count("\n") == 1 and "is busy" in second.stderr, second.stderr
    assert writer.wait(timeout=300) == 0
    writer.stdout.close()
    writer.stderr.close()
    with KnowledgeGraph.open(store, read_only=True) as kg:
        assert kg.info() == sizes_after  # the first load whole, nothing of the refused ones
    # and the store still takes writes
    assert run(store, "load", RHONE).returncode == 0


@pytest.mark.long  # beside a load of 6,000 conventions
def test_readers_work_beside_a_running_server(states, tmp_path: Path) -> None:
    """``cph-kg serve`` keeps the writer lock: queries still run, loads are busy."""
    before, *_ = states
    store = tmp_path / "store"
    shutil.copytree(before, store)
    expected = run(store, "query", "conventions-by-departement", "-o", "csv")
    server = start(store, "serve", "--port", free_port())
    try:
        wait_for_lock(server, store)
        answer = run(store, "query", "conventions-by-departement", "-o", "csv")
        assert answer.returncode == 0, answer.stderr
        assert answer.stdout == expected.stdout
        assert run(store, "store", "info").returncode == 0
        assert "is busy" in run(store, "load", RHONE).stderr
    finally:
        server.terminate()
        server.communicate(timeout=10)


def test_a_read_only_store_keeps_its_snapshot_and_refuses_writes(tmp_path: Path) -> None:
    """Opened read-only, the store shows the state it opened on, and writes are one-line errors."""
    store = tmp_path / "store"
    with KnowledgeGraph.open(store) as kg:
        kg.load([CONFORMING])
    reader = KnowledgeGraph.open(store, read_only=True)
    try:
        seen = reader.info()
        assert run(store, "load", RHONE).returncode == 0  # another process writes meanwhile
        assert reader.info() == seen
        assert len(reader.query("conventions-by-departement").rows) == 1
        # a query with a timeout runs in a process of its own, which reads the latest commit
        assert len(reader.query("conventions-by-departement", timeout=20).rows) == 2
        with pytest.raises(CphKgError, match="read-only"):
            reader.load([RHONE])
        with pytest.raises(CphKgError, match="read-only"):
            reader.clear()
    finally:
        reader.close()
    with KnowledgeGraph.open(store, read_only=True) as fresh:
        assert fresh.info() != seen
        assert len(fresh.query("conventions-by-departement").rows) == 2


def test_reading_a_missing_store_is_one_error(tmp_path: Path) -> None:
    with pytest.raises(CphKgError, match="no store at"):
        KnowledgeGraph.open(tmp_path / "nothing", read_only=True)
    assert not (tmp_path / "nothing").exists()  # a reader creates nothing


class _CompactedUnder:
    """An Oxigraph store whose first reads fail as when the writer removed a table meanwhile."""

    def __init__(self, store, failures: int) -> None:
        self.store, self.failures = store, failures

    def __getattr__(self, name: str):
        if self.failures:
            self.failures -= 1
            raise OSError(
                "IO error: While open a file for random read: 000043.sst: No such file or directory"
            )
        return getattr(self.store, name)


@pytest.mark.parametrize("read", ["graph_sizes", "query", "dump"])
def test_a_read_that_meets_a_removed_file_reopens_and_reads_again(
    tmp_path: Path, read, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the loop above met once in CI: ``store info`` beside a compaction, a traceback."""
    with KnowledgeGraph.open(tmp_path / "store") as kg:
        kg.load([CONFORMING])
        expected = kg.info()
    with KnowledgeGraph.open(tmp_path / "store", read_only=True) as kg:
        store = kg.store
        store._store = _CompactedUnder(store._store, failures=1)  # reopened: a real store
        if read == "graph_sizes":
            assert kg.info() == expected
        elif read == "query":
            assert store.query("ASK { ?s ?p ?o }").value is True
        else:
            output = io.BytesIO()
            store.dump(output, "nquads")
            assert output.getvalue().count(b"\n") == sum(expected.values())
        # a file that stays missing however often the store is reopened: one error, no loop
        monkeypatch.setattr(store, "_open", lambda: None)
        store._store = _CompactedUnder(store._store, failures=10)
        with pytest.raises(CphKgError, match=r"cannot read store .*No such file or directory"):
            store.graph_sizes()


_LEAVE_A_LOG = """
import os, sys, pyoxigraph as ox
store = ox.Store(sys.argv[1])
graph = ox.NamedNode("https://example.org/graph/late")
store.extend(
    ox.Quad(ox.NamedNode(f"https://example.org/s{i}"), ox.NamedNode("https://example.org/p"),
            ox.Literal(str(i)), graph)
    for i in range(int(sys.argv[2]))
)
os._exit(0)  # committed, never flushed: the writes are in the log only
"""


def _leave_a_log(store: Path, quads: int) -> None:
    """Commit ``quads`` to ``store`` and stop before they reach its tables (as at a commit)."""
    subprocess.run([sys.executable, "-c", _LEAVE_A_LOG, store, str(quads)], check=True)


def test_a_reader_waits_for_a_writer_to_table_a_long_log(tmp_path: Path, monkeypatch) -> None:
    """A reader opened at a large load's commit point replayed its log: minutes, gigabytes.

    Measured at 40,000 conventions: a 600 MB log, 235 s and 2.1 GiB per reader (README,
    Reliability). Now, while a writer holds the store with a log past
    ``store.MAX_REPLAY_BYTES``, the reader waits for the writer to table it, then opens at once.
    The limit is lowered here so that a small log stands for a large one.
    """
    from cph_kg.store import locking as store_module

    path = tmp_path / "store"
    with KnowledgeGraph.open(path) as kg:
        kg.load([CONFORMING])
    _leave_a_log(path, 2000)
    assert store_module.log_bytes(path) > 50_000
    monkeypatch.setattr(store_module, "MAX_REPLAY_BYTES", 10_000)
    writer = store_module.hold_lock(path)  # a cph-kg write, about to flush
    assert store_module.writer_holds(path)
    started = time.monotonic()
    with KnowledgeGraph.open(path, read_only=True):  # not a cph-kg write (serve): no wait
        assert time.monotonic() - started < 1.4
    (path / store_module.WRITING_FILE).touch()

    def writer_finishes() -> None:
        time.sleep(1.5)
        store_module.table_log(path)
        (path / store_module.WRITING_FILE).unlink()
        writer.close()

    finishing = threading.Thread(target=writer_finishes)
    finishing.start()
    started = time.monotonic()
    with KnowledgeGraph.open(path, read_only=True) as kg:
        waited = time.monotonic() - started
        sizes = kg.info()
    finishing.join()
    assert waited >= 1.4, waited  # it waited for the writer...
    assert store_module.log_bytes(path) < 10_000  # ...which tabled the log: nothing to replay
    assert sizes["https://example.org/graph/late"] == 2000


def test_a_long_log_without_a_writer_is_read(tmp_path: Path, monkeypatch) -> None:
    """A writer killed after its commit leaves a long log and no lock: a reader replays it.

    Nobody would table it before the next writer opens the store, so waiting would not help;
    ``cph-kg serve`` tables it (:func:`cph_kg.store.locking.table_log`) before its server starts.
    """
    from cph_kg.store import locking as store_module

    path = tmp_path / "store"
    with KnowledgeGraph.open(path) as kg:
        kg.load([CONFORMING])
    _leave_a_log(path, 2000)
    monkeypatch.setattr(store_module, "MAX_REPLAY_BYTES", 10_000)
    started = time.monotonic()
    with KnowledgeGraph.open(path, read_only=True) as kg:
        assert kg.info()["https://example.org/graph/late"] == 2000
    assert time.monotonic() - started < 5
    store_module.table_log(path)
    assert store_module.log_bytes(path) < 10_000
