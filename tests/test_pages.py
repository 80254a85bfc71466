"""The Linked Data pages, answered in process (the browser tests go through ``cph-kg serve``).

The store holds the example conventions, validated, and the fixture corpus of the code-graph
tests. What each page must show is found here by query on the same store, so that a change of
the model changes the expectation and not the test: a convention's findings with their
provisions, an article's and a provision's text per version, an obligation's shapes, a code
article's citations in and out, a body's legal basis.
"""

from __future__ import annotations

import html
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.sparql.results import Solutions, serialise
from cph_kg.web.site import Pages, Response, negotiate
from tests.helpers import CONVENTIONS

pytestmark = pytest.mark.slow  # a store with the examples, validated, and two code graphs

FIXTURES = Path(__file__).parent / "fixtures"
BASE = "https://w3id.org/cph-kg/"
CPH = "https://w3id.org/cph-kg/ontology#"


@pytest.fixture(scope="module")
def location(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the examples, their report and two code graphs."""
    store = tmp_path_factory.mktemp("pages") / "store"
    with KnowledgeGraph.open(store) as kg:
        kg.load(sorted(CONVENTIONS.glob("*/*.ttl")))
        kg.validate()
        assert kg.import_codes([FIXTURES / "corpus-linked"]).problems == []
    return store


@pytest.fixture(scope="module")
def kg(location: Path) -> Iterator[KnowledgeGraph]:
    with KnowledgeGraph.open(location, read_only=True) as graph:
        yield graph


@pytest.fixture(scope="module")
def pages(location: Path) -> Pages:
    return Pages(lambda: KnowledgeGraph.open(location, read_only=True))


def get(pages: Pages, target: str, **headers: str) -> Response:
    return pages.respond("GET", target, {k.replace("_", "-"): v for k, v in headers.items()})


def text_of(response: Response) -> str:
    """The page's text, tags removed and entities decoded, spaces normalised."""
    body = response.body.decode("utf-8")
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def rows(kg: KnowledgeGraph, text: str) -> list[tuple]:
    answer = kg.store.query(text)
    assert isinstance(answer, Solutions)
    return answer.rows


def path_of(iri: str) -> str:
    return "/" + iri[len(BASE) :]


@pytest.mark.parametrize(
    "target",
    [
        "/",
        "/search?q=gironde",
        "/queries",
        "/queries/conventions-by-departement",
        "/sparql",
        "/sparql?named=conventions-by-departement",
        "/ontology",
        "/shapes/r349-2",
        "/law/casf/R349-2",
        "/convention/gironde-2019",
    ],
)
def test_every_route_is_a_page(pages: Pages, target: str) -> None:
    response = get(pages, target)
    assert response.status == 200, text_of(response)
    assert response.content_type == "text/html; charset=utf-8"
    assert response.body.startswith(b"<!DOCTYPE html>")


def test_a_convention_shows_its_findings_and_their_provisions(pages: Pages, kg) -> None:
    convention = f"{BASE}convention/without-cpam"
    findings = rows(
        kg,
        f"""PREFIX cph: <{CPH}> PREFIX sh: <http://www.w3.org/ns/shacl#>
        SELECT ?message ?provision WHERE {{
          ?result cph:concernsConvention <{convention}> ; sh:resultMessage ?message ;
                  cph:provision ?provision . FILTER (LANG(?message) = "en") }}""",
    )
    assert findings
    page = get(pages, path_of(convention), Accept_Language="en")
    body = page.body.decode()
    for message, provision in findings:
        assert " ".join(str(message).split()) in text_of(page)
        assert f'href="{path_of(str(provision))}"' in body


@pytest.mark.parametrize("article", ["law/casf/R349-2", "law/casf/R349-2/II/2"])
def test_an_article_and_a_provision_show_their_text_per_version(pages, kg, article) -> None:
    versions = rows(
        kg,
        f"""PREFIX eli: <http://data.europa.eu/eli/ontology#> PREFIX cph: <{CPH}>
        SELECT DISTINCT ?version ?text WHERE {{
          {{ <{BASE}{article}> eli:has_member ?version }} UNION
          {{ ?version eli:is_member_of <{BASE}{article}> }}
          ?version cph:text|eli:is_realized_by/cph:text ?text
        }}""",
    )
    assert len(versions) >= 2
    page = text_of(get(pages, f"/{article}"))
    for version, text in versions:
        assert " ".join(str(text).split()) in page, version


def test_an_obligation_shows_the_shapes_that_express_it(pages: Pages, kg) -> None:
    obligation, shapes = None, []
    for (candidate,) in rows(kg, f"PREFIX cph: <{CPH}> SELECT ?o WHERE {{ ?o a cph:Obligation }}"):
        shapes = rows(
            kg, f"PREFIX cph: <{CPH}> SELECT ?s WHERE {{ ?s cph:expresses <{candidate}> }}"
        )
        if len(shapes) >= 2:
            obligation = candidate
            break
    assert obligation is not None
    body = get(pages, path_of(str(obligation))).body.decode()
    for (shape,) in shapes:
        assert f'href="{path_of(str(shape))}"' in body


def test_a_code_article_shows_its_citations_in_and_out(pages: Pages, kg) -> None:
    article = f"{BASE}law/ceseda/R311-24"
    cited = kg.query("citations-of-article", article=article)
    assert isinstance(cited, Solutions) and len(cited.rows) >= 2
    direction = cited.variables.index("direction")
    assert {str(row[direction]) for row in cited.rows} == {"in", "out"}
    body = get(pages, path_of(article)).body.decode()
    assert 'id="query-citations-of-article"' in body
    for row in cited.rows:
        for term in row:
            if isinstance(term, URIRef) and term.startswith(BASE):
                assert f'href="{path_of(str(term))}"' in body


def test_a_body_shows_its_legal_basis(pages: Pages, kg) -> None:
    body_iri = f"{BASE}org/caf/33"
    bases = rows(kg, f"PREFIX cph: <{CPH}> SELECT ?b WHERE {{ <{body_iri}> cph:legalBasis ?b }}")
    assert bases
    page = get(pages, path_of(body_iri)).body.decode()
    for (basis,) in bases:
        assert f'href="{path_of(str(basis))}"' in page


def test_the_ontology_and_the_shapes_are_documented_where_their_iris_point(pages: Pages) -> None:
    ontology = get(pages, "/ontology").body.decode()
    assert 'id="ConventionDeCooperation"' in ontology
    shapes = get(pages, "/shapes/r349-2").body.decode()
    assert 'id="obligations"' in shapes and 'id="Convention-cpam-required"' in shapes
    # a link to a term or a shape leads to its anchor on the document's page
    assert (
        'href="/ontology#ConventionDeCooperation"'
        in get(pages, "/convention/gironde-2019").body.decode()
    )


@pytest.mark.parametrize(
    ("accept", "media", "fmt"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("text/html;q=0.5, text/turtle;q=0.9", "text/turtle", "turtle"),
    ],
)
def test_content_negotiation_gives_the_description(pages, kg, accept, media, fmt) -> None:
    iri = f"{BASE}convention/gironde-2019"
    response = get(pages, path_of(iri), Accept=accept)
    assert response.status == 200
    assert response.content_type == f"{media}; charset=utf-8"
    served = Graph().parse(data=response.body, format=fmt)
    answer = kg.store.query(f"DESCRIBE <{iri}>")
    assert isomorphic(served, answer.graph)  # type: ignore[union-attr]
    assert ("Vary", "Accept") in response.headers


def test_format_parameter_and_alternate_links(pages: Pages) -> None:
    response = get(pages, "/law/casf/R349-2?format=jsonld")
    assert response.content_type == "application/ld+json; charset=utf-8"
    assert len(Graph().parse(data=response.body, format="json-ld")) > 10
    page = get(pages, "/law/casf/R349-2")
    assert ("Link", '</law/casf/R349-2?format=turtle>; rel="alternate"; type="text/turtle"') in (
        page.headers
    )


def test_a_hash_document_is_described_with_its_terms(pages: Pages) -> None:
    turtle = get(pages, "/ontology", Accept="text/turtle")
    graph = Graph().parse(data=turtle.body, format="turtle")
    assert (URIRef(f"{CPH}ConventionDeCooperation"), None, None) in graph


def test_negotiation_rules() -> None:
    offered = ["text/html", "text/turtle"]
    assert negotiate(None, offered) == "text/html"
    assert negotiate("*/*", offered) == "text/html"
    assert negotiate("text/turtle;q=0.1, text/html", offered) == "text/html"
    assert negotiate("application/xml", offered) is None
    assert negotiate("text/turtle;q=0", offered) is None


def test_an_unknown_or_malformed_resource_is_404_and_a_foreign_type_406(pages: Pages) -> None:
    assert get(pages, "/convention/no-such-thing").status == 404
    assert get(pages, "/law/%3Cscript%3E").status == 404
    assert get(pages, "/law/casf/R349-2%20x").status == 404
    assert get(pages, "/law/casf/R349-2", Accept="application/xml").status == 406


def test_head_gives_the_headers_without_the_body(pages: Pages) -> None:
    full = get(pages, "/law/casf/R349-2")
    head = pages.respond("HEAD", "/law/casf/R349-2", {})
    assert head.status == 200 and head.body == b""
    assert ("Content-Length", str(len(full.body))) in head.headers


def test_pages_in_french_and_english(pages: Pages) -> None:
    french = get(pages, "/org/caf/33")
    assert 'lang="fr"' in french.body.decode()[:200]
    assert "Caisse d'allocations familiales de la Gironde" in text_of(french)
    english = get(pages, "/org/caf/33?lang=en")
    assert ("Set-Cookie", "cph-kg-lang=en; Path=/; SameSite=Lax") in english.headers
    assert "Family allowance fund of Gironde" in text_of(english)
    assert 'lang="en"' in english.body.decode()[:200]
    # the cookie is remembered, and the browser's language is used without one
    assert "Family allowance fund of Gironde" in text_of(
        get(pages, "/org/caf/33", Cookie="cph-kg-lang=en")
    )
    assert "Family allowance fund of Gironde" in text_of(
        get(pages, "/org/caf/33", Accept_Language="en-GB,en;q=0.8")
    )


def test_search_by_name_and_by_class(pages: Pages, kg) -> None:
    found = get(pages, "/search?q=" + urllib.parse.quote("allocations familiales de la Gironde"))
    assert 'href="/org/caf/33"' in found.body.decode()
    caf = f"{CPH}CaisseAllocationsFamiliales"
    expected = rows(kg, f"SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE {{ ?b a <{caf}> }}")[0][0]
    listed = get(pages, "/search?" + urllib.parse.urlencode({"type": caf}))
    assert f'id="result-count">{min(int(expected), 500)} ' in listed.body.decode()


def test_search_text_is_one_literal(pages: Pages, location: Path) -> None:
    before = KnowledgeGraph.open(location, read_only=True)
    sizes = before.info()
    before.close()
    hostile = 'x") } ; DROP ALL ; #'
    response = get(pages, "/search?" + urllib.parse.urlencode({"q": hostile}))
    assert response.status == 200 and "0 " in text_of(response)
    assert 'value="x&#34;) } ; DROP ALL ; #"' in response.body.decode()  # shown, escaped
    with KnowledgeGraph.open(location, read_only=True) as after:
        assert after.info() == sizes


def test_a_named_query_runs_without_javascript(pages: Pages, kg) -> None:
    expected = kg.query("conventions-by-departement")
    page = get(pages, "/queries/conventions-by-departement")
    assert f'id="row-count">{len(expected.rows)} ' in page.body.decode()  # type: ignore[union-attr]
    csv = get(pages, "/queries/conventions-by-departement?format=csv")
    assert csv.content_type.startswith("text/csv")
    assert csv.body.decode() == serialise(expected, "csv")
    bad = get(pages, "/queries/conventions-by-departement?departement=99")
    assert bad.status == 400 and "departement" in text_of(bad)
    assert get(pages, "/queries/no-such-query").status == 404


def test_the_editor_opens_a_named_query(pages: Pages) -> None:
    page = get(pages, "/sparql?named=conventions-by-departement").body.decode()
    assert '<script src="/static/yasgui/yasgui.min.js"></script>' in page
    initial = re.search(
        r'<script id="initial-query" type="application/json">(.*?)</script>', page, re.S
    )
    assert initial and "conventions" in initial.group(1) and "<" not in initial.group(1)


def test_static_files_and_no_way_out(pages: Pages) -> None:
    css = get(pages, "/static/style.css")
    assert css.status == 200 and css.content_type == "text/css; charset=utf-8"
    assert get(pages, "/static/yasgui/yasgui.min.js").status == 200
    assert get(pages, "/static/../site.py").status == 404
    assert get(pages, "/static/%2e%2e/site.py").status == 404


def test_the_endpoint_paths_are_left_to_the_endpoint() -> None:
    assert not Pages.handles("GET", "/query")
    assert not Pages.handles("POST", "/law/casf/R349-2")
    assert not Pages.handles("GET", "/store")
    assert Pages.handles("GET", "/law/casf/R349-2")


@pytest.mark.long  # a crawl of every page
def test_every_link_from_the_home_page_resolves(pages: Pages) -> None:
    """A crawl of the pages, two links deep from the home page: every local link answers."""
    seen: dict[str, int] = {}
    frontier = ["/"]
    for _ in range(2):
        following = []
        for target in frontier:
            response = get(pages, target)
            seen[target] = response.status
            for href in re.findall(r'href="(/[^"#]*)', response.body.decode()):
                href = html.unescape(href)
                if href not in seen and not href.startswith("/static/") and href not in following:
                    following.append(href)
        frontier = following[:60]
    for target in frontier:
        seen[target] = get(pages, target).status
    assert len(seen) > 50
    assert {t: s for t, s in seen.items() if s != 200} == {}


def test_a_read_only_server_reads_each_page_once(location: Path) -> None:
    """With a cache, a page asked again is not read from the store again; without, it is."""
    opened: list[int] = []

    def open_graph() -> KnowledgeGraph:
        opened.append(1)
        return KnowledgeGraph.open(location, read_only=True)

    cached = Pages(open_graph, cache=2)
    first = get(cached, "/org/caf/33")
    reads = len(opened)
    again = get(cached, "/org/caf/33")
    assert len(opened) == reads and again.body == first.body and again.status == 200
    assert get(cached, "/org/caf/33", Accept="text/turtle").body != first.body  # keyed by Accept
    get(cached, "/law/casf/R349-2")  # a third answer pushes the oldest out
    get(cached, "/org/caf/33")
    assert len(opened) > reads + 1
    uncached = Pages(open_graph)
    before = len(opened)
    get(uncached, "/org/caf/33")
    get(uncached, "/org/caf/33")
    assert len(opened) == before + 2


def test_every_text_of_the_graph_is_escaped(tmp_path: Path) -> None:
    """Markup in a convention's literals is shown as text on every page that shows it."""
    location = tmp_path / "store"
    with KnowledgeGraph.open(location) as graph:
        graph.load([FIXTURES / "pages" / "hostile.ttl"])
    pages = Pages(lambda: KnowledgeGraph.open(location, read_only=True))
    hostile = urllib.parse.quote(f"{BASE}convention/hostile", safe="")
    for target in (
        "/convention/hostile",
        "/org/cph/hostile",
        "/search?q=pi%C3%A9g%C3%A9e",
        "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        f"/queries/convention-signatories?convention={hostile}",
    ):
        body = get(pages, target).body.decode()
        for markup in ("<script>window", "<script>alert", "<img", "<svg", "<b>", "</textarea>"):
            assert markup not in body, (target, markup)
        assert 'href="javascript:' not in body, target
    shown = text_of(get(pages, "/convention/hostile"))
    assert "<script>window.cphKgPwned = 'title'</script>Convention <b>piégée</b>" in shown
