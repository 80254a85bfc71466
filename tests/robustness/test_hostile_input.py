"""Hostile and broken input: one line naming file, line and problem; exit 2; the store unchanged.

One case is a file (its content and suffix), the fragment of the error the user must read, and
the line the error names. Each case runs through ``cph-kg validate FILE`` and ``cph-kg load
--location STORE FILE`` on a store that already holds the law and a convention; after a failed
load the store must hold exactly the quads it held before. The files are written into the
test's own directory; the large ones are generated there.

Cases that would read a file or the network point at a secret file and at a local listener:
the secret never appears in any output, and no connection reaches the listener.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from cph_kg.authoring.format import MAX_YAML_NODES
from cph_kg.limits import MAX_NESTING
from cph_kg.namespaces import CONTEXT_IRI
from tests.helpers import ROOT, Counter
from tests.robustness.hostile import (
    Loaded,
    assert_one_line_error,
    command,
    run,
    run_process,
    snapshot,
)

SECRET = "cph-kg-secret-7f3a9c"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XML_HEAD = '<?xml version="1.0"?>\n'
XML_BODY = (
    f'<rdf:RDF xmlns:rdf="{RDF}" xmlns:p="http://example.org/">\n'
    '<rdf:Description rdf:about="http://example.org/a"><p:p>VALUE</p:p></rdf:Description>\n'
    "</rdf:RDF>\n"
)
YAML = (ROOT / "data" / "conventions" / "authoring" / "gironde-2019.yaml").read_text("utf-8")
CSV_HEADER = (
    "identifier;title;date;departement;centre;centre_name;signatories;missions;objects;"
    "references;source\n"
)
CSV_ROW = (
    "CSV-1;Convention A;12/03/2019;33;les-tilleuls-bordeaux;Centre Les Tilleuls;"
    "pe:33 caf:33 cpam:33;II-1 II-2;III-1 III-2 III-3 III-4;casf:R349-2;a.pdf, p. 1\n"
)


@dataclass(frozen=True)
class Where:
    """What a file may point at: a secret file and a listening port, both the test's own."""

    secret_uri: str
    url: str


Content = str | bytes | Callable[[Where], str | bytes]


@dataclass(frozen=True)
class Case:
    """A hostile file and the one line it must give."""

    name: str
    suffix: str
    content: Content
    problem: str
    line: int | None = None
    validate_problem: str | None = None  # where validate words it otherwise

    def write(self, folder: Path, where: Where) -> Path:
        content = self.content(where) if callable(self.content) else self.content
        path = folder / f"{self.name}{self.suffix}"
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    def problem_for(self, name: str) -> str:
        return (
            self.validate_problem if name == "validate" and self.validate_problem else self.problem
        )


def xml(dtd: str, value: str = "v") -> str:
    """An RDF/XML document with a DTD, whose one literal is ``value``."""
    return XML_HEAD + f"<!DOCTYPE rdf:RDF [\n{dtd}\n]>\n" + XML_BODY.replace("VALUE", value)


def laughs(quote_trick: bool = False) -> str:
    """The billion laughs: ten entities, each ten of the one before (10^9 'lol')."""
    lead = ">" if quote_trick else ""  # a '>' inside the value once hid the references
    levels = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{i} "{lead}{f"&l{i - 1};" * 10}">' for i in range(1, 10)
    ]
    return xml("\n".join(levels), "&l9;")


def yaml_laughs() -> str:
    """The billion laughs in YAML: nine anchors, each nine aliases of the one before."""
    levels = ["&a [" + ", ".join(["lol"] * 9) + "]"] + [
        f"&{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)
    ]
    return YAML.replace(
        "references: [casf:R349-2, casf:L349-2]", "references: [" + ", ".join(levels) + "]"
    )


def latin1(suffix_text: str) -> bytes:
    """A document whose second line has an é in Latin-1."""
    return suffix_text.encode("utf-8") + "# café\n".encode("latin-1")


def garbage(size: int, seed: int = 8) -> bytes:
    return random.Random(seed).randbytes(size)


MALFORMED = [
    Case(
        "turtle-unterminated-string",
        ".ttl",
        '@prefix ex: <http://example.org/> .\nex:a ex:b "x\n.\n',
        "syntax error",
        2,
    ),
    Case(
        "ntriples-bare-word",
        ".nt",
        "<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n"
        "<http://example.org/a> <http://example.org/b> c .\n",
        "syntax error",
        2,
    ),
    Case(
        "nquads-five-terms",
        ".nq",
        "<http://example.org/a> <http://example.org/b> <http://example.org/c> "
        "<http://example.org/g> <http://example.org/h> .\n",
        "syntax error: Quads must be followed by a dot",
        1,
    ),
    Case(
        "trig-unclosed-graph",
        ".trig",
        "<http://example.org/g> {\n<http://example.org/a> <http://example.org/b> 1 .\n",
        "syntax error",
        3,
    ),
    Case(
        "jsonld-trailing-comma",
        ".jsonld",
        '{"@id": "http://a",\n "http://b": 1,}\n',
        "JSON syntax error",
        2,
    ),
    Case("json-unclosed", ".json", '{"@id": "http://a",\n', "JSON syntax error", 2),
    Case(
        "rdfxml-mismatched-tag",
        ".rdf",
        XML_HEAD + XML_BODY.replace("</rdf:Description>", "").replace("VALUE", "v"),
        "syntax error: ill-formed document",  # Oxigraph's RDF/XML errors carry no line
    ),
    Case("yaml-unclosed-list", ".yaml", "identifier: [x\n", "YAML syntax error", 2),
    Case(
        "csv-unclosed-quote",
        ".csv",
        CSV_HEADER + CSV_ROW.replace("Convention A", '"Convention A') + CSV_ROW,
        "CSV syntax error: a quoted field is never closed",
        2,
    ),
]

SUFFIXES = (".ttl", ".nt", ".nq", ".trig", ".jsonld", ".rdf", ".yaml", ".csv")

ENCODING = [
    *(
        Case(f"latin1{suffix.replace('.', '-')}", suffix, latin1(first), "is not UTF-8 text", 2)
        for suffix, first in (
            (".ttl", "@prefix ex: <http://example.org/> .\n"),
            (".nt", "<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n"),
            (".nq", "<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n"),
            (".trig", "@prefix ex: <http://example.org/> .\n"),
            (".jsonld", "{\n"),
            (".rdf", XML_HEAD),
            (".yaml", "identifier: X\n"),
            (".csv", CSV_HEADER),
        )
    ),
    Case(
        "utf16",
        ".ttl",
        "<http://a> <http://b> <http://c> .\n".encode("utf-16"),
        "is not UTF-8 text",
        1,
    ),
    Case(
        "nul-byte-in-xml",  # never valid in XML, JSON, YAML, CSV (Turtle allows it in a string)
        ".rdf",
        XML_HEAD + XML_BODY.replace("VALUE", "\0"),
        "holds NUL bytes: a binary file, not text",
        3,
    ),
    Case(
        "nul-byte-in-yaml",
        ".yaml",
        YAML.replace("title: ", "title: \0"),
        "holds NUL bytes: a binary file, not text",
        3,
    ),
    *(Case(f"empty{s.replace('.', '-')}", s, b"", "the file is empty") for s in SUFFIXES),
    *(
        Case(f"whitespace{s.replace('.', '-')}", s, " \n\t\r\n  \n", "the file is empty")
        for s in SUFFIXES
    ),
    Case("bom-only", ".ttl", b"\xef\xbb\xbf\n", "the file is empty"),
    Case(
        "comments-only",
        ".nt",
        "# nothing here\n",
        "contains no RDF triples",
        validate_problem="holds no cph:ConventionDeCooperation",
    ),
]

NESTING = [
    Case("json-100000-arrays", ".json", "[" * 100_000, "JSON nested too deeply"),
    Case("jsonld-100000-objects", ".jsonld", '{"a":' * 100_000, "JSON nested too deeply"),
    Case(
        "jsonld-past-the-limit",
        ".jsonld",
        '{"@id": "http://a", "http://p": ' * (MAX_NESTING + 1) + "1" + "}" * (MAX_NESTING + 1),
        f"JSON nested too deeply (more than {MAX_NESTING} levels)",
    ),
    Case("yaml-20000-flow", ".yaml", "[" * 20_000, "YAML nested too deeply"),
    Case(
        "yaml-past-the-limit",
        ".yaml",
        YAML.replace(
            "source:", "x: " + "[" * (MAX_NESTING + 1) + "]" * (MAX_NESTING + 1) + "\nsource:"
        ),
        f"YAML nested too deeply (more than {MAX_NESTING} levels)",
        15,
    ),
    Case(
        "turtle-100000-blank-nodes",
        ".ttl",
        "<http://a> <http://b> " + "[ <http://p> " * 100_000 + "1" + " ]" * 100_000 + " .\n",
        f"nested too deeply (more than {MAX_NESTING} levels",
        1,
    ),
    Case(
        "turtle-100000-collections",
        ".ttl",
        "<http://a> <http://b> " + "( " * 100_000 + ")" * 100_000 + " .\n",
        "nested too deeply",
        1,
    ),
    Case(
        "trig-nested-lines",
        ".trig",
        "<http://g> {\n<http://a> <http://b>\n" + "[ <http://p>\n" * 100 + "1" + "]" * 100 + ".}",
        "nested too deeply",
        MAX_NESTING + 2,
    ),
]

XML_ENTITIES = [
    Case(
        "rdfxml-100000-elements",
        ".rdf",
        XML_HEAD
        + XML_BODY.replace(
            "<p:p>VALUE</p:p>", "<p:p>" + "<p:q>" * 100_000 + "</p:q>" * 100_000 + "</p:p>"
        ),
        f"XML nested too deeply (more than {MAX_NESTING} elements)",
        3,
    ),
    Case(
        "rdfxml-nested-descriptions",
        ".rdf",
        XML_HEAD
        + XML_BODY.replace(
            "<p:p>VALUE</p:p>",
            "<p:p>\n"
            + "<rdf:Description><p:p>\n" * 40
            + "1"
            + "</p:p></rdf:Description>" * 40
            + "</p:p>",
        ),
        f"XML nested too deeply (more than {MAX_NESTING} elements)",
        MAX_NESTING // 2 + 2,
    ),
    Case(
        "xml-external-file-entity",
        ".rdf",
        lambda w: xml(f'<!ENTITY secret SYSTEM "{w.secret_uri}">', "&secret;"),
        "external XML entity 'secret' refused",
        3,
    ),
    Case(
        "xml-external-entity-single-quotes",
        ".rdf",
        lambda w: xml(f"<!ENTITY secret SYSTEM '{w.secret_uri}'>", "&secret;"),
        "external XML entity 'secret' refused",
        3,
    ),
    Case(
        "xml-external-http-entity",
        ".rdf",
        lambda w: xml(f'<!ENTITY remote SYSTEM "{w.url}/entity">', "&remote;"),
        "external XML entity 'remote' refused",
        3,
    ),
    Case(
        "xml-public-entity",
        ".rdf",
        lambda w: xml(f'<!ENTITY remote PUBLIC "-//X//EN" "{w.url}/entity">', "&remote;"),
        "external XML entity 'remote' refused",
        3,
    ),
    Case(
        "xml-parameter-entity",
        ".rdf",
        lambda w: xml(f'<!ENTITY % dtd SYSTEM "{w.url}/dtd">\n%dtd;'),
        "external XML entity 'dtd' refused",
        3,
    ),
    Case(
        "xml-external-dtd",
        ".rdf",
        lambda w: (
            XML_HEAD
            + f'<!DOCTYPE rdf:RDF SYSTEM "{w.secret_uri}">\n'
            + XML_BODY.replace("VALUE", "v")
        ),
        "external XML DTD refused",
        2,
    ),
    Case("xml-billion-laughs", ".rdf", laughs(), "XML entity 'l1' refers to other entities", 4),
    Case(
        "xml-billion-laughs-behind-a-quote",
        ".rdf",
        laughs(quote_trick=True),
        "XML entity 'l1' refers to other entities",
        4,
    ),
    Case(
        "xml-quadratic-blowup",
        ".rdf",
        xml('<!ENTITY x "' + "a" * 100_000 + '">', "&x;" * 100_000),
        "XML entities would add 10000000000 characters",
    ),
    Case(
        "xml-entity-with-markup",
        ".rdf",
        xml('<!ENTITY m "<p:q>1</p:q>">', "&m;"),
        "XML entity 'm' holds markup: refused",
        3,
    ),
]

JSON_LD_CONTEXTS = [
    Case(
        "jsonld-remote-context",
        ".jsonld",
        lambda w: json.dumps({"@context": f"{w.url}/context", "@id": "http://a"}),
        "remote JSON-LD @context",
        1,
    ),
    Case(
        "jsonld-file-context",
        ".jsonld",
        lambda w: json.dumps({"@context": w.secret_uri, "@id": "http://a"}),
        "remote JSON-LD @context",
        1,
    ),
    Case(
        "jsonld-import",
        ".jsonld",
        lambda w: json.dumps(
            {"@context": {"@version": 1.1, "@import": f"{w.url}/context"}, "@id": "http://a"},
            indent=1,
        ),
        "remote JSON-LD @import",
        4,
    ),
    Case(
        "jsonld-scoped-context",
        ".jsonld",
        lambda w: json.dumps(
            {
                "@context": {"p": {"@id": "http://p", "@context": f"{w.url}/context"}},
                "@id": "http://a",
                "p": {"@id": "http://b"},
            }
        ),
        "remote JSON-LD @context",
        1,
    ),
    Case(
        "jsonld-context-list",
        ".jsonld",
        lambda w: json.dumps({"@context": [{"p": "http://p"}, f"{w.url}/context"], "p": 1}),
        "remote JSON-LD @context",
        1,
    ),
    Case(
        "jsonld-bundled-and-remote-context",
        ".json",
        lambda w: json.dumps({"@context": [CONTEXT_IRI, f"{w.url}/context"], "identifier": "X"}),
        "remote JSON-LD @context",
        1,
    ),
]

YAML_CASES = [
    Case(
        "yaml-python-object",
        ".yaml",
        'identifier: !!python/object/apply:os.system ["echo cph-kg-ran"]\n',
        "could not determine a constructor for the tag",
        1,
    ),
    Case(
        "yaml-billion-laughs",
        ".yaml",
        yaml_laughs(),
        f"YAML aliases expand to more than {MAX_YAML_NODES} nodes",
        14,
    ),
    Case(
        "yaml-alias-cycle",
        ".yaml",
        YAML.replace("references: [casf:R349-2, casf:L349-2]", "references: &r [*r]"),
        "a YAML alias refers to a node that holds it",
        14,
    ),
    Case(
        "yaml-number-for-a-list",
        ".yaml",
        YAML.replace("missions: [II-1, II-2]", "missions: 5"),
        "missions is 5, not a list",
        12,
    ),
    Case(
        "yaml-datetime-for-a-date",
        ".yaml",
        YAML.replace("date: 2019-03-12", "date: 2019-03-12 10:00:00"),
        "is not a valid date written YYYY-MM-DD",
        4,
    ),
    Case(
        "yaml-list-for-an-identifier",
        ".yaml",
        YAML.replace("identifier: EX-yaml-gironde-2019", "identifier: [a, b]"),
        "identifier is ['a', 'b'], not a piece of text",
        2,
    ),
    Case(
        "yaml-list-in-a-list",
        ".yaml",
        YAML.replace("objects: [III-1", "objects: [[III-1]"),
        "['III-1'] in objects is not a code",
        13,
    ),
    Case("yaml-a-list", ".yaml", "- a\n- b\n", "a convention is a mapping of fields"),
    Case("json-a-list", ".json", f'["{CONTEXT_IRI}"]', "a convention is a JSON object of fields"),
]

CSV_CASES = [
    Case(
        "csv-tab-delimiter",
        ".csv",
        (CSV_HEADER + CSV_ROW).replace(";", "\t"),
        "is one column: separate fields with ; or ,",
        1,
    ),
    Case("csv-wrong-header", ".csv", "id;name\n1;2\n", "unknown column 'id'", 1),
    Case("csv-header-only", ".csv", CSV_HEADER, "holds no row"),
    Case(
        "csv-stray-quote",
        ".csv",
        CSV_HEADER + CSV_ROW.replace("CSV-1", '"CSV"-1'),
        "CSV syntax error",
        2,
    ),
    Case("csv-binary-garbage", ".csv", garbage(4096), "is not UTF-8 text", 1),
    Case(
        "csv-utf8-garbage",
        ".csv",
        garbage(4096).decode("latin-1").encode("utf-8"),
        "holds NUL bytes",
        1,
    ),
    Case(
        "csv-field-too-long",
        ".csv",
        CSV_HEADER + CSV_ROW.replace("Convention A", "x" * 200_000),
        "a field is longer than 131072 characters",
        2,
    ),
]

CASES = MALFORMED + ENCODING + NESTING + XML_ENTITIES + JSON_LD_CONTEXTS + YAML_CASES + CSV_CASES


def test_case_names_are_unique() -> None:
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["validate", "load"])
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_file_is_one_line_exit_2_and_the_store_unchanged(
    case: Case, name: str, loaded_store: Loaded, tmp_path: Path, listener: Counter
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    path = case.write(tmp_path, Where(secret.as_uri(), listener.url))
    store = loaded_store.copy(tmp_path) if name == "load" else tmp_path / "no-store"
    connections = listener.connections

    result = run(*command(name, path, store))

    assert_one_line_error(
        result.exit_code, result.stdout, result.stderr, path, case.line, case.problem_for(name)
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert SECRET not in result.output
    assert listener.connections == connections, "something was fetched"
    if name == "load":
        assert snapshot(store) == loaded_store.snapshot


#: Cases also run as a user runs them: ``python -m cph_kg`` in a process of its own.
IN_A_PROCESS = (
    "turtle-unterminated-string",
    "xml-billion-laughs",
    "xml-external-file-entity",
    "yaml-python-object",  # os.system would print to the process's own standard output
    "json-100000-arrays",
)


@pytest.mark.slow
@pytest.mark.parametrize(
    "case", [c for c in CASES if c.name in IN_A_PROCESS], ids=lambda case: case.name
)
def test_hostile_file_in_a_real_process(
    case: Case, loaded_store: Loaded, tmp_path: Path, listener: Counter
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    path = case.write(tmp_path, Where(secret.as_uri(), listener.url))
    store = loaded_store.copy(tmp_path)

    done = run_process(*command("load", path, store))

    assert_one_line_error(done.returncode, done.stdout, done.stderr, path, case.line, case.problem)
    assert SECRET not in done.stdout + done.stderr
    assert snapshot(store) == loaded_store.snapshot


@pytest.mark.slow
def test_a_yaml_tag_never_runs_its_command(tmp_path: Path) -> None:
    witness = tmp_path / "ran"
    path = tmp_path / "hostile.yaml"
    path.write_text(
        f'identifier: X\ndate: !!python/object/apply:os.system ["touch {witness}"]\n',
        encoding="utf-8",
    )
    for name in ("validate", "load"):
        result = run(*command(name, path, tmp_path / "store"))
        assert_one_line_error(
            result.exit_code, result.stdout, result.stderr, path, 2, "constructor for the tag"
        )
    assert not witness.exists()
