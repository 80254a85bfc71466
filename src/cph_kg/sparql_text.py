"""Editing a named query's text: its prefixes, its WHERE group, a VALUES block for parameters.

Strings, IRIs and comments are masked first (replaced by spaces of the same length), so a
keyword or a brace inside a literal, an IRI or a comment is never mistaken for code. This is
for placing text in the project's own queries; what a query may do before a store runs it is
decided by :mod:`cph_kg.sparql_guard`, from tokens and a parse.
"""

from __future__ import annotations

import re

from rdflib.term import Node

from cph_kg.errors import CphKgError
from cph_kg.sparql_guard import QUERY_FORMS, read

_STRINGS = (
    r'"""(?:[^\\]|\\.)*?"""'
    r"|'''(?:[^\\]|\\.)*?'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
)
#: What is not SPARQL code: long and short strings, IRIs and comments.
_NOT_CODE = re.compile(_STRINGS + r'|<[^<>"{}|^`\\\s]*>' + r"|#[^\n]*", re.DOTALL)
_FORM = re.compile(r"(?i)\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b")


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group())


def mask(text: str) -> str:
    """``text`` with strings, IRIs and comments blanked out, offsets unchanged."""
    return _NOT_CODE.sub(_blank, text)


def mask_comments(text: str) -> str:
    """``text`` with comments blanked out (strings and IRIs kept), offsets unchanged."""
    return _NOT_CODE.sub(
        lambda match: _blank(match) if match.group().startswith("#") else match.group(), text
    )


def query_form(text: str) -> str:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE`` (``SELECT`` if none is found).

    Read from the query's tokens, as the store's parser reads them.
    """
    try:
        keyword = read(text).keyword
    except CphKgError:
        return "SELECT"
    return next((form for form in QUERY_FORMS if keyword.startswith(form)), "SELECT")


def where_group_start(text: str) -> int:
    """The offset just after the ``{`` that opens the query's top-level WHERE group."""
    code = mask(text)
    form = _FORM.search(code)
    position = form.end() if form else 0
    depth = 0
    for match in re.finditer(r"(?i)\bWHERE\b|[{}]", code[position:]):
        token = match.group().upper()
        if token == "WHERE" and depth == 0:
            brace = code.find("{", position + match.end())
            if brace >= 0:
                return brace + 1
        elif token == "{":
            if depth == 0 and not (form and form.group(1).upper() == "CONSTRUCT"):
                return position + match.end()
            depth += 1
        elif token == "}":
            depth -= 1
            if depth == 0 and form and form.group(1).upper() == "CONSTRUCT":
                brace = code.find("{", position + match.end())
                if brace >= 0:
                    return brace + 1
    raise ValueError("no WHERE group found in the query")


def bind_values(text: str, bound: dict[str, Node]) -> str:
    """Bind variables with a VALUES block at the start of the top-level WHERE group.

    Placed there, the block is joined with the rest of the group, so FILTERs and BINDs of the
    group see the values (a VALUES clause after the query would be joined only at the end).
    Each term is serialised by rdflib (quotes and escapes included): user input can only ever
    be one RDF term. One block per variable: Virtuoso 7.2 fails to compile some queries given
    one block of several variables (``ssg_print_rvr_fixed_val(): no SPART_VARR_FIXED``), and
    single-row blocks join to the same one solution.
    """
    if not bound:
        return text
    blocks = "".join(f"\n  VALUES ?{name} {{ {term.n3()} }}" for name, term in bound.items())
    start = where_group_start(text)
    return f"{text[:start]}{blocks}\n{text[start:]}"
