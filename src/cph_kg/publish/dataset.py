"""Versioned dumps of a store and the VoID + DCAT description of the dataset they hold.

The dumps are the whole dataset in N-Quads and each named graph in Turtle, gzipped, named with
the version (``cph-kg-0.1.0.nq.gz``, ``cph-kg-0.1.0-ontology.ttl.gz``) and listed with their
SHA-256 in ``SHA256SUMS`` (``sha256sum -c SHA256SUMS`` checks them). The description starts
from ``data/dataset/description.ttl`` (titles, licences and sources, written by hand because no
graph states them) and adds what is measured: the version, the triples of each graph, each dump
with its size, media type and checksum, and the SPARQL endpoint when one is named.
"""

from __future__ import annotations

import gzip
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, VOID

from cph_kg import resources
from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.namespaces import SD, SPDX, prefixes
from cph_kg.publish.vocabulary import BASE

#: The dataset (every version) and where its graphs are named.
DATASET = URIRef(f"{BASE}dataset")
GRAPHS = f"{BASE}graph/"
MEDIA = "https://www.iana.org/assignments/media-types/"


@dataclass(frozen=True)
class Dump:
    """A dump written: its file name (under ``dumps/``), size, SHA-256, format and graph IRI."""

    name: str
    size: int
    sha256: str
    media_type: str
    graph: str | None


def graph_slug(text: str) -> str:
    """A file-name part for a named graph's IRI: its path under ``…/graph/``, dashes for slashes."""
    if text.startswith(GRAPHS):
        return text[len(GRAPHS) :].strip("/").replace("/", "-")
    return "graph-" + hashlib.sha256(text.encode()).hexdigest()[:12]


def description_file() -> Path:
    """The hand-written part of the dataset's description."""
    return resources.root() / "data" / "dataset" / "description.ttl"


def _write_gzip(path: Path, data: bytes, media_type: str, graph: str | None) -> Dump:
    """Write ``data`` gzipped; mtime 0 and no name in the header, so equal data, equal bytes."""
    with (
        open(path, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as out,
    ):
        out.write(data)
    content = path.read_bytes()
    return Dump(path.name, len(content), hashlib.sha256(content).hexdigest(), media_type, graph)


def write_dumps(
    graph: KnowledgeGraph, folder: Path, version: str, prefixes: dict[str, str]
) -> list[Dump]:
    """Dump the store into ``folder``: the dataset in N-Quads, each graph in Turtle."""
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    graph.store.dump(buffer, "nquads")
    quads = buffer.getvalue()
    dumps = [_write_gzip(folder / f"cph-kg-{version}.nq.gz", quads, "application/n-quads", None)]
    by_graph: dict[str, list[ox.Triple]] = {}
    for quad in ox.parse(quads, ox.RdfFormat.N_QUADS):
        if isinstance(quad.graph_name, ox.NamedNode):
            by_graph.setdefault(quad.graph_name.value, []).append(quad.triple)
    for name in sorted(by_graph):
        turtle = ox.serialize(by_graph[name], format=ox.RdfFormat.TURTLE, prefixes=prefixes)
        assert turtle is not None
        path = folder / f"cph-kg-{version}-{graph_slug(name)}.ttl.gz"
        dumps.append(_write_gzip(path, turtle, "text/turtle", name))
    sums = "".join(f"{d.sha256}  {d.name}\n" for d in dumps)
    (folder / "SHA256SUMS").write_text(sums, encoding="utf-8")
    return dumps


def describe(
    version: str,
    sizes: dict[str, int],
    dumps: Iterable[Dump],
    base_url: str,
    endpoint: str | None,
) -> Graph:
    """The VoID + DCAT description of this version of the dataset.

    ``sizes`` are the triples of each named graph; ``base_url`` is where the published folder
    is (dumps are under ``dumps/``); ``endpoint`` is a SPARQL endpoint serving the dataset.
    """
    description = Graph()
    description.parse(description_file(), format="turtle")
    this = URIRef(f"{DATASET}/{version}")
    add = description.add
    add((this, DCTERMS.isVersionOf, DATASET))
    add((this, OWL.versionInfo, Literal(version)))
    for predicate, value in description.predicate_objects(DATASET):
        if predicate not in (RDF.type,):
            add((this, predicate, value))
    for kind in (VOID.Dataset, DCAT.Dataset):
        add((this, RDF.type, kind))
    add((this, VOID.triples, Literal(sum(sizes.values()), datatype=XSD.integer)))
    for name, count in sorted(sizes.items()):
        subset = URIRef(name)
        add((this, VOID.subset, subset))
        add((subset, RDF.type, VOID.Dataset))
        add((subset, VOID.triples, Literal(count, datatype=XSD.integer)))
        add((subset, SD.name, subset))
    licence = next(description.objects(DATASET, DCTERMS.license), None)
    for dump in dumps:
        url = URIRef(f"{base_url}dumps/{dump.name}")
        distribution = URIRef(f"{this}/distribution/{dump.name}")
        owner = URIRef(dump.graph) if dump.graph is not None else this
        add((owner, VOID.dataDump, url))
        add((this, DCAT.distribution, distribution))
        add((distribution, RDF.type, DCAT.Distribution))
        add((distribution, DCAT.downloadURL, url))
        add((distribution, DCAT.accessURL, url))
        add((distribution, DCAT.mediaType, URIRef(MEDIA + dump.media_type)))
        add((distribution, DCAT.compressFormat, URIRef(MEDIA + "application/gzip")))
        add((distribution, DCAT.byteSize, Literal(dump.size, datatype=XSD.nonNegativeInteger)))
        if dump.graph is not None:
            add((distribution, DCTERMS.description, Literal(f"Graph <{dump.graph}>", lang="en")))
        if licence is not None:
            add((distribution, DCTERMS.license, licence))
        checksum = BNode()
        add((distribution, SPDX.checksum, checksum))
        add((checksum, RDF.type, SPDX.Checksum))
        add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        add((checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)))
    if endpoint:
        service = URIRef(endpoint)
        add((this, VOID.sparqlEndpoint, service))
        add((service, RDF.type, DCAT.DataService))
        add((service, DCAT.endpointURL, service))
        add((service, DCAT.servesDataset, this))
        add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    for prefix, namespace in prefixes("void", "dcat", "spdx", "sd").items():
        description.bind(prefix, namespace)
    return description
