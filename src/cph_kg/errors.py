"""Errors a user can act on.

The command line prints these as one line and exits with code 2; anything else escaping is a
bug in cph-kg, not a user mistake, and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path

from cph_kg.output_safety import printable


def shown(value: object, width: int = 60) -> str:
    """``value`` quoted on one line for an error message (its ``repr``), cut if it is long.

    An error line quotes a value, never a whole file: past ``width`` characters the quote is cut
    and says how long the value was.
    """
    text = repr(value)
    if len(text) <= width:
        return text
    if isinstance(value, str):
        return f"{value[:width]!r}… ({len(value)} characters)"
    return f"{text[:width]}… ({len(text)} characters)"


def one_line(error: BaseException) -> str:
    """An engine's or the system's message on one line (Oxigraph's can span several)."""
    return " ".join(str(error).split()) or type(error).__name__


class CphKgError(Exception):
    """A user-facing error whose message fits on one line."""


class QueryTimedOut(CphKgError):
    """A query was stopped at the timeout it was given (a caller may report it and go on)."""


class InputError(CphKgError):
    """A file the user gave cannot be used: missing, empty, malformed or of the wrong kind."""

    def __init__(self, path: Path | str, problem: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.problem = " ".join(problem.split())
        self.line = line
        shown = printable(str(self.path))  # a newline in a file name stays on the line
        where = f"{shown}:{line}" if line is not None else shown
        super().__init__(f"{where}: {self.problem}")
