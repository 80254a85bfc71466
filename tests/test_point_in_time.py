"""Point in time: each convention is judged against the text that governed it on its day.

The boundaries are the days the law changed: L. 349-2 from 31 July 2015 (inferred: loi
n° 2015-925), R349-2 from 5 March 2016 (the day after décret n° 2016-253 was published on
4 March: CRPA L. 221-2, L. 221-3), its II 2° citing R. 413-8 instead of R. 311-24 from 1 May
2021 (décret n° 2020-1734, art. 18). The operator's name changed on 1 January 2024 (C. trav.
L. 5312-1): a convention's naming is judged on its own date of conclusion.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import RDF, SH, Graph, Literal, URIRef

from cph_kg import Severity, Validator, Verdict
from cph_kg.cli import main
from cph_kg.namespaces import CPH, L349_2, R349_2
from cph_kg.validation.point_in_time import DayBasis, Version, governing_texts, versions
from cph_kg.validation.report import RuleKind
from tests.helpers import CONFORMING, CONVENTIONS

V2016 = URIRef(f"{R349_2}/version/2016-03-05")
V2021 = URIRef(f"{R349_2}/version/2021-05-01")
L2015 = URIRef(f"{L349_2}/version/2015-07-31")
R311_24_2020 = CONVENTIONS / "conforming" / "language-training-r311-24-2020.ttl"
SHAPES = "https://w3id.org/cph-kg/shapes/r349-2#"
REFERENCES = URIRef(SHAPES + "ReferencesInForce")
NAME_IN_USE = URIRef(SHAPES + "NameInUse")
NOT_JUDGED = URIRef(SHAPES + "Convention-notJudged")
FT_33 = URIRef("https://w3id.org/cph-kg/org/france-travail/33")
GIRONDE = URIRef("https://w3id.org/cph-kg/convention/gironde-2019")


def test_the_versions_of_r349_2(validator: Validator) -> None:
    assert versions(validator.legal_store) == [
        Version(V2016, date(2016, 3, 5), date(2021, 4, 30)),
        Version(V2021, date(2021, 5, 1), None),
    ]


def test_r349_2_governs_before_l349_2_because_it_is_based_on_it(validator: Validator) -> None:
    """R349-2 eli:based_on L. 349-2: where R349-2 is in force it governs, elsewhere L. 349-2."""
    [r349, l349] = governing_texts(validator.legal_store)
    assert [v.iri for v in r349] == [V2016, V2021]
    assert l349 == [Version(L2015, date(2015, 7, 31), None, L349_2, "L. 349-2")]


@pytest.mark.parametrize(
    ("day", "version", "centre"),
    [
        (date(2015, 7, 30), None, Verdict.NOT_JUDGED),  # neither text in force
        (date(2015, 7, 31), L2015, Verdict.DOES_NOT_CONFORM),  # L. 349-2; signed in 2019
        (date(2016, 3, 4), L2015, Verdict.DOES_NOT_CONFORM),  # décret published, not in force
        (date(2016, 3, 5), V2016, Verdict.DOES_NOT_CONFORM),  # R349-2's first day
        (date(2021, 4, 30), V2016, Verdict.CONFORMS),
        (date(2021, 5, 1), V2021, Verdict.CONFORMS),
        (date(2024, 1, 1), V2021, Verdict.CONFORMS),  # France Travail: the 2019 naming holds
    ],
)
def test_the_text_applied_on_each_boundary(
    validator: Validator, day: date, version: URIRef | None, centre: Verdict
) -> None:
    """The 2019 convention judged on each day; its centre judged on the same day."""
    outcome = validator.validate_files([CONFORMING], as_of=day)
    [verdict] = outcome.conventions
    assert verdict.assessment.day == day
    assert verdict.assessment.basis is DayBasis.AS_OF
    applied = verdict.assessment.version
    assert (applied.iri if applied else None) == version
    assert verdict.verdict is (Verdict.CONFORMS if version else Verdict.NOT_JUDGED)
    # not judged: the one information that says so, in any engine's report
    assert [f.shape for f in verdict.findings] == ([] if version else [NOT_JUDGED])
    [judged] = outcome.centres
    assert judged.verdict is centre  # before 12 March 2019, no convention in force


@pytest.mark.parametrize("day", [date(2015, 10, 1), date(2016, 3, 4), date(2016, 3, 5)])
def test_the_shapes_apply_the_text_python_reports(validator: Validator, day: date) -> None:
    """The text the report names is the text whose shapes ran: the day is data, not code."""
    outcome = validator.validate_files(
        [CONVENTIONS / "non-conforming" / "no-centre.ttl"], as_of=day
    )
    [verdict] = outcome.conventions
    [finding] = verdict.findings
    assert str(finding.provision.iri).startswith(str(verdict.assessment.version.article))


@pytest.mark.parametrize(
    ("year", "name", "warned"),
    [
        (2019, "Pôle emploi", False),
        (2019, "France Travail", True),
        (2025, "Pôle emploi", True),
        (2025, "France Travail", False),
    ],
)
def test_the_operator_is_one_body_whose_name_is_dated(
    validator: Validator, year: int, name: str, warned: bool
) -> None:
    """Whatever the name, ft:33 is the party and satisfies R349-2 I.

    A name the body did not bear on the date of conclusion is a data-quality warning, never a
    missing party.
    """
    convention = Graph().parse(CONFORMING)
    naming = convention.value(GIRONDE, CPH.naming)
    convention.set((naming, CPH.nameUsed, Literal(name, lang="fr")))
    convention.set((GIRONDE, CPH.dateOfConclusion, Literal(date(year, 6, 1))))
    outcome = validator.validate_graph(convention)
    found = [(f.shape, f.severity, str(f.value)) for f in outcome.findings]
    assert found == ([(NAME_IN_USE, Severity.WARNING, name)] if warned else [])
    assert outcome.conforms


def test_a_2019_convention_judged_in_2025_is_not_told_to_name_france_travail(
    validator: Validator,
) -> None:
    outcome = validator.validate_files([CONFORMING], as_of=date(2025, 6, 1))
    assert outcome.findings == []
    assert outcome.conventions[0].assessment.version.iri == V2021


def test_a_convention_before_any_text_is_not_judged(validator: Validator) -> None:
    """Not judged: no legal shape applies (the shapes find no text in force on its day)."""
    broken = Graph().parse(CONVENTIONS / "non-conforming" / "no-centre.ttl")
    outcome = validator.validate_graph(broken, as_of=date(2015, 7, 30))
    [verdict] = outcome.conventions
    assert verdict.verdict is Verdict.NOT_JUDGED
    [finding] = verdict.findings  # no legal finding: only the information that it is not judged
    assert (finding.shape, finding.severity, finding.legal) == (NOT_JUDGED, Severity.INFO, False)
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
    if warned:
        [finding] = outcome.findings
        assert finding.details == {
            "fr": "Le 2021-05-01, R. 349-2, II, 2° cite R. 413-8 "
            "(version en vigueur depuis le 2021-05-01).",
            "en": "On 2021-05-01, R. 349-2, II, 2° cites R. 413-8 "
            "(version in force since 2021-05-01).",
        }
        assert "renum" not in finding.message("fr") + finding.message("en")


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
    assert verdict.verdict is Verdict.CANNOT_BE_ASSESSED


def test_the_report_says_the_day_the_version_the_reading_and_the_verdict(
    validator: Validator,
) -> None:
    outcome = validator.validate_files([CONFORMING])
    report = outcome.report_graph
    [node] = report.subjects(RDF.type, SH.ValidationReport)
    [assessment] = (
        a for a in report.objects(node, CPH.assessment) if report.value(a, CPH.assessed) == GIRONDE
    )
    assert report.value(assessment, CPH.evaluatedOn) == Literal(date(2019, 3, 12))
    assert report.value(assessment, CPH.appliedVersion) == V2016
    assert report.value(assessment, CPH.verdict) == CPH.Conforms
    assert str(report.value(node, CPH.readingApplied)).endswith("/organismes-nommes-requis")


def test_cli_as_of_in_text_and_json() -> None:
    runner = CliRunner()
    text = runner.invoke(
        main, ["validate", "--lang", "en", "--as-of", "2015-07-30", str(CONFORMING)]
    )
    assert text.exit_code == 0
    assert "– EX-gironde-2019 — not judged (Gironde, 2019-03-12)" in text.output
    assert (
        "neither R. 349-2 nor L. 349-2 was in force on 2015-07-30 (chosen date): nothing to apply"
        in text.output
    )
    assert ", 1 not judged;" in text.output
    before = runner.invoke(
        main, ["validate", "--lang", "en", "--as-of", "2016-03-04", str(CONFORMING)]
    )
    assert (
        "L. 349-2 on 2016-03-04 (chosen date): version in force since 2015-07-31; "
        "R. 349-2 was not yet in force" in before.output
    )
    result = runner.invoke(main, ["validate", "--output", "json", str(R311_24_2020)])
    [convention] = json.loads(result.output)["conventions"]
    assert convention["judged_on"] == "2020-06-15"
    assert convention["judged_on_basis"] == "signature"
    assert convention["applied_version"] == str(V2016)
    assert convention["applied_text"] == "R. 349-2"
    assert convention["conforms"] is True


def test_cli_as_of_needs_a_valid_day() -> None:
    result = CliRunner().invoke(main, ["validate", "--as-of", "04/03/2016", str(CONFORMING)])
    assert result.exit_code == 2
    assert "--as-of" in result.stderr


def test_a_centre_whose_day_is_missing_cannot_be_assessed(validator: Validator) -> None:
    """A centre's data-quality violation makes it "cannot be assessed", not "does not conform".

    Centre-evaluatedOn (the day is missing) is the one such shape; only another engine's input
    can trigger it, since cph-kg always adds the day.
    """
    expired = CONVENTIONS / "non-conforming" / "expired.ttl"
    outcome = validator.validate_files([expired], as_of=date(2023, 1, 1))
    [centre] = outcome.centres
    [legal] = centre.findings  # no agreement in force on 1 January 2023
    assert centre.verdict is Verdict.DOES_NOT_CONFORM
    centre.findings = [
        dataclasses.replace(
            legal,
            terms=dataclasses.replace(
                legal.terms, shape=ox.NamedNode(SHAPES + "Centre-evaluatedOn")
            ),
            rule_kind=RuleKind.DATA_QUALITY,
        )
    ]
    assert centre.verdict is Verdict.CANNOT_BE_ASSESSED
    centre.findings = []
    assert centre.verdict is Verdict.CONFORMS
