"""``cph-kg serve``: a SPARQL 1.1 Protocol endpoint over the embedded store.

The server is Oxigraph's own (the ``oxigraph`` package), started on the store's directory: a
real HTTP server, read-only unless ``--allow-update``, bound to 127.0.0.1 unless told otherwise,
with the default graph the union of the named graphs so that the named queries run unchanged.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import click

from cph_kg.cli.options import user_errors
from cph_kg.errors import CphKgError
from cph_kg.knowledge_graph import ENV_STORE, default_store_path
from cph_kg.store import hold_lock


def oxigraph_executable() -> str:
    """The ``oxigraph`` command installed beside this Python, else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.exists():
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        raise CphKgError("the oxigraph server is not installed (pip install oxigraph)")
    return found


def server_command_line(
    location: Path, host: str, port: int, allow_update: bool, timeout: float
) -> list[str]:
    """The oxigraph command that serves ``location``."""
    return [
        oxigraph_executable(),
        "serve" if allow_update else "serve-read-only",
        "--location",
        str(location),
        "--bind",
        f"{host}:{port}",
        "--union-default-graph",
        "--timeout-s",
        f"{timeout:g}",
    ]


@click.command("serve")
@click.option(
    "--location",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=ENV_STORE,
    help=f"Directory of the embedded store [env {ENV_STORE}].",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(1, 65535))
@click.option("--allow-update", is_flag=True, help="Accept SPARQL Update and Graph Store writes.")
@click.option(
    "--timeout",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=1),
    metavar="SECONDS",
    help="Query timeout.",
)
@user_errors
def serve_command(
    location: Path | None, host: str, port: int, allow_update: bool, timeout: float
) -> None:
    """Serve the store as a SPARQL 1.1 endpoint (query at /query, update at /update)."""
    location = location or default_store_path()
    if not (location / "CURRENT").exists():
        raise CphKgError(f"no store at {location} (load something first: cph-kg load)")
    argv = server_command_line(location, host, port, allow_update, timeout)
    lock = hold_lock(location)  # kept by the server process: no cph-kg writes under it
    os.set_inheritable(lock.fileno(), True)
    mode = "read-write" if allow_update else "read-only"
    click.echo(f"serving {location} ({mode}) at http://{host}:{port}/query", err=True)
    os.execv(argv[0], argv)
