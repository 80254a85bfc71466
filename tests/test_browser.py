"""The Linked Data pages in a real browser: headless Chromium on ``cph-kg serve``.

The server is the real command on 127.0.0.1 (``tests/serving.py``); the store holds the example
conventions, validated, the fixture corpus of the code-graph tests, and one convention whose
every text is markup meant to run (``<script>``, ``onerror``, ``javascript:``): it must be shown,
never run. Every page is opened in a context that may reach 127.0.0.1 only, and must ask
nothing of anything else. The screenshots of three key pages (a convention, the article
R. 349-2, the SPARQL editor with a named query's answer) are checked for their content; with
``CPH_KG_SCREENSHOTS=DIR`` they are also written to DIR (the README's are made so:
``CPH_KG_SCREENSHOTS=docs/screenshots python -m pytest tests/test_browser.py -k screenshots``).
"""

from __future__ import annotations

import os
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal

from cph_kg.knowledge_graph import KnowledgeGraph
from tests.browser import chromium, loopback_context, png_size_and_colours
from tests.helpers import CONVENTIONS
from tests.serving import cph_kg_serve

pytestmark = pytest.mark.slow  # a browser and cph-kg serve: seconds each

__all__ = ["chromium"]  # the fixture, used by name

FIXTURES = Path(__file__).parent / "fixtures"
HOSTILE = FIXTURES / "pages" / "hostile.ttl"


def hostile_texts() -> list[str]:
    """The literals of the hostile convention, as a page must show them."""
    return [str(o) for o in Graph().parse(HOSTILE).objects() if isinstance(o, Literal)]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``cph-kg serve`` (read-only, loopback) on the examples and a hostile convention."""
    location = tmp_path_factory.mktemp("browser") / "store"
    with KnowledgeGraph.open(location) as kg:
        kg.load([*sorted(CONVENTIONS.glob("*/*.ttl")), HOSTILE])
        kg.validate()
        assert kg.import_codes([FIXTURES / "corpus-linked"]).problems == []
    with cph_kg_serve(location) as url:
        yield url


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    """A page in a fresh French context that may reach 127.0.0.1 only (checked after the test)."""
    with loopback_context(chromium, locale="fr-FR") as (context, refused):
        errors: list[str] = []
        tab = context.new_page()
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        yield tab
        assert refused == [], f"the page tried to reach the network: {refused}"
        assert errors == [], f"errors in the browser: {errors}"


def visit(page: Any, url: str) -> Any:
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    return response


def test_the_key_pages_load_with_their_content(page: Any, base: str) -> None:
    visit(page, f"{base}/")
    assert page.locator("html").get_attribute("lang") == "fr"
    visit(page, f"{base}/convention/without-cpam")
    assert "EX-without-cpam" in page.inner_text("main")
    assert page.locator('a[href="/law/casf/R349-2/I"]').count() > 0  # its finding's provision
    visit(page, f"{base}/law/casf/R349-2")
    text = page.inner_text("main")
    assert "R349-2" in text and "centre provisoire d'hébergement" in text


@pytest.mark.long  # a crawl of every page in a browser
def test_every_link_of_the_pages_resolves(page: Any, base: str) -> None:
    """From the home page, two links deep (20 per level), every local link seen answers 200.

    The links are read from the pages as Chromium built them; an HTML page is visited and its
    links followed, a download (a description in Turtle, a table in CSV) fetched with the
    browser's own request context.
    """
    statuses: dict[str, int] = {}
    frontier = [f"{base}/"]
    for depth in range(3):
        following: list[str] = []
        for url in frontier[:20]:
            answer = page.request.get(url)
            statuses[url] = answer.status
            html = answer.headers.get("content-type", "").startswith("text/html")
            if depth == 2 or not html:  # the last level's links are not followed
                continue
            visit(page, url)
            for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
                href = href.split("#")[0]
                if href.startswith(base) and href not in statuses and href not in following:
                    following.append(href)
        frontier = following
    assert len(statuses) > 30
    assert {url: status for url, status in statuses.items() if status != 200} == {}


def test_the_pages_read_without_javascript(chromium: Any, base: str) -> None:
    with loopback_context(chromium, java_script_enabled=False) as (context, refused):
        tab = context.new_page()
        visit(tab, f"{base}/queries/conventions-without-cpam?departement=33")
        assert "EX-without-cpam" in tab.inner_text("main")
        visit(tab, f"{base}/search?q=Gironde")
        assert tab.locator("main a").count() > 0
        visit(tab, f"{base}/sparql")
        assert tab.locator("noscript").count() == 1
        assert refused == []


def test_french_and_english(page: Any, base: str) -> None:
    visit(page, f"{base}/org/caf/33")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.locator('a[href*="lang=en"]').first.click()
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "en"
    visit(page, f"{base}/law/casf/R349-2")  # the choice is remembered
    assert page.locator("html").get_attribute("lang") == "en"


def test_the_search_box_finds_a_convention(page: Any, base: str) -> None:
    visit(page, f"{base}/")
    page.fill('input[name="q"]', "without-cpam")
    page.press('input[name="q"]', "Enter")
    page.wait_for_load_state("load")
    assert urllib.parse.urlsplit(page.url).path == "/search"
    page.locator('a[href="/convention/without-cpam"]').first.click()
    page.wait_for_load_state("load")
    assert urllib.parse.urlsplit(page.url).path == "/convention/without-cpam"


def run_in_editor(page: Any, base: str, name: str) -> str:
    """Open a named query in the editor, press its run button, wait for the table of rows."""
    visit(page, f"{base}/sparql?named={name}")
    page.wait_for_selector(".yasqe_queryButton")
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table tbody tr", timeout=30_000)
    return page.inner_text(".yasr")


def test_the_editor_runs_a_named_query(page: Any, base: str) -> None:
    text = run_in_editor(page, base, "conventions-by-departement")
    assert "Gironde" in text and "Rhône" in text


def test_hostile_texts_are_shown_and_never_run(page: Any, base: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in (
        "/convention/hostile",
        "/org/cph/hostile",
        "/search?q=pi%C3%A9g%C3%A9e",
        "/search?q=%3Cscript%3Ewindow.cphKgPwned%3D1%3C%2Fscript%3E",
        "/queries/convention-signatories?convention=https%3A%2F%2Fw3id.org%2Fcph-kg%2Fconvention%2Fhostile",
    ):
        visit(page, base + path)
        assert page.evaluate("window.cphKgPwned") is None, path
        assert page.locator("[onerror], [onload], main script, main b").count() == 0, path
    visit(page, f"{base}/convention/hostile")
    text = page.inner_text("main")
    for value in hostile_texts():
        assert " ".join(value.split()) in " ".join(text.split())
    assert page.locator('a[href^="javascript:"]').count() == 0
    assert dialogs == []


SCREENSHOTS = {
    "convention": ("/convention/without-cpam", ["EX-without-cpam", "Les Tilleuls"]),
    "article": ("/law/casf/R349-2", ["Article R. 349-2 du code", "décret n° 2016-253"]),
    "editor": ("/sparql?named=conventions-by-departement", ["Gironde", "Rhône"]),
}


@pytest.mark.parametrize("name", sorted(SCREENSHOTS))
def test_screenshots_of_the_key_pages(page: Any, base: str, name: str) -> None:
    """A screenshot of each key page shows a styled page, with the words it is about in view."""
    path, words = SCREENSHOTS[name]
    if name == "editor":
        run_in_editor(page, base, "conventions-by-departement")
    else:
        visit(page, base + path)
    png = page.screenshot(full_page=False)
    width, height, colours = png_size_and_colours(png)
    assert (width, height) == (1100, 760)
    assert colours > 60, f"{name}: the screenshot looks blank ({colours} byte values)"
    for word in words:
        box = page.get_by_text(re.compile(re.escape(word))).first.bounding_box()
        assert box is not None and 0 <= box["y"] < height, f"{name}: {word!r} is not in view"
    folder = os.environ.get("CPH_KG_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / f"{name}.png").write_bytes(png)
