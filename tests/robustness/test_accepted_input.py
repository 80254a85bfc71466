"""What must not be refused: a byte-order mark in every syntax, N-Quads and TriG, the limits.

A BOM is allowed by every syntax cph-kg reads (Turtle, N-Triples and N-Quads, TriG, JSON, XML,
YAML; spreadsheets write it in CSV), so it is dropped, not an error. N-Quads and TriG are read
with their named graphs merged into the document's triples: cph-kg puts each source in a named
graph of its own, so the graph names of a file are not kept.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.rdfio import MAX_NESTING, parse_file
from cph_kg.store import CONVENTIONS_GRAPH
from tests.helpers import CONFORMING, ROOT
from tests.robustness.hostile import Loaded, run, snapshot

BOM = b"\xef\xbb\xbf"
AUTHORING = ROOT / "data" / "conventions" / "authoring"
CSV = (
    "identifier;title;date;departement;centre;centre_name;signatories;missions;objects;"
    "references;source\n"
    "CSV-1;Convention A;12/03/2019;33;les-tilleuls-bordeaux;Centre Les Tilleuls;"
    "pe:33 caf:33 cpam:33;II-1 II-2;III-1 III-2 III-3 III-4;casf:R349-2;a.pdf, p. 1\n"
)


def conforming() -> Graph:
    return Graph().parse(CONFORMING)


def spread(fmt: str) -> bytes:
    """The conforming convention spread over the default graph and two named graphs."""
    lines = sorted(conforming().serialize(format="nt").splitlines())
    graphs: dict[str, list[str]] = {
        "": [],
        "<http://example.org/g1>": [],
        "<http://example.org/g2>": [],
    }
    for index, line in enumerate(line for line in lines if line.strip()):
        graphs[list(graphs)[index % 3]].append(line.rstrip().removesuffix(" ."))
    if fmt == "nquads":
        text = "".join(f"{t} {g} .\n" if g else f"{t} .\n" for g, ts in graphs.items() for t in ts)
    else:
        text = "".join(
            f"{g} {{\n" + "".join(f"  {t} .\n" for t in ts) + "}\n"
            if g
            else "".join(f"{t} .\n" for t in ts)
            for g, ts in graphs.items()
        )
    return text.encode("utf-8")


DOCUMENTS: dict[str, Callable[[], bytes]] = {
    ".ttl": CONFORMING.read_bytes,
    ".nt": lambda: conforming().serialize(format="nt", encoding="utf-8"),
    ".nq": lambda: spread("nquads"),
    ".trig": lambda: spread("trig"),
    ".jsonld": lambda: conforming().serialize(format="json-ld", encoding="utf-8"),
    ".rdf": lambda: conforming().serialize(format="xml", encoding="utf-8"),
    ".json": (AUTHORING / "gironde-2019.jsonld").read_bytes,
    ".yaml": (AUTHORING / "gironde-2019.yaml").read_bytes,
    ".csv": lambda: CSV.encode("utf-8"),
}


@pytest.fixture(scope="module")
def law_store(tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    """A store holding the law and no convention."""
    store = tmp_path_factory.mktemp("law") / "store"
    with KnowledgeGraph.open(store) as kg:
        kg.load([])
    return Loaded(store, snapshot(store))


@pytest.mark.parametrize("suffix", list(DOCUMENTS))
def test_a_byte_order_mark_is_accepted(suffix: str, law_store: Loaded, tmp_path: Path) -> None:
    plain = tmp_path / f"plain{suffix}"
    plain.write_bytes(DOCUMENTS[suffix]())
    with_bom = tmp_path / f"bom{suffix}"
    with_bom.write_bytes(BOM + plain.read_bytes())
    assert isomorphic(parse_file(with_bom), parse_file(plain))

    validated = run("validate", with_bom)
    assert validated.exit_code in (0, 1) and validated.stderr == "", validated.stderr
    store = law_store.copy(tmp_path)
    loaded = run("load", "--location", store, with_bom)
    assert loaded.exit_code == 0 and loaded.stderr == "", loaded.stderr
    with KnowledgeGraph.open(store, create=False) as kg:
        assert isomorphic(kg.conventions_graph(), parse_file(plain))


@pytest.mark.parametrize("suffix", [".nq", ".trig"])
def test_named_graphs_are_merged_into_the_documents_triples(
    suffix: str, law_store: Loaded, tmp_path: Path
) -> None:
    path = tmp_path / f"conventions{suffix}"
    path.write_bytes(DOCUMENTS[suffix]())
    assert isomorphic(parse_file(path), conforming())

    validated = run("validate", "--lang", "en", path)
    assert validated.exit_code == 0, validated.output
    assert "EX-gironde-2019 — conforms" in validated.stdout
    store = law_store.copy(tmp_path)
    loaded = run("load", "--location", store, path)
    assert loaded.exit_code == 0, loaded.stderr
    with KnowledgeGraph.open(store, create=False) as kg:
        assert isomorphic(kg.conventions_graph(), conforming())
        assert set(kg.info()) == {*law_store.snapshot[0], str(CONVENTIONS_GRAPH)}


@pytest.mark.parametrize("forced", ["nquads", "trig"])
def test_the_format_option_names_nquads_and_trig(forced: str, tmp_path: Path) -> None:
    path = tmp_path / "conventions.txt"
    path.write_bytes(DOCUMENTS[".nq" if forced == "nquads" else ".trig"]())
    result = run("validate", "--format", forced, path)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "text",
    [
        "<http://a> <http://b> "
        + "[ <http://p> " * MAX_NESTING
        + "1"
        + " ]" * MAX_NESTING
        + " .\n",
        "<http://a> <http://b> " + "( " * MAX_NESTING + ")" * MAX_NESTING + " .\n",
        '<http://a> <http://b> "[ ( { not nesting: a string" .\n' * (MAX_NESTING + 1),
        '<http://a> <http://b> "a NUL \0 is allowed in a Turtle string" .\n',
    ],
    ids=["blank-nodes", "collections", "brackets-in-strings", "nul-in-a-string"],
)
def test_nesting_up_to_the_limit_is_read_by_both_parsers(
    text: str, law_store: Loaded, tmp_path: Path
) -> None:
    path = tmp_path / "nested.ttl"
    path.write_text(text, encoding="utf-8")
    assert len(parse_file(path)) > 0
    loaded = run("load", "--location", law_store.copy(tmp_path), path)
    assert loaded.exit_code == 0, loaded.stderr
