r"""What a SPARQL request may do before any store runs it: read, never call SERVICE, never crash.

Two readings decide, and a request runs only if both let it:

1. **Tokens.** :func:`tokens` splits the text the way Oxigraph's parser reads it: its codepoint
   escapes (``\u0041``) decoded first, over the whole text, then strings (every escape, long
   and short forms), IRIs, comments, variables, blank nodes, prefixed names with every escape
   a local name allows (``ex:a\#`` is one name, not a name and a comment), numbers, language
   tags, words and punctuation. From the tokens come the request's first keyword (an update is
   refused), how deeply it nests (Oxigraph's parser recurses: a few thousand levels crash the
   process, and rdflib's parser gives up after two dozen), and whether any word or prefix
   holds ``SERVICE``: Oxigraph matches its keywords without word boundaries, so
   ``SERVICEex:x { … }`` and ``?s ?p trueSERVICE<…> { … }`` are SERVICE calls to it.
2. **A parse.** rdflib's SPARQL parser builds the parse tree of the query; a
   ``ServiceGraphPattern`` anywhere in it is a SERVICE call, and a text it cannot parse is
   refused. It is a real parser, so it knows when ``<`` is an IRI and when a less-than
   (``FILTER(1<2)SERVICE?c#>`` calls ``?c``), which tokens alone cannot.

The parse costs a few milliseconds for a short query and up to 130 ms for the longest named
query, so its verdict is kept for each text (by digest) for the life of the process.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass

from pyparsing import ParseBaseException
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from cph_kg.errors import CphKgError, shown
from cph_kg.limits import MAX_QUERY_NESTING

#: The words that open a SPARQL 1.1 Update operation.
UPDATE_KEYWORDS = (
    "INSERT",
    "DELETE",
    "DROP",
    "CLEAR",
    "CREATE",
    "COPY",
    "MOVE",
    "ADD",
    "LOAD",
    "WITH",
)
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")

# --- the lexical grammar, as Oxigraph's SPARQL parser has it (spargebra, parser.rs) -----------

_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
)
_U = _BASE + "_"
_CHARS = _U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PREFIX = rf"[{_BASE}][{_CHARS}]*(?:\.+[{_CHARS}]+)*"
_LOCAL = rf"(?:[{_U}:0-9]|{_PLX})(?:[{_CHARS}:]|{_PLX})*(?:\.+(?:[{_CHARS}:]|{_PLX})+)?"
_ECHAR = r"""\\[tbnrf"'\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"""

_TOKEN = re.compile(
    "|".join(
        (
            r"(?P<space>[ \t\r\n]+)",
            r"(?P<comment>#[^\r\n]*)",
            r"(?P<iri><[^<>\"{}|^`\\\x00-\x20]*>)",
            rf"(?P<string>'''(?:(?:''|')?(?:[^'\\]|{_ECHAR}))*'''"
            rf'|"""(?:(?:""|")?(?:[^"\\]|{_ECHAR}))*"""'
            rf"|'(?:[^'\\\n\r]|{_ECHAR})*'"
            rf'|"(?:[^"\\\n\r]|{_ECHAR})*")',
            rf"(?P<variable>[?$][0-9{_U}][0-9{_U}\u00b7\u0300-\u036f\u203f-\u2040]*)",
            rf"(?P<blank>_:[0-9{_U}][{_CHARS}]*(?:\.+[{_CHARS}]+)*)",
            rf"(?P<name>(?P<prefix>{_PREFIX})?:(?:{_LOCAL})?)",
            r"(?P<language>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)",
            r"(?P<number>[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+"
            r"|[0-9]+[eE][+-]?[0-9]+|[0-9]*\.[0-9]+|[0-9]+)",
            r"(?P<word>[A-Za-z][A-Za-z0-9_]*)",
            r"(?P<punctuation>\^\^|<=|>=|!=|&&|\|\||<<|>>|\{\||\|\}|[{}()\[\].,;*+\-/!^|&=<>?~])",
        )
    )
)
_LONG_QUOTES = ("'''", '"""')
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_OPENERS = {"{": 1, "(": 1, "[": 1, "<<": 1, "{|": 1}
_CLOSERS = {"}": 1, ")": 1, "]": 1, ">>": 1, "|}": 1}


@dataclass(frozen=True)
class Token:
    """One token: its kind (a group name of the lexical grammar), its text and its offset."""

    kind: str
    text: str
    start: int


def decode_codepoints(text: str) -> str:
    r"""``text`` with every ``\uXXXX`` and ``\UXXXXXXXX`` decoded, as Oxigraph does first.

    SPARQL 1.1 (19.2) decodes them anywhere before parsing; Oxigraph decodes one even right
    after another backslash, and leaves one that is no Unicode scalar value as it is.
    """

    def decode(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group()

    return _CODEPOINT.sub(decode, text)


def tokens(text: str) -> Iterator[Token]:
    """The tokens of a SPARQL text (codepoint escapes decoded), spaces and comments left out.

    A character no token can start with is a :class:`CphKgError` naming its line: what cph-kg
    cannot read, it does not run. So is a long string never closed, which Oxigraph would read
    as an empty string followed by another (its strings are tried long form first).
    """
    decoded = decode_codepoints(text)
    position, end = 0, len(decoded)
    while position < end:
        match = _TOKEN.match(decoded, position)
        if match is not None and decoded.startswith(_LONG_QUOTES, position):
            found = match.group()
            if len(found) < 6 or found[-3:] != found[:3]:
                match = None  # Oxigraph would read two short strings: refused, not guessed
        if match is None:
            line = decoded.count("\n", 0, position) + 1
            what = (
                "a long string that is never closed"
                if decoded.startswith(_LONG_QUOTES, position)
                else f"unexpected {decoded[position]!r}"
            )
            raise CphKgError(f"SPARQL syntax error: line {line}: {what}")
        kind = match.lastgroup if match.lastgroup != "prefix" else "name"
        if kind not in ("space", "comment"):
            yield Token(kind or "", match.group(), position)
        position = match.end()


@dataclass(frozen=True)
class Reading:
    """What the tokens of a request say: its first keyword, its depth, a SERVICE word."""

    keyword: str
    depth: int
    service: str | None


def read(text: str) -> Reading:
    """Read a request's tokens once: keyword, deepest nesting, any word that could be SERVICE.

    An IRI may hold parentheses and brackets; where ``<`` turns out to be a less-than, they are
    code, so they count towards the depth the IRI stands at.
    """
    keyword, depth, deepest, service = "", 0, 0, None
    for token in tokens(text):
        if token.kind == "punctuation":
            if token.text in _OPENERS:
                depth += 1
                deepest = max(deepest, depth)
            elif token.text in _CLOSERS:
                depth = max(depth - 1, 0)
        elif token.kind == "iri":
            deepest = max(deepest, depth + _bracket_depth(token.text))
        elif token.kind in ("word", "name"):
            word = token.text if token.kind == "word" else token.text.partition(":")[0]
            if service is None and "service" in word.lower():
                service = token.text
            if token.kind == "word" and not keyword and word.upper() not in ("BASE", "PREFIX"):
                keyword = word.upper()
    return Reading(keyword, deepest, service)


def _bracket_depth(iri: str) -> int:
    depth = deepest = 0
    for character in iri:
        if character in "([":
            depth += 1
            deepest = max(deepest, depth)
        elif character in ")]":
            depth = max(depth - 1, 0)
    return deepest


class QueryRefused(CphKgError):
    """The guard refuses a query's text: the message is about the query, not the store."""


def check_query(text: str, allow_service: bool = False) -> None:
    """Refuse, with one line, a request that is not a query, nests too deeply or calls SERVICE.

    ``allow_service`` lets SERVICE through (an endpoint that federates, asked for explicitly);
    the other checks always hold. The verdict for a text is remembered (:data:`_VERDICTS`).
    """
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
    key = (digest, allow_service)
    with _LOCK:
        verdict = _VERDICTS.get(key)
        if verdict is not None:
            _VERDICTS.move_to_end(key)
    if verdict is None:
        verdict = _verdict(text, allow_service)
        with _LOCK:
            _VERDICTS[key] = verdict
            while len(_VERDICTS) > _REMEMBERED:
                _VERDICTS.popitem(last=False)
    if verdict:
        raise QueryRefused(verdict)


_REMEMBERED = 512
#: Verdicts by (digest of the text, allow_service): "" for a query that may run, else the error.
_VERDICTS: OrderedDict[tuple[bytes, bool], str] = OrderedDict()
_LOCK = threading.Lock()


def _verdict(text: str, allow_service: bool) -> str:
    try:
        reading = read(text)
    except CphKgError as error:
        return str(error)
    if reading.depth > MAX_QUERY_NESTING:
        return (
            f"the query nests {reading.depth} levels deep; more than {MAX_QUERY_NESTING} is "
            "refused (SPARQL parsers recurse and would run out of stack)"
        )
    update = next((word for word in UPDATE_KEYWORDS if reading.keyword.startswith(word)), None)
    if update is not None:
        return (
            f"{update} is a SPARQL update; a query only reads (SELECT, ASK, CONSTRUCT, "
            "DESCRIBE): write with cph-kg load"
        )
    if not reading.keyword.startswith(QUERY_FORMS):
        # the first word of whatever file was given: quoted, and cut if long
        found = shown(reading.keyword, 40) if reading.keyword else "nothing"
        return f"a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE, not {found}"
    if reading.service is not None and not allow_service:
        return (
            f"SERVICE is not allowed: {reading.service[:40]!r} may be read as SERVICE by the "
            "store (it would reach the network)"
        )
    try:
        tree = _parse(text)
    except ParseBaseException as error:
        return f"SPARQL syntax error: line {error.lineno}, column {error.col}: {error.msg}"
    except RecursionError:
        return "the query nests too deeply for the SPARQL parser"
    if not allow_service and _calls_service(tree):
        return "SERVICE is not allowed (it would reach the network)"
    return ""


#: One parse at a time: rdflib's grammar (pyparsing) is not thread-safe. Parsed by several
#: threads at its first use, its parse actions are wrapped wrongly for good, and every later
#: parse in the process fails (``tests/robustness/test_parser_threads.py``); ``cph-kg serve``
#: checks queries in one thread per request.
_PARSER = threading.Lock()


def _parse(text: str) -> object:
    """The parse tree rdflib makes of ``text``, in a thread of its own.

    The parser recurses; a new thread starts with no frames of its caller's, so how deep a
    query may nest does not depend on where it is checked from.
    """
    outcome: list[object] = []

    def run() -> None:
        try:
            with _PARSER:
                outcome.append(parseQuery(text))
        except (ParseBaseException, RecursionError) as error:
            outcome.append(error)

    worker = threading.Thread(target=run, name="cph-kg SPARQL check")
    worker.start()
    worker.join()
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def _calls_service(tree: object) -> bool:
    """Whether rdflib's parse tree holds a ``ServiceGraphPattern`` (walked without recursion)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                return True
            stack.extend(node.values())
        elif isinstance(node, list | tuple):
            stack.extend(node)
        elif hasattr(node, "as_list") and not isinstance(node, str):  # pyparsing results
            stack.extend(list(node))  # type: ignore[call-overload]  # iterable, untyped
    return False
