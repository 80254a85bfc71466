"""A code import is all or nothing, though Oxigraph's bulk loader is not.

The import writes from a checkpoint (:mod:`cph_kg.store.checkpoint`): a failure in the process, or a
process killed half-way, leaves the store as it was before the import, and a reader opening the
store during the import sees it as it was.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from cph_kg.codes import importer
from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.store.checkpoint import CHECKPOINT, MARKER
from cph_kg.store.embedded import ReadOnlyEmbeddedStore
from tests.helpers import ROOT

pytestmark = pytest.mark.slow  # imports, and a process killed half-way through one

SAMPLE = ROOT / "data" / "samples" / "legi"
CRPA = ROOT / "data" / "samples" / "legi" / "LEGITEXT000031366350.json"


class _FailingStore:
    """An Oxigraph store whose bulk load writes its statements, then fails (a disk full, say)."""

    def __init__(self, store: object) -> None:
        self._store = store

    def bulk_load(self, *args: object, **kwargs: object) -> None:
        self._store.bulk_load(*args, **kwargs)  # type: ignore[attr-defined]
        raise OSError("No space left on device")

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)


@pytest.fixture
def imported(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """A store holding the CRPA of the LEGI sample, and its graph sizes."""
    corpus = tmp_path / "crpa"
    corpus.mkdir()
    (corpus / CRPA.name).write_bytes(CRPA.read_bytes())
    location = tmp_path / "store"
    with KnowledgeGraph.open(location) as kg:
        kg.import_codes([corpus])
        sizes = kg.info()
    return location, sizes


def _left_behind(location: Path) -> list[str]:
    return sorted(p.name for p in location.iterdir() if p.name.startswith("import-"))


def test_a_completed_import_leaves_no_checkpoint(imported: tuple[Path, dict[str, int]]) -> None:
    location, sizes = imported
    assert _left_behind(location) == []
    assert sizes["https://w3id.org/cph-kg/graph/codes/crpa"] > 0


def test_an_import_failing_half_way_leaves_the_store_as_it_was(
    imported: tuple[Path, dict[str, int]],
) -> None:
    location, before = imported
    with KnowledgeGraph.open(location) as kg:
        kg.store._store = _FailingStore(kg.store._store)  # type: ignore[attr-defined]
        with pytest.raises(Exception, match="No space left on device"):
            kg.import_codes([SAMPLE])  # four codes written, then the failure
        assert kg.info() == before
    assert _left_behind(location) == []
    with KnowledgeGraph.open(location) as kg:
        assert kg.info() == before


KILLED = """
import os, sys
from pathlib import Path
from cph_kg.knowledge_graph import KnowledgeGraph

class Dying:
    def __init__(self, store):
        self._store = store
    def bulk_load(self, *args, **kwargs):
        self._store.bulk_load(*args, **kwargs)
        self._store.flush()
        os._exit(9)  # killed once the graphs are written, before the commit
    def __getattr__(self, name):
        return getattr(self._store, name)

kg = KnowledgeGraph.open(Path(sys.argv[1]))
kg.store._store = Dying(kg.store._store)
kg.import_codes([Path(sys.argv[2])])
"""


def test_an_import_killed_half_way_is_undone_and_never_read(
    imported: tuple[Path, dict[str, int]],
) -> None:
    location, before = imported
    # the killed process cannot remove its temporary statement files: they go to tmp_path
    killed = subprocess.run(
        [sys.executable, "-c", KILLED, str(location), str(SAMPLE)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "TMPDIR": str(location.parent)},
    )
    assert killed.returncode == 9, killed.stderr
    # half written: the marker and the checkpoint are there
    assert _left_behind(location) == [CHECKPOINT, MARKER]
    # a reader sees the store before the import, not the half-written one
    reader = ReadOnlyEmbeddedStore(location)
    assert reader.graph_sizes() == before
    reader.close()
    # the next opening for writing puts the checkpoint back
    with KnowledgeGraph.open(location) as kg:
        assert kg.store.recovered  # type: ignore[attr-defined]
        assert kg.info() == before
    assert _left_behind(location) == []


def test_an_import_stopped_while_reading_leaves_the_store_as_it_was(
    imported: tuple[Path, dict[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while the corpus is read, chunks already loaded and graphs already dropped."""
    location, before = imported
    monkeypatch.setattr(importer, "CHUNK_STATEMENTS", 100)
    loaded: list[int] = []
    seen: list[object] = []

    def stop(record: object) -> None:
        seen.append(record)
        if len(seen) == 300:
            raise KeyboardInterrupt

    with KnowledgeGraph.open(location) as kg:
        kg.store._store = _Counting(kg.store._store, loaded)  # type: ignore[attr-defined]
        with pytest.raises(KeyboardInterrupt):
            kg.import_codes([SAMPLE, location.parent / "crpa"], progress=stop)
        assert len(loaded) > 2  # chunks were loaded before the interrupt
        assert kg.info() == before
    assert _left_behind(location) == []


def test_an_import_in_small_chunks_gives_the_same_graphs(
    imported: tuple[Path, dict[str, int]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks of 100 statements, loaded two at a time, make the graphs one chunk makes."""
    location, _ = imported
    with KnowledgeGraph.open(location) as kg:
        kg.import_codes([SAMPLE])
        whole = _code_quads(kg)
    monkeypatch.setattr(importer, "CHUNK_STATEMENTS", 100)
    with KnowledgeGraph.open(tmp_path / "chunked") as kg:
        summary = kg.import_codes([SAMPLE])
        assert _code_quads(kg) == whole
    assert summary.triples > 10 * 100


class _Counting:
    """An Oxigraph store that counts its bulk loads in ``loads``."""

    def __init__(self, store: object, loads: list[int]) -> None:
        self._store = store
        self._loads = loads

    def bulk_load(self, *args: object, **kwargs: object) -> None:
        self._loads.append(1)
        self._store.bulk_load(*args, **kwargs)  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)


def _code_quads(kg: KnowledgeGraph) -> set[str]:
    """The statements of the code graphs, as N-Quads lines (they hold no blank node)."""
    store = kg.store._store  # type: ignore[attr-defined]
    return {
        str(quad)
        for quad in store
        if isinstance(quad.graph_name, ox.NamedNode) and "/graph/codes/" in quad.graph_name.value
    }
