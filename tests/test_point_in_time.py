"""Point in time: each convention is judged against the version of R349-2 in force on its day.

The boundaries are the days the law changed: R349-2 appears with the JO of 4 March 2016
(inferred start), its II 2° cites R. 413-8 instead of R. 311-24 from 1 May 2021 (inferred).
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from cph_kg import Severity, Validator
from cph_kg.cli import main
from cph_kg.namespaces import CPH, R349_2
from cph_kg.validation.point_in_time import DayBasis, Version, versions
from tests.helpers import CONFORMING, CONVENTIONS

V2016 = URIRef(f"{R349_2}/version/2016-03-04")
V2021 = URIRef(f"{R349_2}/version/2021-05-01")
R311_24_2020 = CONVENTIONS / "conforming" / "language-training-r311-24-2020.ttl"
REFERENCES = URIRef("https://w3id.org/cph-kg/shapes/r349-2#ReferencesInForce")
BODIES = URIRef("https://w3id.org/cph-kg/shapes/r349-2#BodiesStillExisting")
PE_33 = URIRef("https://w3id.org/cph-kg/org/pole-emploi/33")
FT_33 = URIRef("https://w3id.org/cph-kg/org/france-travail/33")


def test_the_versions_of_r349_2(legal_graph: Graph) -> None:
    assert versions(legal_graph) == [
        Version(V2016, date(2016, 3, 4), date(2021, 4, 30)),
        Version(V2021, date(2021, 5, 1), None),
    ]


@pytest.mark.parametrize(
    ("day", "version", "findings"),
    [
        (date(2016, 3, 3), None, []),  # the day before R349-2: nothing to judge against
        (date(2016, 3, 4), V2016, []),
        (date(2021, 4, 30), V2016, []),
        (date(2021, 5, 1), V2021, []),
        (date(2023, 12, 31), V2021, []),
        # France Travail's first day: R349-2 is unchanged, but the convention names Pôle emploi
        (date(2024, 1, 1), V2021, [(BODIES, Severity.WARNING, str(PE_33))]),
    ],
)
def test_the_version_applied_on_each_boundary(
    validator: Validator, day: date, version, findings
) -> None:
    outcome = validator.validate_files([CONFORMING], as_of=day)
    [verdict] = outcome.conventions
    assert verdict.assessment.day == day
    assert verdict.assessment.basis is DayBasis.AS_OF
    applied = verdict.assessment.version
    assert (applied.iri if applied else None) == version
    assert verdict.judged is (version is not None)
    assert verdict.conforms is (version is not None)
    assert [(f.shape, f.severity, str(f.value)) for f in verdict.findings] == findings


@pytest.mark.parametrize(
    ("year", "body", "warned"),
    [(2019, PE_33, False), (2025, PE_33, True), (2025, FT_33, False)],
)
def test_pole_emploi_and_france_travail_over_time(
    validator: Validator, year: int, body: URIRef, warned: bool
) -> None:
    """Pôle emploi in 2019 and France Travail in 2025 both satisfy R349-2 I.

    Pôle emploi in 2025 is told the body is now France Travail; both count as the public
    employment service, so the convention still conforms.
    """
    convention = Graph().parse(CONFORMING)
    subject = URIRef("https://w3id.org/cph-kg/convention/gironde-2019")
    convention.remove((subject, CPH.party, PE_33))
    convention.add((subject, CPH.party, body))
    convention.set((subject, CPH.dateOfConclusion, Literal(date(year, 6, 1))))
    outcome = validator.validate_graph(convention)
    found = [(f.shape, str(f.value)) for f in outcome.findings]
    assert found == ([(BODIES, str(PE_33))] if warned else [])
    assert outcome.conforms


def test_a_convention_before_r349_2_is_not_validated(validator: Validator) -> None:
    """Not judged: no shape runs on it, and the report does not list it as validated."""
    broken = Graph().parse(CONVENTIONS / "non-conforming" / "no-centre.ttl")
    outcome = validator.validate_graph(broken, as_of=date(2015, 12, 31))
    [verdict] = outcome.conventions
    assert not verdict.judged and not verdict.conforms and verdict.findings == []
    assert not any(outcome.report_graph.objects(None, CPH.validatedConvention))
    assert outcome.conforms  # nothing judged, nothing failing


@pytest.mark.parametrize(
    ("day", "warned"),
    [(date(2021, 4, 30), False), (date(2021, 5, 1), True)],
)
def test_citing_r311_24_is_outdated_from_1_may_2021(validator: Validator, day, warned) -> None:
    outcome = validator.validate_files([R311_24_2020], as_of=day)
    shapes = [(f.shape, f.severity, str(f.value)) for f in outcome.findings]
    expected = [(REFERENCES, Severity.WARNING, "https://w3id.org/cph-kg/law/ceseda/R311-24")]
    assert shapes == (expected if warned else [])
    assert outcome.conforms  # a warning: the convention still conforms


def test_each_convention_is_judged_on_its_own_date(validator: Validator) -> None:
    outcome = validator.validate_files([CONFORMING, R311_24_2020])
    days = {v.identifier: (v.assessment.day, v.assessment.basis) for v in outcome.conventions}
    assert days == {
        "EX-gironde-2019": (date(2019, 3, 12), DayBasis.SIGNATURE),
        "EX-language-training-r311-24-2020": (date(2020, 6, 15), DayBasis.SIGNATURE),
    }
    assert outcome.findings == []


def test_a_convention_without_a_valid_date_is_judged_today(validator: Validator) -> None:
    undated = Graph().parse(CONVENTIONS / "non-conforming" / "date-not-a-date.ttl")
    outcome = validator.validate_graph(undated, today=date(2026, 11, 27))
    [verdict] = outcome.conventions
    assert verdict.assessment.basis is DayBasis.TODAY
    assert verdict.assessment.day == date(2026, 11, 27)
    assert verdict.assessment.version.iri == V2021


def test_the_report_says_the_day_and_the_version(validator: Validator) -> None:
    outcome = validator.validate_files([CONFORMING])
    convention = URIRef("https://w3id.org/cph-kg/convention/gironde-2019")
    report = outcome.report_graph
    assert report.value(convention, CPH.evaluatedOn) == Literal(date(2019, 3, 12))
    assert report.value(convention, CPH.appliedVersion) == V2016


def test_cli_as_of_in_text_and_json() -> None:
    runner = CliRunner()
    text = runner.invoke(
        main, ["validate", "--lang", "en", "--as-of", "2016-03-03", str(CONFORMING)]
    )
    assert text.exit_code == 0
    assert "– EX-gironde-2019 — not judged (Gironde, 2019-03-12)" in text.output
    assert "R. 349-2 was not in force on 2016-03-03 (chosen date): nothing to apply" in text.output
    assert "1 convention(s) not judged" in text.output
    result = runner.invoke(main, ["validate", "--output", "json", str(R311_24_2020)])
    [convention] = json.loads(result.output)["conventions"]
    assert convention["judged_on"] == "2020-06-15"
    assert convention["judged_on_basis"] == "signature"
    assert convention["applied_version"] == str(V2016)
    assert convention["conforms"] is True


def test_cli_as_of_needs_a_valid_day() -> None:
    result = CliRunner().invoke(main, ["validate", "--as-of", "04/03/2016", str(CONFORMING)])
    assert result.exit_code == 2
    assert "--as-of" in result.stderr
