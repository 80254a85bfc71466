"""Find the citations of other articles in an article's plain text.

The corpora without hyperlinks (etalab) only say "l'article L. 349-2", "au 2° du II de l'article
L. 313-11 du code de l'entrée et du séjour…", "des articles R. 311-19 à R. 311-23". This module
turns such phrases into :class:`~cph_kg.codes.model.Citation` records (``method="text"``).

It is built for precision rather than recall, because a wrong edge in the graph is worse than a
missing one:

- an article number is attributed to the citing code only when nothing names another text after
  it; a number followed by "de la loi…", "du décret…", "de l'ordonnance…" (a text that is not a
  code) is skipped, and so is a bare number ("l'article 3") unless a code follows it
  ("l'article 373-2 du code civil");
- "du même code", "dudit code", "de ce code" and a bare "du code" take the code last named
  before them, and are skipped when none was;
- a range "R. 311-19 à R. 311-23" cites its two ends only: the articles in between are not
  known from the text;
- the provision ("II, 2°", outermost first) is kept when a single chain of I/II…, 1°/2°… and
  a)/b)… precedes "de l'article"; alinéas are not provisions here, and a list of provisions
  ("aux I et II de l'article…") gives the article without a provision;
- a reference to a subdivision of the citing article itself ("au I", "mentionnés au 2° du II",
  "au 3° du présent article") has ``number=None``; a bare item ("au 1°") is skipped, since it
  may belong to any of the article's I, II…; so is one that a list carries on to another
  article ("le 1° du I et le a du 3° du II de l'article…"), and, in an article that amends or
  adapts another ("est ainsi modifié", "remplacés par"), any not followed by "du présent
  article", since there "le II" is most often the amended article's.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from .identifiers import article_number, code_for_name
from .model import Citation

_APOS = "['’]"
_SUFFIX = r"(?:\s(?:bis|ter|quater|quinquies|sexies|septies|octies|nonies|decies)\b)"

#: An article number: "L. 349-2", "R.311-24", "D 338-23", "L. 553-14 bis"; bare "373-2" too
#: (only kept when a code is named after it).
_NUMBER = rf"(?:(?:[LRD]\s?\.?\s?\*?\s?)?\d+(?:-\d+)*(?![\d°-]){_SUFFIX}?)"
#: Between two numbers of a list; "à" makes a range.
_SEPARATOR = r"(?:\s*,\s*(?:et\s+|ou\s+)?|\s+et\s+|\s+ou\s+|\s+à\s+)"

#: One part of a provision: a roman "II" (maybe "II bis"), an item "2°", a letter "a)".
_ROMAN = rf"(?:X{{0,3}}(?:IX|IV|V?I{{1,3}}|V)|X{{1,3}}){_SUFFIX}?(?![\w°])"
_ITEM = rf"\d+\s?°{_SUFFIX}?"
_LETTER = r"[a-z]\)?"
#: A chain, innermost first as French writes it: "a du 2° du II". At most five parts (French
#: law writes three or four): unbounded, "1° du 1° du …" cost quadratic time, 25 s for 48 kB.
_CHAIN = rf"(?:(?:{_LETTER}|{_ITEM})\s+du\s+){{0,4}}(?:{_ROMAN}|{_ITEM})"

#: Codes named in the corpora (and common ones), longest first so "code du travail applicable
#: à Mayotte" wins over "code du travail".
_CODE_NAMES = sorted(
    (
        "code de l'action sociale et des familles",
        "code de l'entrée et du séjour des étrangers et du droit d'asile",
        "code de la sécurité sociale",
        "code du travail applicable à Mayotte",
        "code du travail",
        "code civil",
        "code pénal",
        "code de procédure pénale",
        "code de procédure civile",
        "code de la santé publique",
        "code de l'éducation",
        "code général des collectivités territoriales",
        "code général des impôts",
        "code de la construction et de l'habitation",
        "code rural et de la pêche maritime",
        "code rural",
        "code des pensions militaires d'invalidité et des victimes de la guerre",
        "code des pensions militaires d'invalidité et des victimes de guerre",
        "code des pensions civiles et militaires de retraite",
        "code des marchés publics",
        "code monétaire et financier",
        "code du sport",
        "code du patrimoine",
        "code du tourisme",
        "code de la consommation",
        "code de justice administrative",
        "code de justice militaire",
        "code de commerce",
        "code électoral",
        "code des juridictions financières",
        "code des douanes",
        "code de la sécurité intérieure",
        "code de la défense",
        "code de l'organisation judiciaire",
        "code de l'urbanisme",
        "code de l'environnement",
        "code des transports",
        "code de la route",
        "code des assurances",
        "code de la mutualité",
        "code du service national",
        "code de la recherche",
        "code général de la propriété des personnes publiques",
        "code des postes et des communications électroniques",
        "code de l'aviation civile",
        "code de la famille et de l'aide sociale",
    ),
    key=len,
    reverse=True,
)
_KNOWN_CODE = "|".join(re.escape(n).replace("'", _APOS).replace(r"\ ", r"\s+") for n in _CODE_NAMES)
#: A code cph-kg has no name for: "code" and the words of its complement, kept short.
_OTHER_CODE = rf"code\s+(?:de\s+la|de\s+l{_APOS}|du|des|de)\s*[\wéèêàâîôûç-]+"

#: What may follow a list of numbers to say whose articles they are.
_QUALIFIER = re.compile(
    rf"""
    ,?\s*(?:
        (?P<present>du\s+présent\s+code\b)
      | (?P<same>(?:du\s+même|dudit|de\s+ce(?:\s+même)?)\s+code\b)
      | du\s+(?P<name>{_KNOWN_CODE}|{_OTHER_CODE})\b
      | (?P<bare>du\s+code\b)
      | (?P<text>(?:de\s+la|de\s+l{_APOS}|du|des|de|de\s+cette|de\s+ce|dudit|de\s+ladite)\s*
            (?:même\s+|présente?\s+)?
            (?:loi|ordonnance|décret|règlement|directive|convention|traité|arrêté|accord
              |protocole|annexe|constitution|charte|pacte|délibération|circulaire)\b)
    )
    """,
    re.VERBOSE,
)

ARTICLES = re.compile(
    rf"""
    (?:(?<!,\s)(?<!\bet\s)(?<!\bou\s)(?<!\bà\s)(?<![\w°])
        (?P<provision>{_CHAIN})\s+de\s+(?=l{_APOS}))?
    (?P<keyword>(?:(?<![\w])(?i:l){_APOS}\s?)?(?<![\w.])(?i:articles?))\s+
    (?P<numbers>{_NUMBER}(?:{_SEPARATOR}{_NUMBER})*)(?:\s+et\s+suivants\b)?
    """,
    re.VERBOSE,
)
_ONE_NUMBER = re.compile(_NUMBER)
#: The word every match of ``ARTICLES`` holds, as ``ARTICLES`` spells it (any case).
_KEYWORD = re.compile(r"(?i:article)")
#: A character no part of ``ARTICLES`` can consume (its lower-case letters, digits, spaces,
#: "°", ")", apostrophes, ".", "*", "-", ",", "à", the capitals of "L. R. D.", roman numerals
#: and "ARTICLES", and the letters Python's case folding adds to "i" and "s"): no match
#: spans one, so only the stretch between two of them around "article" needs reading.
_BARRIER_CLASS = r"[^a-z\d\s)°'’.*,\-àLRDIVXACTESıİſ]"
BARRIER = re.compile(_BARRIER_CLASS)
#: Up to the last barrier of a stretch (the greedy run backs off from the stretch's end).
_UP_TO_LAST_BARRIER = re.compile(rf"[\s\S]*{_BARRIER_CLASS}")
#: More numbers after a qualifier, for another code: "… du code de l'action sociale et des
#: familles et L. 633-2 du code de la construction…". Kept only if a code is named after them.
_MORE_NUMBERS = re.compile(
    rf"(?:{_SEPARATOR})(?P<numbers>{_NUMBER}(?:{_SEPARATOR}{_NUMBER})*)(?:\s+et\s+suivants\b)?"
)

#: A subdivision of the citing article: "au I", "mentionnés au 2° du II", "au 3° du présent
#: article". Roman-rooted chains only, unless "du présent article" says so.
_INTERNAL = re.compile(
    rf"""
    (?<![\w'’])(?i:au|aux|du|le|des|dans\s+le)\s+(?:présent\s+)?
    (?>(?P<chains>{_CHAIN}(?:(?:\s*,\s*|\s+et\s+|\s+ou\s+)(?:(?i:au|du)\s+)?{_CHAIN})*)
    (?P<here>\s+du\s+présent\s+article\b)?)
    (?!\s*(?:de|du|des|d{_APOS}|à\s+l{_APOS}article)\b)
    """,
    re.VERBOSE,
)
_ONE_CHAIN = re.compile(_CHAIN)
#: After an internal-looking reference, a list that ends on another article: "Le 1° du I et le
#: a du 3° du II de l'article L. 511-1".
_LIST_TO_ARTICLE = re.compile(
    rf"(?:\s*,|\s+et|\s+ou)\s[^;:.]{{0,50}}?\b(?:de\s+l{_APOS}article|(?:du\s+même|dudit|de\s+cet)"
    rf"\s+article)"
)
#: An article that amends or adapts another: its "le II", "au c du I" are the other's.
_AMENDING = re.compile(r"\bainsi\s+(?:modifiée?s?|rédigée?s?)\b|\bremplacée?s?\s+par\b")
_ROOTED_IN_ROMAN = re.compile(rf"(?:^|\s){_ROMAN}$")

#: A provision that carries on a list: ", au 3°", "et aux 18°", "ou au II".
_LIST_JOIN = re.compile(r"(?:,|\bet|\bou)\s+aux?\s+$")
_OPENER = re.compile(r"\baux?\s")
#: "même" just before "article": the same article as an earlier citation, whatever its code.
_SAME_ARTICLE = re.compile(r"\bm[êe]mes?\s+$")
#: Every place a code is named, for "du même code" to find the last one.
_CODE_MENTION = re.compile(rf"(?P<present>présent\s+code\b)|(?P<name>{_KNOWN_CODE}|{_OTHER_CODE})")


@dataclass(frozen=True)
class _CodeRef:
    """Whose articles a phrase cites: a known code's short name, or an unknown code's words."""

    code: str | None
    code_name: str | None


def extract(text: str, code: str) -> list[Citation]:
    """The citations in ``text``, an article of ``code`` (short name), in the text's order."""
    mentions = _Mentions(text, code)
    found: list[tuple[int, Citation]] = []
    taken: list[tuple[int, int]] = []
    for match in article_matches(text):
        qualifier = _QUALIFIER.match(text, match.end())
        end = qualifier.end() if qualifier else match.end()
        taken.append((match.start(), end))
        if qualifier is not None and (qualifier["name"] or qualifier["present"]):
            found.extend(_further(text, end, code, mentions, match.start(), taken))
        ref = _reference(qualifier, code, mentions, match.start())
        if ref is None:
            continue
        provision = _provision(match["provision"]) if match["provision"] else None
        start = match.start()
        if provision and _ends_a_list(text, start):
            provision, start = None, match.start("keyword")
        words = text[start:end]
        same = _SAME_ARTICLE.search(text, max(0, match.start() - 8), match.start()) is not None
        for number in _numbers(match["numbers"]):
            if same and qualifier is None:
                # "au même article L. 146-9": the article just cited, of whatever code it was
                earlier = [c for _, c in found if c.number == number]
                if not earlier:
                    continue
                ref = _CodeRef(earlier[-1].code, earlier[-1].code_name)
            if ref.code_name is None and not number[:1].isalpha():
                continue  # a bare number with no code named: an article of some other text
            found.append(
                (
                    match.start(),
                    Citation(
                        number=number,
                        code=ref.code,
                        method="text",
                        text=words,
                        provision=provision,
                        code_name=ref.code_name,
                    ),
                )
            )
    amending: bool | None = None  # searched for only when an internal reference asks
    covered = _Spans(taken)
    for match in _INTERNAL.finditer(text):
        start = match.start("chains")
        if start in covered:
            continue
        if not match["here"]:
            if amending is None:
                amending = _AMENDING.search(text) is not None
            if amending or _LIST_TO_ARTICLE.match(text, match.end()) is not None:
                continue
        chains = [c.group() for c in _ONE_CHAIN.finditer(match["chains"])]
        if not match["here"] and not all(_ROOTED_IN_ROMAN.search(c) for c in chains):
            continue
        words = text[start : match.end()]
        found.extend(
            (
                start,
                Citation(
                    number=None, code=code, method="text", text=words, provision=_provision(c)
                ),
            )
            for c in chains
        )
    return [citation for _, citation in sorted(found, key=lambda pair: pair[0])]


def article_matches(text: str) -> Iterator[re.Match[str]]:
    """``ARTICLES.finditer(text)``, reading only the stretches of text around "article".

    Most of an article's text cites nothing, and scanning all of it with ``ARTICLES`` was the
    larger part of a LEGI import's reading time. A match holds "article" and no ``BARRIER``
    character, so it lies within the stretch between the barriers on either side of an
    "article"; searching those stretches alone gives the same matches (each stretch is
    searched with its closing barrier, so the assertions at its end see the text as it is).
    """
    done = 0
    for keyword in _KEYWORD.finditer(text):
        at = keyword.start()
        if at < done:
            continue
        after = BARRIER.search(text, at)
        end = after.end() if after else len(text)
        before = _UP_TO_LAST_BARRIER.match(text, done, at)
        start = before.end() if before else done
        yield from ARTICLES.finditer(text, start, end)
        done = end


def _ends_a_list(text: str, at: int) -> bool:
    """Whether the provision at ``at`` ends a list of items of the same article.

    "aux 18° à 26° et au 28° de l'article D. 271-2": the items before "et au 28°" name no
    article of their own, so the list is the article's and no single provision is kept; "au I
    du présent article et au I de l'article R. 315-11" is two references, the second one whole.
    """
    window = text[max(0, at - 200) : at]
    joined = _LIST_JOIN.search(window)
    if joined is None:
        return False
    earlier = window[: joined.start()]
    openers = [m.start() for m in _OPENER.finditer(earlier)]
    return bool(openers) and "article" not in earlier[openers[-1] :]


def _further(
    text: str,
    at: int,
    code: str,
    mentions: _Mentions,
    start: int,
    taken: list[tuple[int, int]],
) -> Iterator[tuple[int, Citation]]:
    """The numbers that carry on a list after its code is named, each run with its own code.

    "articles L. 311-4 du code de l'action sociale et des familles et L. 633-2 du code de la
    construction et de l'habitation" cites L. 633-2 of the second code: a run of numbers after a
    qualifier counts only when it is followed by a code's name (or "du présent code").
    """
    while (more := _MORE_NUMBERS.match(text, at)) is not None:
        qualifier = _QUALIFIER.match(text, more.end())
        if qualifier is None or not (qualifier["name"] or qualifier["present"]):
            return
        ref = _reference(qualifier, code, mentions, start)
        assert ref is not None
        at = qualifier.end()
        taken.append((more.start(), at))
        words = text[more.start("numbers") : at]
        for number in _numbers(more["numbers"]):
            if ref.code_name is None and not number[:1].isalpha():
                continue
            citation = Citation(number, ref.code, "text", words, None, ref.code_name)
            yield more.start("numbers"), citation


class _Spans:
    """Spans of text, asked whether they cover a position in logarithmic time.

    Looking through every span for each position made a text of many citations quadratic
    (3,000 "l'article L. 349-2 au I": 0.9 s; found by ``tests/robustness/test_fuzzing.py``).
    """

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [start for start, _ in ordered]
        self._reach: list[int] = []  # the furthest end of the spans starting up to each one
        for _, end in ordered:
            self._reach.append(max(end, self._reach[-1]) if self._reach else end)

    def __contains__(self, position: int) -> bool:
        """Whether some span has ``start <= position < end``."""
        index = bisect.bisect_right(self._starts, position)
        return index > 0 and self._reach[index - 1] > position


class _Mentions:
    """The codes named in a text, looked for only when "du même code" or "du code" asks.

    Most texts never ask, and finding every code name cost a tenth of the reading time.
    """

    def __init__(self, text: str, code: str) -> None:
        self._text = text
        self._code = code
        self._found: list[tuple[int, _CodeRef]] | None = None

    def last_before(self, at: int) -> _CodeRef | None:
        """The code named last before position ``at``, if any."""
        if self._found is None:
            self._found = list(_code_mentions(self._text, self._code))
        before = bisect.bisect_left(self._found, at, key=lambda mention: mention[0])
        return self._found[before - 1][1] if before else None


def _code_mentions(text: str, code: str) -> Iterator[tuple[int, _CodeRef]]:
    """Each code named in ``text`` with its position, "le présent code" being ``code``."""
    for match in _CODE_MENTION.finditer(text):
        yield match.start(), _CodeRef(code, None) if match["present"] else _named(match["name"])


def _named(name: str) -> _CodeRef:
    """A code named in full: a known code's short name, or the words themselves."""
    name = re.sub(r"\s+", " ", name).replace("’", "'")
    known = code_for_name(name)
    return _CodeRef(known.short, None) if known else _CodeRef(None, name)


def _reference(
    qualifier: re.Match[str] | None, code: str, mentions: _Mentions, at: int
) -> _CodeRef | None:
    """Whose articles the numbers are, from what follows them; ``None`` to skip them."""
    if qualifier is None or qualifier["present"]:
        return _CodeRef(code, None)
    if qualifier["name"]:
        return _named(qualifier["name"])
    if qualifier["same"] or qualifier["bare"]:  # "du même code", "du code précité"…
        return mentions.last_before(at)
    return None  # a law, decree, ordinance…: not a code article


def _numbers(numbers: str) -> Iterator[str]:
    """The normalised numbers of a list; a range gives its two ends, as the text does."""
    for match in _ONE_NUMBER.finditer(numbers):
        yield article_number(match.group())


def _provision(chain: str) -> str:
    """A provision chain outermost first: "2° du II" gives "II, 2°"."""
    parts = re.split(r"\s+du\s+", chain.strip())
    return ", ".join(re.sub(r"\s+(?=°)", "", p).rstrip(")") for p in reversed(parts))
