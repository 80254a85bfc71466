"""``cph-kg docs OUT``: the documentation of the ontology, shapes and queries, and the dataset.

The folder written::

    index.html              the two languages
    fr/, en/                index.html (the dataset), ontology.html, shapes.html, queries.html
    void.ttl                the VoID + DCAT description
    dumps/                  cph-kg-VERSION.nq.gz, one Turtle dump per graph, SHA256SUMS
    style.css

It is written beside ``OUT`` and renamed into place once whole, so a failed build leaves
``OUT`` as it was; an existing ``OUT`` is replaced only if an earlier build wrote it.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import tempfile
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
from rdflib import DCTERMS, OWL, Graph, URIRef

from cph_kg import resources
from cph_kg.errors import CphKgError
from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.namespaces import LEGAL_GRAPH, ONTOLOGY_GRAPH, REFERENCE_GRAPH, SHAPES_GRAPH
from cph_kg.publish.dataset import DATASET, Dump, describe, write_dumps
from cph_kg.publish.labels import LANGUAGES, anchor, pick
from cph_kg.publish.shapes import shape_docs
from cph_kg.publish.tables import table
from cph_kg.publish.vocabulary import (
    KINDS,
    Linker,
    documented_terms,
    named_shapes,
    ontology_iris,
    terms,
)
from cph_kg.sparql import catalog
from cph_kg.sparql.results import Solutions

HERE = Path(__file__).parent
#: The file that marks a folder as written by ``cph-kg docs`` (so it may be replaced).
MARKER = ".cph-kg-docs"
#: The pages of each language, and the message naming each in the navigation.
PAGES = (
    ("index.html", "dataset"),
    ("ontology.html", "ontology"),
    ("shapes.html", "shapes"),
    ("queries.html", "queries"),
)


@cache
def messages() -> dict[str, dict[str, str]]:
    """The words of the pages, by language (``messages.toml``)."""
    return tomllib.loads((HERE / "messages.toml").read_text(encoding="utf-8"))


@cache
def environment() -> jinja2.Environment:
    """The templates, HTML-escaped everywhere (every text from the graph is data)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def version() -> str:
    """The installed version of cph-kg."""
    return importlib.metadata.version("cph-kg")


@dataclass(frozen=True)
class Built:
    """What a build wrote: the folder, its pages, the dumps and the triples described."""

    folder: Path
    pages: list[Path]
    dumps: list[Dump]
    triples: int


def _graph(kg: KnowledgeGraph, name: URIRef) -> Graph:
    answer = kg.store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}")
    graph = answer.graph  # type: ignore[union-attr]
    return graph


@cache
def prefixes() -> dict[str, str]:
    """The prefixes the project's files declare (the first declaration of each wins)."""
    found: dict[str, str] = {}
    files = [*resources.ontology_files(), *resources.shapes_files(), *resources.legal_data_files()]
    for path in files:
        for prefix, namespace in Graph(bind_namespaces="none").parse(path).namespaces():
            if prefix and prefix not in found and str(namespace) not in found.values():
                found[prefix] = str(namespace)
    return found


def _bind(graph: Graph, prefixes: dict[str, str]) -> Graph:
    for prefix, namespace in prefixes.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def build(
    kg: KnowledgeGraph, out: Path, base_url: str | None = None, endpoint: str | None = None
) -> Built:
    """Write the documentation and the dataset of ``kg`` into ``out`` (see the module's doc)."""
    out = out.absolute()
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise CphKgError(
            f"{out} exists and was not written by cph-kg docs: choose an empty or new folder"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        built = _write(kg, staging, base_url or out.as_uri() + "/", endpoint)
        _replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Built(
        out, [out / p.relative_to(staging) for p in built.pages], built.dumps, built.triples
    )


def _replace(staging: Path, out: Path) -> None:
    """Put ``staging`` where ``out`` is, the old folder removed only once the new one is there."""
    os.chmod(staging, 0o755)
    if not out.exists():
        staging.rename(out)
        return
    old = out.with_name(f".{out.name}-old-{os.getpid()}")
    out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def _write(kg: KnowledgeGraph, folder: Path, base_url: str, endpoint: str | None) -> Built:
    known = prefixes()
    ontology = _bind(_graph(kg, ONTOLOGY_GRAPH), known)
    shapes = _bind(_graph(kg, SHAPES_GRAPH), known)
    law = _graph(kg, LEGAL_GRAPH) + _graph(kg, REFERENCE_GRAPH)
    names = _bind(ontology + shapes + law, known)
    if not len(ontology):
        raise CphKgError("the store holds no ontology graph: load something first (cph-kg load)")
    release = version()
    sizes = kg.info()
    dumps = write_dumps(kg, folder / "dumps", release, known)
    description = describe(release, sizes, dumps, base_url, endpoint)
    description.serialize(folder / "void.ttl", format="turtle")
    shutil.copy(HERE / "static" / "style.css", folder / "style.css")
    (folder / MARKER).write_text(f"cph-kg docs {release}\n", encoding="utf-8")

    documented = documented_terms(ontology)
    shape_iris = {str(s) for s in named_shapes(shapes)}

    def href(iri: str) -> str:
        """Terms and shapes to their anchor on the site's pages; anything else to its IRI."""
        if iri in documented:
            return f"ontology.html#{anchor(URIRef(iri))}"
        if iri in shape_iris:
            return f"shapes.html#{anchor(URIRef(iri))}"
        return iri

    env = environment()
    pages = [folder / "index.html"]
    (folder / "index.html").write_text(
        env.get_template("root.html").render(
            version=release, languages=[(lang, messages()[lang]) for lang in LANGUAGES]
        ),
        encoding="utf-8",
    )
    queries = [catalog.named_queries()[name] for name in sorted(catalog.named_queries())]
    for lang in LANGUAGES:
        linker = Linker(names, lang, href)
        vocabulary = terms(ontology, shapes, linker)
        obligations = kg.query("obligations", lang=lang)
        assert isinstance(obligations, Solutions)
        other = next(o for o in LANGUAGES if o != lang)
        common = {
            "lang": lang,
            "other": other,
            "m": messages()[lang],
            "root": "../",
            "stylesheet": "../style.css",
            "search": None,
            "version": release,
        }
        context = {
            "index.html": {
                "dataset": _dataset(description, lang),
                "graphs": _graphs(description, sizes, dumps, lang),
                "dumps": dumps,
                "endpoint": endpoint,
            },
            "ontology.html": {
                "ontologies": [_ontology(ontology, iri, lang) for iri in ontology_iris(ontology)],
                "terms": vocabulary,
                "kinds": [kind for kind, _ in KINDS],
            },
            "shapes.html": {
                "shapes": shape_docs(shapes, linker, lang),
                "obligations": table(linker, obligations),
            },
            "queries.html": {"queries": queries},
        }
        (folder / lang).mkdir()
        for page, _ in PAGES:
            path = folder / lang / page
            nav = [("index.html", "cph-kg", False)] + [
                (target, messages()[lang][name], target == page) for target, name in PAGES
            ]
            html = env.get_template(page).render(
                nav=nav, language_href=f"../{other}/{page}", **common, **context[page]
            )
            path.write_text(html, encoding="utf-8")
            pages.append(path)
    return Built(folder, pages, dumps, sum(sizes.values()))


def _ontology(graph: Graph, iri: URIRef, lang: str) -> dict[str, object]:
    return {
        "iri": str(iri),
        "title": pick(graph.objects(iri, DCTERMS.title), lang),
        "description": pick(graph.objects(iri, DCTERMS.description), lang),
        "version": graph.value(iri, OWL.versionInfo),
    }


def _dataset(description: Graph, lang: str) -> dict[str, object]:
    return {
        "title": pick(description.objects(DATASET, DCTERMS.title), lang),
        "description": pick(description.objects(DATASET, DCTERMS.description), lang),
        "rights": pick(description.objects(DATASET, DCTERMS.rights), lang),
        "licences": sorted(str(o) for o in description.objects(DATASET, DCTERMS.license)),
    }


def _graphs(
    description: Graph, sizes: dict[str, int], dumps: list[Dump], lang: str
) -> list[dict[str, object]]:
    by_graph = {d.graph: d for d in dumps if d.graph is not None}
    return [
        {
            "iri": name,
            "triples": count,
            "title": pick(description.objects(URIRef(name), DCTERMS.title), lang),
            "description": pick(description.objects(URIRef(name), DCTERMS.description), lang),
            "rights": pick(description.objects(URIRef(name), DCTERMS.rights), lang),
            "dump": by_graph.get(name),
        }
        for name, count in sorted(sizes.items())
    ]
