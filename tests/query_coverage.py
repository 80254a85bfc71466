"""Which named queries the tests run, so that a query without a test is noticed.

Test modules decorate their tests with :func:`exercises`; ``test_queries`` compares the
names recorded with the files of ``queries/``.
"""

from __future__ import annotations

from collections.abc import Callable

EXERCISED: set[str] = set()


def exercises(*names: str) -> Callable:
    """Record that the decorated test runs these named queries."""

    def mark(test: Callable) -> Callable:
        EXERCISED.update(names)
        return test

    return mark
