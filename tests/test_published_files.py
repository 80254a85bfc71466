"""The files a researcher reads before using or citing cph-kg agree with the project.

``CITATION.cff`` gives the version and licence of ``pyproject.toml`` (and of the ontology's
``owl:versionInfo``); ``LICENSE`` is the whole EUPL-1.2 the project declares; the package says
it is typed (PEP 561) and the wheel carries the marker.
"""

from __future__ import annotations

import tomllib

import yaml
from rdflib import OWL, Graph, URIRef

from tests.helpers import ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_citation_gives_the_version_and_licence_of_the_project() -> None:
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0"
    assert citation["version"] == PROJECT["version"]
    assert citation["license"] == PROJECT["license"] == "EUPL-1.2"
    assert citation["authors"] and citation["title"] and citation["message"]


def test_the_ontology_has_the_version_of_the_project() -> None:
    ontology = Graph().parse(ROOT / "ontology" / "cph.ttl")
    versions = set(ontology.objects(URIRef("https://w3id.org/cph-kg/ontology"), OWL.versionInfo))
    assert {str(v) for v in versions} == {PROJECT["version"]}


def test_license_is_the_whole_eupl_1_2() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2\n")
    for part in ("1.Definitions", "15.Applicable Law", "Appendix", "‘Compatible Licences’"):
        assert part in text, part
    assert "European Union Public Licence (EUPL) v. 1.1, v. 1.2" in text  # the last clause


def test_the_changelog_has_an_entry_for_this_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"{PROJECT['version']}" in changelog.split("\n## ", 2)[1].splitlines()[0]


def test_the_package_says_it_is_typed() -> None:
    assert (ROOT / "src" / "cph_kg" / "py.typed").is_file()
    wheel = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert wheel["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == ["src/cph_kg"]
