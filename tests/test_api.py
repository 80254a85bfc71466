"""The Python API: typed results that say which convention fails which provision."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import SH, Graph, URIRef

from cph_kg import (
    ConventionVerdict,
    CphKgError,
    RuleKind,
    Severity,
    ValidationOutcome,
    Validator,
    Verdict,
    validate,
)
from cph_kg.validation.readings import readings
from tests.helpers import CONFORMING, CONVENTIONS

NON_CONFORMING = CONVENTIONS / "non-conforming"


def test_conforming_convention(validator: Validator) -> None:
    outcome = validator.validate_files([CONFORMING])
    assert isinstance(outcome, ValidationOutcome)
    assert outcome.conforms
    [verdict] = outcome.conventions
    assert isinstance(verdict, ConventionVerdict)
    assert verdict.identifier == "EX-gironde-2019"
    assert verdict.departement == "Gironde"
    assert verdict.date == "2019-03-12"
    assert verdict.source == CONFORMING
    assert verdict.findings == []


def test_a_finding_names_provision_severity_and_messages(validator: Validator) -> None:
    outcome = validator.validate_files([NON_CONFORMING / "missing-object-meetings.ttl"])
    assert not outcome.conforms
    [finding] = outcome.findings
    assert finding.provision.reference == "R. 349-2, III, 2°"
    assert (
        finding.provision.label("en") == "R. 349-2, III, 2° — regular meetings between the actors"
    )
    assert finding.severity is Severity.VIOLATION
    assert finding.rule_kind is RuleKind.LEGAL_REQUIREMENT
    assert str(finding.obligation).endswith("/R349-2/obligation/objet-rencontres-regulieres")
    assert (
        finding.message("fr")
        == "La convention n'organise pas de rencontres régulières entre les acteurs."
    )
    assert (
        finding.message("en")
        == "The agreement does not organise regular meetings between the actors."
    )


def test_sparql_constraint_messages_keep_both_languages(validator: Validator) -> None:
    """PySHACL drops the language of SPARQL messages; cph-kg restores them from the shape."""
    outcome = validator.validate_files([NON_CONFORMING / "actor-outside-departement.ttl"])
    [_, elsewhere] = outcome.findings
    assert elsewhere.message("fr").startswith("Une partie, acteur de l'intégration, n'est présente")
    assert elsewhere.message("en").startswith("A party, an integration actor, is present only")
    assert str(elsewhere.value) == "https://w3id.org/cph-kg/org/caf/69"
    assert elsewhere.severity is Severity.INFO


def test_a_finding_gives_rdflib_terms_and_holds_oxigraph_terms(validator: Validator) -> None:
    """The public API hands rdflib terms; cph-kg's own report is written from Oxigraph's."""
    outcome = validator.validate_files([NON_CONFORMING / "actor-outside-departement.ttl"])
    [_, elsewhere] = outcome.findings
    caf = "https://w3id.org/cph-kg/org/caf/69"
    assert elsewhere.value == URIRef(caf) and isinstance(elsewhere.value, URIRef)
    assert elsewhere.terms.value == ox.NamedNode(caf)
    assert isinstance(elsewhere.shape, URIRef) and isinstance(elsewhere.terms.shape, ox.NamedNode)
    assert elsewhere.shape == URIRef(elsewhere.terms.shape.value)
    assert elsewhere.conventions == tuple(URIRef(c.value) for c in elsewhere.terms.conventions)
    assert all(isinstance(c, URIRef) for c in elsewhere.conventions)
    assert isinstance(outcome.report_graph, Graph)
    assert (None, SH.value, URIRef(caf)) in outcome.report_graph


def test_the_readings_are_listed_from_the_legal_store(validator: Validator) -> None:
    assert isinstance(validator.legal_store, ox.Store)
    assert [r.name for r in readings(validator.legal_store)] == ["required", "illustrative"]
    assert isinstance(validator.legal_data, Graph)
    assert len(validator.legal_data) == len(validator.legal_store)


def test_warnings_do_not_break_conformity_but_can_fail_a_run(validator: Validator) -> None:
    outcome = validator.validate_files(
        [NON_CONFORMING / "without-cpam.ttl"], reading="illustrative"
    )
    assert outcome.conforms
    assert outcome.count(Severity.WARNING) == 1
    assert not outcome.fails(Severity.VIOLATION)
    assert outcome.fails(Severity.WARNING)


def test_several_files_give_one_verdict_each(validator: Validator) -> None:
    files = [CONFORMING, NON_CONFORMING / "no-centre.ttl", NON_CONFORMING / "without-caf.ttl"]
    outcome = validator.validate_files(files)
    verdicts = {v.source.name: v for v in outcome.conventions}
    assert verdicts["gironde-2019.ttl"].conforms
    assert verdicts["no-centre.ttl"].verdict is Verdict.DOES_NOT_CONFORM
    assert verdicts["without-caf.ttl"].verdict is Verdict.DOES_NOT_CONFORM
    assert outcome.count(Severity.VIOLATION) == 2


def test_legal_and_data_quality_findings_are_counted_apart(validator: Validator) -> None:
    """A missing identifier is no breach of R349-2; a missing département prevents the checks."""
    files = [NON_CONFORMING / name for name in ("no-identifier.ttl", "no-departement.ttl")]
    outcome = validator.validate_files(files)
    verdicts = {v.source.name: v.verdict for v in outcome.conventions}
    assert verdicts == {
        "no-identifier.ttl": Verdict.CONFORMS,
        "no-departement.ttl": Verdict.CANNOT_BE_ASSESSED,
    }
    assert outcome.count(Severity.VIOLATION, legal=True) == 0
    assert outcome.count(Severity.VIOLATION, legal=False) == 1
    assert outcome.count(Severity.WARNING, legal=False) == 1
    assert outcome.verdicts()[Verdict.CANNOT_BE_ASSESSED] == 1
    assert not outcome.conforms


@pytest.mark.parametrize(
    ("reading", "severity"), [(None, Severity.VIOLATION), ("illustrative", Severity.WARNING)]
)
def test_the_reading_is_a_parameter_and_is_stated(
    validator: Validator, reading: str | None, severity: Severity
) -> None:
    outcome = validator.validate_files([NON_CONFORMING / "without-caf.ttl"], reading=reading)
    [finding] = outcome.findings
    assert finding.severity is severity
    assert outcome.reading.name == (reading or "required")
    assert outcome.reading.default is (reading is None)
    assert "notamment" in outcome.reading.label("fr")


def test_an_unknown_reading_is_refused(validator: Validator) -> None:
    with pytest.raises(
        CphKgError, match="unknown reading 'strict' \\(one of required, illustrative\\)"
    ):
        validator.validate_files([CONFORMING], reading="strict")


def test_findings_are_in_the_order_of_the_article(validator: Validator) -> None:
    outcome = validator.validate_files(
        [NON_CONFORMING / "no-integration-actor.ttl"], reading="illustrative"
    )
    assert [f.severity for f in outcome.findings] == [
        Severity.VIOLATION,
        Severity.WARNING,
        Severity.WARNING,
        Severity.WARNING,
    ]
    assert str(outcome.findings[0].shape).endswith("#Convention-integrationActor")


@pytest.mark.parametrize(
    ("fmt", "suffix"), [("nt", ".nt"), ("json-ld", ".jsonld"), ("xml", ".rdf")]
)
def test_every_syntax_gives_the_same_verdict(
    tmp_path: Path, validator: Validator, fmt: str, suffix: str
) -> None:
    source = NON_CONFORMING / "missing-mission-information.ttl"
    converted = tmp_path / f"convention{suffix}"
    Graph().parse(source).serialize(converted, format=fmt, encoding="utf-8")
    turtle = validator.validate_files([source])
    other = validator.validate_files([converted])
    assert [(f.provision.reference, f.severity) for f in other.findings] == [
        (f.provision.reference, f.severity) for f in turtle.findings
    ]


def test_module_level_validate_is_the_default_validator() -> None:
    assert validate([CONFORMING]).conforms


def test_validate_graph_leaves_the_input_unchanged(validator: Validator) -> None:
    graph = Graph().parse(CONFORMING)
    before = len(graph)
    validator.validate_graph(graph)
    assert len(graph) == before


def test_the_public_api_is_what_cph_kg_exports() -> None:
    """Every name of ``cph_kg.__all__`` resolves, the type checkers' view included."""
    import cph_kg

    source = (Path(cph_kg.__file__)).read_text(encoding="utf-8")
    for name in cph_kg.__all__:
        assert getattr(cph_kg, name) is not None
        assert f" {name}" in source.split("if TYPE_CHECKING:")[1].split("_EXPORTS")[0], name
    assert {"KnowledgeGraph", "Validator", "validate", "Solutions"} <= set(cph_kg.__all__)
    with pytest.raises(AttributeError):
        cph_kg.EmbeddedStore  # noqa: B018 — internal: reached through its module only
