"""The authoring format: YAML and JSON conventions that are JSON-LD with cph-kg's context.

Each mistake a person can make is one fixture in tests/fixtures/authoring/, reported with the
file, the line and, where one is close, a suggestion, before anything is loaded.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS

from cph_kg import CphKgError, InputError, Validator, Verdict
from cph_kg.authoring import read_yaml, to_document, to_yaml
from cph_kg.convert import convert
from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.namespaces import CPH
from cph_kg.rdfio import parse_file
from tests.helpers import CONVENTIONS

AUTHORING = CONVENTIONS / "authoring"
EXAMPLE = AUTHORING / "gironde-2019.yaml"
BAD = Path(__file__).parent / "fixtures" / "authoring"
TURTLE_TWIN = CONVENTIONS / "conforming" / "gironde-2019.ttl"


def test_the_readme_example_validates_end_to_end(validator: Validator) -> None:
    outcome = validator.validate_files([EXAMPLE])
    [verdict] = outcome.conventions
    assert verdict.identifier == "EX-yaml-gironde-2019"
    assert verdict.conforms and verdict.findings == []


def test_yaml_says_what_the_turtle_says() -> None:
    """The YAML example and the Turtle example describe the same convention."""
    from_yaml = parse_file(EXAMPLE)
    convention = URIRef("https://w3id.org/cph-kg/convention/ex-yaml-gironde-2019")
    turtle = Graph().parse(TURTLE_TWIN)
    twin = URIRef("https://w3id.org/cph-kg/convention/gironde-2019")
    for prop in (CPH.recallsMission, CPH.hasObject, CPH.departement, CPH.dateOfConclusion):
        assert set(from_yaml.objects(convention, prop)) == set(turtle.objects(twin, prop))
    assert {*from_yaml.objects(convention, CPH.party)} == {
        URIRef("https://w3id.org/cph-kg/org/france-travail/33"),
        URIRef("https://w3id.org/cph-kg/org/caf/33"),
        URIRef("https://w3id.org/cph-kg/org/cpam/33"),
    }


def test_pe_means_france_travail_named_pole_emploi() -> None:
    """``pe:33`` is France Travail's unit of the Gironde, named "Pôle emploi" by the convention.

    One body, whatever its name (its IRIs org/pole-emploi/… are retired).
    """
    graph = parse_file(EXAMPLE)
    convention = URIRef("https://w3id.org/cph-kg/convention/ex-yaml-gironde-2019")
    [naming] = graph.objects(convention, CPH.naming)
    assert graph.value(naming, CPH.namedBody) == URIRef(
        "https://w3id.org/cph-kg/org/france-travail/33"
    )
    assert str(graph.value(naming, CPH.nameUsed)) == "Pôle emploi"
    assert not any("pole-emploi" in str(node) for triple in graph for node in triple)


def test_a_duration_gives_the_end_date(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8") + "effect: 2019-04-01\nduration: P3Y\n"
    graph = read_yaml(tmp_path / "c.yaml", text, today=date(2026, 1, 1))
    convention = URIRef("https://w3id.org/cph-kg/convention/ex-yaml-gironde-2019")
    assert graph.value(convention, CPH.endDate).toPython() == date(2022, 3, 31)
    assert graph.value(convention, CPH.dateOfEffect).toPython() == date(2019, 4, 1)
    assert str(graph.value(convention, CPH.duration)) == "P3Y"
    again = to_document(graph)
    assert (again["effect"], again["end"], again["duration"]) == (
        date(2019, 4, 1),
        date(2022, 3, 31),
        "P3Y",
    )


@pytest.mark.parametrize(
    ("addition", "message"),
    [
        ("end: 2018-01-01\n", "end 2018-01-01 is before 2019-03-12"),
        ("duration: three years\n", "duration 'three years' is not a duration"),
        ("duration: P3Y\nend: 2022-03-12\n", "end 2022-03-12 does not match duration P3Y"),
        ("effect: 01/04/2019\n", "effect '01/04/2019' is not a valid date"),
    ],
)
def test_lifecycle_mistakes_are_one_line(tmp_path: Path, addition: str, message: str) -> None:
    text = EXAMPLE.read_text(encoding="utf-8") + addition
    with pytest.raises(InputError, match=message):
        read_yaml(tmp_path / "c.yaml", text, today=date(2026, 1, 1))


def test_the_json_form_is_json_ld_with_the_bundled_context(validator: Validator) -> None:
    outcome = validator.validate_files([AUTHORING / "gironde-2019.jsonld"])
    [verdict] = outcome.conventions
    assert verdict.identifier == "EX-json-gironde-2019" and verdict.conforms


def test_yaml_to_rdf_to_yaml_gives_the_same_document() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    original = yaml.safe_load(text)
    again = yaml.safe_load(to_yaml(read_yaml(EXAMPLE, text)))
    expected = {
        "id": "conv:ex-yaml-gironde-2019",
        "type": "Convention",
        **original,
        # RDF keeps no order: lists come back sorted
        **{
            key: sorted(original[key])
            for key in ("signatories", "missions", "objects", "references")
        },
    }
    assert again == expected


def test_the_round_trip_keeps_lists_and_embedded_organisations() -> None:
    document = to_document(parse_file(EXAMPLE))
    assert document["centre"]["type"] == "Centre"
    assert sorted(document["signatories"]) == ["caf:33", "cpam:33", "pe:33"]
    assert document["date"] == date(2019, 3, 12)


@pytest.mark.parametrize(
    ("name", "line", "words"),
    [
        ("field-typo.yaml", 11, "unknown field 'signatorys' (did you mean 'signatories'?)"),
        ("unknown-departement.yaml", 5, "unknown département 'dep:20'"),
        (
            "unknown-provision.yaml",
            12,
            "unknown provision 'II-3' in missions (did you mean 'II-2'?)",
        ),
        ("future-date.yaml", 4, "date 2031-01-01 is in the future"),
        ("french-date.yaml", 4, "date '12/03/2019' is not a valid date written YYYY-MM-DD"),
        ("signatory-without-type.yaml", 7, "has no type (one of Centre, Association"),
        ("python-tag.yaml", 2, "could not determine a constructor for the tag"),
        ("syntax-error.yaml", 2, "YAML syntax error"),
    ],
)
def test_each_mistake_names_file_line_and_problem(name: str, line: int, words: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_file(BAD / name)
    assert caught.value.line == line
    assert words in caught.value.problem


def test_a_duplicated_identifier_is_refused_before_anything_is_validated(
    validator: Validator,
) -> None:
    with pytest.raises(InputError, match="identifier 'EX-yaml-gironde-2019' is also used in"):
        validator.validate_files([EXAMPLE, BAD / "same-identifier.yaml"])


@pytest.mark.slow
def test_yaml_and_json_load_into_the_store(tmp_path: Path) -> None:
    with KnowledgeGraph.open(tmp_path / "store") as kg:
        kg.load([EXAMPLE, AUTHORING / "gironde-2019.jsonld"])
        outcome = kg.validate()
    assert [v.identifier for v in outcome.conventions if v.conforms] == [
        "EX-json-gironde-2019",
        "EX-yaml-gironde-2019",
    ]


AMENDED_YAML = AUTHORING / "amended.yaml"
AMENDED_TURTLE = CONVENTIONS / "non-conforming" / "amended.ttl"


def test_avenants_in_yaml_say_what_the_turtle_says() -> None:
    """The lifecycle example, written in YAML, is the Turtle example's graph.

    The Turtle also describes the manager (an association) and the example in prose, which the
    authoring format leaves out.
    """
    turtle = Graph().parse(AMENDED_TURTLE)
    turtle.remove((None, DCTERMS.description, None))
    turtle.remove(
        (URIRef("https://w3id.org/cph-kg/org/association/chartrons-entraide"), None, None)
    )
    assert isomorphic(parse_file(AMENDED_YAML), turtle)


@pytest.mark.parametrize(
    ("day", "convention", "centre"),
    [
        (date(2019, 6, 3), Verdict.DOES_NOT_CONFORM, Verdict.CONFORMS),  # no CPAM, no meetings
        (date(2020, 6, 1), Verdict.CONFORMS, Verdict.CONFORMS),  # the avenant adds both
        (date(2024, 6, 1), Verdict.CONFORMS, Verdict.CONFORMS),  # renewed until 2025
        (date(2026, 1, 1), Verdict.CONFORMS, Verdict.DOES_NOT_CONFORM),  # ended
    ],
)
def test_a_yaml_convention_is_judged_as_amended_on_the_day(
    validator: Validator, day: date, convention: Verdict, centre: Verdict
) -> None:
    outcome = validator.validate_files([AMENDED_YAML], as_of=day)
    assert [v.verdict for v in outcome.conventions] == [convention]
    assert [c.verdict for c in outcome.centres] == [centre]


def test_avenants_round_trip_through_rdf() -> None:
    """RDF -> YAML keeps the avenants inside their convention (they point to it: cph:amends)."""
    graph = parse_file(AMENDED_YAML)
    document = to_document(graph)
    assert [(a["id"], a["type"], a["effect"]) for a in document["avenants"]] == [
        ("conv:amended/avenant-1", "Avenant", date(2020, 1, 1)),
        ("conv:amended/renewal-2022", "Renewal", date(2022, 6, 3)),
    ]
    again = read_yaml(AMENDED_YAML, to_yaml(graph), today=date(2026, 1, 1))
    assert isomorphic(again, graph)
    turtle = Graph().parse(AMENDED_TURTLE)
    assert convert(turtle, "yaml").count("effect:") == 2  # the Turtle's avenants too


def test_a_csv_row_cannot_hold_avenants() -> None:
    with pytest.raises(CphKgError, match="end, avenants has no place in a CSV row"):
        convert(parse_file(AMENDED_YAML), "csv")


@pytest.mark.parametrize(
    ("change", "line", "words"),
    [
        ("    effect: 2020-01-01\n", 20, "missing field 'effect'"),
        ("    addObjects: [III-2]\n", 24, "unknown provision 'III-5' in addObjects"),
        ("    addSignatories: [cpam:33]\n", 23, "unknown field 'adds'"),
        ("    date: 2019-12-16\n", 21, "date 2019-01-16 is before the convention's (2019-06-03)"),
        ("    type: Renewal\n", 26, "unknown type 'Renouvellement'"),
        ("    end: 2025-12-31\n", 30, "end '31/12/2025' is not a valid date"),
        ("    effect: 2022-06-03\n", 30, "end 2025-12-31 is before 2026-06-03"),
    ],
)
def test_each_avenant_mistake_names_its_line(
    tmp_path: Path, change: str, line: int, words: str
) -> None:
    replacements = {
        "    effect: 2020-01-01\n": "",
        "    addObjects: [III-2]\n": "    addObjects: [III-5]\n",
        "    addSignatories: [cpam:33]\n": "    adds: [cpam:33]\n",
        "    date: 2019-12-16\n": "    date: 2019-01-16\n",
        "    type: Renewal\n": "    type: Renouvellement\n",
        "    end: 2025-12-31\n": "    end: 31/12/2025\n",
        "    effect: 2022-06-03\n": "    effect: 2026-06-03\n",
    }
    text = AMENDED_YAML.read_text(encoding="utf-8")
    assert change in text
    with pytest.raises(InputError) as caught:
        read_yaml(tmp_path / "c.yaml", text.replace(change, replacements[change]), date(2026, 1, 1))
    assert (caught.value.line, words in caught.value.problem) == (line, True), caught.value
