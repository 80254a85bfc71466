"""The stores the write-path robustness tests start from."""

from __future__ import annotations

import shutil
from pathlib import Path

from cph_kg.knowledge_graph import KnowledgeGraph
from tests.generate import generate
from tests.helpers import CONFORMING


def before_a_large_load(work: Path, seed: int) -> tuple[Path, Path, Path, dict[str, int]]:
    """A store holding one convention, a copy of it to load into, and a large file to load.

    Returns the store (``before``), its copy (``after``, still equal to it), a file of 6,000
    generated conventions (a load long enough to be interrupted or read beside), and the
    store's graph sizes.
    """
    data = work / "conventions.nt"
    data.write_text(generate(6000, seed=seed), encoding="utf-8")
    before = work / "before"
    with KnowledgeGraph.open(before) as kg:
        kg.load([CONFORMING])
        sizes = kg.info()
    after = work / "after"
    shutil.copytree(before, after)
    return before, after, data, sizes
