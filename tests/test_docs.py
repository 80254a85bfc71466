"""``cph-kg docs OUT``: documentation read from the graph, a VoID + DCAT description, dumps.

The expected content is computed here from the source files with rdflib, independently of the
code that writes the pages: every term of the ontology with its label and comment in each
language, the classes it is meant for, the shapes that use it; every shape with its name and
message; every row of the ``obligations`` query; every named query. The dumps must hold the
store's quads and match their checksums, and the description must give both.
"""

from __future__ import annotations

import gzip
import hashlib
import html.parser
from collections import Counter, defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, SH, VOID

from cph_kg import vocab
from cph_kg.cli import main
from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.rdf.rdflib_adapter import oxigraph_triples
from cph_kg.sparql import catalog
from cph_kg.sparql.results import Solutions
from tests.helpers import CONFORMING, ROOT

pytestmark = pytest.mark.slow  # a documentation site built from the store

SCHEMA = Namespace("http://schema.org/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
CPH = "https://w3id.org/cph-kg/ontology#"
LANGUAGES = ("fr", "en")


class Page(html.parser.HTMLParser):
    """An HTML page: the text under each element that has an id, its ids and its links."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.links: list[str] = []
        self.text: dict[str, list[str]] = defaultdict(list)
        self._open: list[str | None] = []
        self.lang: str | None = None
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang")
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"] or "")
        if tag in ("meta", "link", "br", "input", "img"):
            return
        if attributes.get("id"):
            self.ids.append(attributes["id"] or "")
        self._open.append(attributes.get("id"))

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("meta", "link", "br", "input", "img") and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for element in self._open:
            if element:
                self.text[element].append(data)
        self.text[""].append(data)

    def section(self, element: str) -> str:
        """The text of the element with this id, spaces normalised."""
        assert element in self.ids, f"no element with id {element!r}"
        return " ".join("".join(self.text[element]).split())

    def all_text(self) -> str:
        """The text of the whole page, spaces normalised."""
        return " ".join("".join(self.text[""]).split())


@pytest.fixture(scope="module")
def source() -> tuple[Graph, Graph]:
    """The ontology and the shapes, as their files say."""
    return Graph().parse(ROOT / "ontology" / "cph.ttl"), Graph().parse(
        ROOT / "shapes" / "r349-2.ttl"
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``cph-kg docs OUT`` run once on the bundled knowledge graph."""
    out = tmp_path_factory.mktemp("docs") / "site"
    result = CliRunner().invoke(main, ["docs", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}: 9 pages, 5 dumps" in result.stderr
    return out


@pytest.fixture(scope="module")
def law_sizes(site: Path) -> dict[str, int]:
    """Triples per graph of a store holding what ``cph-kg docs`` publishes: the bundled law.

    Opened and filled here rather than in whichever test runs first, so that each test gives the
    same verdict alone, in any order and on any pytest-xdist worker.
    """
    with KnowledgeGraph.open(site.parent / "scratch") as kg:
        kg.refresh_law()
        return kg.info()


def one(graph: Graph, subject: URIRef, predicate: URIRef, lang: str) -> str:
    values = [
        str(o)
        for o in graph.objects(subject, predicate)
        if isinstance(o, Literal) and o.language == lang
    ]
    assert len(values) == 1, (subject, predicate, lang, values)
    return values[0]


def local(term: URIRef) -> str:
    return str(term).rsplit("#", 1)[-1]


def documented_terms(ontology: Graph) -> list[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return sorted(
        {s for k in kinds for s in ontology.subjects(RDF.type, k) if str(s).startswith(CPH)}
    )


def spaced(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_term_with_its_label_and_comment(site: Path, source, lang: str) -> None:
    ontology, _ = source
    page = Page(site / lang / "ontology.html")
    assert page.lang == lang
    for term in documented_terms(ontology):
        section = page.section(local(term))
        assert spaced(one(ontology, term, RDFS.label, lang)) in section, term
        assert spaced(one(ontology, term, RDFS.comment, lang)) in section, term
        assert str(term) in section


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_term_names_the_classes_it_is_meant_for(site: Path, source, lang: str) -> None:
    ontology, _ = source
    page = Page(site / lang / "ontology.html")
    for term in documented_terms(ontology):
        section = page.section(local(term))
        for predicate in (SCHEMA.domainIncludes, SCHEMA.rangeIncludes, RDFS.subClassOf):
            for target in ontology.objects(term, predicate):
                if str(target).startswith(CPH):
                    assert spaced(one(ontology, target, RDFS.label, lang)) in section, (
                        term,
                        predicate,
                        target,
                    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_property_lists_the_shapes_on_its_path(site: Path, source, lang: str) -> None:
    _, shapes = source
    page = Page(site / lang / "ontology.html")
    checked = 0
    for shape, path in shapes.subject_objects(SH.path):
        if isinstance(path, URIRef) and str(path).startswith(CPH):
            assert spaced(one(shapes, shape, SH.name, lang)) in page.section(local(path)), shape
            checked += 1
    for shape, target in shapes.subject_objects(SH.targetClass):
        assert spaced(one(shapes, shape, SH.name, lang)) in page.section(local(target)), shape
        checked += 1
    assert checked > 20


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_shape_with_its_name_and_message(site: Path, source, lang: str) -> None:
    _, shapes = source
    page = Page(site / lang / "shapes.html")
    named = {s for k in (SH.NodeShape, SH.PropertyShape) for s in shapes.subjects(RDF.type, k)}
    assert len(named) > 20
    for shape in named:
        section = page.section(local(shape))
        assert spaced(one(shapes, shape, SH.name, lang)) in section
        for message in shapes.objects(shape, SH.message):  # a shape may leave them to others
            if isinstance(message, Literal) and message.language == lang:
                assert spaced(str(message)) in section
        severity = shapes.value(shape, SH.severity)
        if severity is not None:
            assert local(severity) in section


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_obligations_table_has_every_row_of_the_query(site: Path, lang: str) -> None:
    with KnowledgeGraph.open(site.parent / "scratch") as kg:
        kg.refresh_law()
        expected = kg.query("obligations", lang=lang)
    assert isinstance(expected, Solutions) and expected.rows
    page = (site / lang / "shapes.html").read_text(encoding="utf-8")
    table = page.split('id="obligations"', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr>") == len(expected.rows) + 1  # and the heading
    for row in expected.rows:
        for term in row:
            if isinstance(term, URIRef):
                assert f'title="{term}"' in table


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_named_query(site: Path, lang: str) -> None:
    page = Page(site / lang / "queries.html")
    queries = catalog.named_queries()
    assert len(queries) > 20
    for name, query in queries.items():
        section = page.section(name)
        assert spaced(query.title) in section and spaced(query.description) in section
        for parameter in query.parameters:
            assert parameter.name in section


def test_internal_links_resolve(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    ids = {page: set(Page(page).ids) for page in pages}
    checked = 0
    for page in pages:
        for href in Page(page).links:
            if href.startswith(("http:", "https:", "file:")):
                continue
            target, _, fragment = href.partition("#")
            path = (page.parent / target).resolve() if target else page
            assert path.exists(), (page, href)
            if fragment:
                assert fragment in ids[path], (page, href)
            checked += 1
    assert checked > 500
    for page, found in ids.items():
        assert len(found) == len(Page(page).ids), f"an id repeats in {page}"


def test_the_dumps_match_their_checksums_and_the_store(
    site: Path, law_sizes: dict[str, int]
) -> None:
    dumps = site / "dumps"
    sums = (dumps / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert len(sums) == 5
    for line in sums:
        digest, name = line.split("  ")
        assert hashlib.sha256((dumps / name).read_bytes()).hexdigest() == digest
    quads = gzip.decompress((dumps / "cph-kg-0.1.0.nq.gz").read_bytes())
    per_graph = Counter(q.graph_name.value for q in ox.parse(quads, ox.RdfFormat.N_QUADS))
    for name, count in law_sizes.items():
        assert per_graph[name] == count, name
        slug = name.rsplit("/", 1)[1]
        turtle = gzip.decompress((dumps / f"cph-kg-0.1.0-{slug}.ttl.gz").read_bytes())
        assert turtle.startswith(b"@prefix ")  # prefixed, for people to read
        assert len(Graph().parse(data=turtle, format="turtle")) == count, name


def test_the_description_gives_counts_licence_and_each_dump(
    site: Path, law_sizes: dict[str, int]
) -> None:
    description = Graph().parse(site / "void.ttl")
    dataset = URIRef("https://w3id.org/cph-kg/dataset/0.1.0")
    assert (dataset, RDF.type, VOID.Dataset) in description
    assert (dataset, RDF.type, DCAT.Dataset) in description
    assert str(description.value(dataset, OWL.versionInfo)) == "0.1.0"
    assert description.value(dataset, DCTERMS.license) is not None
    assert law_sizes
    assert int(description.value(dataset, VOID.triples)) == sum(law_sizes.values())
    for name, count in law_sizes.items():
        assert (dataset, VOID.subset, URIRef(name)) in description
        assert int(description.value(URIRef(name), VOID.triples)) == count
        assert description.value(URIRef(name), DCTERMS.title) is not None, name
    distributions = list(description.objects(dataset, DCAT.distribution))
    assert len(distributions) == 5
    for distribution in distributions:
        url = str(description.value(distribution, DCAT.downloadURL))
        assert url.startswith(site.as_uri() + "/dumps/")
        path = site / "dumps" / url.rsplit("/", 1)[1]
        content = path.read_bytes()
        assert int(description.value(distribution, DCAT.byteSize)) == len(content)
        checksum = description.value(distribution, SPDX.checksum)
        value = str(description.value(checksum, SPDX.checksumValue))
        assert value == hashlib.sha256(content).hexdigest()
        assert description.value(distribution, DCAT.mediaType) is not None


def test_base_url_and_endpoint(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "docs",
            str(tmp_path / "site"),
            "--base-url",
            "https://example.org/cph-kg",
            "--endpoint-url",
            "http://127.0.0.1:7878/query",
        ],
    )
    assert result.exit_code == 0, result.output
    description = Graph().parse(tmp_path / "site" / "void.ttl")
    dataset = URIRef("https://w3id.org/cph-kg/dataset/0.1.0")
    assert (dataset, VOID.sparqlEndpoint, URIRef("http://127.0.0.1:7878/query")) in description
    dumps = {str(o) for o in description.objects(dataset, VOID.dataDump)}
    assert dumps == {"https://example.org/cph-kg/dumps/cph-kg-0.1.0.nq.gz"}
    assert "http://127.0.0.1:7878/query" in (tmp_path / "site" / "en" / "index.html").read_text()


def test_a_folder_it_did_not_write_is_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    result = CliRunner().invoke(main, ["docs", str(out)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "was not written by cph-kg docs" in result.stderr
    assert [p.name for p in out.iterdir()] == ["thesis.tex"]


def test_a_failed_build_leaves_the_previous_one(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "site"
    assert CliRunner().invoke(main, ["docs", str(out)]).exit_code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("cph_kg.publish.site.describe", broken)
    with pytest.raises(OSError, match="disk full"):
        CliRunner().invoke(main, ["docs", str(out)], catch_exceptions=False)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no staging folder left


def test_docs_of_a_store_document_what_it_holds(tmp_path: Path) -> None:
    """A class and a shape added to the store's graphs are documented: nothing is hard-coded."""
    extra_ontology = tmp_path / "extra.ttl"
    extra_ontology.write_text(
        "@prefix cph: <https://w3id.org/cph-kg/ontology#> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'cph:TestOnlyClass a owl:Class ; rdfs:label "classe du test"@fr , "test-only class"@en ;\n'
        '    rdfs:comment "Une classe que seul ce test ajoute."@fr .\n',
        encoding="utf-8",
    )
    extra_shape = tmp_path / "shape.ttl"
    extra_shape.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix cph: <https://w3id.org/cph-kg/ontology#> .\n"
        "<https://w3id.org/cph-kg/shapes/extra#TestOnlyShape> a sh:NodeShape ;\n"
        "    sh:targetClass cph:TestOnlyClass ; sh:severity sh:Info ;\n"
        '    sh:name "forme du test"@fr , "test-only shape"@en .\n',
        encoding="utf-8",
    )
    store = tmp_path / "store"
    with KnowledgeGraph.open(store) as kg:
        kg.load([CONFORMING])
        kg.validate()
        # as a newer ontology and shapes would be (cph-kg load refuses these graphs)
        kg.store.write({vocab.ONTOLOGY_GRAPH: oxigraph_triples(Graph().parse(extra_ontology))})
        kg.store.write({vocab.SHAPES_GRAPH: oxigraph_triples(Graph().parse(extra_shape))})
        sizes = kg.info()
    result = CliRunner().invoke(
        main, ["docs", str(tmp_path / "site"), "--store", "--location", str(store)]
    )
    assert result.exit_code == 0, result.output
    english = Page(tmp_path / "site" / "en" / "ontology.html")
    assert "test-only class" in english.section("TestOnlyClass")
    assert "Une classe que seul ce test ajoute." in english.section("TestOnlyClass")  # French
    assert "test-only shape" in english.section("TestOnlyClass")  # the shape targeting it
    assert 'lang="fr"' in (tmp_path / "site" / "en" / "ontology.html").read_text()
    description = Graph().parse(tmp_path / "site" / "void.ttl")
    for name, count in sizes.items():
        assert int(description.value(URIRef(name), VOID.triples)) == count
    assert "https://w3id.org/cph-kg/graph/conventions" in sizes
    assert "https://w3id.org/cph-kg/graph/validation" in sizes
