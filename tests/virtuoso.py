"""Virtuoso open-source on 127.0.0.1, for the tests that run the named queries on it.

One server per test session, started on first use from ``tools/virtuoso/virtuoso.ini`` (the
file the README's walk-through uses) in a directory of its own, on free ports, and stopped when
the session ends. A store is put into it the way the README says: the N-Quads dump that
``cph-kg docs`` writes, read by Virtuoso's bulk loader. Where Debian's Virtuoso
(``virtuoso-opensource-7-bin``) is not installed, the tests that need it are skipped and say so.
"""

from __future__ import annotations

import atexit
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from cph_kg.knowledge_graph import KnowledgeGraph
from tests.helpers import ROOT, free_port

CONFIGURATION = ROOT / "tools" / "virtuoso" / "virtuoso.ini"
SERVER, ISQL = "virtuoso-t", "isql-vt"
#: The graphs Virtuoso keeps for itself, which a clear must leave alone.
SYSTEM_GRAPH_PREFIXES = (
    "http://www.openlinksw.com/",
    "http://localuriqaserver/",
    "http://www.w3.org/ns/ldp",
)
#: isql-vt without its banner, prompts and echo: only what a statement prints.
QUIET = ("VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF")
NOT_INSTALLED = "Virtuoso is not installed (Debian: apt-get install virtuoso-opensource-7-bin)"


class Virtuoso:
    """A running Virtuoso: its SPARQL endpoint and SQL port, and what was loaded into it."""

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="cph-kg-virtuoso-"))
        self.sql_port, self.http_port = free_port(), free_port()
        text = CONFIGURATION.read_text(encoding="utf-8")
        text = text.replace("127.0.0.1:1111", f"127.0.0.1:{self.sql_port}")
        text = text.replace("127.0.0.1:8890", f"127.0.0.1:{self.http_port}")
        (self.directory / "virtuoso.ini").write_text(text, encoding="utf-8")
        self.endpoint = f"http://127.0.0.1:{self.http_port}/sparql"
        self.loaded = False
        self.process = subprocess.Popen(
            [SERVER, "+foreground", "+configfile", "virtuoso.ini"],
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{self.endpoint}?query=ASK%7B%7D", timeout=2):
                    return
            except (OSError, urllib.error.HTTPError):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    log = self.directory / "virtuoso.log"
                    tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                    raise RuntimeError(f"Virtuoso did not start:\n{tail}") from None
                time.sleep(0.2)

    def isql(self, *statements: str) -> str:
        """Run SQL statements as dba through ``isql-vt``; an error fails the test with it."""
        script = "".join(f"{s.rstrip(';')};\n" for s in statements)
        done = subprocess.run(
            [ISQL, f"127.0.0.1:{self.sql_port}", "dba", "dba", *QUIET],
            input=script,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql failed: {done.stdout}{done.stderr}")
        return done.stdout

    def graphs(self) -> list[str]:
        """The graphs holding data, Virtuoso's own left out."""
        with KnowledgeGraph.open(endpoint=self.endpoint) as graph:
            names = graph.info()
        return [g for g in names if not g.startswith(SYSTEM_GRAPH_PREFIXES)]

    def bulk_load(self, dump: Path) -> None:
        """Load an N-Quads dump (gzipped or not) into this fresh server, as the README says.

        The dump is copied into the server's directory (the only one ``DirsAllowed`` lets the
        loader read) and read by Virtuoso's bulk loader (``ld_dir``, ``rdf_loader_run``), each
        quad into its graph. A server is loaded once: replacing its data (``DROP GRAPH``, then
        the loader again) left ``article-version-at`` without its row in one run of two on
        Virtuoso 7.2.5, so the README loads into a fresh database and so do the tests.
        """
        assert not self.loaded, "a Virtuoso is loaded once; start another for other data"
        self.loaded = True
        name = f"dump{''.join(dump.suffixes)}"
        shutil.copyfile(dump, self.directory / name)
        self.isql(
            f"ld_dir('.', '{name}', 'urn:cph-kg:no-default-graph')",
            "rdf_loader_run()",
            "checkpoint",
        )
        errors = self.isql(
            f"SELECT 'failed:', ll_error FROM DB.DBA.load_list WHERE ll_file LIKE '%{name}' "
            "AND ll_error IS NOT NULL"
        )
        assert "failed:" not in errors, errors

    def stop(self) -> None:
        """Stop the server and remove its directory."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)


_shared: list[Virtuoso] = []


def own_virtuoso() -> Virtuoso:
    """A Virtuoso of the caller's own, holding nothing yet, beside the shared one: stop it after.

    Skips the test where Virtuoso is not installed.
    """
    if shutil.which(SERVER) is None or shutil.which(ISQL) is None:
        pytest.skip(NOT_INSTALLED)
    return Virtuoso()


def empty_virtuoso() -> Virtuoso:
    """A Virtuoso holding nothing yet, started on first use and again after each load.

    The same server serves a module's tests; a module set up again (a worker of pytest-xdist
    coming back to it) gets a new, empty one (see :meth:`Virtuoso.bulk_load`). Skips the test
    where Virtuoso is not installed.
    """
    if shutil.which(SERVER) is None or shutil.which(ISQL) is None:
        pytest.skip(NOT_INSTALLED)
    if _shared and _shared[0].loaded:
        _shared.pop().stop()
    if not _shared:
        server = Virtuoso()
        atexit.register(server.stop)
        _shared.append(server)
    return _shared[0]
