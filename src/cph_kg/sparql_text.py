r"""Reading a SPARQL text without a full parser: its form, its WHERE group, SERVICE calls.

Strings, IRIs and comments are masked first (replaced by spaces of the same length), so a
keyword or a brace inside a literal, an IRI or a comment is never mistaken for code.

The checks that guard a store (:func:`calls_service`, :func:`operation`) would rather refuse
than miss: they also read the text with its codepoint escapes (``\u0041``) decoded, which
SPARQL 1.1 lets an engine do before parsing, and :func:`calls_service` reads it once more with
only strings and comments masked, since a ``<`` that is a less-than can pass for an IRI's start.
"""

from __future__ import annotations

import re

from rdflib.term import Node

_STRINGS = (
    r'"""(?:[^\\]|\\.)*?"""'
    r"|'''(?:[^\\]|\\.)*?'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
)
#: What is not SPARQL code: long and short strings, IRIs and comments.
_NOT_CODE = re.compile(_STRINGS + r'|<[^<>"{}|^`\\\s]*>' + r"|#[^\n]*", re.DOTALL)
#: Strings and comments only: IRIs left as they are.
_STRINGS_AND_COMMENTS = re.compile(_STRINGS + r"|#[^\n]*", re.DOTALL)
_FORM = re.compile(r"(?i)\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b")
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
#: The keyword SERVICE: not a variable (?service), a prefixed name (ex:service) or a part of one.
_SERVICE = re.compile(r"(?i)(?<![\w?$:@/#-])SERVICE(?=[\s<?$]|\Z)")
#: A BASE or PREFIX declaration, its IRI masked.
_PROLOGUE = re.compile(r"(?i)\s*(?:BASE\b|PREFIX\s+[^\s:]*:)")
#: The words that open a SPARQL 1.1 Update operation.
UPDATE_KEYWORDS = frozenset(
    ("INSERT", "DELETE", "DROP", "CLEAR", "CREATE", "COPY", "MOVE", "ADD", "LOAD", "WITH")
)


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


def unescape_codepoints(text: str) -> str:
    r"""``text`` with its ``\uXXXX`` and ``\UXXXXXXXX`` escapes decoded (SPARQL 1.1, 19.2)."""

    def decode(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group()

    return _CODEPOINT.sub(decode, text)


def _readings(text: str) -> list[str]:
    """The text as written, and with its codepoint escapes decoded if that changes it."""
    decoded = unescape_codepoints(text)
    return [text] if decoded == text else [text, decoded]


def query_form(text: str) -> str:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE`` (``SELECT`` if none is found)."""
    match = _FORM.search(mask(text))
    return match.group(1).upper() if match else "SELECT"


def operation(text: str) -> str:
    """The first keyword after the prologue, in capitals: ``SELECT``…, or ``INSERT``… for an update.

    A SPARQL request is a query or an update from its first keyword on; an update keyword found
    in either reading of the text wins. An empty string if there is no keyword.
    """
    words = []
    for reading in _readings(text):
        code, position = mask(reading), 0
        while (declaration := _PROLOGUE.match(code, position)) is not None:
            position = declaration.end()
        word = re.match(r"\s*([A-Za-z]+)", code[position:])
        words.append(word.group(1).upper() if word else "")
    return next((word for word in words if word in UPDATE_KEYWORDS), words[0])


def calls_service(text: str) -> bool:
    """Whether the query may use SERVICE (which would make the store reach the network).

    The keyword is looked for in the code (strings, IRIs and comments masked) and again with
    only strings and comments masked, in the text as written and with its escapes decoded.
    """
    return any(
        _SERVICE.search(masked) is not None
        for reading in _readings(text)
        for masked in (mask(reading), _STRINGS_AND_COMMENTS.sub(_blank, reading))
    )


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
    be one RDF term.
    """
    if not bound:
        return text
    variables = " ".join(f"?{name}" for name in bound)
    terms = " ".join(term.n3() for term in bound.values())
    start = where_group_start(text)
    return f"{text[:start]}\n  VALUES ({variables}) {{ ({terms}) }}\n{text[start:]}"


def nesting_depth(text: str) -> int:
    """How deeply groups, lists and expressions nest (``{``, ``(``, ``[``) in the code."""
    depth = deepest = 0
    for character in mask(text):
        if character in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif character in "})]":
            depth -= 1
    return deepest
