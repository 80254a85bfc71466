"""The pages' routes, content negotiation and languages, answered from the store.

:meth:`Pages.respond` takes a request's method, target and headers and gives the response; the
server in front of the SPARQL endpoint (:mod:`cph_kg.serve_guard`) hands it every ``GET`` and
``HEAD`` that is not for the endpoint. Routes:

``/``                    the home page: the documents, the classes and their instances
``/search?q=…&type=…``   resources by name or IRI (``q``), or of a class (``type``)
``/queries``             the named queries, each with a form to run it (no JavaScript)
``/queries/NAME?p=v``    a named query's answer as a table, or ``&format=csv|tsv|json``
``/sparql``              the SPARQL editor (YASGUI), ``?named=NAME`` to open a named query
``/static/…``            the stylesheet and the editor's files
any other path           the resource ``https://w3id.org/cph-kg/PATH``: HTML, or its
                         description in Turtle, N-Triples or JSON-LD (``Accept`` or
                         ``?format=turtle|ntriples|jsonld``)

The language is ``?lang=fr|en`` (remembered in a cookie), else the cookie, else the browser's
``Accept-Language``, else French, the language of the sources.
"""

from __future__ import annotations

import json
import mimetypes
import threading
import urllib.parse
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from rdflib import Graph, URIRef

from cph_kg import catalog
from cph_kg.errors import CphKgError
from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.publish.labels import LANGUAGES
from cph_kg.publish.site import environment, messages, version
from cph_kg.publish.tables import table
from cph_kg.publish.vocabulary import BASE, KINDS, Linker
from cph_kg.results import Boolean, Solutions, Triples, serialise
from cph_kg.sparql_text import bind_values
from cph_kg.web.resource import (
    description,
    exists,
    kg_prefixes,
    names_of,
    page_query,
    resource_view,
)

STATIC = Path(__file__).parents[1] / "publish" / "static"
#: The paths Oxigraph answers (the SPARQL endpoint, updates, the Graph Store).
ENDPOINT_PATHS = ("/query", "/update", "/store")
#: Media types of a resource's description, and the rdflib format of each.
DESCRIPTIONS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
}
FORMATS = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
}
RESULT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "json": "application/sparql-results+json",
}
COOKIE = "cph-kg-lang"
_FORBIDDEN = set('<>"{}|\\^` ')


@dataclass
class Response:
    """A page or a description: status, media type, body and extra headers."""

    status: int
    content_type: str
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)


def _accepts(header: str) -> list[tuple[str, float]]:
    """The media types of an ``Accept`` header, best first (q-values honoured)."""
    found = []
    for position, part in enumerate(header.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media:
            found.append((media.lower(), quality, -position))
    return [(media, q) for media, q, _ in sorted(found, key=lambda f: (-f[1], -f[2]))]


def negotiate(header: str | None, offered: list[str]) -> str | None:
    """The offered media type the client prefers; the first offered for none or ``*/*``."""
    if not header:
        return offered[0]
    for media, quality in _accepts(header):
        if quality <= 0:
            continue
        if media in ("*/*", "text/*") and (media == "*/*" or offered[0].startswith("text/")):
            return offered[0]
        if media in offered:
            return media
    return None


class Pages:
    """The pages of one store; ``open_graph`` gives a knowledge graph to read it.

    ``cache`` keeps that many answers (by target, language and ``Accept``): right for a store
    that cannot change while it is served (``cph-kg serve`` without ``--allow-update``), where a
    page, which runs a query per named query that takes an IRI, is read once.
    """

    def __init__(self, open_graph: Callable[[], KnowledgeGraph], cache: int = 0) -> None:
        self.open_graph = open_graph
        self.cache_size = cache
        self._cache: OrderedDict[tuple[str, str, str], Response] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def handles(method: str, path: str) -> bool:
        """True for the requests the pages answer: reads of anything but the endpoint."""
        return method in ("GET", "HEAD") and not any(
            path == p or path.startswith(p + "/") or path.startswith(p + "?")
            for p in ENDPOINT_PATHS
        )

    def respond(self, method: str, target: str, headers: Mapping[str, str]) -> Response:
        """The response to a ``GET`` or ``HEAD`` of ``target``."""
        parts = urllib.parse.urlsplit(target)
        query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
        params = {name: values[-1] for name, values in query.items()}
        lang, remember = self._language(params, headers)
        key = (target, lang, headers.get("Accept", ""))
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
        if cached is not None:
            response = replace(cached, headers=list(cached.headers))
        else:
            try:
                response = self._route(parts.path, params, headers, lang)
            except CphKgError as error:  # the store did not answer
                response = self._error(502, lang, str(error))
            if self.cache_size and response.status in (200, 404):
                with self._lock:
                    self._cache[key] = replace(response, headers=list(response.headers))
                    while len(self._cache) > self.cache_size:
                        self._cache.popitem(last=False)
        if remember:
            response.headers.append(("Set-Cookie", f"{COOKIE}={lang}; Path=/; SameSite=Lax"))
        if method == "HEAD":
            response.headers.append(("Content-Length", str(len(response.body))))
            response.body = b""
        return response

    # --- languages and common page context ----------------------------------------------------

    @staticmethod
    def _language(params: dict[str, str], headers: Mapping[str, str]) -> tuple[str, bool]:
        if params.get("lang") in LANGUAGES:
            return params["lang"], True
        for cookie in headers.get("Cookie", "").split(";"):
            name, _, value = cookie.strip().partition("=")
            if name == COOKIE and value in LANGUAGES:
                return value, False
        for media, quality in _accepts(headers.get("Accept-Language", "")):
            if quality > 0 and media.split("-")[0] in LANGUAGES:
                return media.split("-")[0], False
        return LANGUAGES[0], False

    def _render(
        self, template: str, lang: str, path: str, status: int = 200, **context
    ) -> Response:
        m = messages()[lang]
        other = next(o for o in LANGUAGES if o != lang)
        nav = [("/", "cph-kg", path == "/")]
        for href, name in context.pop("documents", []):
            nav.append((href, name, path == href))
        nav += [
            ("/queries", m["queries"], path.startswith("/queries")),
            ("/sparql", m["sparql_editor"], path == "/sparql"),
        ]
        html = (
            environment()
            .get_template(template)
            .render(
                lang=lang,
                other=other,
                m=m,
                nav=nav,
                stylesheet="/static/style.css",
                search="/search",
                language_href=f"{path}?lang={other}",
                version=version(),
                status=status,
                kinds=[kind for kind, _ in KINDS],
                **context,
            )
        )
        return Response(
            status,
            "text/html; charset=utf-8",
            html.encode("utf-8"),
            [("Vary", "Accept, Accept-Language, Cookie")],
        )

    def _error(self, status: int, lang: str, message: str, path: str = "/") -> Response:
        return self._render("error.html", lang, path, status=status, message=message, documents=[])

    @staticmethod
    def href(iri: str) -> str:
        """Where a link to ``iri`` leads: a cph-kg IRI to its page here, others to themselves."""
        if iri.startswith(BASE):
            return "/" + urllib.parse.quote(iri[len(BASE) :], safe="/#:@!$&'()*+,;=-._~%")
        return iri

    def _documents(self, kg: KnowledgeGraph, lang: str) -> list[tuple[str, str]]:
        answer = kg.store.query(page_query("documents"))
        assert isinstance(answer, Solutions)
        m = messages()[lang]
        return [
            (self.href(str(document)), m["shapes"] if shape is not None else m["ontology"])
            for document, shape in answer.rows
        ]

    # --- routes -------------------------------------------------------------------------------

    def _route(
        self, path: str, params: dict[str, str], headers: Mapping[str, str], lang: str
    ) -> Response:
        if path.startswith("/static/"):
            return self._static(path, lang)
        with self.open_graph() as kg:
            if path == "/":
                return self._home(kg, lang)
            if path == "/search":
                return self._search(kg, lang, params)
            if path == "/queries":
                return self._render(
                    "queries_list.html",
                    lang,
                    path,
                    queries=_queries(),
                    documents=self._documents(kg, lang),
                )
            if path.startswith("/queries/"):
                return self._run(kg, lang, path, params)
            if path == "/sparql":
                return self._editor(kg, lang, params)
            return self._resource(kg, lang, path, params, headers)

    def _static(self, path: str, lang: str) -> Response:
        file = (STATIC / path[len("/static/") :]).resolve()
        if not file.is_relative_to(STATIC.resolve()) or not file.is_file():
            return self._error(404, lang, messages()[lang]["not_found"], path)
        media = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if media.startswith("text/") or media.endswith("javascript"):
            media += "; charset=utf-8"
        return Response(200, media, file.read_bytes(), [("Cache-Control", "max-age=3600")])

    def _home(self, kg: KnowledgeGraph, lang: str) -> Response:
        answer = kg.store.query(page_query("classes"))
        assert isinstance(answer, Solutions)
        names = names_of(kg, [], [row[0] for row in answer.rows])
        linker = Linker(_bound(names), lang, self.href)
        classes = [
            (linker.link(cls), int(count), "/search?" + urllib.parse.urlencode({"type": str(cls)}))
            for cls, count in answer.rows
            if isinstance(cls, URIRef)
        ]
        documents = self._documents(kg, lang)
        return self._render(
            "home.html", lang, "/", classes=classes, documents=documents, links=documents
        )

    def _search(self, kg: KnowledgeGraph, lang: str, params: dict[str, str]) -> Response:
        text, kind = params.get("q", "").strip(), params.get("type", "").strip()
        bound: dict = {}
        if kind:
            bound["type"] = catalog.Parameter("type", "iri", False, None, "").term(kind)
        if text:
            query = bind_values(
                page_query("search"),
                {**bound, "text": catalog.Parameter("text", "string", False, None, "").term(text)},
            )
        elif kind:
            query = bind_values(page_query("instances"), bound)
        else:
            query = None
        rows = []
        if query is not None:
            answer = kg.store.query(query)
            assert isinstance(answer, Solutions)
            rows = [row[0] for row in answer.rows if isinstance(row[0], URIRef)]
        linker = Linker(
            _bound(names_of(kg, [], [*rows, *([URIRef(kind)] if kind else [])])), lang, self.href
        )
        return self._render(
            "search.html",
            lang,
            "/search",
            text=text,
            kind=linker.link(URIRef(kind)) if kind else None,
            results=[linker.link(r) for r in rows],
            documents=self._documents(kg, lang),
        )

    def _run(self, kg: KnowledgeGraph, lang: str, path: str, params: dict[str, str]) -> Response:
        name = path[len("/queries/") :]
        queries = catalog.named_queries()
        if name not in queries:
            return self._error(404, lang, f"no named query {name!r}", path)
        query = queries[name]
        given = {p.name: params[p.name] for p in query.parameters if params.get(p.name)}
        if "lang" not in given and any(p.name == "lang" for p in query.parameters):
            given["lang"] = lang
        try:
            query.bind(given)
        except CphKgError as error:  # a value the parameter does not take
            return self._error(400, lang, str(error), path)
        result = kg.query(name, **given)
        output = params.get("format")
        if output in RESULT_TYPES and isinstance(result, Solutions | Boolean):
            return Response(200, RESULT_TYPES[output], serialise(result, output).encode("utf-8"))
        if isinstance(result, Triples):
            return Response(
                200, "text/turtle; charset=utf-8", result.graph.serialize(format="turtle").encode()
            )
        cells = [t for row in result.rows for t in row] if isinstance(result, Solutions) else []
        linker = Linker(_bound(names_of(kg, [], cells)), lang, self.href)
        return self._render(
            "query.html",
            lang,
            path,
            query=query,
            given=given,
            table=table(linker, result) if isinstance(result, Solutions) else None,
            answer=result.value if isinstance(result, Boolean) else None,
            count=len(result.rows) if isinstance(result, Solutions) else None,
            formats={
                k: f"{path}?{urllib.parse.urlencode({**given, 'format': k})}" for k in RESULT_TYPES
            },
            documents=self._documents(kg, lang),
        )

    def _editor(self, kg: KnowledgeGraph, lang: str, params: dict[str, str]) -> Response:
        queries = catalog.named_queries()
        chosen = queries.get(params.get("named", ""))
        text = ""
        if chosen is not None:
            text = chosen.text if any(p.required for p in chosen.parameters) else chosen.bind({})
        return self._render(
            "sparql.html",
            lang,
            "/sparql",
            # JSON in a <script> element: "<" escaped, so no text can close the element
            query_text=json.dumps(text).replace("<", "\\u003c"),
            chosen=chosen,
            queries=[queries[n] for n in sorted(queries)],
            documents=self._documents(kg, lang),
        )

    def _resource(
        self,
        kg: KnowledgeGraph,
        lang: str,
        path: str,
        params: dict[str, str],
        headers: Mapping[str, str],
    ) -> Response:
        local = urllib.parse.unquote(path[1:])
        if not local or _FORBIDDEN.intersection(local) or any(ord(c) < 32 for c in local):
            return self._error(404, lang, messages()[lang]["not_found"], path)
        iri = URIRef(BASE + local)
        if not exists(kg, iri):
            return self._error(404, lang, messages()[lang]["not_found"], path)
        if params.get("format") in FORMATS:
            media: str | None = FORMATS[params["format"]]
        else:
            media = negotiate(headers.get("Accept"), ["text/html", *DESCRIPTIONS])
        if media is None:
            offered = ", ".join(["text/html", *DESCRIPTIONS])
            return Response(406, "text/plain; charset=utf-8", f"available: {offered}\n".encode())
        alternates = [
            ("Link", f'<{path}?format={fmt}>; rel="alternate"; type="{kind}"')
            for fmt, kind in FORMATS.items()
        ]
        if media in DESCRIPTIONS:
            graph = _bound(description(kg, iri))
            if DESCRIPTIONS[media] == "json-ld":
                body = graph.serialize(
                    format="json-ld", context=dict(kg_prefixes()), auto_compact=True
                )
            else:
                body = graph.serialize(format=DESCRIPTIONS[media])
            return Response(
                200,
                f"{media}; charset=utf-8",
                body.encode("utf-8"),
                [("Vary", "Accept"), *alternates],
            )
        view = resource_view(kg, iri, lang, self.href)
        response = self._render(
            "resource.html",
            lang,
            path,
            view=view,
            formats={fmt: f"{path}?format={fmt}" for fmt in FORMATS},
            documents=self._documents(kg, lang),
        )
        response.headers.extend(alternates)
        return response


def _bound(graph: Graph) -> Graph:
    for prefix, namespace in kg_prefixes().items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def _queries() -> list[catalog.NamedQuery]:
    queries = catalog.named_queries()
    return [queries[name] for name in sorted(queries)]
