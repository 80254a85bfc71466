"""The law cph-kg ships (ontology, shapes, legal and reference data), parsed once per process.

Every reader of the bundled files takes them from here: the validator (the law its checks
read, and the legal data its point-in-time rules read), a load writing the law into a store,
a code import leaving out what the law states already. Each file is parsed by Oxigraph the
first time it is asked for (the ontology and the legal data, 11,000 triples: 0.03 s, where
rdflib's Turtle parser took 0.37 s) and its triples are kept; they do not change while the
package runs. The shapes are also parsed by rdflib, for pySHACL and the shape compiler, by
:class:`cph_kg.validation.validator.Validator`: that is rdflib's one parse of a bundled file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from cph_kg import resources, vocab


def sources() -> dict[ox.NamedNode, list[Path]]:
    """The bundled files, by the named graph a store keeps them in."""
    return {
        vocab.ONTOLOGY_GRAPH: resources.ontology_files(),
        vocab.SHAPES_GRAPH: resources.shapes_files(),
        vocab.LEGAL_GRAPH: sorted((resources.root() / "data" / "legal").glob("*.ttl")),
        vocab.REFERENCE_GRAPH: sorted((resources.root() / "data" / "reference").glob("*.ttl")),
    }


@cache
def law_fingerprint() -> str:
    """A digest of the bundled law files: a store holding it need not load them again.

    The files ship with the package and do not change while it runs: hashed once.
    """
    digest = hashlib.sha256()
    for paths in sources().values():
        for path in paths:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def triples(paths: Iterable[Path]) -> list[ox.Triple]:
    """The triples of bundled Turtle files, each file parsed once per process.

    A triple stated by two files is given once. Blank nodes are renamed at parsing, so two
    files never share one by accident of a label.
    """
    found: dict[ox.Triple, None] = {}
    for path in paths:
        found.update(dict.fromkeys(_parsed(path)))
    return list(found)


@cache
def _parsed(path: Path) -> tuple[ox.Triple, ...]:
    return tuple(
        ox.Triple(quad.subject, quad.predicate, quad.object)
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, rename_blank_nodes=True)
    )


def graphs() -> dict[ox.NamedNode, list[ox.Triple]]:
    """The law as a store keeps it, one named graph per source.

    Each graph states the fingerprint of the files it came from (``dct:hasVersion`` on the
    graph's IRI), so a load can tell whether the store already holds this law.
    """
    fingerprint = ox.Literal(law_fingerprint())
    return {
        name: [*triples(paths), ox.Triple(name, vocab.DCT.hasVersion, fingerprint)]
        for name, paths in sources().items()
    }
