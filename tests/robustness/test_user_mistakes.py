"""Every user mistake the attack run turned into a traceback, a hang or a silent skip is one line.

Each case is run as a user runs it (``CliRunner``, a few as real processes) and, where the
Python API reaches it, through the API, which raises the documented :class:`CphKgError` family
and never TypeError, OSError, ValueError or MemoryError.
"""

from __future__ import annotations

import contextlib
import http.server
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cph_kg import CphKgError
from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.store.remote import RemoteStore
from cph_kg.validation.validator import Validator
from tests.generate import generate
from tests.helpers import CONFORMING, ROOT
from tests.robustness.hostile import run, snapshot

YAML = CONFORMING.parents[1] / "authoring" / "gironde-2019.yaml"
YAML_TEXT = YAML.read_text("utf-8")
CARTESIAN = ROOT / "tests" / "fixtures" / "rq" / "cartesian.rq"
SORTED_CARTESIAN = ROOT / "tests" / "fixtures" / "rq" / "cartesian-sorted.rq"


def one_line(result, words: str) -> None:
    """Exit 2, one line on standard error holding ``words``, no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    assert result.stderr.count("\n") == 1 and words in result.stderr, result.stderr


def yaml_with(tmp_path: Path, old: str, new: str, name: str = "c.yaml") -> Path:
    path = tmp_path / name
    text = YAML_TEXT.replace(old, new) if old else new + YAML_TEXT
    path.write_text(text, encoding="utf-8")
    return path


# --- paths --------------------------------------------------------------------------------------


def _paths(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    loop = tmp_path / "loop.ttl"
    loop.symlink_to(loop)
    return {
        "symlink-loop": (loop, "is a loop of symbolic links"),
        "not-a-directory": (CONFORMING / "x.ttl", "a part of the path is not a folder"),
        "name-too-long": (tmp_path / ("a" * 300 + ".ttl"), "the file name is too long"),
        "dev-zero": (Path("/dev/zero"), "is not a regular file"),
    }


@pytest.mark.parametrize("case", ["symlink-loop", "not-a-directory", "name-too-long", "dev-zero"])
def test_a_path_that_is_no_file_is_one_line(tmp_path: Path, case: str) -> None:
    path, words = _paths(tmp_path)[case]
    forced = ["--format", "turtle"] if case == "dev-zero" else []
    one_line(run("validate", path, *forced), words)
    one_line(run("load", "--location", tmp_path / "s", path, *forced), words)
    with pytest.raises(CphKgError, match=words):
        Validator().validate_files([path], "turtle" if forced else None)


@pytest.mark.slow
def test_a_fifo_is_refused_at_once_and_holds_no_lock(tmp_path: Path) -> None:
    """Reading a FIFO blocked for ever, and a load blocked that way kept the writer lock."""
    fifo = tmp_path / "pipe.ttl"
    os.mkfifo(fifo)
    started = time.monotonic()
    one_line(run("load", "--location", tmp_path / "s", fifo), "is not a regular file")
    one_line(run("validate", fifo), "is not a regular file")
    assert time.monotonic() - started < 10
    with KnowledgeGraph.open(tmp_path / "s") as kg:  # the lock is free
        kg.load([CONFORMING])


def test_a_newline_in_a_file_name_stays_on_the_error_line(tmp_path: Path) -> None:
    path = tmp_path / "two\nlines.ttl"
    path.write_text("not turtle", encoding="utf-8")
    one_line(run("validate", path), "two\\x0alines.ttl")


# --- the authoring formats ---------------------------------------------------------------------

YAML_CASES = {
    "30-february": ("2019-03-12", "2019-02-30", "date '2019-02-30' is not a valid date"),
    "year-zero": ("2019-03-12", "0000-01-01", "date '0000-01-01' is not a valid date"),
    "an-iri-in-angle-brackets": ("centres:les-tilleuls-bordeaux", '"<x>"', "not an absolute IRI"),
    "a-relative-iri": ("centres:les-tilleuls-bordeaux", "../../etc/passwd", "relative"),
    "an-id-that-is-a-list": ("", "id: [a, b]\n", "id is ['a', 'b'], not an IRI or a code"),
    "an-id-that-is-a-mapping": ("", "id: {a: b}\n", "id is {'a': 'b'}, not an IRI or a code"),
    "an-id-that-is-a-blank-node": ("", "id: _:x\n", "a convention needs an IRI"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(YAML_CASES))
def test_a_yaml_mistake_is_one_line(tmp_path: Path, case: str) -> None:
    old, new, words = YAML_CASES[case]
    path = yaml_with(tmp_path, old, new)
    one_line(run("validate", path), words)
    one_line(run("load", "--location", tmp_path / "s", path), words)
    one_line(run("convert", path, "--to", "turtle"), words)


def test_an_integer_past_python_s_limit_is_text(tmp_path: Path) -> None:
    """PyYAML raised ValueError on a 5,000-digit integer: it is now the text it is."""
    path = yaml_with(tmp_path, "EX-yaml-gironde-2019", "9" * 5000)
    result = run("validate", path, "--output", "json")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("centres:les-tilleuls-bordeaux", "<x>", "not an absolute IRI"),
        ("centres:les-tilleuls-bordeaux", "../../etc/passwd", "not an absolute IRI"),
    ],
)
def test_a_csv_iri_mistake_is_one_line(tmp_path: Path, old: str, new: str, words: str) -> None:
    converted = run("convert", YAML, "--to", "csv")
    path = tmp_path / "c.csv"
    path.write_text(converted.output.replace(old, new), encoding="utf-8")
    result = run("validate", path)
    assert result.exit_code == 2 and words in result.stderr, result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("syntax", ["yaml", "json"])
def test_the_term_limit_holds_in_the_authoring_formats(tmp_path: Path, syntax: str) -> None:
    """A 20 MB title loaded, and the store could then not read its own export back."""
    title = "x" * (9 * 1024 * 1024)
    if syntax == "yaml":
        path = yaml_with(tmp_path, YAML_TEXT.splitlines()[2], f"title: {title}")
    else:
        converted = run("convert", YAML, "--to", "json-ld")
        path = tmp_path / "c.json"
        path.write_text(converted.output.replace('"title": "', f'"title": "{title}'), "utf-8")
    one_line(run("validate", path), "8 MiB or more")
    one_line(run("load", "--location", tmp_path / "s", path), "8 MiB or more")


def test_a_blank_node_convention_is_refused_never_skipped(tmp_path: Path) -> None:
    """It was "0 conventions", exit 0, conforms: true, in both engines and the API."""
    path = tmp_path / "blank.ttl"
    path.write_text(
        CONFORMING.read_text("utf-8")
        .replace("conv:gironde-2019 a", "[] a", 1)
        .replace("conv:gironde-2019 ", "[] ", 0),
        encoding="utf-8",
    )
    for engine in ("compiled", "pyshacl"):
        one_line(run("validate", path, "--engine", engine), "is a blank node")
    one_line(run("load", "--location", tmp_path / "s", path), "is a blank node")
    with pytest.raises(CphKgError, match="blank node"):
        Validator().validate_files([path])
    from rdflib import Graph

    graph = Graph().parse(path)
    with pytest.raises(CphKgError, match="blank node"):
        Validator().validate_graph(graph)


# --- options --------------------------------------------------------------------------------------


@pytest.mark.parametrize("graph", ["a b", "relative", "", "<x>", "https://example.org/a%zz"])
def test_a_graph_that_is_no_iri_is_one_line(tmp_path: Path, graph: str) -> None:
    one_line(run("load", "--location", tmp_path / "s", "--graph", graph, CONFORMING), "IRI")
    with KnowledgeGraph.open(tmp_path / "api") as kg, pytest.raises(CphKgError):
        kg.load([CONFORMING], graph=graph)
    if graph:  # an empty --graph exports the whole store
        exported = run("store", "export", "--location", tmp_path / "s", "--graph", graph)
        one_line(exported, "IRI")


@pytest.mark.parametrize("timeout", ["nan", "inf", "1e308", "-1"])
def test_a_timeout_that_is_no_time_is_one_line(loaded_store, tmp_path: Path, timeout) -> None:
    result = run("query", "obligations", "--location", loaded_store.path, "--timeout", timeout)
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    if timeout != "-1":  # click refuses a negative one itself
        with (
            KnowledgeGraph.open(loaded_store.path, read_only=True) as kg,
            pytest.raises(CphKgError, match="is not a number of seconds"),
        ):
            kg.query("obligations", timeout=float(timeout))


@pytest.mark.parametrize(
    ("location", "words"),
    [("/dev/null/x", "cannot create store"), ("", "is empty")],
)
def test_a_location_that_is_no_folder_is_one_line(location: str, words: str) -> None:
    result = run("load", "--location", location, CONFORMING)
    assert result.exit_code == 2 and words in result.output, result.output
    assert "Traceback" not in result.output


# --- disks and signals ----------------------------------------------------------------------------


@pytest.mark.slow
def test_a_full_standard_output_is_one_line() -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "cph_kg", "validate", CONFORMING],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            check=False,
        )
    assert done.returncode == 2 and "No space left on device" in done.stderr, done.stderr
    assert done.stderr.count("\n") == 1


@pytest.mark.slow
def test_a_full_disk_under_the_store_is_one_line_and_keeps_it(loaded_store, tmp_path) -> None:
    """RLIMIT_FSIZE makes the store's files unable to grow, as a full disk does."""
    store = loaded_store.copy(tmp_path)
    data = tmp_path / "many.nt"
    data.write_text(generate(3000, seed=5), encoding="utf-8")

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (4 * 2**20, 4 * 2**20))

    done = subprocess.run(
        [sys.executable, "-m", "cph_kg", "load", "--location", store, data],
        capture_output=True,
        text=True,
        cwd=ROOT,
        preexec_fn=limit,
        env={**os.environ, "CPH_KG_ENDPOINT": "", "CPH_KG_STORE": ""},
        check=False,
    )
    assert done.returncode == 2 and "cannot write store" in done.stderr, done.stderr
    assert done.stderr.count("\n") == 1
    assert snapshot(store) == loaded_store.snapshot


@pytest.mark.slow
def test_ctrl_c_stops_a_query_without_a_timeout(loaded_store, tmp_path: Path) -> None:
    store = loaded_store.copy(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "cph_kg", "query", "--location", store, CARTESIAN],
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "CPH_KG_ENDPOINT": "", "CPH_KG_STORE": ""},
    )
    time.sleep(3)
    process.send_signal(signal.SIGINT)
    stopped = time.monotonic()
    try:
        _, stderr = process.communicate(timeout=10)
    finally:
        process.kill()
    assert process.returncode == 130 and "interrupted" in stderr, stderr
    assert time.monotonic() - stopped < 5


@pytest.mark.slow
def test_a_query_past_its_memory_bound_is_one_line(loaded_store, tmp_path: Path) -> None:
    """An ``ORDER BY`` over a cartesian product took 4.4 GB; bounded, it stops in one line.

    Through the API, the CLI and a real process; the store answers the next query, and an
    endpoint is told it bounds its own memory.
    """
    store = loaded_store.copy(tmp_path)
    with KnowledgeGraph.open(store, read_only=True) as kg:
        with pytest.raises(CphKgError, match="needed more than 100 MiB"):
            kg.query(str(SORTED_CARTESIAN), max_memory=100 * 2**20)
        assert kg.query("obligations", max_memory=100 * 2**20).rows
    result = run("query", "--location", store, "--max-memory-mb", "100", SORTED_CARTESIAN)
    one_line(result, "needed more than 100 MiB of memory")
    command = ["query", "--location", store, "--max-memory-mb", "100", SORTED_CARTESIAN]
    done = subprocess.run(
        [sys.executable, "-m", "cph_kg", *map(str, command)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "CPH_KG_ENDPOINT": "", "CPH_KG_STORE": ""},
        timeout=120,
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "needed more than 100 MiB" in done.stderr  # no Rust backtrace, no traceback
    with pytest.raises(CphKgError, match="bounds its own memory"):
        RemoteStore("http://127.0.0.1:9/query").query("ASK {}", max_memory=100 * 2**20)


# --- endpoints ------------------------------------------------------------------------------------


class _Slow(http.server.BaseHTTPRequestHandler):
    """Sends its status line and headers a byte at a time, or a body larger than asked for."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.server.behaviour == "slow-headers":
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
            for byte in head * 20:
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.05)
        else:  # an answer of 3 MiB, with or without its length announced
            body = b'{"head":{"vars":["x"]},"results":{"bindings":[' + b" " * (3 * 2**20) + b"]}}"
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            if self.server.behaviour == "large":
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                for start in range(0, len(body), 65536):
                    self.wfile.write(body[start : start + 65536])
            except OSError:
                return
        self.close_connection = True

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def slow() -> Iterator[http.server.ThreadingHTTPServer]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_one_deadline_covers_the_headers_too(slow) -> None:
    slow.behaviour = "slow-headers"
    url = f"http://127.0.0.1:{slow.server_address[1]}/query"
    started = time.monotonic()
    with pytest.raises(CphKgError, match="did not answer in time"):
        RemoteStore(url, timeout=1).query("ASK {}")
    assert time.monotonic() - started < 3


@pytest.mark.parametrize("behaviour", ["large", "large-unannounced"])
def test_an_endpoint_answer_is_capped(slow, behaviour: str) -> None:
    slow.behaviour = behaviour
    url = f"http://127.0.0.1:{slow.server_address[1]}/query"
    with pytest.raises(CphKgError, match="answered more than 1 MiB"):
        RemoteStore(url, timeout=10, max_answer_bytes=2**20).query("SELECT * {}")
    result = run("query", "obligations", "--endpoint", url, "--max-answer-mb", "1")
    one_line(result, "answered more than 1 MiB")
    assert RemoteStore(url, timeout=10).query("SELECT * {}").rows == []  # 128 MiB by default


# --- CSV read as one document -------------------------------------------------------------------


def test_csv_rows_read_by_oxigraph_are_the_triples_rdflib_reads(tmp_path: Path) -> None:
    """The bulk format is read as one JSON-LD document by Oxigraph (40 times faster).

    The reference is rdflib's JSON-LD processor reading each row on its own, as cph-kg did:
    the triples are the same. A row JSON-LD cannot read is still named by its line, and the
    others load.
    """
    import csv
    import io
    from datetime import date

    from rdflib import Graph
    from rdflib.compare import isomorphic

    from cph_kg.authoring.format import check, to_graph
    from cph_kg.authoring.reading import read_rows
    from cph_kg.authoring.spreadsheet import RowPlace, row_document
    from cph_kg.rdf.documents import read_document
    from tests.generate import generate_csv

    path = tmp_path / "rows.csv"
    text = generate_csv(60, seed=3)
    path.write_text(text, encoding="utf-8")
    together, _ = read_rows(read_document(path))
    reference = Graph()
    for number, row in enumerate(csv.DictReader(io.StringIO(text), delimiter=";"), start=2):
        document = row_document(row)
        with contextlib.suppress(CphKgError):  # a faulty row, refused in both readings
            check(path, document, RowPlace(number), date.today())
            reference += to_graph(path, document)
    assert len(reference) > 0 and isomorphic(together, reference)
    lines = text.splitlines()
    lines[5] = lines[5].replace(lines[5].split(";")[4], "<x>", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    kept, problems = read_rows(read_document(path))
    refused = [problem.line for problem in problems if "not an absolute IRI" in problem.problem]
    assert refused == [6] and len(kept) > 0


# --- convert --------------------------------------------------------------------------------------

DATE = '"2019-03-12"^^xsd:date'
CONVERT_CASES = {
    "ill-formed-date": (DATE, '"2019-13-45"^^xsd:date'),
    "plain-date": (DATE, '"2019-03-12"'),
    "two-dates": (DATE, f'{DATE}, "2020-01-01"^^xsd:date'),
    "two-types": ("a cph:ConventionDeCooperation ;", "a cph:ConventionDeCooperation, cph:X ;"),
    "itself-as-a-party": ("cph:party ", "cph:party conv:gironde-2019, "),
}


@pytest.mark.parametrize("case", sorted(CONVERT_CASES))
@pytest.mark.parametrize("fmt", ["yaml", "json-ld", "csv"])
def test_convert_never_raises_a_traceback(tmp_path: Path, case: str, fmt: str) -> None:
    old, new = CONVERT_CASES[case]
    path = tmp_path / "c.ttl"
    path.write_text(CONFORMING.read_text("utf-8").replace(old, new, 1), encoding="utf-8")
    result = run("convert", path, "--to", fmt)
    assert result.exit_code in (0, 2) and "Traceback" not in result.output, result.output
    if result.exit_code == 2:
        assert result.stderr.count("\n") == 1


@pytest.mark.slow
def test_convert_follows_a_long_chain_of_blank_nodes_without_recursing(tmp_path: Path) -> None:
    convention = "<https://w3id.org/cph-kg/convention/x>"
    party = "<https://w3id.org/cph-kg/ontology#party>"
    lines = [
        f"{convention} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<https://w3id.org/cph-kg/ontology#ConventionDeCooperation> .",
        f'{convention} <http://purl.org/dc/terms/identifier> "X" .',
        f"{convention} {party} _:b0 .",
        *(f"_:b{i} {party} _:b{i + 1} ." for i in range(50_000)),
    ]
    path = tmp_path / "chain.nt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("convert", path, "--to", "yaml")
    assert result.exit_code in (0, 2) and "Traceback" not in result.output, result.output[-300:]
