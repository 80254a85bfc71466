r"""SERVICE and deep nesting are decided as Oxigraph reads the text, escapes and all.

The masking that came before read ``ex:a\#`` (a local name with an escaped ``#``) as a name
followed by a comment, and hid what followed: a SERVICE call (Oxigraph then POSTed to a
listener) or 5,000 nested groups (Oxigraph's parser overflowed its stack and the process died).
These are the attacks, through the API, the command line and a real process; and a
differential fuzz: queries built from every escape SPARQL allows, a SERVICE call placed among
them, are run on a real Oxigraph store (holding data, so that every pattern is evaluated)
whenever the guard lets them through; a listener proves that none of those reaches the network.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cph_kg import CphKgError
from cph_kg.cli import main
from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.sparql_guard import MAX_NESTING, check_query, read
from tests.helpers import CONFORMING, Counter, run_cph_kg


@pytest.fixture(scope="module")
def counter() -> Iterator[Counter]:
    listener = Counter()
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    location = tmp_path_factory.mktemp("guard") / "store"
    with KnowledgeGraph.open(location) as kg:
        kg.load([CONFORMING])
    return location


#: The attacks of the report, each hiding SERVICE or depth behind an escape the masking misread.
ATTACKS = {
    "escaped-hash-hides-service": (
        "PREFIX ex: <http://e/> SELECT * WHERE { OPTIONAL { ?s ?p ex:a\\# } "
        "SERVICE <{url}/x> { ?a ?b ?c } }",
        "SERVICE is not allowed",
    ),
    "escaped-quote-hides-service": (
        "PREFIX ex: <http://e/> SELECT * WHERE { ?s ?p ex:a\\' . "
        "SERVICE <{url}/x> { ?a ?b ?c } } # '",
        "SERVICE is not allowed",
    ),
    "escaped-hash-hides-depth": (
        "PREFIX ex: <http://e/> ASK { ?s ?p ex:a\\# " + "{" * 5000 + "}" * 5000 + " }",
        "levels deep",
    ),
    "depth-behind-a-less-than": (
        "ASK { FILTER(1<" + "(" * 3000 + "1" + ")" * 3000 + ">2) }",
        "levels deep",
    ),
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_an_escape_hides_neither_service_nor_depth(
    store: Path, tmp_path: Path, counter: Counter, name: str
) -> None:
    text, words = ATTACKS[name]
    path = tmp_path / "attack.rq"
    path.write_text(text.replace("{url}", counter.url), encoding="utf-8")
    before = counter.connections
    with KnowledgeGraph.open(store, read_only=True) as kg, pytest.raises(CphKgError, match=words):
        kg.query(str(path))
    env = {"CPH_KG_ENDPOINT": "", "CPH_KG_STORE": ""}
    result = CliRunner(env=env).invoke(main, ["query", "--location", str(store), str(path)])
    assert result.exit_code == 2 and words in result.output, result.output
    assert result.output.count("\n") == 1
    time.sleep(0.2)
    assert counter.connections == before


def test_the_depth_attack_in_a_real_process_is_one_line(store: Path, tmp_path: Path) -> None:
    """Without the guard this process dies of a segmentation fault in Oxigraph's parser."""
    path = tmp_path / "deep.rq"
    path.write_text(ATTACKS["escaped-hash-hides-depth"][0], encoding="utf-8")
    run = run_cph_kg("query", path, env={"CPH_KG_STORE": str(store), "CPH_KG_ENDPOINT": ""})
    assert run.returncode == 2, run.stderr
    assert run.stderr.count("\n") == 1 and "levels deep" in run.stderr


def test_the_limit_is_what_the_parsers_take() -> None:
    """MAX_NESTING of every kind of bracket parses; one more level is refused, not crashed on."""
    shapes = [
        lambda d: "ASK " + "{" * d + "}" * d,
        lambda d: "ASK { FILTER(" + "STR(" * (d - 2) + "1" + ")" * (d - 2) + ") }",
        lambda d: "ASK { " + "FILTER EXISTS { " * (d - 1) + "}" * (d - 1) + " }",
        lambda d: "ASK { ?s <urn:p> " + "[ <urn:p> " * (d - 1) + "1" + " ]" * (d - 1) + " }",
    ]
    for shape in shapes:
        check_query(shape(MAX_NESTING))
        with pytest.raises(CphKgError, match="levels deep"):
            check_query(shape(MAX_NESTING + 1))


# --- differential fuzzing against Oxigraph --------------------------------------------------------

#: Fragments that are each valid inside a group graph pattern, chosen for the escapes they hold.
FRAGMENTS = [
    "?s ?p ex:a\\# .",
    "?s ?p ex:a\\' .",
    "?s ?p ex:a\\( .",
    "?s ?p ex:a%23 .",
    "?s ?p ex:a\\.b .",
    "?s ?p '\\'' .",
    '?s ?p "\\"" .',
    "?s ?p '''a''b''' .",
    '?s ?p """x"y\\"""" .',
    "?s ?p '\\u0023' .",
    "?s ?p '\\u0027' .",
    "?s ?p <http://x/a#b> .",
    "?s ?p <http://x/\\u0023> .",
    "# a comment ' \" <\n",
    "FILTER(1<2)",
    "FILTER(?o != '#')",
    "OPTIONAL { ?s ?p ?o }",
    "BIND('}' AS ?x)",
    "?s ?p ex:a\\u005C# .",
    '?s ?p "\\\\" .',
]
#: Ways of writing the SERVICE keyword that Oxigraph accepts.
SPELLINGS = ["SERVICE", "service", "SeRvIcE", "SERVIC\\u0045", "\\u0053ERVICE", "SERVICE SILENT"]


@pytest.fixture(scope="module")
def oxigraph() -> ox.Store:
    """An in-memory store with a triple, so that patterns match and SERVICE is evaluated."""
    store = ox.Store()
    node = ox.NamedNode("http://e/a")
    store.add(ox.Quad(node, node, node))
    return store


FUZZ = settings(
    derandomize=True,
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    database=None,
)


@FUZZ
@given(
    before=st.lists(st.sampled_from(FRAGMENTS), max_size=4),
    after=st.lists(st.sampled_from(FRAGMENTS), max_size=3),
    spelling=st.sampled_from(SPELLINGS),
    glue=st.sampled_from([" ", "", "\n", "\t", " # x\n"]),
)
def test_what_the_guard_lets_through_never_reaches_the_network(
    oxigraph: ox.Store, counter: Counter, before, after, spelling: str, glue: str
) -> None:
    text = (
        "PREFIX ex: <http://e/> SELECT * WHERE { "
        + " ".join(before)
        + f" {spelling}{glue}<{counter.url}/s> {{ ?a ?b ?c }} "
        + " ".join(after)
        + " }"
    )
    try:
        check_query(text)
    except CphKgError:
        return  # refused: nothing runs
    connections = counter.connections
    try:
        answer = oxigraph.query(text)
        list(answer) if not isinstance(answer, ox.QueryBoolean) else None
    except (SyntaxError, OSError, RuntimeError, ValueError):
        pass
    time.sleep(0.05)
    assert counter.connections == connections, text


@FUZZ
@given(
    fragments=st.lists(st.sampled_from(FRAGMENTS), max_size=5),
    depth=st.integers(min_value=1, max_value=40),
    bracket=st.sampled_from(["{", "("]),
)
def test_escapes_never_hide_depth(fragments, depth: int, bracket: str) -> None:
    r"""The depth read is at least the depth written, whatever escapes come before it.

    A text whose tokens cannot be read (``'\u0027'`` is three quotes once decoded, as
    Oxigraph decodes it) is refused whole, which hides nothing either.
    """
    closing = "}" if bracket == "{" else ")"
    inner = bracket * depth + ("1" if bracket == "(" else "") + closing * depth
    body = " ".join(fragments) + (f" FILTER({inner})" if bracket == "(" else f" {inner}")
    text = "PREFIX ex: <http://e/> ASK { " + body + " }"
    try:
        reading = read(text)
    except CphKgError:
        return
    assert reading.depth >= depth + 1 + (bracket == "(")


# --- a query sent to an endpoint ------------------------------------------------------------------


def test_service_is_not_forwarded_to_an_endpoint_unless_allowed(
    tmp_path: Path, counter: Counter
) -> None:
    """The endpoint would reach the network for whoever sent the query: refused before sending.

    With ``--allow-service`` the query leaves (the stand-in endpoint gets the connection); on
    the embedded store the option is an error, never a way to SERVICE.
    """
    path = tmp_path / "service.rq"
    path.write_text("SELECT * { SERVICE <http://127.0.0.1:9/s> { ?s ?p ?o } }", encoding="utf-8")
    runner = CliRunner(env={"CPH_KG_ENDPOINT": "", "CPH_KG_STORE": ""})
    before = counter.connections
    refused = runner.invoke(main, ["query", str(path), "--endpoint", f"{counter.url}/query"])
    assert refused.exit_code == 2 and "SERVICE is not allowed" in refused.output
    time.sleep(0.2)
    assert counter.connections == before
    allowed = runner.invoke(
        main, ["query", str(path), "--endpoint", f"{counter.url}/query", "--allow-service"]
    )
    assert allowed.exit_code == 2 and "endpoint" in allowed.output  # the stand-in hung up
    time.sleep(0.2)
    assert counter.connections > before
    embedded = runner.invoke(
        main, ["query", str(path), "--location", str(tmp_path / "s"), "--allow-service"]
    )
    assert embedded.exit_code == 2 and "never allowed on the embedded store" in embedded.output
