"""The command line's manners, as researchers know them from Jena's ``arq``/``shacl`` and pySHACL.

``query`` takes a named query, a file of any extension, ``-`` or ``--query TEXT``, and
``--data FILE…`` to query files without a store; ``-o/--output`` names a format in every
command and ``--out FILE`` a file (the old ``-o FILE`` still works, with a warning); tables are
drawn by prettytable, so wide characters keep their borders in line; SPARQL XML results.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from rdflib import Graph
from wcwidth import wcswidth

from cph_kg.authoring.reading import parse_file
from cph_kg.cli import main
from tests.helpers import CONFORMING, ROOT, run_cph_kg

AUTHORING = ROOT / "data" / "conventions" / "authoring" / "gironde-2019.yaml"
SPARQL_RESULTS = "{http://www.w3.org/2005/sparql-results#}"
TITLES = (
    "PREFIX dct: <http://purl.org/dc/terms/>\n"
    "SELECT ?c ?title WHERE { ?c dct:title ?title } ORDER BY ?title"
)


def run(*args: object, stdin: str | None = None):
    """cph-kg through click.testing, with no store or endpoint from the environment."""
    runner = CliRunner(env={"CPH_KG_ENDPOINT": "", "CPH_KG_STORE": "/nonexistent/store"})
    return runner.invoke(main, [str(a) for a in args], input=stdin)


def titled(folder: Path, title: str) -> Path:
    """A small graph with one titled convention."""
    path = folder / "titled.ttl"
    escaped = json.dumps(title, ensure_ascii=False)
    path.write_text(
        "@prefix dct: <http://purl.org/dc/terms/> .\n"
        f"<https://example.org/c> dct:title {escaped}@fr .\n",
        encoding="utf-8",
    )
    return path


# --- query: what it runs, on what --------------------------------------------------------------


def test_query_data_reads_files_without_a_store(tmp_path: Path) -> None:
    result = run("query", "--data", CONFORMING, "--data", AUTHORING, "--query", TITLES, "-o", "csv")
    assert result.exit_code == 0, result.output
    rows = result.stdout.splitlines()
    assert rows[0] == "c,title"
    assert sorted(row.split(",")[0] for row in rows[1:]) == [
        "https://w3id.org/cph-kg/convention/ex-yaml-gironde-2019",
        "https://w3id.org/cph-kg/convention/gironde-2019",
    ]
    assert not (tmp_path / "store").exists()


def test_query_data_puts_each_file_in_a_graph_of_its_own() -> None:
    text = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    result = run("query", "--data", CONFORMING, "--data", AUTHORING, "-q", text, "-o", "tsv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "?g",
        f"<{AUTHORING.as_uri()}>",
        f"<{CONFORMING.as_uri()}>",
    ]


def test_a_named_query_runs_on_data_files() -> None:
    result = run(
        "query",
        "obligations",
        "--data",
        ROOT / "data" / "legal" / "r349-2-obligations.ttl",
        "-o",
        "json",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["head"]["vars"][0] == "obligation"


def test_a_query_file_of_any_extension(tmp_path: Path) -> None:
    query = tmp_path / "titles.sparql"
    query.write_text(TITLES, encoding="utf-8")
    result = run("query", query, "--data", titled(tmp_path, "Titre"), "-o", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["c,title", "https://example.org/c,Titre"]


def test_a_query_from_standard_input(tmp_path: Path) -> None:
    result = run("query", "-", "--data", titled(tmp_path, "Titre"), "-o", "tsv", stdin=TITLES)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == '<https://example.org/c>\t"Titre"@fr'


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["titles", "--query", "ASK {}"], "give the query once"),
        ([], "give a QUERY"),
        (["no-such-query"], "unknown query 'no-such-query'"),
        (["-q", "SELECT WHERE {", "--data", CONFORMING], "SPARQL syntax error"),
        (["-q", "ASK {}", "--data", ROOT / "no-such.ttl"], "no-such.ttl"),
        (
            ["-q", "ASK {}", "--data", CONFORMING, "--endpoint", "http://127.0.0.1:9/q"],
            "does not go with --endpoint",
        ),
    ],
)
def test_query_mistakes_are_one_line(args: list, words: str) -> None:
    result = run("query", *args)
    assert result.exit_code == 2, result.output
    assert words in result.stderr and result.stderr.count("\n") <= 2, result.stderr
    assert "Traceback" not in result.output


def test_a_syntax_error_names_the_query_file_and_line(tmp_path: Path) -> None:
    query = tmp_path / "bad.sparql"
    query.write_text("PREFIX x: <http://x/>\nSELECT * WHERE { ?s ?p }\n", encoding="utf-8")
    result = run("query", query, "--data", CONFORMING)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"cph-kg: error: {query}:2: SPARQL syntax error: ")
    assert result.stderr.count("\n") == 1
    piped = run("query", "-", "--data", CONFORMING, stdin="ASK {")
    assert piped.stderr.startswith("cph-kg: error: <stdin>:1: SPARQL syntax error: ")


def test_a_bad_data_file_names_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> <c> .\n<a> <b> .\n", encoding="utf-8")
    result = run("query", "-q", "ASK {}", "--data", bad)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"cph-kg: error: {bad}:2") and result.stderr.count("\n") == 1


# --- tables and result formats -----------------------------------------------------------------


@pytest.mark.parametrize(
    "title", ["会议室 de coopération", "émoji 🏠 maison", "e\u0301cole combinée", "ligne\nsuivante"]
)
def test_a_table_keeps_its_borders_in_line(tmp_path: Path, title: str) -> None:
    result = run("query", "-q", TITLES, "--data", titled(tmp_path, title))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()[:-1]  # the count follows the table
    assert len(lines) == 5  # rule, header, rule, one row, rule: the row is one line
    assert len({wcswidth(line) for line in lines}) == 1, lines


def test_xml_results_select_and_ask(tmp_path: Path) -> None:
    data = titled(tmp_path, "Titre \u202e")
    select = run("query", "-q", TITLES, "--data", data, "-o", "xml")
    assert select.exit_code == 0, select.output
    assert "\u202e" not in select.stdout and "&#x202e;" in select.stdout
    root = ET.fromstring(select.stdout_bytes)
    names = [v.get("name") for v in root.iter(f"{SPARQL_RESULTS}variable")]
    assert names == ["c", "title"]
    [literal] = root.iter(f"{SPARQL_RESULTS}literal")
    assert literal.text == "Titre \u202e"
    assert literal.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    ask = run("query", "-q", "ASK { ?s ?p ?o }", "--data", data, "-o", "xml")
    assert ET.fromstring(ask.stdout_bytes).find(f"{SPARQL_RESULTS}boolean").text == "true"


def test_xml_refuses_what_xml_cannot_carry(tmp_path: Path) -> None:
    result = run("query", "-q", TITLES, "--data", titled(tmp_path, "bell \x07"), "-o", "xml")
    assert result.exit_code == 2
    assert "U+0007, which XML 1.0 cannot carry" in result.stderr


def test_out_writes_a_file_and_nothing_on_standard_output(tmp_path: Path) -> None:
    target = tmp_path / "rows.json"
    result = run("query", "-q", TITLES, "--data", CONFORMING, "-o", "json", "--out", target)
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(target.read_text("utf-8"))["head"]["vars"] == ["c", "title"]
    report = tmp_path / "report.ttl"
    validated = run("validate", CONFORMING, "-o", "turtle", "--out", report)
    assert validated.exit_code == 0 and validated.stdout == ""
    assert len(Graph().parse(report)) > 0


# --- -o means a format everywhere; the old -o FILE still works, and says so -------------------


def test_convert_output_is_a_format(tmp_path: Path) -> None:
    target = tmp_path / "c.nt"
    result = run("convert", AUTHORING, "-o", "ntriples", "--out", target)
    assert result.exit_code == 0 and result.stderr == ""
    assert Graph().parse(target).isomorphic(parse_file(AUTHORING))


def test_convert_old_spellings_still_work(tmp_path: Path) -> None:
    target = tmp_path / "c.ttl"
    result = run("convert", AUTHORING, "--to", "turtle", "-o", target)
    assert result.exit_code == 0
    assert target.exists() and "is read as --out" in result.stderr
    disagree = run("convert", AUTHORING, "--to", "turtle", "-o", "yaml")
    assert disagree.exit_code == 2 and "disagree" in disagree.stderr


def test_a_misspelt_format_is_refused_where_o_never_named_a_file() -> None:
    result = run("query", "-q", "ASK {}", "--data", CONFORMING, "-o", "jsn")
    assert result.exit_code == 2 and "'jsn' is not one of" in result.stderr


def test_convention_new_as_json_is_read_back(tmp_path: Path) -> None:
    target = tmp_path / "new.json"
    result = run("convention", "new", "--departement", "69", "-o", "json", "--out", target)
    assert result.exit_code == 0, result.output
    document = json.loads(target.read_text("utf-8"))
    template = yaml.safe_load(run("convention", "new", "--departement", "69").stdout)
    assert document.pop("@context") == "https://w3id.org/cph-kg/context/convention.jsonld"
    assert document == json.loads(json.dumps(template, default=str))
    assert "departement" in document and document["departement"] == "dep:69"


# --- end to end, as a shell runs it -------------------------------------------------------------


@pytest.mark.slow
def test_query_data_and_standard_input_end_to_end(tmp_path: Path) -> None:
    query = tmp_path / "titles.txt"
    query.write_text(TITLES, encoding="utf-8")
    done = run_cph_kg("query", query, "--data", CONFORMING, "-o", "xml")
    assert done.returncode == 0, done.stderr
    assert ET.fromstring(done.stdout).find(f"{SPARQL_RESULTS}results") is not None
    piped = subprocess.run(
        [sys.executable, "-m", "cph_kg", "query", "-", "--data", titled(tmp_path, "会议室")],
        input=TITLES,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert piped.returncode == 0, piped.stderr
    table = piped.stdout.splitlines()[:-1]
    assert len({wcswidth(line) for line in table}) == 1 and "会议室" in table[3]
    missing = run_cph_kg("query", "-q", "ASK {}", "--data", tmp_path / "none.ttl")
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1
    assert "Traceback" not in missing.stderr


@pytest.mark.slow
def test_output_and_out_end_to_end(tmp_path: Path) -> None:
    target = tmp_path / "c.nt"
    done = run_cph_kg("convert", AUTHORING, "-o", "ntriples", "--out", target)
    assert done.returncode == 0 and done.stdout == "" and done.stderr == ""
    assert Graph().parse(target).isomorphic(parse_file(AUTHORING))
    old = tmp_path / "old.ttl"
    legacy = run_cph_kg("convert", AUTHORING, "--to", "turtle", "-o", old)
    assert legacy.returncode == 0 and old.exists()
    assert legacy.stderr.startswith("cph-kg: warning: -o/--output now names a format")


@pytest.mark.slow
def test_load_counts_and_clear_end_to_end(tmp_path: Path) -> None:
    env = {"CPH_KG_STORE": str(tmp_path / "store"), "CPH_KG_ENDPOINT": ""}
    data = ROOT / "tests" / "fixtures" / "generic" / "data.ttl"  # no blank node: see above
    copy = tmp_path / "copy.ttl"
    copy.write_text(data.read_text("utf-8"), encoding="utf-8")
    loaded = run_cph_kg("load", data, copy, env=env)
    assert loaded.returncode == 0, loaded.stderr
    size = len(Graph().parse(data))
    assert f"{size:>8} triples added  <https://w3id.org/cph-kg/graph/conventions>" in (
        loaded.stdout.splitlines()
    )
    cleared = run_cph_kg("store", "clear", "--yes", env=env)
    assert cleared.returncode == 0 and cleared.stdout.startswith("cleared ")


# --- shell completion ----------------------------------------------------------------------------


def completions(*words: str) -> list[str]:
    """What bash would offer after ``cph-kg WORDS``, asked of click in this process."""
    from click.shell_completion import BashComplete

    complete = BashComplete(main, {}, "cph-kg", "_CPH_KG_COMPLETE")
    return [item.value for item in complete.get_completions(list(words[:-1]), words[-1])]


def test_completion_offers_the_named_queries_and_formats() -> None:
    assert completions("query", "conventions-without-c") == [
        "conventions-without-caf",
        "conventions-without-cpam",
        "conventions-without-c",  # and files of that name
    ]
    assert completions("query", "obligations", "-o", "x") == ["xml"]
    assert "export" in completions("store", "")


@pytest.mark.slow
def test_completion_end_to_end_as_bash_asks_for_it() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from cph_kg.cli import main; main(prog_name='cph-kg')"],
        env={
            **os.environ,
            "_CPH_KG_COMPLETE": "bash_complete",
            "COMP_WORDS": "cph-kg query article-",
            "COMP_CWORD": "2",
        },
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "plain,article-versions" in done.stdout.splitlines()
    source = subprocess.run(
        [sys.executable, "-c", "from cph_kg.cli import main; main(prog_name='cph-kg')"],
        env={**os.environ, "_CPH_KG_COMPLETE": "bash_source"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert "_CPH_KG_COMPLETE=bash_complete" in source.stdout
