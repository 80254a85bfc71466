"""Queries cannot be turned against the store: parameters, user queries, names, runaway queries.

Each table is one threat, tried through the Python API (``KnowledgeGraph``), the command line
in-process (``CliRunner``) and, where a process boundary matters, a real ``python -m cph_kg``:

- a parameter value is bound as exactly one RDF term of its type (the row it selects proves
  which term), or refused with one line when it is no such term; the store is never changed;
- a user query that is an update (INSERT, DROP, LOAD…) or calls SERVICE is refused with one line
  and exit 2, before any request leaves (a stand-in server counts them); the same words in
  strings, IRIs, comments, variables or prefixed names run;
- a query name never leads out of ``queries/``: nothing is read for a name that is not one;
- a query past ``--timeout`` is stopped, its process killed and reaped, the store usable.
"""

from __future__ import annotations

import http.server
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from cph_kg import CphKgError, resources
from cph_kg.cli import main
from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.limits import MAX_QUERY_NESTING as MAX_NESTING
from cph_kg.namespaces import CPH
from cph_kg.sparql import catalog
from tests.helpers import CONFORMING, ROOT, oxigraph_server, run_cph_kg

RQ = ROOT / "tests" / "fixtures" / "rq"
HOSTILE = "https://example.org/hostile/"
DEP = "https://w3id.org/cph-kg/departement/"

#: Strings that would change a query pasted as text. Each is the title of one convention in the
#: store, so binding it as one literal selects exactly that convention.
HOSTILE_STRINGS = {
    "quote-brace-drop": 'x" } ; DROP ALL ; #',
    "single-quote": "x' } ; DROP ALL ; #",
    "long-quotes": '""" } DROP ALL #',
    "closing-brace": "}",
    "comment": "# the rest is a comment",
    "escaped-quote": "a\\u0022 } ; DROP ALL ; #",
    "escaped-backslash-quote": "\\\\u0022 } CLEAR ALL #",
    "unicode-escape-8": "x\\U00000022y",
    "newlines": 'a\n} ; INSERT DATA { <urn:x> <urn:y> "z" } #\nb',
    "carriage-return-tab": "a\rb\tc",
    "backslash": "\\",
    "service-call": "} SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } #",
    "iri-closer": "x> } ; DROP ALL ; #",
    "nul-and-controls": "a\x00b\x1bc",
    "unicode": "Convention de coopération — «\u2028» 😀",
    "very-long": '" } DROP ALL #' * 20_000,
}

#: Values refused as terms of their type, each with the words of its one-line error.
REFUSED_VALUES = [
    ("iri", "https://example.org/a> } ; DROP ALL ; #", "not an absolute IRI"),
    ("iri", "https://example.org/a b", "not an absolute IRI"),
    ("iri", "<https://example.org/a>", "not an absolute IRI"),
    ("iri", "https://example.org/a\nb", "not an absolute IRI"),
    ("iri", "https://example.org/\\u003E", "not an absolute IRI"),
    ("iri", "https://example.org/\x00", "not an absolute IRI"),
    ("iri", 'https://example.org/"', "not an absolute IRI"),
    ("iri", "no-scheme", "not an absolute IRI"),
    ("iri", "https://example.org/" + "a" * 100_000 + ">", "(100021 characters)"),
    ("departement", "33\n", "not a département INSEE code"),
    ("departement", "3٣", "not a département INSEE code"),
    ("departement", "33> } ; DROP ALL", "not a département INSEE code"),
    ("day", "2019-03-12\n", "not a date"),
    ("day", '2019-03-12"^^<x:y>', "not a date"),
    ("day", "2019-13-01", "not a date"),
    ("number", "1 } ; DROP ALL", "not an integer"),
    ("number", "١٢", "not an integer"),
    ("number", "9" * 5000, "not an integer"),
    ("flag", "true } #", "not true or false"),
]

#: Values bound as exactly these terms.
TYPED_VALUES = [
    ("iri", "https://example.org/é?q=1#f", URIRef("https://example.org/é?q=1#f")),
    ("departement", "2a", URIRef(DEP + "2A")),
    ("day", "2019-03-12", Literal("2019-03-12", datatype=XSD.date)),
    ("number", "-42", Literal("-42", datatype=XSD.integer)),
    ("flag", "TRUE", Literal("true", datatype=XSD.boolean)),
    ("text", 'x" } ; DROP ALL ; #', Literal('x" } ; DROP ALL ; #')),
]


def hostile_graph() -> Graph:
    """One convention per hostile string, titled with it; and a cycle for path queries."""
    graph = Graph()
    for name, title in HOSTILE_STRINGS.items():
        graph.add((URIRef(HOSTILE + name), RDF.type, CPH.ConventionDeCooperation))
        graph.add((URIRef(HOSTILE + name), DCTERMS.title, Literal(title)))
    graph.add(
        (URIRef("urn:cph-kg-test:a"), URIRef("urn:cph-kg-test:next"), URIRef("urn:cph-kg-test:b"))
    )
    graph.add(
        (URIRef("urn:cph-kg-test:b"), URIRef("urn:cph-kg-test:next"), URIRef("urn:cph-kg-test:a"))
    )
    return graph


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the law, a convention, the hostile titles and a cycle; not kept open."""
    work = tmp_path_factory.mktemp("safety")
    data = work / "hostile.nt"
    hostile_graph().serialize(data, format="nt", encoding="utf-8")
    with KnowledgeGraph.open(work / "store") as kg:
        kg.load([CONFORMING, data])
    return work / "store"


@pytest.fixture
def store(loaded: Path, tmp_path: Path) -> Path:
    """A copy of the loaded store for one test, which may try to damage it."""
    shutil.copytree(loaded, tmp_path / "store")
    return tmp_path / "store"


@pytest.fixture(scope="module")
def endpoint(loaded: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The same data behind a real, read-only Oxigraph server."""
    copy = tmp_path_factory.mktemp("served") / "store"
    shutil.copytree(loaded, copy)
    with oxigraph_server(copy) as url:
        yield url


def sizes(location: Path) -> dict[str, int]:
    with KnowledgeGraph.open(location, create=False) as kg:
        return kg.info()


def cli(location: Path, *args: object):
    runner = CliRunner(env={"CPH_KG_STORE": str(location), "CPH_KG_ENDPOINT": ""})
    return runner.invoke(main, [str(a) for a in args])


def one_line_exit_2(result) -> str:
    """The error line of a command that must fail the cph-kg way."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert result.stdout == ""
    assert result.stderr.startswith("cph-kg: error: ") and result.stderr.count("\n") == 1
    return result.stderr


# --- parameters ---------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["embedded", "endpoint"])
def test_a_hostile_string_is_one_literal_on_every_store(loaded: Path, endpoint: str, where) -> None:
    before = sizes(loaded)
    with KnowledgeGraph.open(
        loaded, create=False, endpoint=endpoint if where == "endpoint" else None
    ) as kg:
        for name, title in HOSTILE_STRINGS.items():
            result = kg.query(str(RQ / "titles-equal.rq"), wanted=title)
            assert result.rows == [(URIRef(HOSTILE + name), Literal(title))], name
    assert sizes(loaded) == before


@pytest.mark.parametrize("name", sorted(set(HOSTILE_STRINGS) - {"nul-and-controls"}))
def test_a_hostile_string_on_the_command_line_is_one_literal(store: Path, name: str) -> None:
    before = sizes(store)
    result = cli(
        store, "query", RQ / "titles-equal.rq", "-p", f"wanted={HOSTILE_STRINGS[name]}", "-o", "tsv"
    )
    assert result.exit_code == 0, result.output
    lines = result.output.split("\n")  # TSV rows end at \n only (not at U+2028)
    assert len(lines) == 3 and lines[2] == ""
    assert lines[1].startswith(f"<{HOSTILE}{name}>\t")
    assert sizes(store) == before


@pytest.mark.parametrize(("parameter", "value", "term"), TYPED_VALUES)
def test_a_value_becomes_exactly_one_term_of_its_type(store: Path, parameter, value, term) -> None:
    with KnowledgeGraph.open(store, create=False) as kg:
        result = kg.query(str(RQ / "typed.rq"), **{parameter: value})
    assert result.column(parameter) == [term]


@pytest.mark.parametrize(("parameter", "value", "words"), REFUSED_VALUES)
def test_a_value_that_is_no_term_of_its_type_is_refused(
    store: Path, parameter, value, words
) -> None:
    before = sizes(store)
    with KnowledgeGraph.open(store, create=False) as kg, pytest.raises(CphKgError) as caught:
        kg.query(str(RQ / "typed.rq"), **{parameter: value})
    assert words in str(caught.value) and f"parameter {parameter}:" in str(caught.value)
    assert "\n" not in str(caught.value) and len(str(caught.value)) < 300
    line = one_line_exit_2(cli(store, "query", RQ / "typed.rq", "-p", f"{parameter}={value}"))
    assert words in line
    assert sizes(store) == before


@pytest.mark.slow
def test_a_hostile_value_in_a_real_process(store: Path) -> None:
    """The same through the operating system's argv, as a user's shell passes it."""
    before = sizes(store)
    env = {**os.environ, "CPH_KG_STORE": str(store), "CPH_KG_ENDPOINT": ""}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "cph_kg",
            "query",
            str(RQ / "titles-equal.rq"),
            "-o",
            "tsv",
            "-p",
            f"wanted={HOSTILE_STRINGS['newlines']}",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[1].startswith(f"<{HOSTILE}newlines>")
    refused = subprocess.run(
        [
            sys.executable,
            "-m",
            "cph_kg",
            "query",
            "convention-conforms",
            "-p",
            "convention=https://example.org/a> } ; DROP ALL ; #",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert "not an absolute IRI" in refused.stderr and "Traceback" not in refused.stderr
    assert sizes(store) == before


# --- user queries: updates and SERVICE ------------------------------------------------------------


class _Counter(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.requests += 1
        self.send_response(500)
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def listener() -> Iterator[str]:
    """A loopback HTTP server that counts the requests it gets; yields its URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    server.requests = 0
    # polled every 0.05 s: shutdown() waits for the next poll (0.5 s by default, in 34 tests)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


#: User queries refused on the embedded store, and the words of the one-line refusal.
REFUSED_QUERIES = {
    "insert-data": ('INSERT DATA { <urn:a> <urn:b> "c" }', "INSERT is a SPARQL update"),
    "delete-where": ("DELETE WHERE { ?s ?p ?o }", "DELETE is a SPARQL update"),
    "drop-all": ("DROP ALL", "DROP is a SPARQL update"),
    "clear": ("CLEAR DEFAULT", "CLEAR is a SPARQL update"),
    "create": ("CREATE GRAPH <urn:g>", "CREATE is a SPARQL update"),
    "copy": ("COPY DEFAULT TO <urn:g>", "COPY is a SPARQL update"),
    "move": ("MOVE DEFAULT TO <urn:g>", "MOVE is a SPARQL update"),
    "add": ("ADD DEFAULT TO <urn:g>", "ADD is a SPARQL update"),
    "with": ("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH is a SPARQL update"),
    "load": ("LOAD <{url}/data.ttl>", "LOAD is a SPARQL update"),
    "odd-case-and-space": (
        "# a comment\nPREFIX x: <urn:x#>\n \t dRoP\n  ALL",
        "DROP is a SPARQL update",
    ),
    "escaped-keyword": (
        "INSER\\u0054 DATA { <urn:a> <urn:b> <urn:c> }",
        "INSERT is a SPARQL update",
    ),
    "service": ("SELECT * WHERE { SERVICE <{url}/sparql> { ?s ?p ?o } }", "SERVICE is not allowed"),
    "service-silent": (
        "select * { service   silent <{url}/s> { ?s ?p ?o } }",
        "SERVICE is not allowed",
    ),
    "service-after-dot": (
        "SELECT * { ?s ?p ?o .SERVICE<{url}/s>{ ?a ?b ?c } }",
        "SERVICE is not allowed",
    ),
    "service-behind-less-than": (
        "SELECT * { VALUES ?c { <{url}/s> } FILTER(1<2)SERVICE?c#>\n{ ?s ?p ?o } }",
        "SERVICE is not allowed",
    ),
    "service-escaped": (
        "SELECT * { SERVIC\\u0045 <{url}/s> { ?s ?p ?o } }",
        "SERVICE is not allowed",
    ),
    # Oxigraph's parser recurses: 3,000 nested groups crash the process (segmentation fault)
    "nested-5000-deep": ("ASK " + "{" * 5000 + "}" * 5000, "nests 5000 levels deep"),
    "nested-in-expressions": (
        "ASK { FILTER(" + "(" * 300 + "1" + ")" * 300 + ") }",
        "nests 302 levels deep",
    ),
    # Oxigraph matches keywords without word boundaries: these are SERVICE calls to it
    "service-glued-to-a-prefixed-name": (
        "PREFIX ex: <{url}/> SELECT * { SERVICEex:x { ?s ?p ?o } }",
        "SERVICE is not allowed",
    ),
    "service-glued-to-true": (
        "SELECT * { ?s ?p trueSERVICE<{url}/s>{ ?a ?b ?c } }",
        "SERVICE is not allowed",
    ),
    "service-as-a-prefix": (
        "PREFIX service: <urn:s:> PREFIX : <{url}/> SELECT * { service:b { ?s ?p ?o } }",
        "SERVICE is not allowed",
    ),
}

#: User queries whose keywords are only words: they run.
HARMLESS_QUERIES = {
    "nested-as-deep-as-allowed": "ASK " + "{" * MAX_NESTING + "}" * MAX_NESTING,
    "brackets-in-strings": "ASK { FILTER('" + "{" * 5000 + "' != '') }",
    "in-a-string": (
        "SELECT ?t { ?c <http://purl.org/dc/terms/title> ?t "
        'FILTER(?t != "INSERT DATA { } ; DROP ALL") } LIMIT 1'
    ),
    "in-a-long-string": "ASK { FILTER('''\nSERVICE <http://x/> { }\nLOAD <http://x/>''' != '') }",
    "in-a-comment": "# DROP ALL ; SERVICE <http://x/> { }\nASK { ?s ?p ?o } # CLEAR ALL",
    "in-an-iri": "ASK { ?s <http://example.org/SERVICE/INSERT> ?o } ",
    "as-variables": "SELECT ?insert ?service { BIND(1 AS ?insert) BIND(2 AS ?service) }",
    "as-prefixed-names": "PREFIX load: <urn:l:> PREFIX ex: <urn:s:> ASK {?s load:a ex:service}",
}


def _query_file(tmp_path: Path, text: str, url: str) -> Path:
    path = tmp_path / "user.rq"
    path.write_text(text.replace("{url}", url), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(REFUSED_QUERIES))
def test_updates_and_service_are_refused_before_anything_runs(
    store: Path, tmp_path: Path, listener, name: str
) -> None:
    text, words = REFUSED_QUERIES[name]
    url = f"http://127.0.0.1:{listener.server_address[1]}"
    path = _query_file(tmp_path, text, url)
    before = sizes(store)
    with KnowledgeGraph.open(store, create=False) as kg, pytest.raises(CphKgError, match=words):
        kg.query(str(path))
    assert words in one_line_exit_2(cli(store, "query", path))
    assert words in one_line_exit_2(cli(store, "query", path, "--timeout", "5"))
    assert listener.requests == 0  # neither SERVICE nor LOAD reached the network
    assert sizes(store) == before


@pytest.mark.parametrize(
    "name", sorted(n for n, (_, w) in REFUSED_QUERIES.items() if "update" in w)
)
def test_updates_are_refused_before_they_reach_an_endpoint(
    tmp_path: Path, listener, name: str
) -> None:
    url = f"http://127.0.0.1:{listener.server_address[1]}"
    path = _query_file(tmp_path, REFUSED_QUERIES[name][0], url)
    result = cli(tmp_path / "unused", "query", path, "--endpoint", f"{url}/query")
    assert REFUSED_QUERIES[name][1] in one_line_exit_2(result)
    assert listener.requests == 0


@pytest.mark.parametrize("name", sorted(HARMLESS_QUERIES))
def test_keywords_in_strings_comments_iris_and_names_still_run(
    store: Path, tmp_path: Path, name: str
) -> None:
    path = _query_file(tmp_path, HARMLESS_QUERIES[name], "")
    result = cli(store, "query", path)
    assert result.exit_code == 0, result.output


# --- query names --------------------------------------------------------------------------------

BAD_NAMES = [
    "../../etc/passwd",
    "/etc/passwd",
    "..\\..\\x",
    "../queries/obligations",
    "obligations/../../../etc/passwd",
    "obligations\x00",
    "obl\x00igations",
    "conventions-by-departement\n",
    "Obligations",
    "~/obligations",
    "x" * 10_000,
]


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every file the catalog reads, in order."""
    seen: list[Path] = []
    original = Path.read_text

    def spy(self: Path, *args: object, **kwargs: object) -> str:
        seen.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", spy)
    return seen


@pytest.mark.parametrize("name", BAD_NAMES, ids=range(len(BAD_NAMES)))
def test_a_name_that_is_no_query_is_refused_and_nothing_is_read(
    store: Path, reads, name: str
) -> None:
    with pytest.raises(CphKgError, match="unknown query"):
        catalog.resolve(name)
    assert reads == []
    line = one_line_exit_2(cli(store, "query", name))
    if _is_file(name):  # the command line reads a query FILE, of any extension (as arq)
        assert line.startswith(f"cph-kg: error: {name}:") and "SPARQL syntax error" in line
    else:
        assert "unknown query" in line and len(line) < 200
    assert reads == []


def _is_file(name: str) -> bool:
    try:
        return Path(name).is_file()
    except (OSError, ValueError):
        return False


#: Files a user could name by mistake (or be talked into naming): a secret on every line.
SECRET_FILES = {
    "first word": "SECRET-" + "A" * 400 + " rest\nSECRET-2 on line two\n",
    "passwd-like": "root:x:0:0:SECRET-1:/root:/bin/bash\n" * 3 + "SECRET-2:x:1:1::/:/bin/sh\n",
    "string across lines": 'SELECT * WHERE { ?s ?p "' + "B" * 300 + '\nSECRET-2 " }\n',
    "error on line two": "SELECT * WHERE { ?s ?p ?o\n FILTER(?o = SECRET-1" + "C" * 300 + ") }\n",
    "valid then garbage": "ASK { ?s ?p ?o } SECRET-1 " + "D" * 300 + "\nSECRET-2\n",
    "controls": "\x1b]52;c;SECRET-1\x07 SELECT\nSECRET-2\n",
}


@pytest.mark.parametrize("content", SECRET_FILES.values(), ids=SECRET_FILES.keys())
def test_a_file_read_as_a_query_shows_at_most_a_piece_of_one_line(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str
) -> None:
    """``cph-kg query FILE`` reads any file the user names, as ``arq --query`` does.

    The decision: the command line is the user's own, and reading a file they can read shows
    them nothing ``cat`` would not; but an error line about it names the file (and line), holds
    no more than a 160-character piece of one line, and nothing a terminal obeys, so a wrapper
    that passes a stranger's query name to cph-kg cannot print a file through it.
    """
    secret = tmp_path / "secret" / "passwd"
    secret.parent.mkdir()
    secret.write_text(content, encoding="utf-8")
    monkeypatch.chdir(tmp_path / "secret")
    name = "../secret/passwd"  # a relative path, as ``../../etc/passwd``
    line = one_line_exit_2(cli(store, "query", name))
    assert line.startswith(f"cph-kg: error: {name}:"), line
    assert "SECRET-2" not in line  # nothing from a second line
    assert len(line) < 300, line
    assert "\x1b" not in line and "\x07" not in line


def test_the_api_never_reads_a_file_for_a_name(reads) -> None:
    """Only the command line reads files: the API's names stay inside ``queries/``."""
    with pytest.raises(CphKgError, match="unknown query"):
        catalog.resolve("../../etc/passwd")
    assert reads == []


@pytest.mark.parametrize(
    "path", ["x\x00.rq", "/etc/passwd\x00.rq", "/" + "a" * 5000 + ".rq", "/proc/self/mem.rq"]
)
def test_a_query_file_that_cannot_be_read_is_one_line(store: Path, path: str) -> None:
    with pytest.raises(CphKgError):
        catalog.resolve(path)
    assert "Traceback" not in one_line_exit_2(cli(store, "query", path))


@pytest.fixture
def queries_with_links(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project's files whose queries/ holds links: out of it, and within it."""
    root = tmp_path / "root"
    (root / "queries").mkdir(parents=True)
    shutil.copy(resources.root() / "queries" / "obligations.rq", root / "queries")
    outside = tmp_path / "outside.rq"
    outside.write_text("# Title: OUTSIDE-SECRET\nASK {}\n", encoding="utf-8")
    (root / "queries" / "secret.rq").symlink_to(outside)
    (root / "queries" / "passwd.rq").symlink_to("/etc/passwd")
    (root / "queries" / "alias.rq").symlink_to(root / "queries" / "obligations.rq")
    monkeypatch.setattr(resources, "root", lambda: root)
    return outside


@pytest.mark.parametrize("name", ["secret", "passwd"])
def test_a_link_out_of_queries_is_refused_unread(
    store: Path, queries_with_links: Path, reads, name: str
) -> None:
    with pytest.raises(CphKgError, match=f"query '{name}' is a link out of queries/"):
        catalog.resolve(name)
    assert not any(path.name in ("secret.rq", "passwd.rq") for path in reads)
    assert "is a link out of queries/" in one_line_exit_2(cli(store, "query", name))
    listing = cli(store, "queries")
    assert listing.exit_code == 0 and "OUTSIDE-SECRET" not in listing.output
    assert "root:" not in listing.output and "secret" not in listing.output
    assert set(catalog.named_queries()) == {"obligations", "alias"}  # a link within is a query


# --- runaway queries ----------------------------------------------------------------------------


def _children(pid: int) -> set[int]:
    """The processes whose parent is ``pid``, read from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        for child in _children(todo.pop()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _query_processes(pid: int) -> set[int]:
    """The multiprocessing children that run queries (not the resource tracker)."""
    found = set()
    for child in _descendants(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in command:
            found.add(child)
    return found


class _Watcher:
    """Notes the query processes below ``pid`` while a block runs."""

    def __init__(self, pid: int) -> None:
        self.pid, self.seen, self._stop = pid, set(), threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.seen |= _query_processes(self.pid)
            time.sleep(0.05)

    def __enter__(self) -> _Watcher:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()


def _gone(pids: set[int], within: float = 0.0) -> bool:
    deadline = time.monotonic() + within
    while any(Path(f"/proc/{pid}").exists() for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


#: Queries that would run for hours, and the bound on stopping them with a 1 s timeout.
FOREVER = ["cartesian.rq", "path-over-a-cycle.rq"]
BOUND = 8.0


@pytest.mark.slow
@pytest.mark.parametrize("query", FOREVER)
def test_a_runaway_query_is_stopped_and_its_process_reaped(store: Path, query: str) -> None:
    with KnowledgeGraph.open(store, create=False) as kg:
        with _Watcher(os.getpid()) as watcher:
            started = time.monotonic()
            with pytest.raises(CphKgError, match=r"^query timed out after 1 s$"):
                kg.query(str(RQ / query), timeout=1)
            elapsed = time.monotonic() - started
        assert 1 <= elapsed < BOUND
        assert watcher.seen, "the query ran in no child process"
        assert _gone(watcher.seen)  # killed and reaped by the time query() returned
        assert kg.query(str(RQ / "any-convention.rq")).value is True  # the store still answers
        kg.load([CONFORMING])  # and still takes writes
    line = one_line_exit_2(cli(store, "query", RQ / query, "--timeout", "1"))
    assert line == "cph-kg: error: query timed out after 1 s\n"


@pytest.mark.slow
def test_a_runaway_query_in_a_real_process_is_stopped_and_leaves_nothing(store: Path) -> None:
    env = {**os.environ, "CPH_KG_STORE": str(store), "CPH_KG_ENDPOINT": ""}
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "cph_kg", "query", str(RQ / "cartesian.rq"), "--timeout", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: set[int] = set()
    while process.poll() is None:
        seen |= _descendants(process.pid)
        time.sleep(0.05)
        assert time.monotonic() - started < BOUND + 5, "the command did not return"
    elapsed = time.monotonic() - started
    stdout, stderr = process.communicate()
    assert process.returncode == 2 and stdout == ""
    assert stderr == "cph-kg: error: query timed out after 1 s\n"
    assert elapsed < BOUND
    assert seen, "no child process was seen"
    assert _gone(seen, within=2)  # the query child and multiprocessing's tracker
    after = cli(store, "query", RQ / "any-convention.rq", "-o", "csv")
    assert after.exit_code == 0 and "true" in after.output


def test_a_query_nested_too_deep_is_refused_in_a_real_process(store: Path, tmp_path: Path) -> None:
    """Without the check, Oxigraph's parser overflows its stack and the process dies (SIGSEGV)."""
    path = tmp_path / "deep.rq"
    path.write_text("ASK " + "{" * 5000 + "}" * 5000, encoding="utf-8")
    env = {"CPH_KG_STORE": str(store), "CPH_KG_ENDPOINT": ""}
    run = run_cph_kg("query", path, env=env, timeout=60)
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "nests 5000 levels deep" in run.stderr
