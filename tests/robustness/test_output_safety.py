r"""What cph-kg writes cannot command a terminal or a spreadsheet, nor clobber what is at a path.

The attack run printed literals holding OSC and CSI sequences raw (``\e]52;c;…\a`` writes the
clipboard) in tables and text reports, wrote ``=cmd|…``, ``+…`` and ``@…`` into CSV as they
were, and let ``-o FILE`` replace a symbolic link with a file and a FIFO or a device with a
regular file. Each is tried here as a user meets it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import stat
import threading
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from cph_kg.cli import codes as codes_cli
from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.sparql.results import Solutions
from tests.helpers import CONFORMING, ROOT
from tests.robustness.hostile import run

#: A title that would set the clipboard, recolour the screen (8-bit CSI), reverse the text and
#: draw a fake verdict line, if printed raw.
HOSTILE_TITLE = "Titre\x1b]52;c;ZXZpbA==\x07\x9b31m\u202egnp.exe\n✔ EX-fake — conforme"
RAW = ("\x1b", "\x07", "\x9b", "\u202e")
#: Titles a spreadsheet would run as formulas.
FORMULAS = ["=cmd|' /C calc'!A0", "+1+cmd|'x'!A0", "@SUM(1+1)*cmd", "-2+3+cmd", "\t=1"]
TITLES = (
    "SELECT ?title WHERE { ?c a <https://w3id.org/cph-kg/ontology#ConventionDeCooperation> ; "
    "<http://purl.org/dc/terms/title> ?title }"
)
YAML_EXAMPLE = CONFORMING.parents[1] / "authoring" / "gironde-2019.yaml"
YAML_TITLE = "Convention de coopération du centre provisoire d'hébergement Les Tilleuls"
ORIGINAL_TITLE = (
    "Convention de coopération entre le centre provisoire d'hébergement Les Tilleuls et les "
    "acteurs de l'intégration de la Gironde"
)


def with_title(folder: Path, title: str, name: str = "titled.ttl") -> Path:
    """The conforming convention with ``title`` as its title (escaped as Turtle wants)."""
    escaped = json.dumps(title, ensure_ascii=True)[1:-1]
    text = CONFORMING.read_text("utf-8").replace(ORIGINAL_TITLE, escaped)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def titled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A store holding a convention with the hostile title, and a query of its titles."""
    work = tmp_path_factory.mktemp("titled")
    with KnowledgeGraph.open(work / "store") as kg:
        kg.load([with_title(work, HOSTILE_TITLE)])
    query = work / "titles.rq"
    query.write_text(TITLES)
    return work / "store", query


def test_a_table_shows_controls_as_escapes(titled) -> None:
    store, query = titled
    result = run("query", "--location", store, query)
    assert result.exit_code == 0, result.output
    assert not any(raw in result.output for raw in RAW), repr(result.output)
    assert "\\x1b]52;c;ZXZpbA==\\x07" in result.output and "\\u202e" in result.output
    assert result.output.count("\n") == 6  # rules, header, one row, count: the row is one line


@pytest.mark.slow
def test_the_text_report_shows_controls_as_escapes(tmp_path: Path) -> None:
    result = run("validate", with_title(tmp_path, HOSTILE_TITLE))
    assert not any(raw in result.output for raw in RAW), repr(result.output)
    assert "\n✔ EX-fake" not in result.output  # no line of its own: the newline is escaped
    json_result = run("validate", with_title(tmp_path, HOSTILE_TITLE), "--output", "json")
    assert not any(raw in json_result.output for raw in RAW)
    assert json.loads(json_result.output)["conventions"][0]["title"] == HOSTILE_TITLE


def test_an_error_line_shows_controls_as_escapes(tmp_path: Path) -> None:
    path = tmp_path / "bad\x1b[2J\nname.ttl"
    path.write_text("not turtle", encoding="utf-8")
    result = run("validate", path)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1, repr(result.stderr)
    assert "\x1b" not in result.stderr and "bad\\x1b[2J\\x0aname.ttl" in result.stderr


CONSTRUCT_TITLES = TITLES.replace(
    "SELECT ?title WHERE", "CONSTRUCT { ?c <http://purl.org/dc/terms/title> ?title } WHERE"
)


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "json-ld"])
def test_rdf_output_writes_controls_as_escapes_meaning_the_same(titled, tmp_path, fmt) -> None:
    r"""Turtle and N-Triples carry an escape character as ``\u001B`` (rdflib wrote it raw).

    Read back, the literal is the same: the escape is the RDF syntaxes' own.
    """
    from rdflib import Graph

    store, _ = titled
    query = tmp_path / "construct.rq"
    query.write_text(CONSTRUCT_TITLES)
    result = run("query", "--location", store, query, "--output", fmt)
    assert result.exit_code == 0, result.output
    assert not any(raw in result.output for raw in RAW), repr(result.output)
    graph = Graph().parse(data=result.output, format={"ntriples": "nt"}.get(fmt, fmt))
    assert [str(title) for title in graph.objects()] == [HOSTILE_TITLE]
    converted = run("convert", with_title(tmp_path, HOSTILE_TITLE), "--to", fmt)
    assert converted.exit_code == 0, converted.output
    assert not any(raw in converted.output for raw in RAW), repr(converted.output)


def test_tsv_writes_controls_as_escapes(titled) -> None:
    store, query = titled
    result = run("query", "--location", store, query, "--output", "tsv")
    assert not any(raw in result.output for raw in RAW), repr(result.output)
    assert "\\u001B]52;c;ZXZpbA==\\u0007" in result.output


@pytest.mark.slow
def test_csv_to_a_terminal_shows_controls_as_escapes(titled) -> None:
    """CSV keeps values as they are in a file; on a terminal it cannot set the clipboard.

    The terminal is a pseudo-terminal, as a user's is.
    """
    import pty
    import subprocess
    import sys

    from tests.helpers import ROOT

    store, query = titled
    command = [sys.executable, "-m", "cph_kg", "query", "--location", str(store), str(query)]
    piped = subprocess.run(
        [*command, "--output", "csv"], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert "\x1b]52;c;" in piped.stdout  # a file gets the value as it is
    leader, follower = pty.openpty()
    with subprocess.Popen(
        [*command, "--output", "csv"], stdout=follower, stderr=subprocess.DEVNULL, cwd=ROOT
    ) as process:
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal's other end closed
                break
            if not chunk:
                break
            shown += chunk
        process.wait(timeout=60)
    os.close(leader)
    text = shown.decode("utf-8")
    assert not any(raw in text for raw in RAW), repr(text)
    assert "\\x1b]52;c;ZXZpbA==\\x07" in text


@pytest.mark.slow
@pytest.mark.parametrize("title", FORMULAS)
def test_query_csv_neutralises_formulas_unless_raw(tmp_path: Path, title: str) -> None:
    with KnowledgeGraph.open(tmp_path / "store") as kg:
        kg.load([with_title(tmp_path, title)])
    query = tmp_path / "titles.rq"
    query.write_text(TITLES)
    safe = run("query", "--location", tmp_path / "store", query, "-o", "csv")
    [cell] = [row[0] for row in csv.reader(io.StringIO(safe.output))][1:]
    assert cell == "'" + title
    raw = run("query", "--location", tmp_path / "store", query, "-o", "csv", "--raw-csv")
    assert [row[0] for row in csv.reader(io.StringIO(raw.output))][1:] == [title]


@pytest.mark.parametrize("title", FORMULAS)
def test_convert_csv_neutralises_formulas_and_reads_back_the_same(
    tmp_path: Path, title: str
) -> None:
    source = tmp_path / "convention.yaml"
    source.write_text(
        YAML_EXAMPLE.read_text("utf-8").replace(YAML_TITLE, json.dumps(title)),
        encoding="utf-8",
    )
    converted = run("convert", source, "--to", "csv")
    assert converted.exit_code == 0, converted.output
    rows = list(csv.DictReader(io.StringIO(converted.output), delimiter=";"))
    assert rows[0]["title"] == "'" + title
    back = tmp_path / "back.csv"
    back.write_text(converted.output, encoding="utf-8")
    again = run("convert", back, "--to", "csv", "--raw-csv")
    rows = list(csv.DictReader(io.StringIO(again.output), delimiter=";"))
    assert rows[0]["title"] == title


# --- cph-kg codes ----------------------------------------------------------------------------

LINKED = ROOT / "tests" / "fixtures" / "corpus-linked"
#: A file name a corpus from a stranger may hold: it sets the clipboard and draws a fake line.
HOSTILE_NAME = "r349-9\x1b]52;c;ZXZpbA==\x07\ncph-kg: imported, nothing skipped.md"


@pytest.mark.slow
def test_codes_import_shows_a_skipped_file_name_as_escapes(tmp_path: Path) -> None:
    """The skipped file is one line of standard error, its controls shown as escapes."""
    corpus = tmp_path / "corpus"
    shutil.copytree(LINKED, corpus)
    chapter = next(corpus.rglob("r349-1.md")).parent
    (chapter / HOSTILE_NAME).write_text("no heading, no body\n", encoding="utf-8")
    result = run("codes", "import", corpus, "--location", tmp_path / "store")
    assert result.exit_code == 1, result.output
    skipped = [line for line in result.stderr.splitlines() if "skipped" in line]
    assert len(skipped) == 1, result.stderr
    assert not any(raw in result.stderr for raw in RAW), repr(result.stderr)
    assert "r349-9\\x1b]52;c;ZXZpbA==\\x07\\x0acph-kg: imported" in skipped[0]


class _Broken:
    """An open graph whose broken references name hostile articles (the corpus is a stranger's)."""

    def __enter__(self) -> _Broken:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def query(self, name: str, **params: object) -> Solutions:
        assert name == "broken-references"
        return Solutions(
            ["cited", "citedNumber"],
            [(URIRef("https://w3id.org/cph-kg/law/casf/X"), Literal(value)) for value in FORMULAS]
            + [(URIRef("https://w3id.org/cph-kg/law/casf/Y"), Literal(HOSTILE_TITLE))],
        )


def test_codes_check_csv_neutralises_formulas_unless_raw(monkeypatch) -> None:
    """``codes check -o csv`` follows OWASP's rule, as ``query`` does; --raw-csv keeps values."""
    monkeypatch.setattr(codes_cli, "open_graph", lambda **store: _Broken())
    safe = run("codes", "check", "-o", "csv")
    assert safe.exit_code == 0, safe.output
    cells = [row[1] for row in csv.reader(io.StringIO(safe.stdout))][1:]
    assert cells == ["'" + value for value in FORMULAS] + [HOSTILE_TITLE]
    raw = run("codes", "check", "-o", "csv", "--raw-csv")
    assert [row[1] for row in csv.reader(io.StringIO(raw.stdout))][1:] == [*FORMULAS, HOSTILE_TITLE]


def test_codes_check_table_shows_controls_as_escapes(monkeypatch) -> None:
    """The default table never hands the terminal a control character."""
    monkeypatch.setattr(codes_cli, "open_graph", lambda **store: _Broken())
    table = run("codes", "check")
    assert table.exit_code == 0, table.output
    assert not any(raw in table.stdout for raw in RAW), repr(table.stdout)
    assert "\\x1b]52;c;ZXZpbA==\\x07" in table.stdout


# --- --out FILE -------------------------------------------------------------------------------


def _convert_to(output: Path) -> object:
    return run("convert", CONFORMING, "-o", "ntriples", "--out", output)


def test_a_link_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    target = tmp_path / "target.nt"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "link.nt"
    link.symlink_to(target)
    result = _convert_to(link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and "dateOfConclusion" in target.read_text("utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_fifo_is_written_to_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = _convert_to(fifo)
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(fifo.stat().st_mode) and b"dateOfConclusion" in received[0]


def test_a_device_is_written_to_and_stays_a_device() -> None:
    result = _convert_to(Path("/dev/null"))
    assert result.exit_code == 0 and stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize(
    ("output", "words"),
    [
        (Path("/nonexistent/x.nt"), "No such file or directory"),
        (Path("/dev/full"), "No space left on device"),
    ],
)
def test_an_output_that_cannot_be_written_is_one_line(output: Path, words: str) -> None:
    result = _convert_to(output)
    assert result.exit_code == 2 and words in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    if output == Path("/dev/full"):
        assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
