"""Names as the directories write them, made comparable.

DILA writes "de Gironde", "de la Gironde", "Côte d'Or" and "Côte-d'Or" for the same places, and
France Travail "DT AUBE-HAUTE-MARNE" in capitals without accents. Two names are the same place
when their :func:`key` is equal: accents, case, hyphens, spaces and apostrophes do not count, nor
the preposition and article in front ("de la", "du", "d'", "La").
"""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-‐–—'’]+")
_PREPOSITIONS = (("de", "la"), ("de", "l"), ("des",), ("du",), ("de",), ("d",))
_ARTICLES = (("la",), ("le",), ("les",), ("l",))
_DESTINATION = re.compile(r"(\d{5})\s+(.+?)(?:\s+cedex(?:\s+\d+)?)?\s*$", re.IGNORECASE)


def fold(text: str) -> str:
    """``text`` without accents, in lower case, its words separated by single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SEPARATORS.sub(" ", plain.casefold()).strip()


def _strip(words: list[str], heads: tuple[tuple[str, ...], ...]) -> list[str]:
    for head in heads:
        if tuple(words[: len(head)]) == head and len(words) > len(head):
            return words[len(head) :]
    return words


def key(name: str) -> str:
    """The comparable form of a place name: folded, without leading preposition or article."""
    words = _strip(_strip(fold(name).split(), _PREPOSITIONS), _ARTICLES)
    return " ".join(words)


def without_preposition(name: str) -> str:
    """``name`` as written, without the preposition in front ("du Pays Basque" → "Pays Basque")."""
    match = re.match(r"(?i)(de la |de l['’]|des |du |de |d['’])(?=\S)", name.strip())
    return name.strip()[match.end() :] if match else name.strip()


def slug(name: str) -> str:
    """An IRI segment for a name: folded words joined by hyphens ("Côte d'Opale" → cote-d-opale)."""
    return fold(without_preposition(name)).replace(" ", "-")


def mailing_destination(address: str) -> tuple[str, str] | None:
    """The postal code and folded town a mailing address ends with, "Cedex" dropped.

    ``"2 rue d'Iéna, CS 50005, 59895 Lille Cedex 9"`` → ``("59895", "lille")``; ``None`` when the
    address does not end with a postal code and a town.
    """
    last = address.rsplit(",", 1)[-1].strip()
    match = _DESTINATION.match(last)
    return (match.group(1), fold(match.group(2))) if match else None
