"""The embedded store's files beside RocksDB's: writer lock, write marker, log replay.

One writer at a time holds the lock; a write in progress is marked by a file; a reader waits
while a writer's long log is about to reach the tables rather than replay it.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import time
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from cph_kg.errors import CphKgError, one_line

_log = logging.getLogger(__name__)


LOCK_FILE = "cph-kg.lock"


#: The longest log of committed writes a reader replays rather than waits for a writer to
#: finish with. Opening a store, RocksDB replays into memory the writes its log holds that are
#: not yet in its tables, which a writer does at the end of each write (``flush``). Measured
#: on 2 busy cores (``tests/robustness/test_concurrency.py``): a 72 MB log took a reader 4.3 s
#: and 266 MiB, a 290 MB one 26 s and 990 MiB, a 600 MB one (40,000 conventions) 235 s and
#: 2.1 GiB. Below this limit a reader opens at once (about 2 s and 130 MiB at the limit).
MAX_REPLAY_BYTES = 32 * 1024 * 1024
#: How long a reader waits for a writer to put a longer log into tables before replaying it.
_MAX_REPLAY_WAIT = 600.0

_log = logging.getLogger(__name__)


def log_bytes(path: Path) -> int:
    """The size of the store's log of writes (RocksDB's ``*.log`` files)."""
    total = 0
    for log in path.glob("*.log"):
        with contextlib.suppress(OSError):  # the writer removes a log once it is in tables
            total += log.stat().st_size
    return total


def writer_holds(path: Path) -> bool:
    """Whether a process holds the store's writer lock now.

    Asked with a shared lock, taken and given back at once (a writer that asks in that instant
    tries again: :func:`hold_lock`).
    """
    try:
        handle = (path / LOCK_FILE).open("rb")
    except OSError:
        return False
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def wait_for_short_log(path: Path, limit: float = _MAX_REPLAY_WAIT) -> None:
    """Before opening ``path`` read-only: wait while a writer's long log is about to be tabled.

    A reader opened just after a large load committed, before the writer flushed it, took
    minutes and gigabytes replaying the log (see :data:`MAX_REPLAY_BYTES`); the writer's flush
    takes less, and afterwards the reader opens at once. A reader waits only for a cph-kg
    write (:data:`WRITING_FILE` is there from its start to its flush), not for the long-lived
    writer ``cph-kg serve --allow-update`` runs, whose log stays long between its flushes. A
    long log with no writer (one killed after committing) is replayed: nobody else will table
    it before the next writer opens.
    """
    deadline = time.monotonic() + limit
    told = False
    while (
        time.monotonic() < deadline
        and (path / WRITING_FILE).exists()
        and log_bytes(path) > MAX_REPLAY_BYTES
        and writer_holds(path)
    ):
        if not told:
            _log.warning(
                "cph-kg: waiting for the write in progress on %s to reach the store's tables",
                path,
            )
            told = True
        time.sleep(0.1)


def table_log(path: Path) -> None:
    """Put the writes a log holds into the store's tables (the caller holds the writer lock).

    Opening the store for writing recovers the log into tables; closing it keeps them.
    """
    try:
        ox.Store(str(path)).flush()
    except (OSError, RuntimeError) as error:
        raise CphKgError(f"cannot open store {path}: {one_line(error)}") from None


#: Present while a cph-kg write runs, from before its commit to the end of its flush.
WRITING_FILE = "cph-kg.writing"

#: How long a writer keeps asking for the lock before saying the store is busy: a reader
#: asking whether a writer is there (:func:`writer_holds`) holds it for an instant.
_LOCK_PATIENCE = 0.5


def hold_lock(path: Path) -> IO[bytes]:
    """Take the store's writer lock, or say who is in the way.

    One writer at a time: RocksDB forbids two, and a second ``cph-kg load`` is told the store is
    busy rather than queued behind the first. Readers do not take this lock (they open the store
    read-only, see :class:`ReadOnlyEmbeddedStore`), so they keep working during a write.
    ``cph-kg serve`` keeps the lock for as long as the server runs, so nobody writes under it.
    """
    handle = (path / LOCK_FILE).open("a+b")
    deadline = time.monotonic() + _LOCK_PATIENCE
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return handle
        except BlockingIOError:
            if time.monotonic() < deadline:
                time.sleep(0.05)
                continue
        handle.close()
        raise CphKgError(
            f"store {path} is busy: another cph-kg process is writing to it (or cph-kg serve "
            "holds it); reading still works, and a running server is queried with --endpoint"
        ) from None
