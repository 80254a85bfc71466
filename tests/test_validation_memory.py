"""Memory the compiled checks freed goes back to the system where the C library allows it."""

from __future__ import annotations

import platform
import sys
from collections.abc import Iterator

import pytest

from cph_kg.validation import memory


@pytest.fixture
def fresh() -> Iterator[None]:
    """The C library looked up again, and again after the test (it is looked up once)."""
    memory._malloc_trim.cache_clear()
    yield
    memory._malloc_trim.cache_clear()


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_glibc_gives_freed_memory_back(fresh: None) -> None:
    assert memory.release_freed_memory() is True


def test_elsewhere_nothing_is_done(fresh: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    assert memory.release_freed_memory() is False


def test_a_c_library_without_malloc_trim_is_left_alone(
    fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Musl:
        """A C library as ctypes shows one without the function (musl)."""

        def __getattr__(self, name: str) -> None:
            raise AttributeError(name)

    monkeypatch.setattr(memory.ctypes, "CDLL", lambda _name: Musl())
    assert memory.release_freed_memory() is False
