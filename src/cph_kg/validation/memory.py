"""Giving the memory a validation has freed back to the system, where the C library allows it.

Oxigraph evaluates the compiled checks in Rust, in worker threads, and its allocations go
through the C library's ``malloc``. With glibc, what a query frees stays in its thread's arena:
the process keeps it, and Python's later allocations (the findings, the report) cannot reuse
it, so a run's peak was the queries' memory *plus* the report's (at 10,000 conventions, 48 MiB
of 283 MiB were such freed memory, measured). glibc's ``malloc_trim`` hands it back. Other C
libraries (macOS, musl) have no such function and are left as they are.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """The C library's ``malloc_trim`` (glibc), or None where it has none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None).malloc_trim  # the process's own C library
    except (OSError, AttributeError):
        return None


def release_freed_memory() -> bool:
    """Return memory freed in the C library's arenas to the system; False if it cannot."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
