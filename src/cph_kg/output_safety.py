r"""Text that leaves cph-kg for a terminal or a spreadsheet cannot command either.

Literals come from strangers. Printed raw, ``\e]52;c;…\a`` writes the reader's clipboard, a CSI
sequence moves the cursor or recolours a line, and a newline or a bidirectional override in a
title can draw a fake "conforme" line in a report. A spreadsheet that opens a CSV file runs a
cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (``=cmd|' /C calc'!A0``).

- :func:`printable` is applied to every value a terminal shows (tables, the text report, error
  lines): control characters (C0, DEL, C1), line and paragraph separators and the
  bidirectional controls become visible escapes (``\x1b``, ``\u202e``); the value still reads.
- :func:`spreadsheet_cell` follows OWASP's rule for CSV injection: a cell that starts with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``, which spreadsheets
  show as text; :func:`from_spreadsheet_cell` takes exactly that quote off when the bulk format
  is read back, so a round trip keeps the value. ``--raw-csv`` writes values as they are.
"""

from __future__ import annotations

import re

#: What a terminal could take as a command or a line of its own.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
#: Cell starts a spreadsheet reads as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


#: Characters JSON leaves raw (it escapes only those below U+0020) that a terminal obeys.
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_safe(text: str) -> str:
    r"""JSON text with DEL, C1 controls, separators and bidi controls as ``\uXXXX`` escapes.

    They can only stand inside JSON strings, where the escape means the same character.
    """
    return _RAW_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


#: What a terminal obeys, but the line breaks and tabs that lay out a whole document.
_UNSAFE_IN_DOCUMENT = re.compile(
    "\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f"
    "\u202a-\u202e\u2066-\u2069\ufeff]"
)


def rdf_safe(text: str) -> str:
    r"""Turtle or N-Triples text with every character a terminal obeys as a ``\uXXXX`` escape.

    Such characters can only stand inside string literals or IRIs, where the escape means the
    same character: the triples are unchanged (rdflib writes an escape character raw).
    """
    return _UNSAFE_IN_DOCUMENT.sub(lambda match: f"\\u{ord(match.group()):04X}", text)


def terminal_safe(text: str) -> str:
    r"""A whole document (CSV, a table) for a terminal: controls shown as escapes (``\x1b``).

    Line breaks and tabs are kept, so the document keeps its layout; applied only to what goes
    to a terminal, since in a file the values must stay as they are.
    """
    return _UNSAFE_IN_DOCUMENT.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every character that could command a terminal written as an escape."""
    return _UNSAFE.sub(_escape, text)


_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _formula(value: str) -> bool:
    """Whether a spreadsheet would read ``value`` as a formula, or it is one behind quotes.

    Quotes before a formula start count, so that a value that itself starts with ``'=`` is
    quoted once more and reads back as it was.
    """
    rest = value.lstrip("'")
    return rest.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(rest)


def spreadsheet_cell(value: str) -> str:
    """A CSV cell a spreadsheet shows as text: a formula start gets a leading ``'``.

    A plain number (``-3``, ``+1.5e3``) is no formula and stays as it is.
    """
    return "'" + value if _formula(value) else value


def from_spreadsheet_cell(value: str) -> str:
    """The value :func:`spreadsheet_cell` wrote (the one quote it added taken off)."""
    return value[1:] if value.startswith("'") and _formula(value[1:]) else value
