"""What the tests share: the repository's paths, running cph-kg as a user does, local servers.

Test modules import from here, never from one another (importing a test module re-runs its
module-level code and ties two files' tests together) nor from ``conftest.py``, which holds
only pytest fixtures.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection

from cph_kg.cli.serve import server_command_line

ROOT = Path(__file__).resolve().parents[1]
CONVENTIONS = ROOT / "data" / "conventions"
CONFORMING = CONVENTIONS / "conforming" / "gironde-2019.ttl"
REFERENCE = ROOT / "data" / "reference"

#: The golden cases (``data/conventions/manifest.ttl``), in the W3C SHACL test suite's terms.
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")
MANIFEST = Graph().parse(CONVENTIONS / "manifest.ttl")
ENTRIES = list(Collection(MANIFEST, next(MANIFEST.objects(None, MF.entries))))

#: The base of cph-kg's IRIs, and the roles R. 349-2 I names (``concept/named-body/…``).
BASE = "https://w3id.org/cph-kg/"
ROLE = BASE + "concept/named-body/"
SPE = URIRef(ROLE + "service-public-emploi")
CAF = URIRef(ROLE + "caisse-allocations-familiales")
CPAM = URIRef(ROLE + "caisse-primaire-assurance-maladie")
FT = URIRef(BASE + "org/france-travail")


def org(path: str) -> URIRef:
    """A body of the reference data, ``org/{path}``."""
    return URIRef(f"{BASE}org/{path}")


def dep(code: str) -> URIRef:
    """A département by its INSEE code."""
    return URIRef(f"{BASE}departement/{code}")


@cache
def reference() -> Graph:
    """The reference data with its provenance, and the roles' concepts."""
    graph = Graph()
    for path in sorted(REFERENCE.rglob("*.ttl")):
        graph.parse(path)
    graph.parse(ROOT / "data" / "legal" / "r349-2-concepts.ttl")
    return graph


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


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_answering(
    process: subprocess.Popen[bytes], url: str, seconds: float, name: str
) -> None:
    """Ask ``url`` an empty ASK until it answers, so a test starts against a server that is up.

    Raise, with what the process wrote on stderr, if it exits or ``seconds`` pass first.
    """
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=2):
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                assert process.stderr is not None
                raise RuntimeError(f"{name} did not start: {process.stderr.read()!r}") from None
            time.sleep(0.1)


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
        wait_until_answering(process, url, 20, "oxigraph")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        assert process.stderr is not None
        process.stderr.close()


class Counter:
    """A TCP listener on 127.0.0.1 that counts connections and closes each at once.

    What a test points cph-kg at to prove that nothing reaches the network.
    """

    def __init__(self) -> None:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(64)
        self._socket.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        self.connections = 0
        self._running = True
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while self._running:
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            connection.close()

    def close(self) -> None:
        """Stop listening."""
        self._running = False
        self._thread.join()
        self._socket.close()
