"""``cph-kg serve``: a SPARQL 1.1 Protocol endpoint over the embedded store.

The server is Oxigraph's own (the ``oxigraph`` package), started on the store's directory: a
real HTTP server, read-only unless ``--allow-update``, bound to 127.0.0.1 unless told otherwise,
with the default graph the union of the named graphs so that the named queries run unchanged.

``cph-kg serve`` stays beside it as a supervisor, because one request can end Oxigraph's
server: a query nested a few thousand levels deep (``ASK {{{{…}}}}``, a few kilobytes) overflows
the stack of the thread that parses it, and Rust aborts the whole process. The supervisor gives
the server's threads a larger stack (such queries then need tens of thousands of levels) and
restarts the server when it dies while it should be serving, so the endpoint comes back within
a second and the other clients retry. What Oxigraph itself does with large and slow requests
(measured, see ``tests/robustness/test_server_limits.py``): SPARQL bodies over 128 MiB are
refused with HTTP 400; ``--timeout`` cancels a query cooperatively, which stops most runaway
queries on time but not every one (a sort of a cartesian product runs on).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import click

from cph_kg.cli.options import location, user_errors
from cph_kg.errors import CphKgError
from cph_kg.knowledge_graph import ENV_STORE, default_store_path
from cph_kg.store import hold_lock

#: Stack of the server's threads (Rust's default is 2 MiB): deeper queries parse, not abort.
SERVER_STACK_BYTES = 64 * 1024 * 1024
#: How long a starting server may take to accept connections before it is a failed start.
START_SECONDS = 30.0


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


def server_environment() -> dict[str, str]:
    """The environment the server runs in: this one, with the larger thread stack."""
    return {**os.environ, "RUST_MIN_STACK": str(SERVER_STACK_BYTES)}


def _accepts(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _start(argv: list[str], host: str, port: int, lock_fd: int) -> subprocess.Popen[bytes]:
    """Start the server and wait until it accepts connections; a failed start is an error."""
    server = subprocess.Popen(argv, env=server_environment(), pass_fds=(lock_fd,))
    deadline = time.monotonic() + START_SECONDS
    while not _accepts(host, port):
        if server.poll() is not None:
            raise CphKgError(f"the oxigraph server did not start (exit code {server.returncode})")
        if time.monotonic() > deadline:
            server.kill()
            server.wait()
            raise CphKgError(f"the oxigraph server did not listen on {host}:{port} in time")
        time.sleep(0.05)
    return server


def supervise(argv: list[str], host: str, port: int, lock_fd: int) -> int:
    """Run the server until asked to stop (SIGTERM, SIGINT); restart it when it dies.

    Returns the exit code for ``cph-kg serve``: 0 when it was asked to stop.
    """
    stopping = False
    server = _start(argv, host, port, lock_fd)

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        if server.poll() is None:
            server.send_signal(signal.SIGTERM if signum == signal.SIGTERM else signal.SIGINT)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while True:
            code = server.wait()
            if stopping:
                return 0
            how = f"signal {-code}" if code < 0 else f"exit code {code}"
            click.echo(f"cph-kg: the oxigraph server stopped ({how}); restarting it", err=True)
            server = _start(argv, host, port, lock_fd)
            if stopping:  # asked to stop while the new server was starting
                server.terminate()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if server.poll() is None:
            server.terminate()
            server.wait()


@click.command("serve")
@click.option(
    "--location",
    callback=location,
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
    # The writer lock, held here and by the server (it inherits it): nobody else writes under
    # a running server, even if this supervisor is killed; readers are not affected.
    lock = hold_lock(location)
    os.set_inheritable(lock.fileno(), True)
    mode = "read-write" if allow_update else "read-only"
    click.echo(f"serving {location} ({mode}) at http://{host}:{port}/query", err=True)
    try:
        sys.exit(supervise(argv, host, port, lock.fileno()))
    finally:
        lock.close()
