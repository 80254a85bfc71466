"""A query waited for in the command line stops at a Ctrl-C that Python swallowed, too.

Python swallows a KeyboardInterrupt raised in a finaliser (:mod:`cph_kg.interrupts` remembers
it); a query with no end, started after or running during such an interrupt, must not keep the
command running: the wait looks at the remembered interrupt.
"""

from __future__ import annotations

import threading
import time

import pytest

from cph_kg import interrupts
from cph_kg.store.querying import interruptible


def _swallowed() -> None:
    """A Ctrl-C as a finaliser swallows it: remembered, never raised."""
    interrupts._deferring = True
    try:
        interrupts._on_interrupt(2, None)
    finally:
        interrupts._deferring = False


def test_a_swallowed_interrupt_before_the_query_stops_it_unstarted() -> None:
    started = threading.Event()
    with interrupts.handled():
        _swallowed()
        with pytest.raises(KeyboardInterrupt):
            interruptible(started.set)
    assert not started.is_set()


def test_a_swallowed_interrupt_during_the_query_stops_the_wait() -> None:
    endless = threading.Event()
    with interrupts.handled():
        threading.Timer(0.3, _swallowed).start()
        begun = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            interruptible(lambda: endless.wait(30))
        assert time.monotonic() - begun < 2
    endless.set()


def test_without_an_interrupt_the_answer_comes_back() -> None:
    with interrupts.handled():
        assert interruptible(lambda: 42) == 42
