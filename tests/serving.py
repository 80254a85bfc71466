"""``cph-kg serve`` run as a user runs it, for the tests of clients and pages.

The server is the real command in a process of its own (``python -m cph_kg serve``), on a free
port of 127.0.0.1, so that what the tests reach is what a researcher's script or browser reaches.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from tests.helpers import ROOT, free_port, wait_until_answering


@contextlib.contextmanager
def cph_kg_serve(location: Path, *options: str) -> Iterator[str]:
    """Serve the store at ``location`` with ``cph-kg serve OPTIONS``; yield its base URL.

    The base URL is ``http://127.0.0.1:PORT`` (the query endpoint is ``/query`` under it).
    """
    port = free_port()
    command = [sys.executable, "-m", "cph_kg", "serve", "--location", str(location)]
    process = subprocess.Popen(
        [*command, "--port", str(port), *options],
        cwd=ROOT,
        env={**os.environ},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(process, f"{base}/query", 30, "cph-kg serve")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stderr.close()
