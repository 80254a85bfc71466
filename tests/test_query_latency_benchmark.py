"""The query latency benchmark stops a query's warm-up at the budget and reports it, then goes on.

At 10,000 conventions a warm-up run without a bound once held the benchmark for over eleven
minutes, so the queries after it were never timed. With ``--store`` it keeps the store it built
and a run with the same options times its queries on it without building it again.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.query_latency import BUILD_RECORD, main, table, time_query
from cph_kg.knowledge_graph import KnowledgeGraph
from tests.helpers import CONFORMING

pytestmark = pytest.mark.slow  # a query process is started and stopped at its timeout

RQ = Path(__file__).parent / "fixtures" / "rq"
SAMPLE_ETALAB = Path(__file__).parents[1] / "data" / "samples" / "etalab"


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


def test_a_kept_store_is_reused_by_a_run_with_the_same_options_and_refused_otherwise(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kept = tmp_path / "kept"
    options = ["--store", str(kept), "--corpus", str(SAMPLE_ETALAB), "--conventions", "2"]
    timing = ["--repeat", "1", "--budget", "30", "--queries", "obligations"]
    main([*options, *timing])
    first = capsys.readouterr()
    assert "bundled law written" in first.err
    assert (kept / BUILD_RECORD).is_file()

    main([*options, *timing])
    second = capsys.readouterr()
    assert "bundled law written" not in second.err  # nothing was built
    assert f"Store reused from {kept} (built " in second.out
    built = [line for line in first.out.splitlines() if line.startswith("Conventions: 2 ")]
    assert len(built) == 1 and built[0] in second.out.splitlines()  # the build's own report
    row = [line for line in first.out.splitlines() if line.startswith("| `obligations` |")]
    assert len(row) == 1
    rows = row[0].split("|")[2]
    assert f"| `obligations` |{rows}|" in second.out  # the same answer on the same store

    with pytest.raises(SystemExit) as other:
        main([*options[:-1], "3", *timing])
    assert other.value.code == 2
    assert "holds a store built with" in capsys.readouterr().err

    (kept / BUILD_RECORD).unlink()  # as a build stopped before its end leaves it
    with pytest.raises(SystemExit) as stopped:
        main([*options, *timing])
    assert stopped.value.code == 2
    assert f"holds a store but no {BUILD_RECORD}: its build did not complete" in (
        capsys.readouterr().err
    )
