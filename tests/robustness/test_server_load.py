"""``cph-kg serve`` under load: 50 clients sending named queries for 60 s, none fails.

Marked ``load`` and left out of the default run (a minute of two busy cores); run it with::

    python -m pytest -m load tests/robustness

The server is started as a user starts it, on a generated store, on 127.0.0.1. Each client
thread sends named queries bound with :mod:`cph_kg.catalog`, as ``cph-kg query --endpoint``
would, in a loop bounded by the duration (``$CPH_KG_LOAD_SECONDS``, 60 by default). The test
prints p50/p95/p99 latency and requests per second, writes them with the server's memory
samples to ``server-load.json`` in its tmp dir, and checks that the server's resident memory is
steady: the mean of the last third of the samples is not much above that of the first third.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from cph_kg import catalog
from cph_kg.knowledge_graph import KnowledgeGraph
from tests.generate import DEPARTEMENTS, convention_iri, generate
from tests.helpers import CONFORMING, ROOT, free_port

pytestmark = [pytest.mark.load, pytest.mark.slow]

CLIENTS = 50
SECONDS = float(os.environ.get("CPH_KG_LOAD_SECONDS", "60"))
CONVENTIONS = 1000


def workload(rng: random.Random) -> tuple[str, str]:
    """A named query with its parameters bound, and the form of its answer."""
    convention = convention_iri(rng.randrange(CONVENTIONS))
    departement = rng.choice(DEPARTEMENTS)
    name, params = rng.choice(
        [
            ("conventions-by-departement", {}),
            ("conventions-without-cpam", {"departement": departement}),
            ("conventions-without-caf", {"departement": departement}),
            ("named-bodies-by-convention", {"departement": departement}),
            ("convention-signatories", {"convention": convention}),
            ("convention-conforms", {"convention": convention}),
            ("construct-convention", {"convention": convention}),
            ("actors-in-departement", {"departement": departement}),
            ("obligations", {"lang": "en"}),
            ("article-versions", {}),
            ("applicable-article-version", {"convention": convention}),
        ]
    )
    named = catalog.resolve(name)
    return named.bind(params), named.form


def resident_kib(pid: int) -> int:
    """The resident memory of process ``pid``, from ``/proc``."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of the sorted values lie."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def test_fifty_clients_for_a_minute(tmp_path: Path) -> None:
    data = tmp_path / "conventions.nt"
    data.write_text(generate(CONVENTIONS, seed=1), encoding="utf-8")
    store = tmp_path / "store"
    with KnowledgeGraph.open(store) as kg:
        kg.load([CONFORMING, data])
    port = free_port()
    supervisor = subprocess.Popen(
        [sys.executable, "-m", "cph_kg", "serve", "--port", str(port)],
        env={**os.environ, "CPH_KG_STORE": str(store), "CPH_KG_ENDPOINT": ""},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    latencies: list[float] = []
    failures: list[str] = []
    memory: list[tuple[float, int]] = []
    try:
        deadline = time.monotonic() + 30
        children = Path(f"/proc/{supervisor.pid}/task/{supervisor.pid}/children")
        while not children.read_text().split() or not _answers(port):
            assert supervisor.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        server = int(children.read_text().split()[0])  # the oxigraph process cph-kg supervises
        started = time.monotonic()
        end = started + SECONDS

        def client(seed: int) -> None:
            rng = random.Random(seed)
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                while time.monotonic() < end:
                    text, form = workload(rng)
                    try:
                        latencies.append(ask(connection, text, form))
                    except Exception as error:  # every failure is counted and shown
                        failures.append(repr(error))
                        connection.close()  # and the next request opens a new connection
            finally:
                connection.close()

        def sampler() -> None:
            while time.monotonic() < end:
                memory.append((time.monotonic() - started, resident_kib(server)))
                time.sleep(0.5)

        threads = [threading.Thread(target=client, args=(seed,)) for seed in range(CLIENTS)]
        threads.append(threading.Thread(target=sampler))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=SECONDS + 120)
        elapsed = time.monotonic() - started
    finally:
        supervisor.terminate()
        _, stderr = supervisor.communicate(timeout=10)

    third = max(1, len(memory) // 3)
    first = statistics.mean(k for _, k in memory[:third])
    last = statistics.mean(k for _, k in memory[-third:])
    figures = {
        "clients": CLIENTS,
        "seconds": round(elapsed, 1),
        "requests": len(latencies),
        "failures": len(failures),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "latency_ms": {
            f"p{p}": round(1000 * percentile(latencies, p / 100), 1) for p in (50, 95, 99)
        },
        "server_rss_mib": {
            "first_third_mean": round(first / 1024, 1),
            "last_third_mean": round(last / 1024, 1),
            "max": round(max(k for _, k in memory) / 1024, 1),
        },
        "rss_samples_kib": memory,
    }
    (tmp_path / "server-load.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    print(
        f"\n{len(latencies)} requests from {CLIENTS} clients in {elapsed:.0f} s: "
        f"{figures['requests_per_second']} requests/s, latency {figures['latency_ms']}, "
        f"server RSS {figures['server_rss_mib']}; figures in {tmp_path / 'server-load.json'}"
    )
    assert failures == [], (len(failures), failures[:5])
    assert "restarting" not in stderr, stderr
    assert len(latencies) > CLIENTS
    assert last <= first * 1.25 + 20 * 1024, figures["server_rss_mib"]  # steady, not growing


def ask(connection: http.client.HTTPConnection, text: str, form: str) -> float:
    """Send one query as ``cph-kg query --endpoint`` does; the seconds it took to answer."""
    accept = "text/turtle" if form == "CONSTRUCT" else "application/sparql-results+json"
    began = time.perf_counter()
    connection.request(
        "POST",
        "/query",
        urllib.parse.urlencode({"query": text}),
        {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
    )
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise AssertionError(f"HTTP {response.status}: {body[:200]!r}")
    if form != "CONSTRUCT":
        json.loads(body)  # a complete SPARQL JSON document
    return time.perf_counter() - began


def _answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/query?query=ASK%7B%7D")
        ok = connection.getresponse().status == 200
        connection.close()
        return ok
    except OSError:
        return False
