"""Shared fixtures: the repository's folders and one validator for the whole session.

Parsing the law graph and the shapes costs about a second; sharing one :class:`Validator`
keeps the suite fast without sharing any state that a test could change.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph

from cph_kg import Validator, resources
from cph_kg.cli.serve import server_command_line

ROOT = Path(__file__).resolve().parents[1]
CONVENTIONS = ROOT / "data" / "conventions"
CONFORMING = CONVENTIONS / "conforming" / "gironde-2019.ttl"


def run_cph_kg(
    *args: object, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``python -m cph_kg ARGS`` in a process of its own, as a user's shell runs it.

    ``env`` is added to this process's environment; the run is never checked (tests assert the
    exit code they expect).
    """
    return subprocess.run(
        [sys.executable, "-m", "cph_kg", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="session")
def validator() -> Validator:
    """One validator, its graphs parsed once."""
    return Validator()


@pytest.fixture(scope="session")
def legal_graph() -> Graph:
    """R349-2, its obligations and concepts, and the reference data."""
    graph = Graph()
    for path in resources.legal_data_files():
        graph.parse(path)
    return graph


@pytest.fixture(scope="session")
def shapes_graph() -> Graph:
    """The shapes of R349-2."""
    graph = Graph()
    for path in resources.shapes_files():
        graph.parse(path)
    return graph


@pytest.fixture(scope="session")
def ontology_graph() -> Graph:
    """The cph-kg ontology alone (``ontology/*.ttl``, without the vendored vocabularies)."""
    graph = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        graph.parse(path)
    return graph


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def oxigraph_server(location: Path, allow_update: bool = False) -> Iterator[str]:
    """Serve ``location`` with the real Oxigraph server on 127.0.0.1; yield its query URL.

    The command line is the one ``cph-kg serve`` runs, so the tests exercise what users get.
    """
    port = free_port()
    argv = server_command_line(location, "127.0.0.1", port, allow_update, timeout=30)
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"oxigraph did not start: {process.stderr.read()!r}"
                    ) from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()
