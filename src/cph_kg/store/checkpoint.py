"""All or nothing for writes Oxigraph cannot make in one transaction: a checkpoint to go back to.

Whole code graphs are written with Oxigraph's bulk loader (several times faster than a
transaction, and a transaction of millions of statements does not fit in memory), which is
not atomic. So before it runs, the embedded store is checkpointed (RocksDB's checkpoint: hard
links to its immutable files, a few milliseconds) into ``import-checkpoint/`` inside the store
folder, and a marker file says a write is under way. While the marker exists:

- readers open the checkpoint, the store as it was before the write, never the half-written one;
- a write that fails in the process puts the checkpoint back before the error is reported;
- a process killed during the write leaves the marker: the next opening for writing puts the
  checkpoint back first, so the write is undone whole.

Removing the marker is the commit. Each step can be interrupted and run again: the checkpoint
is complete before the marker is written, and stays until the marker is removed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Protocol

#: The store as it was before the write under way (a RocksDB checkpoint), inside the store.
CHECKPOINT = "import-checkpoint"
#: Present while a write that only a checkpoint makes atomic is under way.
MARKER = "import-under-way"
#: A checkpoint being made; it becomes :data:`CHECKPOINT` once complete.
_PARTIAL = "import-checkpoint.partial"


class _Checkpointable(Protocol):
    """What is needed of an open Oxigraph store."""

    def flush(self) -> None: ...

    def backup(self, target_directory: str) -> None: ...


def _under_way(store: Path) -> bool:
    """Whether a write is under way in ``store``, or was interrupted and not yet undone."""
    return (store / MARKER).exists()


def readable(store: Path) -> Path:
    """The folder a reader opens: the checkpoint while a write is under way, else the store."""
    return store / CHECKPOINT if _under_way(store) else store


def begin(store: Path, database: _Checkpointable) -> None:
    """Checkpoint the open ``database`` of ``store``, then mark the write as under way."""
    for leftover in (store / _PARTIAL, store / CHECKPOINT):
        shutil.rmtree(leftover, ignore_errors=True)  # of a write that committed or never began
    database.flush()
    database.backup(str(store / _PARTIAL))
    os.replace(store / _PARTIAL, store / CHECKPOINT)
    marker = store / MARKER
    with marker.open("wb") as handle:
        handle.write(b"a write is under way; import-checkpoint/ is the store before it\n")
        handle.flush()
        os.fsync(handle.fileno())
    _sync(store)


def commit(store: Path) -> None:
    """The write is complete: drop the marker (the commit), then the checkpoint."""
    (store / MARKER).unlink(missing_ok=True)
    _sync(store)
    shutil.rmtree(store / CHECKPOINT, ignore_errors=True)


def restore(store: Path, keep: frozenset[str]) -> bool:
    """Put the checkpoint back if a write was interrupted; whether it did.

    The store must be closed. Every file of the store folder but ``keep`` (the writer's lock)
    is replaced by the checkpoint's (hard links: nothing is copied), then the marker removed.
    """
    if not _under_way(store):
        for leftover in (store / _PARTIAL, store / CHECKPOINT):
            shutil.rmtree(leftover, ignore_errors=True)
        return False
    saved = store / CHECKPOINT
    for entry in store.iterdir():
        if entry.name not in keep | {MARKER, CHECKPOINT}:
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    for entry in saved.iterdir():
        os.link(entry, store / entry.name)
    _sync(store)
    commit(store)
    return True


def _sync(folder: Path) -> None:
    """Make the folder's entries (files created, renamed, removed) durable."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)
