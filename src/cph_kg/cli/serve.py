"""``cph-kg serve``: a SPARQL 1.1 Protocol endpoint over the embedded store.

The SPARQL server is Oxigraph's own (the ``oxigraph`` package), started on the store's
directory with the default graph the union of the named graphs, so that the named queries run
unchanged. It listens on a private loopback port; the address served is answered by cph-kg's
guard (:mod:`cph_kg.cli.serve_guard`), which checks every request (its ``Host``, its origin,
SERVICE, updates and their content types, nesting) before handing it on, and gives each one a
deadline. The same address serves the Linked Data pages (:mod:`cph_kg.web`): a page for every
resource of the store under its IRI's path, read through Oxigraph, with search and a SPARQL editor.

``cph-kg serve`` stays beside both as a supervisor. It restarts Oxigraph when it dies (a request
can end it), when a request runs past its deadline (Oxigraph cancels a query at its own timeout
only where its evaluator looks: a 4-way ``COUNT(*)`` ran on for minutes), and when its memory
passes ``--max-memory-mb`` (an ``ORDER BY`` over a cartesian product reached 4.4 GB). It gives
up, with one line and exit 2, if the server cannot stay up (five starts in ten seconds).
"""

from __future__ import annotations

import math
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import click

from cph_kg.cli.options import location, user_errors
from cph_kg.cli.serve_guard import Backend, Guard, Policy, allowed_hosts
from cph_kg.errors import CphKgError
from cph_kg.knowledge_graph import ENV_STORE, KnowledgeGraph, default_store_path
from cph_kg.store.locking import MAX_REPLAY_BYTES, hold_lock, log_bytes, table_log
from cph_kg.store.querying import MAX_TIMEOUT
from cph_kg.store.remote import MAX_ANSWER_BYTES
from cph_kg.web.site import Pages

#: How many page answers a read-only server keeps (its store cannot change while it serves).
PAGE_CACHE = 512
#: Stack of the server's threads (Rust's default is 2 MiB): deeper queries parse, not abort.
SERVER_STACK_BYTES = 64 * 1024 * 1024
#: How long a starting server may take to accept connections before it is a failed start.
START_SECONDS = 30.0
#: Starts within :data:`RESTART_WINDOW` seconds after which the supervisor gives up.
MAX_STARTS, RESTART_WINDOW = 5, 10.0
#: How often the server's memory is looked at.
MEMORY_POLL_SECONDS = 0.2


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
    """The oxigraph command that serves ``location`` (its timeout in whole seconds)."""
    return [
        oxigraph_executable(),
        "serve" if allow_update else "serve-read-only",
        "--location",
        str(location),
        "--bind",
        f"{host}:{port}",
        "--union-default-graph",
        "--timeout-s",
        str(max(1, math.ceil(timeout))),
    ]


def server_environment() -> dict[str, str]:
    """The environment the server runs in: this one, with the larger thread stack."""
    return {**os.environ, "RUST_MIN_STACK": str(SERVER_STACK_BYTES)}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _resident_bytes(pid: int) -> int:
    """The resident memory of a process (Linux /proc); 0 where it cannot be read."""
    try:
        pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * resource.getpagesize()


class Supervisor:
    """Starts Oxigraph on a private port, restarts it when needed, stops it when asked."""

    def __init__(
        self, location: Path, allow_update: bool, timeout: float, max_memory: int, lock_fd: int
    ) -> None:
        self.location, self.allow_update, self.timeout = location, allow_update, timeout
        self.max_memory, self.lock_fd = max_memory, lock_fd
        self.backend = Backend(port=0, restart=self.restart)
        self.server: subprocess.Popen[bytes] | None = None
        self.stopping = False
        self.restarting = False  # the supervisor killed the server itself
        self.starts: list[float] = []

    def start(self) -> None:
        """Start the server on a free loopback port and wait until it is the one answering."""
        now = time.monotonic()
        self.starts = [t for t in self.starts if now - t < RESTART_WINDOW] + [now]
        if len(self.starts) > MAX_STARTS:
            raise CphKgError(
                f"the oxigraph server stopped {MAX_STARTS} times in {RESTART_WINDOW:g} s: giving up"
            )
        for _ in range(3):  # a port taken between choosing it and binding it: another one
            port = _free_port()
            argv = server_command_line(
                self.location, "127.0.0.1", port, self.allow_update, self.timeout
            )
            server = subprocess.Popen(
                argv,
                env=server_environment(),
                pass_fds=(self.lock_fd,),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + START_SECONDS
            while server.poll() is None and not _accepts(port):
                if time.monotonic() > deadline:
                    server.kill()
                    server.wait()
                    raise CphKgError("the oxigraph server did not listen in time")
                time.sleep(0.05)
            if server.poll() is None:  # it is ours that answers, not another process
                self.server, self.backend.port = server, port
                return
        raise CphKgError(
            f"the oxigraph server did not start (exit code {server.returncode}): "
            f"is {self.location} an Oxigraph store?"
        )

    def restart(self, reason: str) -> None:
        """Kill the server (the supervising loop starts a new one), saying why."""
        click.echo(f"cph-kg: {reason}: restarting the oxigraph server", err=True)
        if self.server is not None and self.server.poll() is None:
            self.restarting = True
            self.server.kill()

    def watch_memory(self) -> None:
        """Restart the server when its resident memory passes the limit."""
        while not self.stopping:
            server = self.server
            if server is not None and server.poll() is None:
                used = _resident_bytes(server.pid)
                if used > self.max_memory:
                    with self.backend.lock:
                        self.backend.generation += 1
                    self.restart(
                        f"the oxigraph server used {used / 2**20:.0f} MiB, past --max-memory-mb "
                        f"{self.max_memory / 2**20:g}"
                    )
            time.sleep(MEMORY_POLL_SECONDS)

    def run(self) -> int:
        """Keep a server running until asked to stop; 0 when asked."""
        while True:
            assert self.server is not None
            code = self.server.wait()
            if self.stopping:
                return 0
            if not self.restarting:  # it died on its own: say so
                how = f"signal {-code}" if code < 0 else f"exit code {code}"
                click.echo(f"cph-kg: the oxigraph server stopped ({how}); restarting it", err=True)
            self.restarting = False
            self.start()

    def ask_to_stop(self) -> None:
        """From a signal handler: no waiting here (the main thread may be in ``wait``)."""
        self.stopping = True
        if self.server is not None and self.server.poll() is None:
            self.server.terminate()

    def stop(self) -> None:
        """Stop the server and wait for it (never from a signal handler)."""
        self.ask_to_stop()
        if self.server is not None:
            try:
                self.server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()


def origin_of(value: str) -> str:
    """An origin as browsers send it (``scheme://host[:port]``), or a one-line error."""
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise CphKgError(f"--cors {value!r}: give an origin such as https://example.org")
    return f"{parts.scheme}://{parts.netloc}"


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
    "--allow-service",
    is_flag=True,
    help="Let queries call SERVICE (refused by default: the server would reach the network "
    "for whoever sends a query).",
)
@click.option(
    "--allow-host",
    multiple=True,
    metavar="NAME[:PORT]",
    help="Another Host the server answers to (a name a proxy forwards under); repeatable.",
)
@click.option(
    "--cors",
    multiple=True,
    metavar="ORIGIN",
    help="Let web pages served from ORIGIN (e.g. https://example.org) query the endpoint and "
    "read the pages; repeatable.",
)
@click.option(
    "--timeout",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0.1, max=MAX_TIMEOUT),
    metavar="SECONDS",
    help="Query timeout; a request still running 2 s later restarts the server.",
)
@click.option(
    "--max-memory-mb",
    default=2048.0,
    show_default=True,
    type=click.FloatRange(min=64),
    help="Restart the server when its resident memory passes this (Linux).",
)
@click.option(
    "--max-answer-mb",
    default=MAX_ANSWER_BYTES / 2**20,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True, max=64 * 1024),
    help="The largest answer sent, in MiB: a larger one is refused (507) or cut, with the "
    "reason (cph-kg's client reads at most as much by default).",
)
@user_errors
def serve_command(
    location: Path | None,
    host: str,
    port: int,
    allow_update: bool,
    allow_service: bool,
    allow_host: tuple[str, ...],
    cors: tuple[str, ...],
    timeout: float,
    max_memory_mb: float,
    max_answer_mb: float,
) -> None:
    """Serve the store as a SPARQL 1.1 endpoint (/query, /update) and its Linked Data pages (/)."""
    cross_origins = frozenset(origin_of(value) for value in cors)
    location = location or default_store_path()
    if not (location / "CURRENT").exists():
        raise CphKgError(f"no store at {location} (load something first: cph-kg load)")
    # The writer lock, held here and by the server (it inherits it): nobody else writes under
    # a running server, even if this supervisor is killed; readers are not affected.
    lock = hold_lock(location)
    os.set_inheritable(lock.fileno(), True)
    if log_bytes(location) > MAX_REPLAY_BYTES:
        # a writer killed after committing left its log untabled: opened for writing, the
        # store tables it once, instead of the read-only server replaying it at each start
        table_log(location)
    supervisor = Supervisor(
        location, allow_update, timeout, int(max_memory_mb * 2**20), lock.fileno()
    )
    hosts = allowed_hosts(host, port, allow_host)
    policy = Policy(
        hosts=hosts,
        origins=frozenset(f"http://{name}" for name in hosts),
        allow_update=allow_update,
        allow_service=allow_service,
        timeout=timeout,
        cors=cross_origins,
        max_answer_bytes=max(int(max_answer_mb * 2**20), 1),
    )
    backend = supervisor.backend
    pages = Pages(
        lambda: KnowledgeGraph.open(endpoint=f"http://127.0.0.1:{backend.port}/query"),
        cache=0 if allow_update else PAGE_CACHE,  # a store that can change is read anew
    )
    guard = Guard((host, port), policy, backend, pages)  # a port in use fails here
    previous = {}
    try:
        supervisor.start()

        def stop(_signum: int, _frame: object) -> None:
            supervisor.ask_to_stop()

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        threading.Thread(target=guard.serve_forever, args=(0.1,), daemon=True).start()
        threading.Thread(target=supervisor.watch_memory, daemon=True).start()
        mode = "read-write" if allow_update else "read-only"
        click.echo(
            f"serving {location} ({mode}) at http://{host}:{port}/query, "
            f"pages at http://{host}:{port}/",
            err=True,
        )
        code = supervisor.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        supervisor.stop()
        guard.server_close()
        lock.close()
    sys.exit(code)
