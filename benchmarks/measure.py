"""What every benchmark reports besides its timings: peak memory, and the machine it ran on."""

from __future__ import annotations

import os
import platform
import resource
import subprocess
from importlib.metadata import version
from pathlib import Path


def _status_kib(field_name: str) -> int | None:
    """A memory figure of this process from ``/proc/self/status`` (Linux), in KiB."""
    status = Path("/proc/self/status")
    if not status.exists():
        return None
    for line in status.read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    return None


def peak_rss_kib() -> int:
    """Peak resident set size of the calling process, in KiB.

    ``VmHWM`` rather than ``getrusage().ru_maxrss``: a spawned child is forked from the
    benchmark's parent before it execs, and ``ru_maxrss`` keeps the parent's pages counted from
    that instant, while ``VmHWM`` starts afresh with the new program. Both count native memory
    (Oxigraph's RocksDB, rdflib's C dependencies), which ``tracemalloc`` would not see.
    """
    peak = _status_kib("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def rss_kib() -> int:
    """Current resident set size of the calling process, in KiB (the baseline before a load)."""
    current = _status_kib("VmRSS")
    return current if current is not None else peak_rss_kib()


def machine() -> str:
    """The machine and versions, for the report's header."""
    memory = "?"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total = next(line for line in meminfo.read_text().splitlines() if "MemTotal" in line)
        memory = f"{int(total.split()[1]) / 1024**2:.1f} GiB"
    cpu = platform.processor() or "?"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [
            line.split(":", 1)[1].strip()
            for line in cpuinfo.read_text().splitlines()
            if line.startswith("model name")
        ]
        cpu = names[0] if names else cpu
    try:
        commit = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).parent,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "?"
    return (
        f"{os.cpu_count()} CPU ({cpu}), {memory} RAM, {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, rdflib {version('rdflib')}, "
        f"pyoxigraph {version('pyoxigraph')}, pySHACL {version('pyshacl')}; "
        f"cph-kg {version('cph-kg')} at {commit}"
    )
