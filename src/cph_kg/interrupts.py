"""Ctrl-C as the command line honours it: before a commit the work stops, during one it finishes.

Python raises ``KeyboardInterrupt`` wherever the main thread happens to be. Where that is a
weak-reference callback or a finaliser (rdflib and Oxigraph's bindings create many), Python
prints "Exception ignored in …" with a traceback and carries on: a ``cph-kg load`` interrupted
in its first seconds then committed the whole load and exited 0. So the command line's handler
also *remembers* the interrupt: a write about to commit looks at that memory
(:func:`commit_point`) and stops, and the command line exits 130 when a swallowed interrupt is
still pending once the command returns. During the commit itself (:func:`deferred`) an interrupt
is only remembered, and the write finishes: the store is then "after", and the command goes on
to report it. Either way the store is as before or as after, never between.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType

_pending = False
_deferring = False


def _on_interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGINT: remember it, and raise it unless a commit is under way."""
    global _pending
    _pending = True
    if not _deferring:
        raise KeyboardInterrupt


def _unraisable(hook: object) -> object:
    """An unraisable-exception hook that keeps a swallowed Ctrl-C quiet (it is remembered)."""

    def quiet(unraisable: object) -> None:
        if not isinstance(getattr(unraisable, "exc_value", None), KeyboardInterrupt):
            hook(unraisable)  # type: ignore[operator]

    return quiet


@contextlib.contextmanager
def handled() -> Iterator[None]:
    """Handle SIGINT as described above while the block runs, then put back what was there.

    Only in the main thread (signals go there), and not where Ctrl-C is ignored (``nohup``, a
    background job). What was there is put back, so a program or a test runner that runs
    commands in its own process keeps its own handlers.
    """
    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or previous is signal.SIG_IGN:
        yield
        return
    global _pending
    _pending = False
    hook = sys.unraisablehook
    signal.signal(signal.SIGINT, _on_interrupt)
    sys.unraisablehook = _unraisable(hook)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        sys.unraisablehook = hook
        _pending = False  # acted on by now; writes outside a command never see it


def pending() -> bool:
    """Whether Ctrl-C was pressed and not yet acted on (it may have been swallowed)."""
    return _pending


def commit_point() -> None:
    """Raise ``KeyboardInterrupt`` if Ctrl-C was pressed: a write about to commit stops here."""
    if _pending:
        raise KeyboardInterrupt


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Commit under this: a Ctrl-C is remembered, not raised, until the commit has ended.

    The interrupt that arrives during the commit is then forgotten: the write is whole, and
    the command reports it as done.
    """
    global _deferring, _pending
    commit_point()
    _deferring = True
    try:
        yield
    finally:
        _deferring = False
        _pending = False
