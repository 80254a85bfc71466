"""A load killed with SIGKILL at any moment leaves the store as it was before, or as after.

Each round starts ``cph-kg load`` in a subprocess on a copy of a store, kills it after a random
delay (seeded), then opens the store and compares its graphs with the two states a load may
leave: all of the load, or none of it.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cph_kg.knowledge_graph import KnowledgeGraph
from tests.helpers import ROOT
from tests.robustness.stores import before_a_large_load

pytestmark = pytest.mark.slow  # SIGKILL rounds during large loads

ROUNDS = 8


def load_command(store: Path, data: Path) -> tuple[list[str], dict[str, str]]:
    """The ``cph-kg load`` a user runs, as a subprocess command and its environment."""
    env = {**os.environ, "CPH_KG_STORE": str(store), "CPH_KG_ENDPOINT": ""}
    return [sys.executable, "-m", "cph_kg", "load", str(data)], env


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict, dict, float]:
    """A store before the load, the file, the sizes before and after, and the load's duration.

    The duration is measured on this machine, so the kills spread over the whole load.
    """
    before, after, data, sizes_before = before_a_large_load(
        tmp_path_factory.mktemp("crash"), seed=11
    )
    command, env = load_command(after, data)
    started = time.monotonic()
    subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
    duration = time.monotonic() - started
    with KnowledgeGraph.open(after, create=False) as kg:
        sizes_after = kg.info()
    assert sizes_before != sizes_after
    return before, data, sizes_before, sizes_after, duration


def kill_after(delay: float, before: Path, data: Path, store: Path) -> dict:
    """Start ``cph-kg load`` on a copy of ``before``, SIGKILL it after ``delay`` s, return sizes."""
    shutil.copytree(before, store)
    command, env = load_command(store, data)
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    with KnowledgeGraph.open(store, create=False) as kg:
        return kg.info()


@pytest.mark.long  # SIGKILL rounds during loads of 6,000 conventions
def test_sigkill_during_load_leaves_before_or_after(states, tmp_path: Path) -> None:
    before, data, sizes_before, sizes_after, duration = states
    rng = random.Random(2026)
    seen = set()
    # from start-up to past the end of the load: every moment of it can be hit
    delays = [
        duration * (0.15 + 1.1 * round_ / (ROUNDS - 1)) * rng.uniform(0.9, 1.1)
        for round_ in range(ROUNDS)
    ]
    # The duration was measured once; on a machine busier now than then, the load takes longer
    # and every kill may land before the commit. Later kills, up to 8x the measured duration,
    # then look for the "after" side, so the test proves both outcomes without timing luck.
    late = [duration * 1.5**step for step in range(1, 6)]
    for round_, delay in enumerate(delays + late):
        if round_ >= ROUNDS and "after" in seen:
            break
        sizes = kill_after(delay, before, data, tmp_path / f"store-{round_}")
        assert sizes in (sizes_before, sizes_after), (round_, sizes)
        seen.add("after" if sizes == sizes_after else "before")
    # The delays cover both outcomes, so the test saw the kill land before and after the commit.
    assert seen == {"before", "after"}, seen


@pytest.mark.long  # SIGKILL rounds during loads of 6,000 conventions
def test_sigkill_during_a_first_load_leaves_nothing_or_everything(states, tmp_path: Path) -> None:
    """On a fresh location the law and the files are one transaction.

    It was two: a kill between them left a store holding the law and no convention, which the
    README's "before or after" did not say. Now the only states are no store, an empty one
    (the files RocksDB creates on opening), or the whole load; and a load run again completes.
    """
    _, data, _, _, _ = states
    command, env = load_command(tmp_path / "timing", data)
    started = time.monotonic()
    subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
    duration = time.monotonic() - started
    with KnowledgeGraph.open(tmp_path / "timing", create=False) as kg:
        loaded = kg.info()
    rng = random.Random(2027)
    seen: set[str] = set()
    rounds = 5
    delays = [
        duration * (0.1 + 1.1 * round_ / (rounds - 1)) * rng.uniform(0.9, 1.1)
        for round_ in range(rounds)
    ]
    late = [duration * 1.5**step for step in range(1, 6)]  # as above: a busier machine
    for round_, delay in enumerate(delays + late):
        if round_ >= rounds and "loaded" in seen:
            break
        store = tmp_path / f"fresh-{round_}"
        command, env = load_command(store, data)
        process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        if not (store / "CURRENT").exists():
            seen.add("no store")
            continue
        with KnowledgeGraph.open(store, create=False) as kg:
            sizes = kg.info()
        assert sizes in ({}, loaded), (round_, sizes)
        if sizes == {} and "empty" not in seen:  # the leftover is a store to load into
            subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
            with KnowledgeGraph.open(store, create=False) as kg:
                assert kg.info() == loaded
        seen.add("loaded" if sizes == loaded else "empty")
    assert "loaded" in seen and seen & {"no store", "empty"}, seen
