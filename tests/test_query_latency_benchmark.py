"""The query latency benchmark stops a query's warm-up at the budget and reports it, then goes on.

At 10,000 conventions a warm-up run without a bound once held the benchmark for over eleven
minutes, so the queries after it were never timed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.query_latency import table, time_query
from cph_kg.knowledge_graph import KnowledgeGraph
from tests.helpers import CONFORMING

pytestmark = pytest.mark.slow  # a query process is started and stopped at its timeout

RQ = Path(__file__).parent / "fixtures" / "rq"


def test_a_warm_up_past_the_budget_is_reported_and_the_next_query_is_timed(
    tmp_path: Path,
) -> None:
    with KnowledgeGraph.open(tmp_path / "store") as kg:
        kg.load([CONFORMING])
        slow = time_query(kg, str(RQ / "cartesian.rq"), {}, repeat=3, budget=1)
        fast = time_query(kg, "obligations", {}, repeat=3, budget=1)
    assert slow.over_budget == 1
    assert slow.seconds == []
    assert slow.error is None
    assert fast.over_budget is None
    assert fast.rows > 0 and 1 <= len(fast.seconds) <= 3
    lines = table({"cartesian": slow, "obligations": fast}, repeat=3)
    assert lines[2] == "| `cartesian` | over budget | 0 | > 1 s | > 1 s | > 1 s | **no** |"
    assert lines[3].startswith(f"| `obligations` | {fast.rows:,} |")
    assert "over budget: the warm-up run was stopped at the budget; no run was timed." in lines
