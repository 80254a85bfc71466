"""``cph-kg load``, ``query``, ``queries``, ``store`` and ``serve``, as a user types them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from cph_kg.cli import main
from tests.helpers import CONFORMING, CONVENTIONS, ROOT, free_port

RQ = Path(__file__).parent / "fixtures" / "rq"
GENERIC_DATA = Path(__file__).parent / "fixtures" / "generic" / "data.ttl"
BAD = Path(__file__).parent / "fixtures" / "bad-input"


@pytest.fixture
def cli(tmp_path: Path):
    """Run cph-kg with its store in a fresh temporary directory (through the environment)."""
    runner = CliRunner(env={"CPH_KG_STORE": str(tmp_path / "store"), "CPH_KG_ENDPOINT": ""})

    def invoke(*args: object):
        return runner.invoke(main, [str(a) for a in args])

    return invoke


@pytest.mark.slow
def test_load_then_info(cli) -> None:
    loaded = cli("load", CONFORMING)
    assert loaded.exit_code == 0, loaded.output
    assert "<https://w3id.org/cph-kg/graph/conventions>" in loaded.output
    info = cli("store", "info")
    assert info.exit_code == 0
    assert " triples in 5 graph(s) at " in info.output.splitlines()[-1]


@pytest.mark.slow
def test_load_counts_the_triples_it_adds(cli, tmp_path: Path) -> None:
    """A triple two files share, or the store already holds, is not counted again.

    (Blank nodes are those of their file: two files' blank nodes are distinct, so the data
    here has none.)
    """
    original, copy = tmp_path / "one.ttl", tmp_path / "copy.ttl"
    for path in (original, copy):
        path.write_text(GENERIC_DATA.read_text("utf-8"), encoding="utf-8")
    size = len(Graph().parse(original))
    graph = "<https://w3id.org/cph-kg/graph/conventions>"
    first = cli("load", original, copy)
    assert first.exit_code == 0, first.output
    assert f"{size:>8} triples added  {graph}" in first.output.splitlines()
    again = cli("load", copy)
    assert f"{0:>8} triples added  {graph}" in again.output.splitlines()
    replaced = cli("load", "--replace", copy)
    assert f"{size:>8} triples added  {graph}" in replaced.output.splitlines()
    info = cli("store", "info").output
    assert f"{size:>8} triples  {graph}" in info.splitlines()


@pytest.mark.slow
def test_a_bad_file_loads_nothing(cli) -> None:
    cli("load", CONFORMING)
    before = cli("store", "info").output
    result = cli("load", CONVENTIONS / "conforming" / "rhone-2025.ttl", BAD / "unbound-prefix.ttl")
    assert result.exit_code == 2
    assert result.stderr.startswith("cph-kg: error: ") and result.stderr.count("\n") == 1
    assert cli("store", "info").output == before


@pytest.mark.slow
def test_query_table_csv_tsv_json(cli) -> None:
    cli("load", CONFORMING, CONVENTIONS / "conforming" / "rhone-2025.ttl")
    table = cli("query", RQ / "conventions-in.rq", "--param", "departement=69")
    assert table.exit_code == 0
    assert table.output.splitlines() == [
        "+-----------------+",
        "| ?convention     |",
        "+-----------------+",
        "| conv:rhone-2025 |",
        "+-----------------+",
        "1 row",
    ]
    csv = cli("query", RQ / "conventions-in.rq", "-o", "csv")
    assert csv.stdout_bytes == (  # .output would fold the CRLF that SPARQL CSV requires
        b"convention\r\nhttps://w3id.org/cph-kg/convention/gironde-2019\r\n"
        b"https://w3id.org/cph-kg/convention/rhone-2025\r\n"
    )
    tsv = cli("query", RQ / "conventions-in.rq", "-o", "tsv", "--limit", "1")
    assert tsv.output == "?convention\n<https://w3id.org/cph-kg/convention/gironde-2019>\n"
    document = json.loads(cli("query", RQ / "conventions-in.rq", "-o", "json").output)
    assert document["head"]["vars"] == ["convention"]
    assert len(document["results"]["bindings"]) == 2
    ask = cli("query", RQ / "any-convention.rq", "-o", "json")
    assert json.loads(ask.output) == {"head": {}, "boolean": True}


@pytest.mark.slow
def test_injection_string_changes_nothing(cli) -> None:
    cli("load", CONFORMING)
    before = cli("store", "info").output
    result = cli("query", RQ / "titles-equal.rq", "-p", 'wanted=x" } ; DROP ALL ; #', "-o", "csv")
    assert result.exit_code == 0
    assert result.stdout_bytes == b"convention,title\r\n"
    assert cli("store", "info").output == before


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ["query", "../../no-such-dir/no-such-query"],
            "unknown query '../../no-such-dir/no-such-query'",
        ),
        (["query", "no-such-query"], "unknown query 'no-such-query'"),
        (["query", RQ / "titles-equal.rq"], "needs --param wanted"),
        (
            ["query", RQ / "conventions-in.rq", "-p", "departement=99"],
            "not a département INSEE code",
        ),
        (["query", RQ / "cartesian.rq", "--timeout", "1"], "query timed out after 1 s"),
        (["query", RQ / "service.rq"], "SERVICE is not allowed"),
        (["query", RQ / "any-convention.rq", "-o", "turtle"], "table, csv, tsv, json or xml"),
        (
            ["query", RQ / "any-convention.rq", "--endpoint", "http://127.0.0.1:9/query"],
            "unreachable",
        ),
        (["store", "export", "--format", "turtle"], "name a --graph"),
    ],
)
def test_query_errors_are_one_line_with_exit_2(cli, tmp_path: Path, args: list, words: str) -> None:
    cli("load", CONFORMING)
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert words in result.stderr
    assert result.stderr.count("\n") == 1


@pytest.mark.slow
def test_malformed_query_file(cli, tmp_path: Path) -> None:
    cli("load", CONFORMING)
    broken = tmp_path / "broken.rq"
    broken.write_text("SELECT * WHERE { ?s ?p }\n", encoding="utf-8")
    result = cli("query", broken)
    assert result.exit_code == 2
    assert "SPARQL syntax error" in result.stderr


def test_query_before_any_load(cli) -> None:
    result = cli("query", RQ / "any-convention.rq")
    assert result.exit_code == 2
    assert "no store at" in result.stderr


def test_queries_lists_names_descriptions_and_parameters(cli) -> None:
    result = cli("queries")
    assert result.exit_code == 0
    for path in sorted((ROOT / "queries").glob("*.rq")):
        assert path.stem in result.output


@pytest.mark.slow
def test_validate_store_records_the_report(cli) -> None:
    cli("load", CONFORMING, CONVENTIONS / "non-conforming" / "no-centre.ttl")
    result = cli("validate", "--store", "--lang", "en")
    assert result.exit_code == 1
    assert "✘ EX-no-centre" in result.output
    assert "<https://w3id.org/cph-kg/graph/validation>" in cli("store", "info").output


@pytest.mark.slow
def test_export_to_a_file(cli, tmp_path: Path) -> None:
    cli("load", CONFORMING)
    target = tmp_path / "conventions.ttl"
    result = cli(
        "store",
        "export",
        "--graph",
        "https://w3id.org/cph-kg/graph/conventions",
        "-o",
        "turtle",
        "--out",
        target,
    )
    assert result.exit_code == 0
    assert result.stderr == ""
    assert Graph().parse(target).isomorphic(Graph().parse(CONFORMING))


@pytest.mark.slow
def test_export_keeps_the_old_spellings_with_a_warning(cli, tmp_path: Path) -> None:
    """``--format F -o FILE`` (before -o named a format) still works; -o FILE says what to write."""
    cli("load", CONFORMING)
    target = tmp_path / "conventions.nt"
    graph = "https://w3id.org/cph-kg/graph/conventions"
    result = cli("store", "export", "--graph", graph, "--format", "ntriples", "-o", target)
    assert result.exit_code == 0, result.output
    assert Graph().parse(target).isomorphic(Graph().parse(CONFORMING))
    assert result.stderr.splitlines() == [
        "cph-kg: warning: -o/--output now names a format (nquads, trig, turtle, ntriples); "
        f"-o {target} is read as --out {target}, the spelling to use from now on"
    ]


@pytest.mark.slow
def test_clear_asks_unless_yes(cli) -> None:
    cli("load", CONFORMING)
    assert cli("store", "clear").exit_code == 1  # no confirmation on empty input: aborted
    assert "--yes" in cli("store", "clear", "--help").output
    assert "--yes" in cli("store", "--help").output  # the summary says how not to be asked
    assert cli("store", "clear", "--yes").exit_code == 0
    assert "0 triples in 0 graph(s)" in cli("store", "info").output


@pytest.mark.slow
def test_serve_end_to_end(tmp_path: Path) -> None:
    """cph-kg serve, then a plain HTTP client as curl would be: named results, read-only."""
    env = {**os.environ, "CPH_KG_STORE": str(tmp_path / "store")}
    subprocess.run(
        [sys.executable, "-m", "cph_kg", "load", CONFORMING],
        env=env,
        check=True,
        capture_output=True,
    )
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "cph_kg", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    query = (RQ / "conventions-in.rq").read_text(encoding="utf-8")
    url = f"http://127.0.0.1:{port}/query?" + urllib.parse.urlencode({"query": query})
    try:
        for _ in range(100):
            try:
                request = urllib.request.Request(url, headers={"Accept": "text/csv"})
                with urllib.request.urlopen(request, timeout=2) as response:
                    body = response.read().decode()
                break
            except OSError:
                time.sleep(0.1)
        assert body == "convention\r\nhttps://w3id.org/cph-kg/convention/gironde-2019\r\n"
        update = urllib.request.Request(
            f"http://127.0.0.1:{port}/update",
            data=b"DROP ALL",
            headers={"Content-Type": "application/sparql-update"},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(update, timeout=2)
        assert refused.value.code == 403
        refused.value.close()
        busy = subprocess.run(
            [sys.executable, "-m", "cph_kg", "load", CONFORMING],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert busy.returncode == 2
        assert "is busy" in busy.stderr and "--endpoint" in busy.stderr
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
        server.stderr.close()
