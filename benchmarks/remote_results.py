"""Virtuoso's SPARQL JSON answers read by rdflib (cph-kg's way) or by Oxigraph behind an adapter.

cph-kg reads a remote endpoint's answers with rdflib, the one place where results are not
parsed by Oxigraph: ``pyoxigraph.parse_query_results`` refuses the blank-node labels Virtuoso
writes (``nodeID://b10006``). This measures the alternative (issue 15): an adapter that
relabels those blank nodes, one new label per label so that a blank node keeps its identity
within the answer, then lets Oxigraph parse. A fresh Virtuoso (``tests/virtuoso.py``) is
loaded with the bundled law (ontology, shapes, legal and reference data: the shapes' blank
nodes), asked for ``--rows`` quads, and its answer is read each way, best of ``--runs``,
interleaved in one process. Each way's rows are checked equal to rdflib's first.

Last, one IRI Virtuoso stores and serves but Oxigraph's parser refuses (a relative IRI,
inserted through SPARQL) shows what an Oxigraph reader would do to a whole answer.

Run from the repository root: ``python -m benchmarks.remote_results [--rows 10000] [--runs 9]``.
Needs Debian's Virtuoso (``virtuoso-opensource-7-bin``).
"""

from __future__ import annotations

import argparse
import io
import json
import re
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode
from rdflib.query import Result

from cph_kg.rdf import bundled
from cph_kg.rdf.rdflib_adapter import normalise, to_rdflib
from tests.virtuoso import Virtuoso

#: A blank-node label Oxigraph reads (Turtle's BLANK_NODE_LABEL, ASCII part).
_VALID_LABEL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
#: Virtuoso's blank nodes as it writes them (its key order): cheap, but only for that layout.
_VIRTUOSO_BNODE = re.compile(rb'("type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*")([^"\\]*)(")')


def rdflib_rows(body: bytes) -> list[tuple[Any, ...]]:
    """cph-kg's way (``store/remote.py``): rdflib's parser, each term normalised."""
    parsed = Result.parse(source=io.BytesIO(body), format="json")
    names = parsed.vars or []
    return [tuple(normalise(b.get(v)) for v in names) for b in list(parsed.bindings)]


def relabelled(body: bytes) -> bytes:
    """The answer with each blank-node label Oxigraph refuses replaced, one label per label."""
    document = json.loads(body)
    labels: dict[str, str] = {}
    for binding in document.get("results", {}).get("bindings", []):
        for term in binding.values():
            if term.get("type") == "bnode" and not _VALID_LABEL.fullmatch(term["value"]):
                term["value"] = labels.setdefault(term["value"], f"r{len(labels)}")
    return json.dumps(document).encode()


def relabelled_by_pattern(body: bytes) -> bytes:
    """The same by a pattern on the bytes: Virtuoso's layout only (a key order), for its cost."""
    labels: dict[bytes, bytes] = {}

    def label(match: re.Match[bytes]) -> bytes:
        return match[1] + labels.setdefault(match[2], b"r%d" % len(labels)) + match[3]

    return _VIRTUOSO_BNODE.sub(label, body)


def oxigraph_rows(body: bytes) -> list[tuple[Any, ...]]:
    """Oxigraph's parser, its terms kept."""
    answer = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
    assert isinstance(answer, ox.QuerySolutions)
    names = [v.value for v in answer.variables]
    return [tuple(solution[n] for n in names) for solution in answer]


def in_rdflib(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Oxigraph's rows as cph-kg's results hold them today (rdflib terms, normalised)."""
    return [tuple(None if t is None else normalise(to_rdflib(t)) for t in row) for row in rows]


def same_rows(expected: list[tuple[Any, ...]], found: list[tuple[Any, ...]]) -> bool:
    """Equal rows, blank nodes mapped one to one (their labels differ)."""
    if len(expected) != len(found):
        return False
    pairs: dict[Any, Any] = {}
    for row, other in zip(expected, found, strict=True):
        for term, that in zip(row, other, strict=True):
            if isinstance(term, BNode):
                if not isinstance(that, BNode) or pairs.setdefault(term, that) != that:
                    return False
            elif term != that or type(term) is not type(that):
                return False
    return len(set(pairs.values())) == len(pairs)


def answer(server: Virtuoso, query: str) -> bytes:
    """Virtuoso's SPARQL JSON answer to ``query``."""
    url = f"{server.endpoint}?{urllib.parse.urlencode({'query': query})}"
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=300) as response:
        body: bytes = response.read()
    return body


def main() -> None:
    """Load a fresh Virtuoso, read its answer each way, print the table."""
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("--rows", type=int, default=10_000)
    arguments.add_argument("--runs", type=int, default=9)
    options = arguments.parse_args()

    quads = [
        ox.Quad(t.subject, t.predicate, t.object, name)
        for name, triples in bundled.graphs().items()
        for t in triples
    ]
    server = Virtuoso()
    try:
        with tempfile.TemporaryDirectory() as folder:
            dump = Path(folder) / "law.nq"
            ox.serialize(quads, output=str(dump), format=ox.RdfFormat.N_QUADS)
            server.bulk_load(dump)
        body = answer(
            server,
            "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } "
            "FILTER (STRSTARTS(STR(?g), 'https://w3id.org/cph-kg/')) } "
            f"LIMIT {options.rows}",
        )
        server.isql("SPARQL INSERT INTO GRAPH <urn:t> { <urn:s> <urn:p> <relative/path> }")
        lenient = answer(server, "SELECT ?o WHERE { GRAPH <urn:t> { ?s ?p ?o } }")
    finally:
        server.stop()

    expected = rdflib_rows(body)
    blank = {t for row in expected for t in row if isinstance(t, BNode)}
    ways: dict[str, Callable[[bytes], object]] = {
        "rdflib, rdflib terms (cph-kg today)": rdflib_rows,
        "JSON adapter + Oxigraph, Oxigraph terms": lambda b: oxigraph_rows(relabelled(b)),
        "JSON adapter + Oxigraph, rdflib terms": lambda b: in_rdflib(oxigraph_rows(relabelled(b))),
        "pattern adapter + Oxigraph, Oxigraph terms": lambda b: oxigraph_rows(
            relabelled_by_pattern(b)
        ),
        "the JSON adapter alone": relabelled,
    }
    assert same_rows(expected, in_rdflib(oxigraph_rows(relabelled(body))))
    assert same_rows(expected, in_rdflib(oxigraph_rows(relabelled_by_pattern(body))))
    best = dict.fromkeys(ways, float("inf"))
    for _ in range(options.runs):
        for name, way in ways.items():
            started = time.perf_counter()
            way(body)
            best[name] = min(best[name], time.perf_counter() - started)
    print(
        f"Virtuoso's answer: {len(expected):,} rows, {len(body):,} bytes, "
        f"{len(blank):,} distinct blank nodes; best of {options.runs} runs\n"
    )
    print("| reading | ms | speed against rdflib |\n|---|---:|---:|")
    baseline = best["rdflib, rdflib terms (cph-kg today)"]
    for name, seconds in best.items():
        print(f"| {name} | {seconds * 1000:.1f} | {baseline / seconds:.2f}x |")
    (row,) = rdflib_rows(lenient)
    try:
        oxigraph_rows(relabelled(lenient))
        verdict = "reads it"
    except SyntaxError as refused:
        verdict = f"refuses the whole answer ({refused})"
    print(f"\nAn IRI Virtuoso serves, <{row[0]}>: rdflib reads it; Oxigraph {verdict}.")


if __name__ == "__main__":
    main()
