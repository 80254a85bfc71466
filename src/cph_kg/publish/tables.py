"""Query answers as the pages show them: each term a link (IRIs) or a text in its language."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.term import Node

from cph_kg.publish.labels import Text
from cph_kg.publish.shapes import Value
from cph_kg.publish.vocabulary import Linker
from cph_kg.results import Solutions


def cell(linker: Linker, term: Node | None) -> Value | None:
    """A term of an answer: a link for an IRI, a text (in its language) for a literal."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return Value(link=linker.link(term))
    if isinstance(term, Literal):
        return Value(text=Text(str(term), term.language))
    return Value(text=Text(str(term), None))


def table(linker: Linker, solutions: Solutions) -> dict[str, list]:
    """A query's rows as cells, without the columns that only repeat another column's label.

    ``obligations`` gives an obligation and its label, a force and its label: the link to the
    obligation already reads as its label, so the label's column is left out.
    """
    rows = [[cell(linker, term) for term in row] for row in solutions.rows]

    def repeats(column: int) -> bool:
        texts = [row[column].text.value for row in rows if row[column] and row[column].text]
        if not texts or len(texts) != sum(1 for row in rows if row[column]):
            return False
        return all(
            row[column] is None
            or any(
                other is not None
                and other.link is not None
                and other.link.text.value == row[column].text.value  # type: ignore[union-attr]
                for other in row
            )
            for row in rows
        )

    kept = [i for i in range(len(solutions.variables)) if not repeats(i)]
    return {
        "columns": [solutions.variables[i] for i in kept],
        "rows": [[row[i] for i in kept] for row in rows],
    }
