"""The parts of citation-closure that benchmarks/closure_parts.py times give its rows, built up.

The benchmark bounds what any form of the query could cost by timing it without its sort, and
without its lookups; that holds only if each part answers what the query answers, up to what
it leaves out.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from benchmarks.closure_parts import L211_1, main, queries
from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.sparql.results import Solutions
from cph_kg.store.querying import run_query
from tests.helpers import ROOT

pytestmark = pytest.mark.slow  # the sample codes are imported, the benchmark run

SAMPLE_LEGI = ROOT / "data" / "samples" / "legi"


@pytest.fixture(scope="module")
def kept(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder as query_latency --store leaves it, holding the sample LEGI codes."""
    folder = tmp_path_factory.mktemp("kept")
    with KnowledgeGraph.open(folder / "store") as kg:
        kg.import_codes([SAMPLE_LEGI])
    return folder


def answers(folder: Path, article: str) -> dict[str, list[tuple[object, ...]]]:
    """Each part's rows and the query's, as kg.query gives them."""
    store = ox.Store.read_only(str(folder / "store"))
    found = {}
    for name, query in queries().items():
        result = run_query(store, query.bind({"article": article}))
        assert isinstance(result, Solutions)
        found[name] = result.rows
    return found


@pytest.mark.parametrize(
    "article",
    [L211_1, "https://w3id.org/cph-kg/law/ctrav/L5312-1"],
)
def test_each_part_answers_the_query_up_to_what_it_leaves_out(kept: Path, article: str) -> None:
    found = answers(kept, article)
    whole = found["citation-closure"]
    assert len(whole) > 10  # the sample reaches articles from both
    assert Counter(found["4-unsorted"]) == Counter(whole)  # the same rows, in some order
    assert set(found["3-closure-number"]) == {(row[0], row[1]) for row in whole}
    assert set(found["2-closure"]) == {(row[0],) for row in whole}
    [(count,)] = found["1-closure-counted"]
    assert int(count) == len({row[0] for row in whole})


def test_the_benchmark_prints_each_part_both_ways(
    kept: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main([str(kept), "--rounds", "1", "--named-graphs"])
    table = capsys.readouterr().out.splitlines()
    reached = len(answers(kept, L211_1)["citation-closure"])
    for name, rows in [
        ("1-closure-counted", 1),
        ("2-closure", reached),
        ("3-closure-number", reached),
        ("4-unsorted", reached),
        ("citation-closure", reached),
    ]:
        for way in ("pyoxigraph terms", "rdflib terms (kg.query)"):
            assert any(line.startswith(f"| `{name}` | {rows:,} | {way} | ") for line in table), name
    named = [line for line in table if "graphs named |" in line]  # the query alone, a third way
    assert len(named) == 1 and named[0].startswith(f"| `citation-closure` | {reached:,} | ")
