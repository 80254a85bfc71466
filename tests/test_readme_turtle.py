"""The README's Turtle example is a whole document: read from the README, it validates.

It must carry its prefixes and the description of its centre and association (a reader copies
it into a file), say what the bundled example says, and conform.
"""

from __future__ import annotations

import re

from rdflib import Graph
from rdflib.namespace import DCTERMS

from cph_kg import Validator
from tests.helpers import CONFORMING, ROOT

HEADING = "The same convention in **Turtle**"


def readme_turtle() -> str:
    """The ```turtle block that follows the heading sentence in README.md."""
    text = (ROOT / "README.md").read_text("utf-8")
    after = text[text.index(HEADING) :]
    match = re.search(r"```turtle\n(.*?)```", after, re.S)
    assert match, "no Turtle block after the heading sentence"
    return match.group(1)


def test_the_readme_example_parses_on_its_own() -> None:
    graph = Graph().parse(data=readme_turtle(), format="turtle")
    assert len(graph) > 0


def test_the_readme_example_says_what_the_bundled_example_says() -> None:
    readme = Graph().parse(data=readme_turtle(), format="turtle")
    bundled = Graph().parse(CONFORMING)
    bundled.remove((None, DCTERMS.description, None))  # the file says it is fictional
    assert readme.isomorphic(bundled)


def test_the_readme_example_conforms(tmp_path, validator: Validator) -> None:
    path = tmp_path / "readme.ttl"
    path.write_text(readme_turtle(), encoding="utf-8")
    [verdict] = validator.validate_files([path]).conventions
    assert verdict.conforms and verdict.findings == [], verdict.findings
